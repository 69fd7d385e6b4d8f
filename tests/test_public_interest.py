"""Unit tests of chapter 7 (public interest) on tiny hand-built datasets, through the text."""

import dataclasses
import json
import re

import pandas as pd
import pytest
from builders import make_dataset

from volreport.chapters import public_interest
from volreport.core import paths
from volreport.data.edition import Edition, PublishedSource
from volreport.publish import commentary

CHART = "Report 2022, §Populace commitment, chart"
COUNTRIES = [
    {"country": "Nepal", "order": 2, "source": "test"},
    {"country": "Georgia", "order": 1, "source": "test"},
]
NO_COUNTRIES = pd.DataFrame(columns=["country", "order", "source"])
PUBLISHED = Edition(published_source=PublishedSource("Report 2022", "The report", "report.txt"))
LOG_COLUMNS = ["date", "sex", "channel", "topic", "region", "country", "related_to_volunteering"]


def charted_rows() -> list[dict]:
    """Inquiries by topic, and the breakdowns shown only as charts (as in 2022)."""
    rows = [
        {"indicator": "inquiries", "category": "volunteering", "value": 250,
         "qualifier": "approx"},
        {"indicator": "inquiries", "category": "other", "value": 60, "qualifier": "at_least"},
        {"indicator": "inquiries_share_by_sex", "category": "female", "value": None,
         "source": CHART},
        {"indicator": "inquiries_share_by_sex", "category": "male", "value": None,
         "source": CHART},
        {"indicator": "inquiries_share_by_channel", "value": None, "source": CHART},
        {"indicator": "inquiries_share_by_topic_detail", "value": None, "source": CHART},
        {"indicator": "inquiries_share_by_region", "region": "KZ-71", "value": None,
         "source": CHART},
    ]  # fmt: skip
    return rows


def published(ds):
    return dataclasses.replace(ds, edition=PUBLISHED)


def with_log(ds, tmp_path, records: list[dict]):
    """`ds` read from a folder that keeps an inquiries log with `records`."""
    (tmp_path / "logs").mkdir()
    pd.DataFrame(records, columns=LOG_COLUMNS).to_csv(
        tmp_path / "logs" / "inquiries.csv", index=False, lineterminator="\n"
    )
    return dataclasses.replace(ds, path=tmp_path)


def log_records() -> list[dict]:
    """Ten inquiries: channels 5 phone, 3 email, 2 in person; topics 6 'how to volunteer',
    4 'awards'; one from Nepal, one from Georgia."""
    records = []
    for index in range(10):
        records.append(
            {
                "date": "2022-03-01",
                "sex": "female" if index % 2 else "male",
                "channel": ["phone"] * 5 + ["email"] * 3 + ["in person"] * 2,
                "topic": "how to volunteer" if index < 6 else "awards",
                "region": "KZ-71",
                "country": "",
                "related_to_volunteering": "true",
            }
        )
        records[-1]["channel"] = records[-1]["channel"][index]
    records[0].update(region="", country="Nepal")
    records[1].update(region="", country="Georgia")
    return records


def complete_rows() -> list[dict]:
    """A complete year: every share by sex and by region given (Ulytau sends none)."""
    rows = [r for r in charted_rows() if r["indicator"] == "inquiries"]
    rows += [
        {"indicator": "inquiries_share_by_sex", "category": "female", "value": 40,
         "qualifier": "approx"},
        {"indicator": "inquiries_share_by_sex", "category": "male", "value": 60},
    ]  # fmt: skip
    regions = ["KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33",
               "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-63",
               "KZ-71", "KZ-75", "KZ-79"]  # fmt: skip
    shares = {"KZ-71": 30, "KZ-75": 20, "KZ-79": 14, "KZ-11": 1}
    rest = (100 - sum(shares.values())) / (len(regions) - len(shares))
    rows += [
        {"indicator": "inquiries_share_by_region", "region": code, "value": shares.get(code, rest)}
        for code in regions
    ]
    return rows


@pytest.fixture(scope="module")
def charted():
    """Like 2022: a published source whose charts carry no values."""
    ds = make_dataset(charted_rows(), tables={"inquiry_countries": COUNTRIES})
    return public_interest.compute(published(ds))


@pytest.fixture
def complete(tmp_path):
    ds = make_dataset(complete_rows(), tables={"inquiry_countries": COUNTRIES}, year=2023)
    return public_interest.compute(with_log(ds, tmp_path, log_records()))


def texts(result) -> str:
    return "\n".join(
        text(result)
        for text in (
            public_interest.headline,
            public_interest.inquiries_text,
            public_interest.breakdowns_text,
            public_interest.regions_text,
            public_interest.countries_text,
        )
    )


def test_inquiries_table_keeps_the_qualifiers(charted):
    table = charted.inquiries
    assert list(table["Inquiries"]) == [250, 60]
    assert list(table["qualifier"]) == ["approx", "at_least"]
    shown = public_interest.inquiries_display(table)
    assert shown.to_dict("list") == {
        "Topic": ["About volunteering", "Not related to volunteering"],
        "Inquiries": ["about 250", "at least 60"],
    }


def test_countries_in_the_order_of_the_data(charted):
    assert list(charted.countries["Country"]) == ["Georgia", "Nepal"]
    assert "Inquiries" not in charted.countries  # no log, no counts


def test_headline_and_inquiries_text(charted):
    headline = public_interest.headline(charted)
    assert headline.startswith("In 2022 the unified information centre on volunteering")
    assert "**about 250 inquiries on volunteering**" in headline
    assert "at least 60 on other matters.\nSome of the inquiries came from abroad, from 2\n" in (
        headline
    )
    assert public_interest.inquiries_text(charted) == (
        "In all, the centre received about 310 inquiries:\n"
        "about 250 on volunteering and\nat least 60 on other matters."
    )


def test_charts_of_a_published_source_are_said_to_be_charts(charted):
    assert public_interest.breakdowns_text(charted) == (
        "The report shows inquiries by the applicant's sex, the channel of contact and the "
        "topic only as\ncharts, without values: these splits are not available."
    )
    assert public_interest.regions_text(charted) == (
        "The report shows inquiries by the applicant's region only as a chart, without "
        "values: the\nshares by region are not available."
    )
    assert public_interest.countries_text(charted) == (
        "Inquiries also came from 2 other\ncountries: Georgia and Nepal."
    )
    assert charted.shares.empty and charted.shares_by_region.empty


def test_without_a_published_source_no_report_wording_and_no_discrepancies():
    ds = make_dataset(charted_rows(), tables={"inquiry_countries": NO_COUNTRIES}, year=2023)
    result = public_interest.compute(ds)
    text = texts(result)
    assert "report" not in text.lower() and "publish" not in text.lower()
    assert "The shares of inquiries by the applicant's sex, the channel of contact and the " in (
        text
    )
    assert "The shares of inquiries by region are not available." in text
    assert "The countries that sent inquiries from abroad are not available." in text
    assert "—" not in text
    assert public_interest.discrepancies(ds, public_interest.compute(ds)) == []
    assert (
        public_interest.discrepancies(published(ds), public_interest.compute(published(ds))) == []
    )


def test_complete_vintage_states_every_split_and_no_gap(complete):
    text = texts(complete)
    assert "not available" not in text and "report" not in text.lower() and "—" not in text
    assert "Of the inquiries that record the applicant's sex,\n60.0% came from men and about " in (
        text
    )
    assert "about 40.0% from women." in text
    assert (
        "By channel of contact, the inquiries that record one divide as follows: phone 50.0%, "
        "email 30.0% and in person 20.0%." in text
    )
    assert "“how to volunteer” 60.0% and “awards” 40.0%." in text
    assert (
        "the most came from\nAstana (30.0%), Almaty city (20.0%) and Shymkent (14.0%), the "
        "fewest from Akmola region (1.0%); the table gives\nall 19 shares." in text
    )
    assert "No inquiries are recorded from Ulytau region." in text
    assert "Of the 10 inquiries in the centre's log, 2 came from abroad, from 2\ncountries:" in text
    assert "Georgia (1) and Nepal (1)." in text


def test_complete_vintage_tables(complete):
    shares = complete.shares
    columns = (shares["Breakdown"], shares["Group"], shares[public_interest.SHARE])
    assert list(zip(*columns, strict=True)) == [
        ("Sex", "Men", 60), ("Sex", "Women", 40),
        ("Channel", "Phone", 50), ("Channel", "Email", 30), ("Channel", "In person", 20),
        ("Topic", "How to volunteer", 60), ("Topic", "Awards", 40),
    ]  # fmt: skip
    shown = public_interest.shares_display(shares)
    assert list(shown[public_interest.SHARE])[:2] == ["60", "about 40"]
    assert "qualifier" not in shown
    regions = complete.shares_by_region
    assert list(regions["Region"])[:3] == ["Astana", "Almaty city", "Shymkent"]
    assert len(regions) == 19
    assert list(complete.countries["Inquiries"]) == [1, 1]


def test_a_changed_input_changes_the_text(tmp_path):
    rows = complete_rows()
    rows[2]["value"], rows[3]["value"] = 45, 55
    ds = make_dataset(rows, tables={"inquiry_countries": COUNTRIES}, year=2023)
    text = public_interest.breakdowns_text(public_interest.compute(ds))
    assert "55.0% came from men and about 45.0% from women." in text
    records = log_records()
    records[9]["channel"] = "phone"
    ds = with_log(ds, tmp_path, records)
    assert "phone 60.0%, email 30.0% and in person 10.0%" in public_interest.breakdowns_text(
        public_interest.compute(ds)
    )


def test_missing_regions_are_named_exactly():
    rows = complete_rows()
    for row in rows:
        if row.get("region") in ("KZ-10", "KZ-62"):
            row["value"] = None
    rows.append({"indicator": "inquiries_share_by_region", "region": "KZ-62", "value": None})
    ds = make_dataset(rows, tables={"inquiry_countries": COUNTRIES}, year=2023)
    text = public_interest.regions_text(public_interest.compute(ds))
    assert (
        "The share of inquiries is not available for 2 of the 20 regions (Abai region and "
        "Ulytau region)." in text
    )
    assert "No inquiries are recorded" not in text


def test_a_missing_sex_split_beside_a_log_is_named(tmp_path):
    rows = complete_rows()
    rows[2]["value"] = rows[3]["value"] = None
    ds = make_dataset(rows, tables={"inquiry_countries": COUNTRIES}, year=2023)
    text = public_interest.breakdowns_text(
        public_interest.compute(with_log(ds, tmp_path, log_records()))
    )
    assert "The shares of inquiries by the applicant's sex are not available." in text
    assert "channel of contact are" not in text


def test_empty_log_cells_are_counted(tmp_path):
    records = log_records()
    records[9]["channel"] = ""
    records[8].update(region="", country="")
    ds = make_dataset(complete_rows(), tables={"inquiry_countries": COUNTRIES}, year=2023)
    result = public_interest.compute(with_log(ds, tmp_path, records))
    text = public_interest.breakdowns_text(result)
    assert "phone 55.6%, email 33.3% and in person 11.1%" in text
    assert (
        "The centre's log of inquiries leaves the channel of contact empty for 1 of its\n10 "
        "inquiries; these shares are of the others." in text
    )
    assert "neither a region nor a country for 1 of its" in public_interest.regions_text(result)


def test_no_foreign_inquiries_in_a_log_is_said_plainly(tmp_path):
    records = [r for r in log_records() if not r["country"]]
    ds = make_dataset(complete_rows(), tables={"inquiry_countries": NO_COUNTRIES}, year=2023)
    result = public_interest.compute(with_log(ds, tmp_path, records))
    assert (
        public_interest.countries_text(result)
        == "The centre's log records no inquiries from abroad."
    )
    assert "abroad" not in public_interest.headline(result)


def test_a_missing_count_is_not_available():
    rows = charted_rows()
    rows[1]["value"] = None
    ds = make_dataset(rows, tables={"inquiry_countries": COUNTRIES}, year=2023)
    result = public_interest.compute(ds)
    assert "the number of inquiries on other matters is not available" in (
        public_interest.headline(result)
    )
    assert "—" not in texts(result)


def test_variables_and_indicators():
    ds = make_dataset(charted_rows(), tables={"inquiry_countries": COUNTRIES})
    assert public_interest.variables(ds, public_interest.compute(ds)) == {
        "public_interest_foreign_countries": "2"
    }
    found = {i.id: i for i in public_interest.indicators(ds, public_interest.compute(ds))}
    assert found["inquiries_volunteering"].value == 250
    assert found["inquiries_volunteering"].qualifier == "approx"
    assert found["inquiries_other"].qualifier == "at_least"
    assert not any("(" in i.label for i in found.values())


COMMENTARY = [
    paths.REPORT_DIR / edition / "commentary" / "06_public_interest.md"
    for edition in ("2022", "template")
]


@pytest.mark.parametrize("path", COMMENTARY, ids=lambda p: p.parent.parent.name)
def test_commentary_types_no_digits_and_fits_the_chapter(path):
    text = re.sub(r"\{\{<\s*var\s+[\w-]+\s*>\}\}", "", path.read_text(encoding="utf-8"))
    assert not re.findall(r"\S*\d\S*", text)
    notebook = json.loads((paths.NOTEBOOKS_DIR / "06_public_interest.ipynb").read_text())
    sections = set(commentary.section_starts(notebook["cells"]))
    parts = commentary.read_parts(path)
    assert {p.section for p in parts if p.section} <= sections
    commentary.place(notebook, parts, path)  # every part has a place


def test_the_template_commentary_adds_nothing():
    assert commentary.read_parts(COMMENTARY[1]) == []
    headings = re.findall(r"\{#(sec-[\w-]+)\}", COMMENTARY[1].read_text(encoding="utf-8"))
    notebook = json.loads((paths.NOTEBOOKS_DIR / "06_public_interest.ipynb").read_text())
    sections = set(commentary.section_starts(notebook["cells"])) - {"sec-public-interest"}
    assert set(headings) == sections


def test_the_foreign_inquiries_commentary_is_under_the_abroad_section():
    parts = {p.section: " ".join(p.text.split()) for p in commentary.read_parts(COMMENTARY[0])}
    assert "«Volunteer of the Year»" in parts["sec-public-interest-abroad"]
    assert "{{< var public_interest_foreign_countries >}}" in parts["sec-public-interest-abroad"]


def test_tables_in_russian():
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking("ru"):
        result = public_interest.compute(dataset.load_year(2022))
        shown = public_interest.inquiries_display(result.inquiries)
    assert list(shown.columns) == ["Topic", "Inquiries"]  # translated by display.show_table
    assert list(shown["Topic"]) == ["По вопросам волонтерства", "Не связанные с волонтерством"]
    assert list(shown["Inquiries"]) == ["около 2\u00a0500", "не менее 600"]
    assert "Узбекистан" in list(result.countries["Country"])
    assert public_interest.share("female", 54).group == "Women"  # English by default
