"""Editorial pages: generated tables and appendix on tiny datasets, and the pages themselves."""

from __future__ import annotations

import dataclasses
import html
import re
from functools import cache

import pandas as pd
import pypandoc
import pytest
from builders import make_dataset

from volreport import chapters, dataset, editorial, indicators, paths, publish
from volreport.indicators import Discrepancy, Indicator

YEAR = 2022
PAGES_DIR = paths.REPORT_DIR / str(YEAR)
SHORTCODE = re.compile(r"\{\{<\s*([\w-]+)\s+(.*?)\s*>\}\}")
# Digits a page may contain outside shortcodes; empty on purpose: every number comes from data.
ALLOWED_DIGITS: set[str] = set()
HOSTILE = [
    "<script>alert('x')</script>",
    "a | b || c",
    "=cmd|' /C calc'!A0",
    "+1 and -2 and @sum(A1)",
    "2. not a list",
    "# not a heading",
    "**not bold** _not emphasis_ [not a link](http://example.org) `not code`",
    "{{< include /etc/passwd >}} {{< var year >}}",
    "back\\slash & ampersand ~sub~ ^sup^ $math$ [@cite]",
    "line one\nline two",
]

RESOLUTIONS = [
    {"number": 2, "forum": "CAVF", "resolution": "Train volunteers.", "response": "Standard.",
     "source": "test"},
    {"number": 1, "forum": "CAVF", "resolution": "Support volunteers.", "response": "Standard.",
     "source": "test"},
    {"number": 3, "forum": "", "resolution": "Publish reports.", "response": "A study.",
     "source": "test"},
    {"number": 4, "forum": "CACSF", "resolution": "Climate initiatives.", "response": None,
     "source": "test"},
]  # fmt: skip
RECOMMENDATIONS = [
    {"section": "outlook", "number": 2, "text": "second priority", "source": "test"},
    {"section": "outlook", "number": 1, "text": "first priority", "source": "test"},
    {"section": "regions", "number": 1, "text": "A council in each region.", "source": "test"},
    {"section": "open questions", "number": 1, "text": "Funding.", "source": "test"},
]
OBSERVATIONS = [
    {"indicator": "data_coverage_pct", "category": "low", "value": 40, "qualifier": "at_most"},
    {"indicator": "data_coverage_pct", "category": "high", "value": 60, "qualifier": "at_most"},
    {"indicator": "volunteers_estimate", "value": 174000, "qualifier": "at_least"},
    {"indicator": "volunteers_systematic", "value": None},
    {"indicator": "economic_value_kzt", "value": 2.6e9, "qualifier": "at_least"},
    {"indicator": "inquiries", "category": "volunteering", "value": 2500, "qualifier": "approx"},
    {"indicator": "inquiries", "category": "other", "value": 600, "qualifier": "at_least"},
    {"indicator": "volunteers", "region": "KZ-75", "value": None,
     "note": "chart only, values not in the text", "source": "Report, §Portrait, chart"},
    {"indicator": "volunteers", "region": "KZ-71", "value": None,
     "note": "chart only, values not in the text", "source": "Report, §Portrait, chart"},
    {"indicator": "npo", "region": "KZ-75", "value": 26, "status": "derived",
     "note": "660 less the implied 634"},
]  # fmt: skip
HEADLINE = [
    Indicator("volunteers_total", "Volunteers recorded", 139671.0, "persons", "reported", "R"),
    Indicator("npo_total", "Volunteer NPOs", None, "organizations", "missing", "R"),
    Indicator("grant_hours_total", "Grant hours", 45182.0, "hours", "reported", "R", "at_least"),
    Indicator("economic_value_kzt", "Value", 2.555e9, "KZT", "derived", "R", "approx"),
]
FOUND = [
    Discrepancy("economics", "Economic value <b>", "2.6 billion", "2.56 billion", "A | wage."),
]


def tiny(tables: dict | None = None, observations: list[dict] | None = None, params=None):
    """A small vintage; record tables default to the resolutions and recommendations above."""
    default = {"resolutions": RESOLUTIONS, "recommendations": RECOMMENDATIONS}
    return make_dataset(
        OBSERVATIONS if observations is None else observations,
        tables=default if tables is None else tables,
        params=params,
    )


def to_html(markdown: str) -> str:
    """Markdown as pandoc reads it (without typographic quotes), rendered to HTML."""
    return pypandoc.convert_text(
        markdown, "html", format="markdown-smart", extra_args=["--wrap=none"]
    )


def table_cells(rendered: str) -> list[list[str]]:
    """Body rows of the first HTML table, cell text unescaped."""
    body = rendered.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [
        [html.unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


# --- escaping and tables ------------------------------------------------------------------


def test_hostile_text_reaches_the_reader_literally_in_a_real_table():
    shown = pd.DataFrame({"Text": HOSTILE, "Number": [str(n) for n in range(len(HOSTILE))]})
    table = editorial.Table("tbl-hostile", "Hostile <i>cells</i>", shown, shown)
    markdown = editorial.pipe_table(table)
    rendered = to_html(markdown)
    expected = [[" ".join(text.split()), str(n)] for n, text in enumerate(HOSTILE)]
    assert table_cells(rendered) == expected
    table_html, after = rendered.split("</table>")
    for markup in ("<script", "<strong>", "<em>", "<a ", "<code>", "<h1", "<ol"):
        assert markup not in table_html, markup
    assert "<caption>Hostile &lt;i&gt;cells&lt;/i&gt;</caption>" in rendered
    assert 'id="tbl-hostile"' in rendered
    assert 'href="data/tbl-hostile.csv"' in after


def test_escaped_text_hides_shortcodes_from_the_publisher():
    for text in HOSTILE:
        assert not publish.SHORTCODE.search(editorial.escape_markdown(text)), text


def test_escaped_paragraph_renders_as_one_plain_paragraph():
    for text in HOSTILE:
        rendered = to_html(editorial.escape_markdown(text)).strip()
        assert rendered == f"<p>{html.escape(' '.join(text.split()), quote=False)}</p>", text


def test_escape_leaves_plain_text_and_decimals_alone():
    assert editorial.escape_markdown("Astana, 19.7% «Birgemiz»") == "Astana, 19.7% «Birgemiz»"
    assert editorial.escape_markdown(None) == "" and editorial.escape_markdown(pd.NA) == ""


def test_pipe_table_rejects_widths_that_do_not_fit_the_columns():
    shown = pd.DataFrame({"a": ["x"], "b": ["y"]})
    with pytest.raises(ValueError, match="tbl-x: widths"):
        editorial.pipe_table(editorial.Table("tbl-x", "X", shown, shown, widths=(1,)))


def test_csv_download_defuses_formulas():
    text = editorial.csv_text(pd.DataFrame({"text": ["=cmd", "plain"]}))
    assert text.splitlines() == ["text", "'=cmd", "plain"]


# --- generated pages ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages():
    return editorial.generated_pages(tiny(), HEADLINE, FOUND)


def test_generated_pages_give_the_appendix_every_included_table_and_its_csv(pages):
    required = {
        "methodology.md",
        "tables/key_figures.md",
        "tables/resolutions.md",
        "tables/further_resolutions.md",
        "tables/recommendations.md",
        "tables/recommendations_regions.md",
        "tables/recommendations_open_questions.md",
    }
    assert required <= set(pages)
    linked = {
        link
        for text in pages.values()
        for link in re.findall(r"\]\((data/tbl-[\w-]+\.csv)\)", text)
    }
    assert linked and linked <= set(pages)
    assert "data/tbl-recommendations-open-questions.csv" in linked


def test_resolutions_sharing_a_response_share_a_row_and_unanswered_ones_are_listed_apart(pages):
    rows = table_cells(to_html(pages["tables/resolutions.md"]))
    assert rows == [
        ["1, 2", "1. Support volunteers. (CAVF) 2. Train volunteers. (CAVF)", "Standard."],
        ["3", "Publish reports.", "A study."],
    ]
    further = table_cells(to_html(pages["tables/further_resolutions.md"]))
    assert further == [["Climate initiatives.", "CACSF"]]


def test_recommendations_in_published_order_with_a_capital(pages):
    rows = table_cells(to_html(pages["tables/recommendations.md"]))
    assert rows == [["1", "First priority"], ["2", "Second priority"]]
    assert "2023" in pages["tables/recommendations.md"]  # caption: the outlook's year


def test_key_figures_show_value_with_qualifier_status_source_and_gaps(pages):
    rows = table_cells(to_html(pages["tables/key_figures.md"]))
    assert rows == [
        ["Volunteers recorded", "139,671", "reported", "R"],
        ["Volunteer NPOs", "not published", "missing", "R"],
        ["Grant hours", "at least 45,182", "reported", "R"],
        ["Value", "about 2.56 billion KZT", "derived", "R"],
    ]
    csv = pages["data/tbl-key-figures.csv"].splitlines()
    assert csv[0] == "id,label,value,qualifier,unit,status,source"
    assert csv[2] == "npo_total,Volunteer NPOs,,exact,organizations,missing,R"
    assert csv[3] == "grant_hours_total,Grant hours,45182.0,at_least,hours,reported,R"


def test_hostile_record_text_is_escaped_in_the_included_table():
    hostile = [
        {"number": 1, "forum": "X", "resolution": HOSTILE[0], "response": HOSTILE[1],
         "source": "t"},
    ]  # fmt: skip
    page = editorial.generated_pages(tiny({"resolutions": hostile}), [], [])
    text = page["tables/resolutions.md"]
    assert "<script>" not in text and r"\<script\>" in text
    assert table_cells(to_html(text)) == [["1", f"{HOSTILE[0]} (X)", HOSTILE[1]]]


def test_absent_record_tables_are_said_plainly():
    page = editorial.generated_pages(tiny({}), [], [])
    assert page["tables/resolutions.md"] == "The data of this edition hold no forum resolutions.\n"
    assert page["tables/recommendations.md"].startswith("The data of this edition hold no")


# --- the methodology appendix -------------------------------------------------------------


def test_methodology_lists_discrepancies_gaps_and_missing_headline_figures(pages):
    text = pages["methodology.md"]
    assert text.startswith("# Methodology and data")
    assert r"Economic value \<b\>" in text and r"A \| wage." in text
    assert "Among the headline figures, these are not published: Volunteer NPOs." in text
    gaps = table_cells(to_html(text.split("## Data gaps")[1]))
    assert [
        "Volunteers",
        "Astana and Almaty city",
        "2",
        "chart only, values not in the text",
    ] in gaps
    assert [
        "Volunteers available systematically",
        "Kazakhstan",
        "1",
        "no reason given in the data",
    ] in gaps


def test_methodology_without_discrepancies_says_so():
    text = editorial.generated_pages(tiny(), HEADLINE[:1], [])["methodology.md"]
    assert "The recomputation found no discrepancies" in text
    assert "Every headline figure is available." in text


def test_synthetic_vintage_is_labelled_at_the_top_and_a_real_one_is_not():
    synthetic = tiny()
    assert synthetic.synthetic
    top = editorial.generated_pages(synthetic, [], [])["methodology.md"].split("##")[0]
    assert "**Synthetic data.**" in top
    real = dataclasses.replace(synthetic, descriptor={"year": YEAR, "synthetic": False})
    assert "Synthetic" not in editorial.generated_pages(real, [], [])["methodology.md"]


def test_statuses_are_counted_per_file():
    grants = [
        {"id": "a", "project": "A", "status": "reported", "source": "s"},
        {"id": "b", "project": "B", "status": "derived", "source": "s"},
    ]
    table = editorial.statuses_table(tiny({"grant_projects": grants})).data
    assert table.to_dict("records") == [
        {"file": "observations.csv", "reported": 6, "derived": 1, "missing": 3, "total": 10},
        {"file": "grant_projects.csv", "reported": 1, "derived": 1, "missing": 0, "total": 2},
    ]


def test_sources_are_counted_over_all_files():
    data = editorial.sources_table(tiny()).data.set_index("source")
    assert data.loc["test", "values"] == 8 + len(RESOLUTIONS) + len(RECOMMENDATIONS)
    assert data.loc["test", "tables"] == "observations.csv, resolutions.csv, recommendations.csv"
    assert data.loc["Report, §Portrait, chart", "values"] == 2


def test_derived_values_keep_their_method_note():
    data = editorial.derived_table(tiny()).data
    assert data[["indicator", "regions", "values", "note"]].to_dict("records") == [
        {"indicator": "npo", "regions": "KZ-75", "values": 1, "note": "660 less the implied 634"}
    ]


def test_parameters_show_value_formula_and_source():
    params = {
        "hours_per_day": {"value": 8, "unit": "hours", "status": "reported", "source": "Code"},
        "monthly_norm": {"value": 163.3, "status": "derived", "formula": "a * b / 12",
                         "source": "derived"},
        "default_wage": {"table": "wages", "region": "KZ", "source": "BNS"},
    }  # fmt: skip
    shown = editorial.parameters_table(params).shown
    assert list(shown["Value"]) == ["8", "163.3", "wages.csv, region KZ"]
    assert shown["Source and method"].iloc[1] == "derived. Formula: a * b / 12."


def test_derivation_methods_come_from_derive_docstrings():
    methods = dict(editorial.derivation_methods())
    summary = "NPOs and initiative groups per region, and Almaty city's NPOs."
    assert summary in methods and "Almaty city holds the rest" in methods[summary]
    assert editorial.derivation_methods("volreport.no_such_module") == []


def test_where_names_one_or_two_regions_and_counts_more():
    names = {"KZ-71": "Astana"}
    assert editorial.where_text(["KZ-71"], True, names) == "Kazakhstan and Astana"
    assert editorial.where_text(["KZ-71", "KZ-99"], False, names) == "Astana and KZ-99"
    assert editorial.where_text(["a", "b", "c"], False, names) == "3 regions"


# --- page variables -----------------------------------------------------------------------


def test_page_variables_are_computed_from_the_data_with_their_wording():
    values = editorial.page_variables(tiny({"resolutions": RESOLUTIONS}))
    assert values["coverage_low"] == "40" and values["coverage_high"] == "60"
    assert values["volunteers_estimate"] == "at least 174,000"
    assert values["volunteers_systematic"] == "not published"
    assert values["economic_value_published"] == "at least 2.6 billion KZT"
    assert values["inquiries_volunteering_published"] == "about 2,500"
    assert values["resolutions_count"] == "3" and values["further_resolutions_count"] == "1"
    assert values["inquiry_countries_count"] == "—"  # the table is absent: a visible gap


def test_billions_keep_only_the_decimals_the_value_has():
    assert editorial.billions(2.6e9) == "2.6 billion KZT"
    assert editorial.billions(2.555e9) == "2.555 billion KZT"
    assert editorial.billions(3e9) == "3 billion KZT"
    assert editorial.billions(None) == "not published"


# --- the editorial pages of the real edition ----------------------------------------------


def page_texts() -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(PAGES_DIR.glob("*.md"))}
    assert texts, f"no pages in {PAGES_DIR}"
    return texts


def test_pages_type_no_numbers_outside_shortcodes():
    offending = []
    for name, text in page_texts().items():
        for number, line in enumerate(SHORTCODE.sub("", text).splitlines(), start=1):
            digits = set(re.findall(r"\S*\d\S*", line)) - ALLOWED_DIGITS
            if digits:
                offending.append(f"{name}:{number}: {sorted(digits)}")
    assert not offending, "numbers typed in pages (use {{< var >}}):\n" + "\n".join(offending)


def test_digit_scan_catches_a_typed_number():
    assert re.findall(r"\S*\d\S*", SHORTCODE.sub("", "{{< var year >}} had 40% coverage")) == [
        "40%"
    ]


@cache
def real_edition() -> tuple[dict[str, str], dict[str, str]]:
    """Variables and generated pages of the real edition, as the build computes them."""
    ds = dataset.load_year(YEAR)
    headline = chapters.headline_indicators(ds)
    variables = indicators.variables(headline, YEAR) | editorial.page_variables(ds)
    return variables, editorial.generated_pages(ds, headline, chapters.discrepancies(ds))


def test_every_variable_a_page_uses_is_defined():
    variables, _ = real_edition()
    used = {
        (name, argument)
        for name, text in page_texts().items()
        for kind, argument in SHORTCODE.findall(text)
        if kind == "var"
    }
    assert used
    unknown = sorted(f"{page}: {argument}" for page, argument in used if argument not in variables)
    assert not unknown


def test_every_include_a_page_uses_is_generated():
    _, generated = real_edition()
    includes = {
        argument
        for text in page_texts().values()
        for kind, argument in SHORTCODE.findall(text)
        if kind == "include"
    }
    assert includes and not includes - set(generated)


def test_only_shortcodes_the_publisher_supports():
    kinds = {kind for text in page_texts().values() for kind, _ in SHORTCODE.findall(text)}
    assert kinds <= {"var", "include"}


def test_empty_appendix_sections_are_said_plainly_not_shown_as_empty_tables():
    bare = tiny({}, observations=[{"indicator": "volunteers", "value": 1}])
    text = editorial.generated_pages(bare, [], [])["methodology.md"]
    assert "No value of this edition is derived." in text
    assert "No value of this edition is missing." in text
    assert "This edition gives no parameters for the economic method." in text
    assert "{#tbl-data-gaps}" not in text and "{#tbl-sources}" in text
