"""Unit tests of chapter 6 (public interest) on tiny hand-built datasets."""

import pandas as pd
import pytest
from builders import make_dataset

from volreport import public_interest

CHART = "Report, §Populace commitment, chart"
COUNTRIES = [
    {"country": "Nepal", "order": 2, "source": "test"},
    {"country": "Georgia", "order": 1, "source": "test"},
]


def interest_rows(sex_share=None) -> list[dict]:
    """Inquiries by topic and the four breakdowns (the sex one optionally published)."""
    rows = [
        {"indicator": "inquiries", "category": "volunteering", "value": 250,
         "qualifier": "approx"},
        {"indicator": "inquiries", "category": "other", "value": 60, "qualifier": "at_least"},
        {"indicator": "inquiries_share_by_sex", "category": "female", "value": sex_share,
         "source": CHART},
        {"indicator": "inquiries_share_by_channel", "value": None, "source": CHART},
        {"indicator": "inquiries_share_by_region", "region": "KZ-71", "value": None,
         "source": CHART},
        {"indicator": "inquiries_share_by_topic_detail", "value": None},
    ]  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def result():
    return public_interest.compute(
        make_dataset(interest_rows(), tables={"inquiry_countries": COUNTRIES})
    )


def test_inquiries_table_keeps_the_reports_wording(result):
    table = result.inquiries
    assert list(table["Inquiries"]) == [250, 60]
    assert list(table["As published"]) == ["about 250", "at least 60"]
    shown = public_interest.inquiries_display(table)
    assert shown.to_dict("list") == {
        "Topic": ["About volunteering", "Not related to volunteering"],
        "Inquiries": ["about 250", "at least 60"],
    }


def test_countries_in_the_reports_order(result):
    assert list(result.countries["Country"]) == ["Georgia", "Nepal"]


def test_unpublished_breakdowns_are_those_without_any_value(result):
    assert len(result.unpublished_breakdowns) == 4
    published_sex = public_interest.compute(
        make_dataset(interest_rows(sex_share=55), tables={"inquiry_countries": COUNTRIES})
    )
    assert "the applicant's sex" not in published_sex.unpublished_breakdowns
    assert len(published_sex.unpublished_breakdowns) == 3


def test_headline_and_texts(result):
    headline = public_interest.headline(result)
    assert "**about 250 inquiries about volunteering**" in headline
    assert "at least 60 on other matters" in headline and "2 foreign countries" in headline
    text = public_interest.inquiries_text(result)
    assert (
        "The report shows inquiries by the applicant's sex, the channel of contact and the "
        "applicant's region only as charts without values; gives no figures by the detailed "
        "topic; this edition therefore cannot give these breakdowns." in text
    )
    assert "2 other countries: Georgia and Nepal." in public_interest.countries_text(result)


def test_no_foreign_countries_is_said_plainly():
    empty = public_interest.compute(
        make_dataset(
            interest_rows(),
            tables={"inquiry_countries": pd.DataFrame(columns=["country", "order", "source"])},
        )
    )
    assert public_interest.countries_text(empty).startswith("The report names no foreign")


def test_indicators_carry_the_qualifier_not_in_the_label():
    ds = make_dataset(interest_rows(), tables={"inquiry_countries": COUNTRIES})
    found = {i.id: i for i in public_interest.indicators(ds)}
    assert found["inquiries_volunteering"].value == 250
    assert found["inquiries_volunteering"].qualifier == "approx"
    assert found["inquiries_other"].qualifier == "at_least"
    assert not any("(" in i.label for i in found.values())
    assert public_interest.discrepancies(ds) == []


def complete_rows() -> list[dict]:
    """A complete year's shares: by sex (one about), by region; none by channel or topic."""
    rows = [r for r in interest_rows() if r["indicator"] == "inquiries"]
    rows += [
        {"indicator": "inquiries_share_by_sex", "category": "female", "value": 40,
         "qualifier": "approx"},
        {"indicator": "inquiries_share_by_sex", "category": "male", "value": 60},
        {"indicator": "inquiries_share_by_channel", "value": None},
        {"indicator": "inquiries_share_by_topic_detail", "value": None},
    ]  # fmt: skip
    shares = {"KZ-71": 50, "KZ-75": 30, "KZ-79": 15, "KZ-11": 5}
    rows += [
        {"indicator": "inquiries_share_by_region", "region": code, "value": value}
        for code, value in shares.items()
    ]
    return rows


def test_shares_tables_are_empty_when_the_data_give_no_shares(result):
    assert result.shares.empty and result.shares_by_region.empty
    assert "By sex" not in public_interest.inquiries_text(result)


def test_shares_tables_and_text_when_the_data_give_them():
    complete = public_interest.compute(
        make_dataset(complete_rows(), tables={"inquiry_countries": COUNTRIES})
    )
    shares = complete.shares
    assert list(zip(shares["Group"], shares["Share of inquiries, %"], strict=True)) == [
        ("Men", 60), ("Women", 40),
    ]  # fmt: skip
    shown = public_interest.shares_display(shares)
    assert list(shown["Share of inquiries, %"]) == ["60", "about 40"]
    assert "qualifier" not in shown
    regions = complete.shares_by_region
    assert list(regions["Region"]) == ["Astana", "Almaty city", "Shymkent", "Akmola region"]
    assert public_interest.shares_display(regions).dtypes.iloc[1] == "float64"
    text = public_interest.inquiries_text(complete)
    assert "By sex: Men 60.0% and Women about 40.0%." in text
    assert (
        "the most came from Astana (50.0%), Almaty city (30.0%) and Shymkent (15.0%), the "
        "fewest from Akmola region (5.0%); the table gives all 4 regions." in text
    )
    assert text.endswith(
        "gives no figures by the channel of contact and the detailed topic; this edition "
        "therefore cannot give these breakdowns."
    )
    assert "the applicant's sex" not in complete.unpublished_breakdowns
