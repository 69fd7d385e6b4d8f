"""Back-test of chapter 6 against the figures published in the 2022 report (data/2022).

The only place where published figures are typed: each test locks one of them.
"""

import pytest

from volreport.chapters import public_interest


@pytest.fixture(scope="module")
def result(ds2022):
    return public_interest.compute(ds2022)


def test_about_2500_inquiries_on_volunteering(result):
    assert result.volunteering.text() == "about 2,500"


def test_at_least_600_other_inquiries(result):
    assert result.other.text() == "at least 600"


def test_foreign_countries_in_the_reports_order(result):
    assert list(result.countries["Country"]) == [
        "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Ukraine", "Germany", "Georgia", "Nepal",
        "Russia", "Japan",
    ]  # fmt: skip


def test_breakdowns_published_only_as_charts(result):
    assert [(b.key, b.charted, b.shares) for b in result.breakdowns] == [
        ("sex", True, []), ("channel", True, []), ("topic", True, []),
    ]  # fmt: skip
    assert result.regions.charted and result.shares_by_region.empty
    assert "only as\ncharts, without values: these splits are not available." in (
        public_interest.breakdowns_text(result)
    )
    assert "region only as a chart, without values" in public_interest.regions_text(result)


def test_what_the_chapter_says_of_2022(result):
    assert public_interest.headline(result) == (
        "In 2022 the unified information centre on volunteering received\n"
        "**about 2,500 inquiries on volunteering**\nand at least 600 on other matters.\n"
        "Some of the inquiries came from abroad, from 9\ncountries."
    )
    assert "In all, the centre received about 3,100 inquiries:" in (
        public_interest.inquiries_text(result)
    )
    assert public_interest.countries_text(result).endswith("Nepal, Russia and Japan.")


def test_no_discrepancies_and_the_variables(ds2022):
    assert public_interest.discrepancies(ds2022, public_interest.compute(ds2022)) == []
    assert public_interest.variables(ds2022, public_interest.compute(ds2022)) == {
        "public_interest_foreign_countries": "9"
    }


def test_indicators_carry_the_published_qualifiers(ds2022):
    found = {i.id: i for i in public_interest.indicators(ds2022, public_interest.compute(ds2022))}
    assert (found["inquiries_volunteering"].value, found["inquiries_volunteering"].qualifier) == (
        2_500,
        "approx",
    )
    assert (found["inquiries_other"].value, found["inquiries_other"].qualifier) == (600, "at_least")
    assert not any("(" in i.label for i in found.values())
