"""Editorial pages: generated tables and appendix on tiny datasets, and the pages themselves."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pypandoc
import pytest
from builders import make_dataset

from volreport.build import runner
from volreport.chapters import collect
from volreport.core import paths, prose
from volreport.data import dataset, indicators
from volreport.data.edition import Edition, PublishedSource
from volreport.data.indicators import Discrepancy, Indicator
from volreport.data.published import reporting_regions
from volreport.publish import builtin, commentary, editorial, landing

YEAR = 2022
PAGES_DIR = paths.REPORT_DIR / str(YEAR)
TEMPLATE_DIR = paths.REPORT_DIR / "template"
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


REPORT = PublishedSource("Report 2022", "The <i>report</i>", "sources/report.txt")


def transcribed(ds, notes: dict | None = None, source: PublishedSource | None = REPORT):
    """`ds` with edition facts: a published source (by default) and method notes."""
    return dataclasses.replace(ds, edition=Edition(source, notes or {}))


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
        assert not builtin.SHORTCODE.search(editorial.escape_markdown(text)), text


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
    # The headline figures cite "R": a source of the data, as every figure's is.
    cited = {"indicator": "volunteers", "region": "KZ-11", "value": 5, "source": "R"}
    return editorial.generated_pages(
        transcribed(tiny(observations=[*OBSERVATIONS, cited])), HEADLINE, FOUND
    )


def test_generated_pages_give_the_appendix_every_included_table_and_its_csv(pages):
    required = {
        "methodology.md",
        "indicators.md",
        "data.md",
        "tables/key_figures.md",
        "tables/edition.md",
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


def numbered_lists(rendered: str) -> list[tuple[int, list[str]]]:
    """Each ordered list of the HTML: its first number and its items' text."""
    found = []
    for start, items in re.findall(r"<ol(?: start=\"(\d+)\")?[^>]*>(.*?)</ol>", rendered, re.S):
        texts = re.findall(r"<li>(.*?)</li>", items, re.S)
        plain = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split()) for t in texts]
        found.append((int(start or 1), plain))
    return found


def test_resolutions_are_numbered_blocks_each_with_the_response_they_share(pages):
    rendered = to_html(pages["tables/resolutions.md"])
    assert "<table" not in rendered  # long texts are never table cells
    blocks = re.findall(r'<div class="resolution">(.*?)</div>', rendered, re.S)
    assert [numbered_lists(block) for block in blocks] == [
        [(1, ["Support volunteers. (CAVF)", "Train volunteers. (CAVF)"])],
        [(3, ["Publish reports."])],  # numbered as published; no forum known, none said
    ]
    assert [re.sub(r"<[^>]+>", "", block.split("</ol>")[1]).strip() for block in blocks] == [
        "The network's recommendations or work done. Standard.",
        "The network's recommendations or work done. A study.",
    ]
    further = to_html(pages["tables/further_resolutions.md"])
    assert "<table" not in further
    assert numbered_lists(further) == [(4, ["Climate initiatives. (CACSF)"])]
    assert "data/tbl-resolutions.csv" in pages["tables/resolutions.md"]


def test_recommendations_are_a_numbered_list_in_published_order_with_a_capital(pages):
    rendered = to_html(pages["tables/recommendations.md"])
    assert "<table" not in rendered
    assert numbered_lists(rendered) == [(1, ["First priority", "Second priority"])]
    table = editorial.recommendations_table(pd.DataFrame(RECOMMENDATIONS), "outlook", 2022)
    assert table.caption.endswith("2023")  # what the data page calls the list


def test_key_figures_appendix_shows_value_with_qualifier_status_and_numbered_sources(pages):
    text = pages["indicators.md"]
    assert text.startswith("# Key figures and sources\n")
    assert table_cells(to_html(text)) == [
        ["Volunteers recorded", "139,671", "reported", "1"],
        ["Volunteer NPOs", "not available", "missing", "1"],
        ["Grant hours", "at least 45,182", "reported", "1"],
        ["Value", "about 2.56 billion KZT", "derived", "1"],
    ]
    assert re.findall(r"^\d+\. (.*)$", text, re.M) == ["R"]
    csv = pages["data/tbl-key-figures.csv"].splitlines()
    assert csv[0] == "id,label,value,qualifier,unit,status,source"
    assert csv[2] == "npo_total,Volunteer NPOs,,exact,organizations,missing,R"
    assert csv[3] == "grant_hours_total,Grant hours,45182,at_least,hours,reported,R"


def test_each_source_of_the_key_figures_is_listed_once_and_rows_cite_its_number():
    headline = [
        Indicator("a_total", "A", 1.0, "persons", "reported", "Report, §A; Statistics"),
        Indicator("b_total", "B", 2.0, "persons", "reported", "Statistics"),
        Indicator("c_total", "C", 3.0, "persons", "derived", "Report, §A; Report, §A; Method"),
    ]
    text = editorial.indicators_page(headline)
    assert re.findall(r"^\d+\. (.*)$", text, re.M) == ["Report, §A", "Statistics", "Method"]
    assert [row[3] for row in table_cells(to_html(text))] == ["1, 2", "2", "1, 3"]
    assert text.count("Statistics") == 1


def test_key_figures_use_one_precision_for_every_kind_of_figure():
    def shown(value, unit, ident="x_total", qualifier="exact"):
        status = "missing" if value is None else "reported"
        return landing.figure_text(Indicator(ident, "X", value, unit, status, "R", qualifier))

    assert shown(687.4377, "persons", "fte_equivalent", "approx") == "about 687"
    assert shown(19.689958, "percent", "volunteers_change_pct") == "+19.7%"
    assert shown(-3.04, "percent", "npo_change_pct") == "\u22123.0%"
    assert shown(54.0, "percent", "volunteers_female_pct") == "54.0%"
    assert shown(141.511, "persons", "persons_per_volunteer") == "141.5"
    assert shown(2_555_290_413.14, "KZT", "economic_value_kzt") == "2.56 billion KZT"
    assert shown(309_697.0, "KZT", "wage_kzt") == "309,697"
    assert shown(None, "persons") == "not available"


# --- the landing page's key figures --------------------------------------------------------

CARD_OBSERVATIONS = [
    {"indicator": "volunteers", "year": 2020, "value": 120000, "qualifier": "at_least"},
    {"indicator": "volunteers", "year": 2021, "value": 116694},
    {"indicator": "volunteers", "value": 139671},
    {"indicator": "npo", "value": 660},
]
CARD_HEADLINE = [
    Indicator("volunteers_total", "Volunteers recorded", 139671.0, "persons", "reported", "R"),
    Indicator("volunteers_female_pct", "Women", 54.0, "percent", "reported", "R"),
    Indicator("npo_total", "Volunteer NPOs", 660.0, "organizations", "reported", "R"),
    Indicator("grant_hours_total", "Grant hours", 45182.0, "hours", "reported", "R", "at_least"),
    Indicator("economic_value_kzt", "Value", 2.555e9, "KZT", "derived", "R", "approx"),
    Indicator("fte_equivalent", "Full-time equivalents", 687.44, "persons", "derived", "R",
              "approx"),
    Indicator("inquiries_volunteering", "Inquiries", None, "inquiries", "missing", "R"),
]  # fmt: skip


def card_texts(markdown: str) -> list[dict[str, str]]:
    """Each card of the key figures as rendered: its paragraphs' text by class, and the
    chart's alt text."""
    rendered = to_html(markdown)
    cards = []
    for card in re.findall(r'<div class="key-figure">(.*?)</div>', rendered, re.S):
        spans = re.findall(r'<span class="(kf-[a-z]+)[^"]*">(.*?)</span>\s*</p>', card, re.S)
        found = {cls: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for cls, text in spans}
        alt = re.search(r'<img src="([^"]+)"[^>]*alt="([^"]*)"', card)
        if alt:
            found["chart"], found["alt"] = alt.group(1), html.unescape(alt.group(2))
        cards.append(found)
    return cards


def key_figures(ds, headline=CARD_HEADLINE) -> list[dict[str, str]]:
    return card_texts(landing.key_figures_pages(ds, headline)["tables/key_figures.md"])


def test_cards_show_value_qualifier_change_chart_status_and_chapter():
    cards = key_figures(make_dataset(CARD_OBSERVATIONS))
    assert [c["kf-label"] for c in cards] == [
        "Volunteers recorded", "Women", "Volunteer NPOs", "Grant hours", "Value",
        "Full-time equivalents", "Inquiries",
    ]  # fmt: skip
    volunteers, women, npo, grants, value, fte, inquiries = cards
    assert volunteers["kf-value"] == "139,671"
    assert volunteers["kf-change"] == "+19.7% on 2021 (116,694)"
    assert volunteers["alt"] == (
        "Volunteers recorded by year: at least 120,000 in 2020, 116,694 in 2021 and 139,671 in 2022"
    )
    assert volunteers["kf-meta"] == "Reported · @sec-portrait"
    assert women["kf-value"] == "54.0%" and "kf-change" not in women and "chart" not in women
    assert "kf-change" not in npo and "chart" not in npo  # no earlier year in the data
    assert grants["kf-value"] == "at least 45,182" and grants["kf-meta"].endswith("@sec-grants")
    assert value["kf-value"] == "about 2.56 billion KZT"
    assert fte["kf-value"] == "about 687" and fte["kf-meta"] == "Derived · @sec-economic"
    assert inquiries["kf-value"] == "Not available"
    assert inquiries["kf-meta"] == "@sec-public-interest"


def test_every_card_value_is_its_indicator_at_the_reports_precision():
    ds = dataset.load_year(YEAR)
    headline = {i.id: i for i in collect.headline_indicators(collect.computed(ds))}
    cards = key_figures(ds, list(headline.values()))
    assert 8 <= len(cards) <= 12
    labels = {i.label: i for i in headline.values()}
    for card in cards:
        indicator = labels[card["kf-label"]]
        assert card["kf-value"] == landing.figure_text(indicator), card
        number = float(re.sub(r"[^\d.]", "", card["kf-value"].split(" billion")[0]))
        scale = 1e9 if "billion" in card["kf-value"] else 1
        places = landing.decimals(indicator)
        assert number * scale == pytest.approx(round(indicator.value / scale, places) * scale), card
    assert cards[0]["kf-change"] == "+19.7% on 2021 (116,694)"


def test_a_card_follows_its_data():
    before = key_figures(make_dataset(CARD_OBSERVATIONS))[0]
    changed = [dict(row, value=100000) if row.get("year") == 2021 else row
               for row in CARD_OBSERVATIONS]  # fmt: skip
    after = key_figures(make_dataset(changed))[0]
    assert after["kf-change"] == "+39.7% on 2021 (100,000)" != before["kf-change"]
    assert "100,000 in 2021" in after["alt"]
    headline = [dataclasses.replace(CARD_HEADLINE[0], value=150000.0)]
    assert key_figures(make_dataset(CARD_OBSERVATIONS), headline)[0]["kf-value"] == "150,000"


def test_a_complete_vintage_has_no_gap_in_its_cards_and_a_missing_figure_says_so_once():
    complete = [i for i in CARD_HEADLINE if i.value is not None]
    text = landing.key_figures_pages(make_dataset(CARD_OBSERVATIONS), complete)
    assert "not available" not in text["tables/key_figures.md"].lower()
    assert "—" not in text["tables/key_figures.md"]
    gaps = key_figures(make_dataset(CARD_OBSERVATIONS))
    assert [c["kf-value"] for c in gaps].count("Not available") == 1


def test_small_charts_are_svg_of_the_years_the_data_hold():
    pages = landing.key_figures_pages(make_dataset(CARD_OBSERVATIONS), CARD_HEADLINE)
    svg = pages["figures/key-figures/volunteers_total.svg"]
    assert svg.startswith("<svg") and svg.count("<rect") == 3
    assert [t for t in re.findall(r">(\d{4})</text>", svg)] == ["2020", "2021", "2022"]
    assert [p for p in pages if p.startswith("figures/")] == [
        "figures/key-figures/volunteers_total.svg"
    ]


# --- the edition's identity -------------------------------------------------------------------


def test_edition_date_comes_from_the_vintage_or_source_date_epoch_never_the_clock(monkeypatch):
    ds = make_dataset(CARD_OBSERVATIONS)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert landing.edition_date(ds) is None
    assert landing.edition_variables(ds)["edition_date"] == ""
    assert "Dated" not in landing.edition_page(ds)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert landing.edition_date(ds) == "2023-11-14"
    assert landing.edition_variables(ds)["edition_date"] == "14 November 2023"
    dated = dataclasses.replace(ds, descriptor={**ds.descriptor, "created": "2023-06-30T10:00Z"})
    assert landing.edition_date(dated) == "2023-06-30"
    assert "Dated 30 June 2023, this edition" in " ".join(landing.edition_page(dated).split())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert landing.edition_date(ds) is None


def test_how_to_cite_names_publisher_title_year_and_date_as_plain_text(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    values = landing.edition_variables(make_dataset(CARD_OBSERVATIONS))
    assert values["how_to_cite"] == (
        "National Volunteer Network. Analytical report on the state of volunteering in "
        "Kazakhstan 2022 (synthetic data). Astana: National Volunteer Network, 14 November 2023."
    )
    assert values["software_version"] == landing.software_version() != ""
    page = landing.edition_page(make_dataset(CARD_OBSERVATIONS))
    assert "**How to cite.**" in page and f"volreport {landing.software_version()}" in page


def test_hostile_record_text_is_escaped_in_the_included_table():
    hostile = [
        {"number": 1, "forum": "X", "resolution": HOSTILE[0], "response": HOSTILE[1],
         "source": "t"},
    ]  # fmt: skip
    page = editorial.generated_pages(tiny({"resolutions": hostile}), [], [])
    text = page["tables/resolutions.md"]
    assert "<script>" not in text and r"\<script\>" in text
    rendered = to_html(text)
    assert numbered_lists(rendered) == [(1, [f"{HOSTILE[0]} (X)"])]
    assert html.escape(HOSTILE[1]) in rendered or HOSTILE[1] in html.unescape(rendered)


def test_absent_record_tables_are_said_plainly():
    page = editorial.generated_pages(tiny({}), [], [])
    assert page["tables/resolutions.md"] == "The data of this edition hold no forum resolutions.\n"
    assert page["tables/recommendations.md"].startswith("The data of this edition hold no")


# --- the methodology appendix -------------------------------------------------------------


def test_methodology_lists_discrepancies_gaps_and_missing_headline_figures(pages):
    text = pages["methodology.md"]
    assert text.startswith("# Methodology and data")
    assert r"Economic value \<b\>" in text and r"A \| wage." in text
    assert "Among the headline figures, Volunteer NPOs is not available." in " ".join(text.split())
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
    text = editorial.generated_pages(transcribed(tiny()), HEADLINE[:1], [])["methodology.md"]
    flat = " ".join(text.split())
    assert "## Discrepancies in the published figures" in text
    assert "The recomputation found no discrepancies in the figures of the published" in flat
    assert "{#tbl-discrepancies}" not in text
    assert "Every headline figure is available." in flat


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
    shown = editorial.parameters_table(tiny(params=params)).shown
    assert list(shown["Parameter"]) == ["hours per day", "monthly norm", "default wage"]
    assert list(shown["Value"]) == ["8", "163.3", "wages.csv, region KZ"]
    assert list(shown["Unit"]) == ["hours", "", ""]
    assert shown["Source and method"].iloc[1] == "derived. Formula: a * b / 12."


# params.yml entries with their texts in Russian and Kazakh, and the sources they name.
TRANSLATED_PARAMS = {
    "working_days": {"value": 245, "unit": "days", "status": "reported", "source": "Calendar",
                     "note": "Unconfirmed.", "note_ru": "Не подтверждено.",
                     "note_kk": "Расталмаған."},
    "annual_hours_norm": {"value": 1960, "unit": "hours", "status": "derived",
                          "formula": "a * b", "formula_ru": "a × b", "formula_kk": "a × b",
                          "source": "derived"},
    "default_wage": {"table": "wages", "region": "KZ", "source": "BNS",
                     "note": "National.", "note_ru": "По республике.",
                     "note_kk": "Республика бойынша."},
}  # fmt: skip
PARAM_SOURCES = [
    {"source": "Calendar", "source_ru": "Календарь", "source_kk": "Күнтізбе"},
    {"source": "derived", "source_ru": "вычислено", "source_kk": "есептелген"},
    {"source": "BNS", "source_ru": "БНС", "source_kk": "ҰСБ"},
]


def test_parameters_in_each_language_from_labels_and_the_entries_translations():
    from volreport.core import i18n

    ds = tiny({"sources": PARAM_SOURCES}, params=TRANSLATED_PARAMS)
    english = editorial.parameters_table(ds)
    with i18n.speaking("ru"):
        russian = editorial.parameters_table(ds)
    with i18n.speaking("kk"):
        kazakh = editorial.parameters_table(ds)
    assert list(english.shown.iloc[:, 0]) == ["working days", "annual hours norm", "default wage"]
    assert list(russian.shown.iloc[:, 0]) == [
        "число рабочих дней в году", "годовая норма рабочего времени",
        "расчетная заработная плата",
    ]  # fmt: skip
    assert list(russian.shown.iloc[:, 1]) == ["245", "1\xa0960", "wages.csv, region = KZ"]
    assert list(russian.shown.iloc[:, 2]) == ["дни", "часы", ""]
    assert list(russian.shown.iloc[:, 4]) == [
        "Календарь. Не подтверждено.", "вычислено. Формула: a × b.", "БНС. По республике."
    ]  # fmt: skip
    assert list(kazakh.shown.iloc[:, 2]) == ["күн", "сағат", ""]
    assert kazakh.shown.iloc[0, 4] == "Күнтізбе. Расталмаған."
    # The CSV is the same in every language: the English entries, no translation keys.
    assert russian.data.equals(english.data) and kazakh.data.equals(english.data)
    assert english.data["value"].iloc[2] == "wages.csv, region KZ"


def test_a_parameter_text_without_its_translation_is_missing_not_english():
    from volreport.core import i18n

    untranslated = {"working_days": {**TRANSLATED_PARAMS["working_days"]}}
    del untranslated["working_days"]["note_kk"]
    ds = tiny({"sources": PARAM_SOURCES}, params=untranslated)
    with i18n.speaking("ru"):
        editorial.parameters_table(ds)
    with i18n.speaking("kk"), pytest.raises(i18n.MissingTranslation, match="note_kk"):
        editorial.parameters_table(ds)
    unnamed = tiny({"sources": PARAM_SOURCES}, params={"weekly_norm": {"value": 40}})
    assert editorial.parameters_table(unnamed).shown.iloc[0, 0] == "weekly norm"
    with i18n.speaking("ru"), pytest.raises(i18n.MissingTranslation, match="weekly_norm"):
        editorial.parameters_table(unnamed)


def test_every_parameter_and_unit_of_the_contract_has_a_name_in_each_language():
    from volreport.core import i18n
    from volreport.data import contract

    for language in i18n.LANGUAGES:
        for name in contract.PARAM_NAMES:
            assert i18n.label("parameters", name, language).strip()
        for unit in contract.PARAM_UNITS:
            assert i18n.label("units", unit, language).strip()
    english = {name: i18n.label("parameters", name, "en") for name in contract.PARAM_NAMES}
    assert english == {name: name.replace("_", " ") for name in contract.PARAM_NAMES}


def test_the_2022_parameters_in_russian_and_kazakh():
    from volreport.core import i18n

    ds = dataset.load_year(YEAR)
    for language in ("ru", "kk"):
        with i18n.speaking(language):
            shown = editorial.parameters_table(ds).shown
        method = " ".join(shown.iloc[:, 4])
        assert not re.search(r"\b(the|of|and|Inferred|Unconfirmed|rounded)\b", method), method
        assert "working_days * hours_per_day" in method  # code names stay as they are


def appendix(ds, headline=(), found=()) -> str:
    """The appendix of `ds`, whitespace collapsed to single spaces (sentences may wrap)."""
    text = editorial.generated_pages(ds, list(headline), list(found))["methodology.md"]
    return " ".join(text.split())


def appendix_prose(ds, headline=(), found=()) -> str:
    """The appendix's sentences only: tables, captions and download links (data) left out."""
    text = editorial.generated_pages(ds, list(headline), list(found))["methodology.md"]
    lines = [line for line in text.splitlines() if not line.startswith(("|", ": ", "[Download"))]
    return " ".join(" ".join(lines).split())


def real(ds):
    """`ds` as a real (not synthetic) vintage."""
    return dataclasses.replace(ds, descriptor={"year": ds.year, "synthetic": False})


def test_a_vintage_without_published_source_has_no_discrepancies_and_cites_no_report():
    ds = real(tiny())
    text = appendix(ds, HEADLINE, FOUND)  # discrepancies passed in are still not listed
    assert "Discrepanc" not in text and "tbl-discrepancies" not in text
    prose = appendix_prose(ds, HEADLINE, FOUND)
    for word in ("published", "Report", "report's", "sources/", "—"):
        assert word not in prose, word
    assert "This edition is transcribed from no publication" in prose
    pages = editorial.generated_pages(ds, HEADLINE, FOUND)
    assert "data/tbl-discrepancies.csv" not in pages


def test_a_transcribed_vintage_names_its_published_source_and_lists_discrepancies():
    text = appendix(transcribed(tiny()), HEADLINE, FOUND)
    assert "transcribed from a published report, *The \\<i\\>report\\</i\\>*" in text
    assert "cited in the sources as “Report 2022”" in text
    assert "The discrepancy found, with its explanation:" in text
    assert "transcribed from no publication" not in text
    two = appendix(transcribed(tiny()), HEADLINE, FOUND * 2)
    assert "The discrepancies found, with their explanations:" in two


def test_derived_values_say_only_what_the_vintage_derives():
    bare = appendix(tiny({}, observations=[{"indicator": "volunteers", "value": 1}]))
    assert "No value of this edition is derived." in bare
    assert "sum of the regional values" not in bare and "A percentage" not in bare
    regions = [
        {"indicator": "volunteers", "region": code, "value": 10} for code in ("KZ-71", "KZ-75")
    ]
    summed = [{"indicator": "volunteers", "value": 20, "status": "derived"}]
    text = appendix(tiny({}, observations=regions + summed))
    assert "This edition holds one derived value:" in text
    assert "A national figure that the sources give by region is the sum of the regional" in text
    assert "reads *at least*" not in text and "A percentage" not in text
    partial = [{**summed[0], "qualifier": "at_least"}]
    share = [{"indicator": "volunteers_share", "region": "KZ-71", "value": 50.0,
              "unit": "percent", "status": "derived"}]  # fmt: skip
    text = appendix(tiny({}, observations=regions + partial + share))
    assert "This edition holds 2 derived values:" in text
    assert "where some regions give no value, the sum covers those that do" in text
    assert "A percentage divides one value of the data by another" in text
    grants = [{"id": "a", "project": "A", "status": "derived", "source": "s"}]
    text = appendix(tiny({"grant_projects": grants}, observations=regions))
    assert "Besides the observations, grant\\_projects.csv holds derived values" in text


def test_method_notes_come_from_the_edition_not_from_code():
    plain = appendix(tiny())
    assert "Methods particular to this edition" not in plain
    assert "Methods of the chapters" not in plain
    notes = {
        "derive": ["**Blank figure.** Total less the listed parts."],
        "grants": ["Hours of {{< var grant_hours_total >}} by project."],
        "analysts": ["A note of no chapter."],
    }
    text = editorial.generated_pages(transcribed(tiny(), notes), [], [])["methodology.md"]
    derived = text.split("## Derived values")[1].split("\n## ")[0]
    assert "Methods particular to this edition:" in derived
    assert "- **Blank figure.** Total less the listed parts." in derived
    chapters_part = text.split("## Methods of the chapters")[1].split("\n## ")[0]
    assert "- @sec-grants: Hours of {{< var grant_hours_total >}} by project." in chapters_part
    assert "- A note of no chapter." in chapters_part
    assert "Blank figure" not in chapters_part


def test_gaps_name_exactly_the_missing_headline_figures_and_a_complete_vintage_has_none():
    complete = [HEADLINE[0], HEADLINE[2]]
    text = appendix(tiny({}, observations=[{"indicator": "volunteers", "value": 1}]), complete)
    assert "No value of this edition is missing, and every headline figure is available." in text
    assert "not available" not in text and "gaps" not in text.split("## Data gaps")[1][30:]
    two = [*HEADLINE, dataclasses.replace(HEADLINE[0], id="x", label="Hours", value=None,
                                          status="missing")]  # fmt: skip
    text = appendix(tiny(), two)
    assert "Among the headline figures, Volunteer NPOs and Hours are not available." in text
    assert "The 3 missing values of the data, by indicator and reason:" in text
    only_headline = appendix(tiny({}, observations=[{"indicator": "volunteers", "value": 1}]),
                             HEADLINE)  # fmt: skip
    assert "Volunteer NPOs is not available." in only_headline
    assert "No value of the data files is missing." in only_headline


def test_gaps_name_the_regions_a_regional_record_table_has_no_row_for():
    obs = [{"indicator": "volunteers", "value": 1}]
    codes = list(reporting_regions(tiny({}, observations=obs))["region"])
    support = [{"region": code, "level": "regular", "source": "form"} for code in codes]
    complete = appendix_prose(tiny({"rfo_support": support}, observations=obs))
    assert "No value of this edition is missing, and every headline figure" in complete
    assert "not available" not in complete
    without = [row for row in support if row["region"] not in ("KZ-71", "KZ-23")]
    text = appendix_prose(tiny({"rfo_support": without}, observations=obs))
    assert (
        "The level of the regional front office's support (rfo\\_support.csv) is not available "
        f"for 2 of the {len(codes)} regions (Astana and Atyrau region)."
    ) in text
    assert "No observation is missing." in text and "is missing, and every" not in text


def test_declared_sources_are_listed_escaped_with_web_addresses_as_links():
    descriptor = {
        "year": YEAR,
        "sources": [
            {"title": "Return form <b>", "path": "KZ-71_astana.xlsx"},
            {"title": "BNS", "path": "https://stat.gov.kz"},
            {"title": "Untitled path only"},
        ],
    }
    text = appendix(dataclasses.replace(tiny(), descriptor=descriptor))
    assert "declare these sources: - Return form \\<b\\> (KZ-71\\_astana.xlsx)" in text
    assert "- [BNS](https://stat.gov.kz)" in text and "- Untitled path only" in text
    one = dataclasses.replace(tiny(), descriptor={"sources": [{"title": "Only"}]})
    assert "declare one source: - Only" in appendix(one)


def test_the_real_method_notes_type_no_numbers_and_quote_defined_variables():
    ds = dataset.load_year(YEAR)
    chapters = collect.computed(ds)
    variables = (
        indicators.variables(collect.headline_indicators(chapters), YEAR)
        | editorial.page_variables(ds)
        | collect.variables(chapters)
    )
    notes = [note for items in ds.edition.method_notes.values() for note in items]
    assert ds.edition.notes(editorial.DERIVED_NOTES)  # the vintage declares its own methods
    typed = [(note[:40], digits) for note in notes for _, digits in typed_numbers(note)]
    assert not typed, typed
    used = {argument for note in notes for kind, argument in SHORTCODE.findall(note)}
    assert used <= set(variables), sorted(used - set(variables))


def test_the_real_appendix_shows_the_edition_notes_and_no_code_docstrings(ds2022):
    prose = appendix_prose(ds2022, collect.headline_indicators(collect.computed(ds2022)))
    for note in ds2022.edition.notes(editorial.DERIVED_NOTES):
        assert " ".join(note.split()) in prose
    assert "derive.py" not in prose and "258,991" not in prose  # numbers only through variables
    assert "“Report 2022”" in prose and "Discrepancies in the published figures" in prose


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
    assert values["volunteers_systematic"] == "not available"
    assert values["economic_value_published"] == "at least 2.6 billion KZT"
    assert values["inquiries_volunteering_published"] == "about 2,500"
    assert values["resolutions_count"] == "3" and values["further_resolutions_count"] == "1"
    assert values["inquiry_countries_count"] == "—"  # the table is absent: a visible gap


def test_billions_keep_only_the_decimals_the_value_has():
    assert editorial.billions(2.6e9) == "2.6 billion KZT"
    assert editorial.billions(2.555e9) == "2.555 billion KZT"
    assert editorial.billions(3e9) == "3 billion KZT"
    assert editorial.billions(None) == "not available"


# --- the editorial pages of the real edition ----------------------------------------------


def page_texts() -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(PAGES_DIR.glob("*.md"))}
    assert texts, f"no pages in {PAGES_DIR}"
    return texts


def commentary_files(report: Path = PAGES_DIR) -> list[Path]:
    return sorted((report / commentary.COMMENTARY_DIR).glob("*.md"))


def written_texts() -> dict[str, str]:
    """Everything the analysts write, keyed by path: the pages (glossary included) and the
    chapter commentary of this edition and of the template for a new year."""
    files = [
        path
        for report in (PAGES_DIR, TEMPLATE_DIR)
        for path in [*sorted(report.glob("*.md")), *commentary_files(report)]
    ]
    return {str(p.relative_to(paths.REPORT_DIR)): p.read_text(encoding="utf-8") for p in files}


def typed_numbers(text: str) -> list[tuple[int, list[str]]]:
    """(line, words with a digit) outside `{{< >}}` shortcodes and writer's `<!-- -->` notes,
    which never reach the reader; line numbers are those of the file."""
    visible = commentary.COMMENT.sub(lambda note: "\n" * note.group(0).count("\n"), text)
    found = []
    for number, line in enumerate(SHORTCODE.sub("", visible).splitlines(), start=1):
        digits = set(re.findall(r"\S*\d\S*", line)) - ALLOWED_DIGITS
        if digits:
            found.append((number, sorted(digits)))
    return found


def test_pages_and_commentary_type_no_numbers_outside_shortcodes():
    texts = written_texts()
    assert "2022/glossary.md" in texts and "template/glossary.md" in texts
    offending = [
        f"{name}:{number}: {digits}"
        for name, text in texts.items()
        for number, digits in typed_numbers(text)
    ]
    assert not offending, "numbers typed in pages (use {{< var >}}):\n" + "\n".join(offending)


def test_digit_scan_catches_a_typed_number_and_skips_shortcodes_and_notes():
    text = "{{< var year >}} had\n<!-- about 2023:\n write more -->\n40% coverage"
    assert typed_numbers(text) == [(4, ["40%"])]
    assert typed_numbers("a {{< var x_2 >}} b <!-- 7 -->") == []


def test_every_commentary_section_is_a_section_of_its_notebook():
    files = [*commentary_files(PAGES_DIR), *commentary_files(TEMPLATE_DIR)]
    unknown = []
    for path in files:
        notebook = paths.NOTEBOOKS_DIR / f"{path.stem}.ipynb"
        assert notebook.is_file(), f"{path}: no notebook {notebook.name}"
        commentary.read_parts(path)  # a section heading without its id is an error
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        known = commentary.section_starts(cells)
        unknown += [
            f"{path.relative_to(paths.REPORT_DIR)}:{line}: #{section}"
            for line, section in commentary_sections(path)
            if section not in known
        ]
    assert not unknown, "commentary sections the notebooks do not have:\n" + "\n".join(unknown)


def commentary_sections(path: Path) -> list[tuple[int, str]]:
    """(line, id) of every `## Title {#id}` heading of a commentary file, even one whose
    section holds only writer's notes (as in the template), outside code fences."""
    found, fence = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        marker = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence:
            fence = None if line.strip().startswith(fence) else fence
        elif marker:
            fence = marker.group(1)
        elif (heading := commentary.HEADING.match(line)) and len(heading.group(1)) == 2:
            found.append((number, heading.group("id")))
    return found


def test_commentary_section_scan_sees_template_headings_and_skips_code(tmp_path):
    path = tmp_path / "01_portrait.md"
    path.write_text(
        "# Portrait\n\n## Count {#sec-a}\n\n<!-- write here -->\n\n"
        "```\n## Not a heading {#sec-code}\n```\n## Sex {#sec-b}\n",
        encoding="utf-8",
    )
    assert commentary_sections(path) == [(3, "sec-a"), (10, "sec-b")]


@cache
def real_edition() -> tuple[dict[str, str], dict[str, str]]:
    """Variables and generated pages of the real edition, as the build computes them."""
    ds = dataset.load_year(YEAR)
    chapters = collect.computed(ds)
    headline = collect.headline_indicators(chapters)
    variables = (
        indicators.variables(headline, YEAR)
        | editorial.page_variables(ds)
        | collect.variables(chapters)
    )
    return variables, editorial.generated_pages(ds, headline, collect.discrepancies(chapters))


def test_every_variable_a_page_or_commentary_uses_is_defined():
    variables, _ = real_edition()
    edition = [*PAGES_DIR.glob("*.md"), *commentary_files(PAGES_DIR)]
    used = {
        (path.name, argument)
        for path in edition
        for kind, argument in SHORTCODE.findall(
            commentary.COMMENT.sub("", path.read_text(encoding="utf-8"))
        )
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


# Names written in capitals that are not abbreviations (organizations, a Roman numeral).
NOT_ABBREVIATIONS = {"KWR", "LS", "QOLDAU", "SKO", "TALAP", "VII"}


def glossary_terms(text: str) -> set[str]:
    """The terms a glossary defines: each line followed by a `:` definition line."""
    lines = text.splitlines()
    return {
        term.strip()
        for term, following in zip(lines, lines[1:], strict=False)
        if term.strip() and following.startswith(":")
    }


def abbreviations(text: str) -> set[str]:
    """Words of two or more capitals (a plural 's' dropped), outside writer's notes."""
    return set(re.findall(r"\b([A-Z]{2,})s?\b", commentary.COMMENT.sub("", text)))


def report_texts() -> dict[str, str]:
    """What the book is made of, as written: editorial pages and commentary, the notebooks'
    Markdown, the prose templates, and the data of the edition and the reference tables."""
    texts = {f"report/{name}": text for name, text in written_texts().items()}
    for notebook in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        markdown = (c for c in cells if c["cell_type"] == "markdown")
        texts[notebook.name] = "\n".join("".join(c["source"]) for c in markdown)
    templates = Path(editorial.__file__).parent / "templates"
    for path in [
        *templates.rglob("*.md"),
        *(paths.DATA_DIR / str(YEAR)).glob("*.csv"),
        *(paths.DATA_DIR / "reference").glob("*.csv"),
    ]:
        texts[str(path.relative_to(paths.PROJECT_ROOT))] = path.read_text(encoding="utf-8")
    return texts


def test_glossary_defines_every_abbreviation_the_report_uses():
    defined = {term.split()[0] for term in glossary_terms((PAGES_DIR / "glossary.md").read_text())}
    used: dict[str, set[str]] = {}
    for name, text in report_texts().items():
        for word in abbreviations(text) - NOT_ABBREVIATIONS:
            used.setdefault(word, set()).add(name)
    missing = sorted(f"{word} ({', '.join(sorted(used[word]))})" for word in set(used) - defined)
    assert not missing, "abbreviations missing from the glossary:\n" + "\n".join(missing)
    for word in ("RFO", "NPO", "KZT", "BNS", "CAVF", "NVN"):
        assert word in defined and word in used, word


def test_glossary_scan_reads_terms_and_abbreviations():
    text = "# Glossary\n\nRFO\n:   Regional front office.\n\nQR code\n:   A barcode.\n"
    assert glossary_terms(text) == {"RFO", "QR code"}
    assert abbreviations("The RFOs and NPOs of KZ-71 <!-- TODO --> paid in KZT.") == {
        "RFO",
        "NPO",
        "KZ",
        "KZT",
    }


def test_template_glossary_is_the_editions_glossary_with_a_note_to_the_analysts():
    edition = (PAGES_DIR / "glossary.md").read_text(encoding="utf-8")
    template = (TEMPLATE_DIR / "glossary.md").read_text(encoding="utf-8")
    note = re.search(r"\n::: \{\.callout-note\}\n.*?\n:::\n", template, re.S)
    assert note and "to be written by the analysts" in note.group(0)
    assert template.replace(note.group(0), "", 1) == edition
    assert edition.startswith("# Glossary {#sec-glossary}\n")


def test_every_editorial_page_of_the_book_is_in_the_edition_and_the_template():
    _, generated = real_edition()
    pages = [p for p in runner.book_pages() if p.endswith(".md") and p not in generated]
    assert "glossary.md" in pages
    for folder in (PAGES_DIR, TEMPLATE_DIR):
        assert [p for p in pages if not (folder / p).is_file()] == [], folder


def test_only_shortcodes_the_publisher_supports():
    kinds = {kind for text in page_texts().values() for kind, _ in SHORTCODE.findall(text)}
    assert kinds <= {"var", "include"}


def test_empty_appendix_sections_are_said_plainly_not_shown_as_empty_tables():
    bare = tiny({}, observations=[{"indicator": "volunteers", "value": 1}])
    text = editorial.generated_pages(bare, [], [])["methodology.md"]
    assert "No value of this edition is derived." in text
    assert "No value of this edition is missing, and every headline figure" in text
    assert "This edition gives no parameters for the economic method." in text
    assert "{#tbl-data-gaps}" not in text and "{#tbl-sources}" in text


# --- other languages -----------------------------------------------------------------------


def test_every_term_of_the_code_is_translated():
    from volreport.core import i18n

    for language in ("ru", "kk"):
        missing = i18n.code_terms() - set(i18n.term_catalogue(language))
        assert not missing, f"templates/{language}/terms.yml lacks {sorted(missing)}"


def test_regions_are_counted_with_the_noun_agreeing():
    from volreport.core import i18n

    assert editorial.regions_count(17) == "17 regions"
    assert editorial.regions_count(1) == "1 region"
    with i18n.speaking("ru"):
        assert [editorial.regions_count(n) for n in (3, 5, 21)] == [
            "3 региона", "5 регионов", "21 регион"
        ]  # fmt: skip
        assert editorial.where_text(["a", "b", "c"], True, {}) == ("Казахстан и 3 региона")
    with i18n.speaking("kk"):
        assert editorial.regions_count(17) == "17 өңір"


def test_methodology_tables_in_russian():
    from volreport.core import i18n

    with i18n.speaking("ru"):
        ds = dataset.load_year(2022)
        sources = editorial.sources_table(ds)
        statuses = editorial.statuses_table(ds)
    assert list(sources.shown.columns) == ["Источник", "Файлы", "Значения"]
    assert sources.shown["Источник"].str.startswith("Отчет 2022").any()
    assert list(sources.data.columns) == ["source", "tables", "values"]  # the CSV: English
    assert sources.data["source"].str.startswith("Report 2022").any()
    assert list(statuses.shown.columns) == [
        "Файл",
        "Опубликовано",
        "Вычислено",
        "Нет данных",
        "Всего",
    ]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_appendix_tables_list_names_in_the_alphabet_of_their_language(language):
    from volreport.core import i18n

    with i18n.speaking(language):
        ds = dataset.load_year(2022)
        sources = editorial.sources_table(ds)
        gaps = editorial.gaps_table(ds).data

    def key(text: str) -> str:
        return i18n.sort_key(text, language)

    # Most values first; sources with as many values in the order of the words shown.
    shown = zip(sources.data["values"], sources.shown.iloc[:, 0], strict=True)
    order = [(-values, key(words)) for values, words in shown]
    assert order == sorted(order)
    # Gaps by reason, then by indicator: Kazakh Ө after О, not after Я.
    order = [
        (key(note), key(label)) for note, label in zip(gaps["note"], gaps["label"], strict=True)
    ]
    assert order == sorted(order)


# --- gaps of a vintage made from return forms ----------------------------------------------


def form_vintage():
    """A 2025 vintage as ingest writes it: forms of Abai and Mangystau region and the
    national one declared, none from Ulytau region; empty cells, the values computed from
    them, and a figure no form collects."""
    from volreport.intake import provenance

    def source(statement, region=None, **context):
        return provenance.source_text(statement, "en", year=2025, region=region, **context)

    forms = {"KZ-10": ("Abai region", "KZ-10_abai.xlsx"), "KZ-47": ("Mangystau region",
             "KZ-47_mangystau.xlsx")}  # fmt: skip
    declared = [{"title": source("return_form"), "path": "KZ_kazakhstan.xlsx"}] + [
        {"title": source("return_form", name), "path": file} for name, file in forms.values()
    ]
    computed = source("derived_source")
    rows = []
    for code, (name, file) in forms.items():
        form = source("return_source", name, file=file)
        rows += [
            {"indicator": "hours", "region": code, "category": area, "value": None,
             "source": form, "note": f"cell left empty ({file}, hours, C{n})"}
            for n, area in enumerate(("education", "ecology"), start=4)
        ]  # fmt: skip
        rows.append({"indicator": "volunteers", "region": code, "value": 10, "source": form})
    none = source("return_source", "Ulytau region", file=None)
    rows += [
        {"indicator": "volunteers", "region": "KZ-62", "value": None, "source": none,
         "note": "cell left empty (no form returned, volunteers, C4)"},
        {"indicator": "hours", "region": "KZ-62", "value": None, "source": none,
         "note": "cell left empty (no form returned, hours, C4)"},
        {"indicator": "volunteers_share_by_region", "region": "KZ-62", "value": None,
         "source": computed, "note": "region's volunteers ÷ national volunteers x 100"},
        {"indicator": "volunteers_share_by_region", "region": "KZ-10", "value": None,
         "source": computed, "note": "region's volunteers ÷ national volunteers x 100"},
        {"indicator": "volunteers_share_by_region", "region": "KZ-47", "value": 5.0,
         "status": "derived", "source": computed, "note": "region's volunteers ÷ ..."},
        {"indicator": "economic_value_kzt", "value": None, "source": computed,
         "note": "not collected by the return forms; the analysts add it or chapter 5 computes it"},
    ]  # fmt: skip
    ds = make_dataset(rows, tables={}, year=2025)
    return dataclasses.replace(ds, descriptor={"year": 2025, "sources": declared})


def test_gaps_of_a_form_vintage_are_one_row_per_indicator_and_reason_and_name_no_form():
    ds = form_vintage()
    rows = table_cells(to_html(editorial.pipe_table(editorial.gaps_table(ds))))
    assert rows == [
        ["Volunteer hours", "Abai region and Mangystau region", "4",
         "cell of the return form left empty"],
        ["Volunteers by region", "Abai region", "1", "computed from values that are missing"],
        ["All its values", "Ulytau region", "3", "no return form came back"],
        ["Economic contribution of volunteers", "Kazakhstan", "1",
         "not collected by the return forms: the analysts add it, or the chapter \u201cEconomic "
         "contribution\u201d computes it"],
    ]  # fmt: skip
    text = appendix_prose(ds)
    assert (
        "No return form for 2025 came back from Ulytau region: every value of this region" in text
    )
    assert "The 9 missing values of the data, by indicator and reason:" in text
    # The notes of the rows ingest writes are not shown: no chapter number, no cell left empty
    # where no form came back; the CSV keeps the codes of the regions.
    page = editorial.generated_pages(ds, [], [])
    assert "chapter 5" not in page["methodology.md"] and "no form returned," not in text
    csv = page["data/tbl-data-gaps.csv"].splitlines()
    assert csv[0] == "indicator,label,note,values,regions,national"
    assert csv[1].startswith(
        "hours,Volunteer hours,cell of the return form left empty,4,KZ-10 KZ-47,"
    )


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_gaps_of_a_form_vintage_are_worded_in_every_language(language):
    from volreport.core import i18n

    with i18n.speaking(language):
        ds = form_vintage()
        # ingest writes no translations of notes: every shown reason is a word of the report
        ds = dataclasses.replace(
            ds, observations=ds.observations.assign(note_ru=ds.observations["note"],
                                                    note_kk=ds.observations["note"])
        )  # fmt: skip
        shown = editorial.gaps_table(ds).shown
    assert not any("cell left empty" in why or "chapter" in why for why in shown.iloc[:, 3])
    ulytau = {"ru": "область Ұлытау", "kk": "Ұлытау облысы"}[language]
    assert ulytau in list(shown.iloc[:, 1])
    facts = {"missing": 9, "missing_headline": [], "absent": [], "units": 20, "year": 2025}
    one = prose.render("methodology/gaps", language, **facts, no_form=[ulytau])
    two = prose.render("methodology/gaps", language, **facts, no_form=[ulytau, "Астана"])
    assert ulytau in one and "2025" in one and one != two


def test_gaps_name_all_regions_or_all_but_the_few_without_a_gap():
    ds = form_vintage()
    codes = list(reporting_regions(ds)["region"])
    assert editorial.gap_where(ds, codes, False) == "all regions"
    assert editorial.gap_where(ds, [c for c in codes if c != "KZ-62"], True) == (
        "Kazakhstan and all regions but Ulytau region"
    )
    assert editorial.gap_where(ds, ["KZ-10", "KZ-47", "KZ-62"], True) == (
        "Kazakhstan, Abai region, Mangystau region and Ulytau region"
    )


def test_the_key_figures_list_only_sources_never_methods_and_keep_a_source_with_a_semicolon():
    forms = "Return forms 2025; derived by volreport ingest"
    ds = make_dataset(
        [{"indicator": "volunteers", "region": "KZ-71", "value": 1, "source": forms},
         {"indicator": "volunteers", "region": "KZ-75", "value": 2, "source": "Statistics"}],
        tables={}, year=2025,
    )  # fmt: skip
    headline = [
        Indicator("a_total", "A", 1.0, "persons", "derived", forms),
        Indicator("b_total", "B", None, "persons", "missing", "no 2024 figure in the data"),
        Indicator("c_pct", "C", 3.0, "percent", "derived", f"{forms}; groups ÷ (groups + NPOs)"),
        Indicator("d_total", "D", 4.0, "persons", "derived", "computed: hours at cost"),
        Indicator("e_total", "E", 5.0, "persons", "reported", f"Statistics; {forms}"),
    ]
    text = editorial.indicators_page(headline, ds)
    assert re.findall(r"^\d+\. (.*)$", text, re.M) == [
        "Return forms 2025; derived by volreport ingest",
        "Statistics",
    ]
    assert [row[3] for row in table_cells(to_html(text))] == ["1", "", "1", "", "2, 1"]


def test_the_per_capita_caption_names_a_stated_rate_only_when_the_data_hold_one():
    stated = [{"indicator": "persons_per_volunteer", "value": 110, "qualifier": "exact"}]
    none = [{"indicator": "persons_per_volunteer", "value": None},
            {"indicator": "volunteers_share_of_population", "value": None}]  # fmt: skip
    assert editorial.per_capita_measures(tiny({}, observations=stated)) == "per_capita_stated"
    assert editorial.per_capita_measures(tiny({}, observations=none)) == "per_capita"
    from volreport.core import i18n

    for language in ("en", "ru", "kk"):
        caption = i18n.label("captions", "tbl-portrait-per-capita", language)
        assert caption.endswith(": {{< var per_capita_measures >}}")
        assert i18n.label("caption_parts", "per_capita", language)


def test_the_groups_share_is_labelled_by_the_regions_it_leaves_out():
    def label(without: list[str]) -> str:
        codes = list(reporting_regions(tiny({}, observations=[]))["region"])
        obs = [{"indicator": "initiative_groups", "region": code, "value": 5}
               for code in codes if code not in without]  # fmt: skip
        return editorial.indicator_labels(tiny({}, observations=obs))[editorial.GROUPS_SHARE]

    assert label(["KZ-75"]) == "Initiative groups among associations outside Almaty city"
    assert label(["KZ-71"]) == "Initiative groups among associations outside Astana"
    assert label([]) == "Initiative groups among associations"
