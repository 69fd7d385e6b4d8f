"""The editorial pages' data: the tables they include, the values they quote, the appendix.

The pages in report/<year>/ are hand-written prose without numbers; every number they
need comes from here, computed from the vintage at build time:

- `page_variables` gives the `{{< var name >}}` values beyond the headline indicators;
- `generated_pages` gives the tables the pages include (`tables/*.md`), the CSV behind
  each table (`data/<label>.csv`) and the appendix `methodology.md`.

Text taken from data files may one day come from untrusted spreadsheets, so it always
passes through `escape_markdown`: it reaches the reader as text, never as markup or HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from volreport.chapters import display
from volreport.chapters.common import by_name
from volreport.core import fmt, i18n, prose
from volreport.core.i18n import term
from volreport.core.markdown import escape as escape_markdown
from volreport.data import contract, derive
from volreport.data.dataset import NATIONAL, Dataset, text_column
from volreport.data.indicators import STATUSES, Discrepancy, Indicator
from volreport.data.published import published, region_names, reporting_regions
from volreport.intake import provenance, rules
from volreport.publish import downloads, landing

# Which list of recommendations.csv each page includes, by section id.
OUTLOOK_SECTION = "outlook"


# --- words of the tables, in the current language ------------------------------------------


def missing_text() -> str:
    """The one wording of a value that is not available."""
    return term("not available")


def section_captions() -> dict[str, str]:
    """The captions of the lists of recommendations.csv by section id ({prev_year},
    {year} and {next_year} are filled in)."""
    return {
        "outlook": term("Priorities for the development of volunteering in {next_year}"),
        "regions": term("Measures recommended to the regions for {next_year}"),
        "unrealized": term("Recommendations of the report for {prev_year} that remain unrealized"),
        "open_questions": term("New open questions"),
    }


def status_names() -> dict[str, str]:
    """A value's status (STATUSES) as a table cell shows it."""
    return {"reported": term("reported"), "derived": term("derived"), "missing": term("missing")}


def chapter_names() -> dict[str, str]:
    """The chapters as the table of discrepancies names them (their headings), by module
    name."""
    return {module: i18n.label("headings", section) for module, section in CHAPTER_SECTIONS.items()}


def regions_count(count: int) -> str:
    """'17 regions', the noun agreeing with the number in the current language (the
    "(few)" and "(many)" forms exist only in languages that have those categories)."""
    words = fmt.plural(
        count,
        one=term("{count} region"),
        few=term("{count} regions (few)"),
        many=term("{count} regions (many)"),
        other=term("{count} regions"),
    )
    return words.format(count=fmt.number(count))


# --- Markdown building blocks ------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table as a page shows it, and the data behind it offered as CSV.

    `shown` holds display strings (already formatted, not yet escaped); `data` the values
    for the download. `widths` are relative column widths (they matter when cells wrap).
    """

    label: str
    caption: str
    shown: pd.DataFrame
    data: pd.DataFrame
    widths: tuple[int, ...] | None = None
    align: str | None = None  # one of l, r, c per column; left by default
    # Long texts (resolutions, recommendations) are set as this Markdown (numbered lists,
    # blocks), never as table cells; `shown` then only lists what the text holds.
    text: str | None = None


def pipe_table(table: Table) -> str:
    """The table as a pandoc pipe table with caption, label and its CSV download link;
    a table of long texts as its `text` and the link."""
    if table.text is not None:
        return f"{table.text}\n\n{display.download_link(table.label)}\n"
    columns = list(table.shown.columns)
    widths = table.widths or tuple(1 for _ in columns)
    align = table.align or "l" * len(columns)
    if not (len(widths) == len(align) == len(columns)):
        raise ValueError(f"{table.label}: widths and align must have one entry per column")
    rule = {"l": ":{}", "r": "{}:", "c": ":{}:"}
    separator = [rule[a].format("-" * (3 * w)) for a, w in zip(align, widths, strict=True)]
    lines = [
        "| " + " | ".join(escape_markdown(c) for c in columns) + " |",
        "|" + "|".join(separator) + "|",
    ]
    for row in table.shown.itertuples(index=False):
        lines.append("| " + " | ".join(escape_markdown(cell) for cell in row) + " |")
    caption = f": {escape_markdown(table.caption)} {{#{table.label}}}"
    return "\n".join([*lines, "", caption, "", display.download_link(table.label)]) + "\n"


def sentence_start(text: str) -> str:
    """`text` with its first letter capitalized (list items published in lower case)."""
    return text[:1].upper() + text[1:]


def csv_text(frame: pd.DataFrame) -> str:
    """A table's data as the downloadable CSV: the one writer of every download."""
    return display.csv_text(frame)


# --- record tables -----------------------------------------------------------------------


def record_table(ds: Dataset, name: str) -> pd.DataFrame | None:
    """A record table of the vintage, or None when the vintage does not hold it."""
    return ds.tables.get(name)


def in_language(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """`frame` with its stored text `columns` in the current language (`text_column`)."""
    return frame.assign(**{column: text_column(frame, column) for column in columns})


def source_parts(source: str, known: set[str] | None = None) -> list[str]:
    """The sources an indicator's `source` cites, in order, each once: its parts between
    semicolons; given the sources the data files name (`known`), a source whose own name
    holds a semicolon ('Return forms 2025; derived by volreport ingest') is one source,
    and a part that names no source of the data (a method: 'computed: ...', 'groups ÷
    (groups + NPOs)', 'no 2024 figure in the data') is left out: the methodology
    appendix, not the list of sources, describes how a figure is computed."""
    parts = [part.strip() for part in source.split(";") if part.strip()]
    if known is None:
        return list(dict.fromkeys(parts))
    found = []
    start = 0
    while start < len(parts):
        # The longest run of parts from `start` that is one source of the data.
        end = next(
            (end for end in range(len(parts), start, -1) if "; ".join(parts[start:end]) in known),
            start + 1,
        )
        joined = "; ".join(parts[start:end])
        if joined in known:
            found.append(joined)
        start = end
    return list(dict.fromkeys(found))


def key_figure_sources(indicators: list[Indicator], known: set[str] | None = None) -> list[str]:
    """Every source of the headline figures once, in the order the figures cite them
    (`source_parts`: only sources of the data, when `known` gives them)."""
    return list(dict.fromkeys(part for i in indicators for part in source_parts(i.source, known)))


def key_figures_table(indicators: list[Indicator], known: set[str] | None = None) -> Table:
    """Headline indicators: label, value at the report's one precision with its qualifier
    (`landing.figure_text`), status, and the numbers of its sources in the list under the
    table (`key_figure_sources`; a figure computed from the data alone cites none). The
    CSV keeps the full value, the qualifier and the source as the figure gives it."""
    numbers = {source: n for n, source in enumerate(key_figure_sources(indicators, known), start=1)}
    cited = [", ".join(str(numbers[part]) for part in source_parts(i.source, known))
             for i in indicators]  # fmt: skip
    statuses = status_names()
    shown = pd.DataFrame(
        {
            term("Indicator"): [i.label for i in indicators],
            term("Value"): [landing.figure_text(i) for i in indicators],
            term("Status"): [statuses.get(i.status, i.status) for i in indicators],
            term("Sources"): cited,
        }
    )
    data = pd.DataFrame(
        {
            "id": [i.id for i in indicators],
            "label": [i.label for i in indicators],
            "value": [i.value for i in indicators],
            "qualifier": [i.qualifier for i in indicators],
            "unit": [i.unit for i in indicators],
            "status": [i.status for i in indicators],
            "source": [i.source for i in indicators],
        }
    )
    return Table("tbl-key-figures", term("Headline figures"), shown, data, (6, 3, 2, 2), "lrlr")


def indicators_page(indicators: list[Indicator], ds: Dataset | None = None) -> str:
    """The appendix 'Key figures and sources': the table of every headline figure, then
    its sources, each once. Given the vintage `ds`: only the sources its data files name
    (`source_parts`), in the reader's language (`source_words`)."""
    known = data_sources(ds) if ds is not None else None
    table = key_figures_table(indicators, known) if indicators else None
    sources = key_figure_sources(indicators, known)
    if ds is not None:
        sources = [source_words(ds, source, known) for source in sources]
    return (
        prose.render("site/indicators", table=pipe_table(table) if table else "", sources=sources)
        + "\n"
    )


def with_forum(text: str, forum: object) -> str:
    """A resolution followed by the forum that adopted it, when known: 'text (CAVF)'."""
    return f"{text} ({forum})" if isinstance(forum, str) and forum else text


def answered_resolutions(frame: pd.DataFrame) -> pd.DataFrame:
    """The resolutions the network responded to, in published order."""
    return frame[frame["response"].notna()].sort_values("number")


def further_resolutions(frame: pd.DataFrame) -> pd.DataFrame:
    """The resolutions published without a response (listed after the table)."""
    return frame[frame["response"].isna()].sort_values("number")


def further_resolutions_table(frame: pd.DataFrame) -> Table:
    """Resolutions published without a response, with their forum."""
    rows = further_resolutions(frame).reset_index(drop=True)
    shown = pd.DataFrame({term("Resolution"): rows["resolution"], term("Forum"): rows["forum"]})
    text = prose.render("editorial/further_resolutions", items=resolution_items(rows))
    return Table("tbl-further-resolutions", term("Further resolutions of the forums"), shown,
                 rows, (12, 2), text=text)  # fmt: skip


def resolution_items(rows: pd.DataFrame) -> list[dict]:
    """Resolutions for a template: number (as published), text, forum (None if unknown)."""
    return [
        {
            "number": int(number),
            "text": text,
            "forum": forum if isinstance(forum, str) and forum else None,
        }
        for number, text, forum in zip(
            rows["number"], rows["resolution"], rows["forum"], strict=True
        )  # fmt: skip
    ]


def resolutions_table(frame: pd.DataFrame) -> Table:
    """Answered resolutions, one row per response: consecutive resolutions sharing a
    response share a row, as in the published table."""
    rows = answered_resolutions(frame).reset_index(drop=True)
    # Compared with the previous row; the first row (no previous) starts a group.
    group = (rows["response"] != rows["response"].shift()).fillna(True).cumsum()
    shown = pd.DataFrame(
        [
            {
                term("No."): ", ".join(fmt.number(n) for n in part["number"]),
                term("Resolution"): " ".join(
                    (f"{fmt.number(n)}. " if len(part) > 1 else "") + with_forum(text, forum)
                    for n, text, forum in zip(
                        part["number"], part["resolution"], part["forum"], strict=True
                    )
                ),
                term("The network's recommendations or work done"): part["response"].iloc[0],
            }
            for _, part in rows.groupby(group, sort=False)
        ]
    )
    groups = [
        {"resolutions": resolution_items(part), "response": part["response"].iloc[0]}
        for _, part in rows.groupby(group, sort=False)
    ]
    return Table(
        "tbl-resolutions",
        term("Forum resolutions and the National Volunteer Network's recommendations or work done"),
        shown,
        rows,
        (1, 6, 9),
        "rll",
        text=prose.render("editorial/resolutions", groups=groups),
    )


def slug(text: str, separator: str) -> str:
    """Lower-case letters and digits of `text` joined by `separator` (safe in paths, labels)."""
    return separator.join(re.findall(r"[a-z0-9]+", str(text).lower())) or "untitled"


def recommendations_table(frame: pd.DataFrame, section: str, year: int) -> Table:
    """One list of recommendations.csv as a numbered table, in published order."""
    rows = frame[frame["section"] == section].sort_values("number").reset_index(drop=True)
    caption = section_captions().get(section, section.replace("_", " ").capitalize())
    label = (
        "tbl-recommendations"
        if section == OUTLOOK_SECTION
        else f"tbl-recommendations-{slug(section, '-')}"
    )
    shown = pd.DataFrame(
        {
            term("No."): rows["number"].map(fmt.number),
            term("Recommendation"): [sentence_start(text) for text in rows["text"]],
        }
    )
    items = [
        {"number": int(number), "text": sentence_start(str(text))}
        for number, text in zip(rows["number"], rows["text"], strict=True)
    ]
    return Table(label, caption.format(prev_year=year - 1, year=year, next_year=year + 1),
                 shown, rows, (1, 15), "rl",
                 text=prose.render("editorial/recommendations", items=items))  # fmt: skip


def recommendation_pages(frame: pd.DataFrame, year: int) -> dict[str, Table]:
    """Page path -> table for every list of recommendations.csv.

    The outlook's list is tables/recommendations.md; every other list is
    tables/recommendations_<section>.md.
    """
    sections = dict.fromkeys(frame["section"].astype(str))
    return {
        "tables/recommendations.md"
        if section == OUTLOOK_SECTION
        else f"tables/recommendations_{slug(section, '_')}.md": recommendations_table(
            frame, section, year
        )
        for section in sections
    }


# --- page variables ----------------------------------------------------------------------


def bare_number(value: float | None) -> str:
    """A number without qualifier: whole numbers without decimals, others with one."""
    if value is None:
        return fmt.number(None)
    return fmt.number(value, 0 if float(value).is_integer() else 1)


def billions(value: float | None) -> str:
    """Tenge in billions as the report writes them: 2.6e9 -> '2.6 billion KZT'."""
    if value is None:
        return missing_text()
    return fmt.billions(value, None)


def as_published(ds: Dataset, indicator: str, category: str = "", unit_text=None) -> str:
    """An observation as its source words it ('at least 174,000'); 'not available' if missing.

    `unit_text` formats the bare value (default: whole numbers with thousands separators).
    """
    row = published(ds, indicator, category=category)
    if row.missing:
        return missing_text()
    number = (unit_text or bare_number)(row.value)
    return fmt.qualify(number, row.qualifier)


def count_text(frame: pd.DataFrame | None, select=None) -> str:
    """Rows of a record table (optionally of `select(frame)`); a dash when the table is absent."""
    if frame is None:
        return fmt.number(None)
    return fmt.number(len(select(frame) if select else frame))


def page_variables(ds: Dataset) -> dict[str, str]:
    """`{{< var >}}` values the editorial pages quote, beyond the headline indicators.

    - coverage_low, coverage_high: bounds of the expert estimate of the data's coverage
      (bare numbers; the page writes the percent sign);
    - volunteers_estimate, volunteers_systematic: the network's estimates, as worded;
    - economic_value_published, inquiries_volunteering_published,
      inquiries_other_published: published figures with their qualifier ('at least');
    - resolutions_count, further_resolutions_count: forum resolutions with and without the
      network's response; inquiry_countries_count: foreign countries that sent inquiries;
    - per_capita_measures: the measures of the table of volunteers per head of
      population, for its caption (`per_capita_measures`);
    - edition_date, software_version, how_to_cite: the edition's identity
      (`landing.edition_variables`; also the PDF's metadata).
    """
    resolutions = record_table(ds, "resolutions")
    countries = record_table(ds, "inquiry_countries")
    return {
        "coverage_low": bare_number(published(ds, "data_coverage_pct", category="low").value),
        "coverage_high": bare_number(published(ds, "data_coverage_pct", category="high").value),
        "volunteers_estimate": as_published(ds, "volunteers_estimate"),
        "volunteers_systematic": as_published(ds, "volunteers_systematic"),
        "economic_value_published": as_published(ds, "economic_value_kzt", unit_text=billions),
        "inquiries_volunteering_published": as_published(ds, "inquiries", "volunteering"),
        "inquiries_other_published": as_published(ds, "inquiries", "other"),
        "resolutions_count": count_text(resolutions, answered_resolutions),
        "further_resolutions_count": count_text(resolutions, further_resolutions),
        "inquiry_countries_count": count_text(countries),
        "per_capita_measures": i18n.label("caption_parts", per_capita_measures(ds)),
    } | landing.edition_variables(ds)


def per_capita_measures(ds: Dataset) -> str:
    """Which measures the table of volunteers per head of population holds, as the key of
    its caption's part (labels.yml `caption_parts`): with the rate stated in the data
    when they hold one (persons per volunteer or the share of the population), else the
    recorded count and the estimate only."""
    stated = [
        ds.obs(indicator, region=NATIONAL, category="")["value"].notna().any()
        for indicator in ("persons_per_volunteer", "volunteers_share_of_population")
    ]
    return "per_capita_stated" if any(stated) else "per_capita"


# --- the methodology appendix ------------------------------------------------------------


# Tables of the vintage that translate its texts, not data: never counted as data files.
TRANSLATION_TABLES = ("sources",)


def tables_with(ds: Dataset, column: str) -> dict[str, pd.DataFrame]:
    """The vintage's tables (observations first) that have `column`."""
    found = {"observations": ds.observations}
    found.update({name: ds.tables[name] for name in ds.tables if name not in TRANSLATION_TABLES})
    return {name: frame for name, frame in found.items() if column in frame.columns}


def sources_table(ds: Dataset) -> Table:
    """How many values each source gives, over every table with a `source` column."""
    counts = [
        frame["source"].fillna(NO_SOURCE).astype(str).value_counts().rename(name)
        for name, frame in tables_with(ds, "source").items()
    ]
    by_table = pd.concat(counts, axis=1).fillna(0).astype(int)
    known = data_sources(ds)
    rows = pd.DataFrame(
        {
            "source": by_table.index,
            "tables": [
                ", ".join(f"{name}.csv" for name in by_table.columns if by_table.loc[s, name])
                for s in by_table.index
            ],
            "values": by_table.sum(axis=1).to_numpy(),
            "words": [source_words(ds, source, known) for source in by_table.index],
        }
    )
    # Most values first; ties in the alphabetical order of the language of the table.
    rows = rows.sort_values(
        ["values", "words", "source"],
        ascending=[False, True, True],
        key=by_name("words"),
        ignore_index=True,
    )
    shown = pd.DataFrame(
        {
            term("Source"): rows["words"],
            term("Files"): rows["tables"],
            term("Values"): rows["values"].map(fmt.number),
        }
    )
    return Table("tbl-sources", term("Values by source"), shown, rows.drop(columns="words"),
                 (6, 3, 1), "llr")  # fmt: skip


NO_SOURCE = "(no source)"  # a value whose row names no source (in the CSV as it is)


def data_sources(ds: Dataset) -> set[str]:
    """Every source the vintage's data files name (rows and params.yml entries)."""
    found: set[str] = set()
    for frame in tables_with(ds, "source").values():
        found |= set(frame["source"].dropna().astype(str))
    for entry in ds.params.values():
        if isinstance(entry, dict) and entry.get("source"):
            found.add(str(entry["source"]))
    return found


def source_words(ds: Dataset, source: str, known: set[str] | None = None) -> str:
    """A source as the reader's language writes it: a source the data files name through
    the vintage's translations (`Dataset.source_text`), a source the code words (already in
    the current language) as it is."""
    if source == NO_SOURCE:
        return term("(no source)")
    if source in (data_sources(ds) if known is None else known):
        return ds.source_text(source)
    return source


def statuses_table(ds: Dataset) -> Table:
    """Counts of reported, derived and missing values in every table with a status."""
    rows = []
    for name, frame in tables_with(ds, "status").items():
        counts = frame["status"].astype(str).value_counts()
        rows.append(
            {"file": f"{name}.csv", **{s: int(counts.get(s, 0)) for s in STATUSES}}
            | {"total": len(frame)}
        )
    data = pd.DataFrame(rows, columns=["file", *STATUSES, "total"])
    shown = data.copy()
    for column in [*STATUSES, "total"]:
        shown[column] = data[column].map(fmt.number)
    shown.columns = [
        term("File"),
        term("Reported"),
        term("Derived"),
        term("Missing"),
        term("Total"),
    ]
    return Table("tbl-statuses", term("Values by status"), shown, data, (3, 1, 1, 1, 1), "lrrrr")


# The groups' share of the associations, over the regions that gave a count of groups
# (`derive.groups_share`): its label names the regions left out, as the data have them.
GROUPS_SHARE = "initiative_groups_share_excl_almaty"


def indicator_labels(ds: Dataset) -> dict[str, str]:
    """Indicator id -> label from the reference catalogue (the id when not catalogued);
    the groups' share by the regions it leaves out (`groups_share_label`)."""
    catalogue = ds.reference.get("indicators")
    if catalogue is None:
        return {}
    labels = dict(
        zip(catalogue["id"].astype(str), text_column(catalogue, "label").astype(str), strict=True)
    )
    if GROUPS_SHARE in labels:
        labels[GROUPS_SHARE] = groups_share_label(ds, labels[GROUPS_SHARE])
    return labels


def groups_share_label(ds: Dataset, catalogued: str) -> str:
    """The label of the groups' share of the associations, by the reporting regions that
    gave no count of initiative groups for the year: the catalogue's ('... outside Almaty
    city') when that is Almaty city alone, else the regions it leaves out named, or none
    (`methodology/groups_share_label`)."""
    obs = ds.observations
    counted = obs[
        (obs["indicator"] == "initiative_groups") & (obs["year"] == ds.year) & obs["value"].notna()
    ]
    names = region_names(ds)
    left_out = [
        code for code in reporting_regions(ds)["region"] if code not in set(counted["region"])
    ]
    return prose.render(
        "methodology/groups_share_label",
        catalogued=provenance.plain(catalogued),
        as_catalogued=left_out == [derive.ALMATY_CITY],
        left_out=provenance.plain([str(names.get(code, code)) for code in left_out]),
    ).strip()


def observation_groups(ds: Dataset, status: str) -> pd.DataFrame:
    """Observations of one status grouped by indicator and note.

    Columns: indicator, label, note, values (rows), regions (the distinct regional codes,
    sorted, the country not among them), national (whether the country row is).
    """
    rows = ds.observations[ds.observations["status"] == status]
    if "note" in rows.columns:
        rows = in_language(rows, ("note",))
    return by_indicator_and_note(
        rows.assign(note=rows["note"].fillna("").astype(str)), indicator_labels(ds)
    )


def by_indicator_and_note(rows: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """`rows` grouped by indicator and note, with the columns `observation_groups` gives;
    label from `labels` (indicator -> label, the indicator itself without one)."""
    grouped = (
        rows.assign(national=rows["region"] == NATIONAL)
        .groupby(["indicator", "note"], sort=True)
        .agg(
            values=("region", "size"),
            regions=("region", lambda r: sorted(set(r[r != NATIONAL]))),
            national=("national", "any"),
        )
        .reset_index()
    )
    grouped.insert(1, "label", grouped["indicator"].map(lambda i: labels.get(i, i)))
    return grouped


def where_text(regions: list[str], national: bool, names: dict[str, str]) -> str:
    """Where values are: 'Kazakhstan', 'Almaty city', '17 regions', 'Kazakhstan and 2 regions'.

    One or two regions are named (from `names`, code -> name); more are counted.
    """
    if len(regions) <= 2:
        regional = [names.get(code, code) for code in regions]
    else:
        regional = [regions_count(len(regions))]
    return f" {fmt.words('and')} ".join(([term("Kazakhstan")] if national else []) + regional)


def grouped_where(ds: Dataset, groups: pd.DataFrame) -> list[str]:
    """`where_text` of every row of `observation_groups`."""
    names = region_names(ds).to_dict()
    return [
        where_text(regions, national, names)
        for regions, national in zip(groups["regions"], groups["national"], strict=True)
    ]


def flat_regions(groups: pd.DataFrame) -> pd.DataFrame:
    """`observation_groups` for CSV: the region codes as one space-separated cell."""
    return groups.assign(regions=groups["regions"].map(" ".join))


# Record tables with rows for every reporting region: a region without any row is a gap the
# appendix names, as the chapters do. File stem -> what its rows give, for the sentence.
REGIONAL_TABLES = ("rfo_support", "area_representation")


def regional_table_names() -> dict[str, str]:
    """What the rows of each of REGIONAL_TABLES give, for the sentence on their gaps."""
    return {
        "rfo_support": term("The level of the regional front office's support"),
        "area_representation": term("The representation of the areas in the region's events"),
    }


def regions_without_rows(ds: Dataset) -> list[dict]:
    """Per regional record table of the vintage: {what, file, regions} with the names of
    the reporting regions it has no row for (tables without such regions left out)."""
    regions = reporting_regions(ds)
    found = []
    for name, what in regional_table_names().items():
        table = ds.tables.get(name)
        if table is None:
            continue
        have = set(table["region"].astype(str))
        absent = [
            str(region_name)
            for code, region_name in zip(regions["region"], regions["region_name"], strict=True)
            if code not in have
        ]
        if absent:
            found.append({"what": what, "file": f"{name}.csv", "regions": absent})
    return found


# The chapter that computes the figures no return form collects, by its heading's id.
ECONOMIC_CHAPTER = "sec-economic"


def form_sources(ds: Dataset) -> tuple[dict[str, str], dict[str, str]]:
    """The sources of rows read from return forms, as ingest words them (the templates
    `intake/return_form` and `intake/return_source`, in English like the data): a form the
    vintage declares (datapackage.json) -> its unit's code, and the source of a unit that
    returned no form -> its code. Both empty for a vintage not made from return forms."""
    english = provenance.region_names(ds.reference, i18n.SOURCE_LANGUAGE)
    declared = {
        str(source.get("title", "")): str(source.get("path", "") or "")
        for source in ds.descriptor.get("sources", [])
    }
    units = [NATIONAL, *reporting_regions(ds)["region"].astype(str)]
    returned: dict[str, str] = {}
    unreturned: dict[str, str] = {}
    for code in units:
        region = None if code == NATIONAL else english.get(code, code)
        context = {"year": ds.year, "region": region}
        title = provenance.source_text("return_form", i18n.SOURCE_LANGUAGE, **context)
        if declared.get(title):
            file = declared[title]
            source = provenance.source_text("return_source", i18n.SOURCE_LANGUAGE, **context,
                                            file=file)  # fmt: skip
            returned[source] = code
        source = provenance.source_text("return_source", i18n.SOURCE_LANGUAGE, **context,
                                        file=None)  # fmt: skip
        unreturned[source] = code
    return returned, unreturned


def regions_without_form(ds: Dataset) -> list[str]:
    """The reporting regions whose rows cite a return form that never came back (in the
    order of `reporting_regions`); none for a vintage not made from return forms."""
    _, unreturned = form_sources(ds)
    cited = set(ds.observations["source"].dropna().astype(str))
    codes = {unreturned[source] for source in cited & set(unreturned)}
    return [code for code in reporting_regions(ds)["region"] if code in codes]


def gap_reasons(ds: Dataset, rows: pd.DataFrame) -> pd.Series:
    """Why each missing observation of `rows` is missing, in the current language: every
    value of a unit that returned no form because of that; a value read from a returned
    form because its cell was left empty (the cell is in the row's note, and the CSV of
    observations); a figure no form collects because of that (the analysts add it, or the
    chapter ECONOMIC_CHAPTER computes it); any other value ingest computes because a value
    it is computed from is missing; any other value by its note ('no reason given' without
    one). The notes of the rows ingest writes are not shown: the reasons are words of the
    report (`methodology/gap_reason`), in every language."""
    returned, _ = form_sources(ds)
    no_form = set(regions_without_form(ds))
    if returned and NATIONAL not in returned.values():
        no_form.add(NATIONAL)  # the national form did not come back either
    # The rows ingest writes itself: the figures no form collects, the national form's
    # figures when it did not come back, and the values computed from the forms.
    computed = provenance.source_text("derived_source", i18n.SOURCE_LANGUAGE, year=ds.year)
    chapter = provenance.plain(i18n.label("headings", ECONOMIC_CHAPTER))
    words = {
        reason: prose.render("methodology/gap_reason", reason=reason, chapter=chapter).strip()
        for reason in ("no_form", "empty_cell", "not_collected", "inputs")
    } | {"none": term("no reason given in the data")}
    notes = text_column(rows, "note") if "note" in rows.columns else pd.Series("", rows.index)
    reasons = []
    for indicator, region, category, source, note in zip(
        rows["indicator"], rows["region"], rows["category"].fillna(""),
        rows["source"].fillna("").astype(str), notes, strict=True,
    ):  # fmt: skip
        key = (str(indicator), str(category))
        if region in no_form and (region != NATIONAL or key in rules.NATIONAL_FORM):
            reasons.append(words["no_form"])
        elif source in returned:
            reasons.append(words["empty_cell"])
        elif source == computed:
            reasons.append(words["not_collected" if key in rules.NOT_COLLECTED else "inputs"])
        elif isinstance(note, str) and note.strip():
            reasons.append(note)
        else:
            reasons.append(words["none"])
    return pd.Series(reasons, index=rows.index, dtype=object)


def gap_where(ds: Dataset, regions: list[str], national: bool) -> str:
    """Where values are missing: 'Kazakhstan', 'all regions', every region named, in the
    order of their codes ('Abai region, Mangystau region and Shymkent'), or, for most
    regions, those without a gap ('all regions but Ulytau region')."""
    names = region_names(ds).to_dict()
    units = list(reporting_regions(ds)["region"])
    others = [code for code in units if code not in set(regions)]
    # Most regions: the others named ('all regions but Ulytau region').
    but = bool(regions) and len(others) < len(regions)
    named = [str(names.get(code, code)) for code in sorted(others if but else regions)]
    return prose.render(
        "methodology/gap_where",
        national=national,
        every=bool(regions) and not others,
        but=but and bool(others),
        regions=provenance.plain(named),  # the table escapes its cells
    ).strip()


def gaps_table(ds: Dataset) -> Table:
    """Missing observations, one row per indicator and reason (`gap_reasons`), and one for
    all the values of the units that returned no form: how many values, and where
    (`gap_where`); by reason, then by indicator. The CSV gives the same
    rows with the regions' codes; each missing value, with its own note, is a row of
    observations.csv."""
    rows = ds.observations[ds.observations["status"] == "missing"]
    reasons = gap_reasons(ds, rows)
    # A unit that returned no form: one row for all its values, whatever the indicator.
    whole = reasons == prose.render("methodology/gap_reason", reason="no_form", chapter="").strip()
    labels = indicator_labels(ds) | {
        "": prose.render("methodology/gap_reason", reason="all_values", chapter="").strip()
    }
    groups = by_indicator_and_note(
        rows.assign(indicator=rows["indicator"].where(~whole, ""), note=reasons), labels
    )
    groups = groups.sort_values(["note", "label"], key=by_name("note", "label"), ignore_index=True)
    shown = pd.DataFrame(
        {
            term("Indicator"): groups["label"],
            term("Where"): [
                gap_where(ds, regions, national)
                for regions, national in zip(groups["regions"], groups["national"], strict=True)
            ],
            term("Missing values"): groups["values"].map(fmt.number),
            term("Why"): groups["note"],
        }
    )
    return Table("tbl-data-gaps", term("Data gaps"), shown, flat_regions(groups), (3, 3, 2, 5),
                 "llrl")  # fmt: skip


def derived_table(ds: Dataset) -> Table:
    """Derived observations by indicator, with the note that names the method."""
    groups = observation_groups(ds, "derived")
    shown = pd.DataFrame(
        {
            term("Indicator"): groups["label"],
            term("Where"): grouped_where(ds, groups),
            term("Values"): groups["values"].map(fmt.number),
            term("Note"): groups["note"],
        }
    )
    return Table("tbl-derived", term("Derived values"), shown, flat_regions(groups),
                 (3, 2, 1, 6), "llrl")  # fmt: skip


PARAMETER_FIELDS = ("value", "unit", "status", "formula", "source", "note")
# The keys of a params.yml entry that are its texts in other languages (note_ru, formula_kk).
PARAMETER_TRANSLATIONS = tuple(
    contract.translation_column(field, language)
    for field in contract.TRANSLATED_PARAM_FIELDS
    for language in contract.TEXT_LANGUAGES
)


def full_stop(text: str) -> str:
    """`text` ending with a full stop, so that joined phrases read as sentences."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def parameter_value(entry: dict) -> str:
    """A params.yml value for display; an entry without one points to its data instead
    ('wages.csv, region KZ, boundaries current': file, column and value as the data write
    them, joined by the language's `parameter_values.row_key`)."""
    if "value" in entry:
        value = entry["value"]
        return bare_number(value) if isinstance(value, int | float) else str(value)
    pointer = {k: v for k, v in entry.items() if k not in PARAMETER_FIELDS + PARAMETER_TRANSLATIONS}
    table = pointer.pop("table", None)
    row_key = i18n.label("parameter_values", "row_key")
    where = ", ".join(row_key.format(column=key, value=value) for key, value in pointer.items())
    return ", ".join(part for part in (f"{table}.csv" if table else "", where) if part)


def parameter_csv_value(entry: dict) -> object:
    """A params.yml value as the CSV writes it: a number as the number (1960, not the
    shown '1,960'), anything else as `parameter_value` words it."""
    value = entry.get("value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return parameter_value(entry)


def parameter_name(name: str) -> str:
    """A parameter's name in the current language (labels.yml `parameters`); a parameter
    without one is shown by its id, underscores as spaces, in English only
    (MissingTranslation in any other language)."""
    try:
        return i18n.label("parameters", name)
    except i18n.MissingTranslation:
        if i18n.current() != i18n.SOURCE_LANGUAGE:
            raise
        return name.replace("_", " ")


def unit_words(unit: object) -> object:
    """A parameter's unit in the current language (labels.yml `units`); a unit without
    one as it is written, in English only."""
    if unit is None or unit == "":
        return unit
    try:
        return i18n.label("units", str(unit))
    except i18n.MissingTranslation:
        if i18n.current() != i18n.SOURCE_LANGUAGE:
            raise
        return unit


def parameter_text(name: str, entry: dict, field: str) -> str:
    """A text of a params.yml entry (`note`, `formula`) in the current language: English as
    it is, another language from the entry's translation (`note_ru`); MissingTranslation
    when the English has text and its translation has none."""
    english = entry.get(field, "")
    language = i18n.current()
    if language == i18n.SOURCE_LANGUAGE or not str(english).strip():
        return english
    translated = entry.get(contract.translation_column(field, language))
    if translated is None or not str(translated).strip():
        key = contract.translation_column(field, language)
        raise i18n.MissingTranslation(language, f"params.yml {key}", str(name))
    return translated


def parameter_method(ds: Dataset, name: str, entry: dict) -> str:
    """An entry's source, formula and note as sentences, in the current language."""
    source = entry.get("source", "")
    formula = parameter_text(name, entry, "formula")
    parts = (
        ds.source_text(str(source)) if source else "",
        term("Formula: {formula}").format(formula=formula) if formula else "",
        parameter_text(name, entry, "note"),
    )
    return " ".join(full_stop(str(part)) for part in parts if part)


def parameters_table(ds: Dataset) -> Table:
    """The economic method's parameters from params.yml: value, unit, status, method,
    source. Names and units are words of labels.yml (`parameters`, `units`); notes and
    formulas the entry's own texts in the current language; sources through the vintage's
    sources.csv. The CSV keeps the English entries."""
    entries = {
        name: entry if isinstance(entry, dict) else {"value": entry}
        for name, entry in ds.params.items()
    }
    with i18n.speaking(i18n.SOURCE_LANGUAGE):  # the CSV is the same in every language
        data = pd.DataFrame(
            [
                {"parameter": name, "value": parameter_csv_value(entry)}
                | {key: entry.get(key, "") for key in PARAMETER_FIELDS[1:]}
                for name, entry in entries.items()
            ],
            columns=["parameter", *PARAMETER_FIELDS],
        )
    shown = pd.DataFrame(
        {
            term("Parameter"): [parameter_name(str(name)) for name in entries],
            term("Value"): [parameter_value(entry) for entry in entries.values()],
            term("Unit"): [unit_words(unit) for unit in data["unit"]],
            term("Status"): data["status"].map(lambda s: status_names().get(s, s)),
            term("Source and method"): [
                parameter_method(ds, name, entry) for name, entry in entries.items()
            ],
        }
    )
    return Table("tbl-parameters", term("Parameters of the economic method"), shown, data,
                 (2, 2, 1, 1, 7), "lrlll")  # fmt: skip


def discrepancies_table(found: list[Discrepancy]) -> Table:
    """The published figures that disagree with their recomputation, with explanations."""
    data = pd.DataFrame(
        [vars(d) for d in found],
        columns=["chapter", "topic", "published", "recomputed", "explanation"],
    )
    shown = pd.DataFrame(
        {
            term("Chapter"): data["chapter"].map(lambda c: chapter_names().get(c, c)),
            term("Topic"): data["topic"],
            term("Published"): data["published"],
            term("Recomputed"): data["recomputed"],
            term("Explanation"): data["explanation"],
        }
    )
    return Table("tbl-discrepancies", term("Discrepancies in the published figures"), shown,
                 data, (2, 3, 3, 3, 6))  # fmt: skip


def methodology_tables(ds: Dataset, found: list[Discrepancy]) -> dict[str, Table]:
    """The appendix's tables by section; the discrepancies only for a vintage transcribed
    from a published report (any other has none to list)."""
    tables = {
        "sources": sources_table(ds),
        "statuses": statuses_table(ds),
        "derived": derived_table(ds),
        "parameters": parameters_table(ds),
        "gaps": gaps_table(ds),
    }
    if ds.edition.published:
        tables["discrepancies"] = discrepancies_table(found)
    return tables


# Each chapter module's heading id (labels.yml `headings`). Method notes of edition.yml:
# the chapter modules' notes go to "Methods of the chapters", linked to the chapter's
# section; the notes under DERIVED_NOTES to "Derived values".
CHAPTER_SECTIONS = {
    "portrait": "sec-portrait",
    "organizations": "sec-organizations",
    "areas": "sec-areas",
    "grants": "sec-grants",
    "economics": "sec-economic",
    "public_interest": "sec-public-interest",
}
DERIVED_NOTES = "derive"
WEB_ADDRESS = re.compile(r"https?://[^\s()<>\\]+")


def declared_sources(ds: Dataset) -> list[dict[str, str]]:
    """The vintage's declared sources (datapackage.json): title (in the current language,
    through the vintage's sources.csv), path and web address, the text as it is (the
    templates escape it); `url` only for a web address."""
    found = []
    for source in ds.descriptor.get("sources", []):
        path = str(source.get("path", "") or "")
        web = WEB_ADDRESS.fullmatch(path) is not None
        title = source.get("title", "")
        found.append(
            {
                "title": ds.source_text(title) if title else path or term("untitled source"),
                "path": "" if web else path,
                "url": path if web else "",
            }
        )
    return found


def derived_facts(ds: Dataset) -> dict:
    """What the vintage's derived values are, for the wording of "Derived values".

    - derived: derived values over every data file with a status;
    - in_observations: derived rows of observations.csv;
    - national_sums: a derived national observation whose indicator and category the
      same year has reported regional values for (a sum of regions);
    - partial_sums: such a national value qualified 'at least' (some regions gave none);
    - shares: a derived observation in percent;
    - other_files: the other data files with derived values.
    """
    by_file = {
        f"{name}.csv": int((frame["status"].astype(str) == "derived").sum())
        for name, frame in tables_with(ds, "status").items()
    }
    obs = ds.observations
    derived = obs[obs["status"] == "derived"]
    key = ["indicator", "year", "category"]
    regional = obs[(obs["region"] != NATIONAL) & (obs["status"] == "reported")]
    regional_keys = set(map(tuple, regional[key].fillna("").astype(str).to_numpy()))
    national = derived[derived["region"] == NATIONAL]
    is_sum = [tuple(k) in regional_keys for k in national[key].fillna("").astype(str).to_numpy()]
    sums = national.loc[pd.Series(is_sum, index=national.index, dtype=bool)]
    return {
        "derived": sum(by_file.values()),
        "in_observations": len(derived),
        "national_sums": len(sums) > 0,
        "partial_sums": bool((sums["qualifier"].astype(str) == "at_least").any()),
        "shares": bool((derived["unit"].astype(str) == "percent").any()),
        "other_files": [
            name for name, count in by_file.items() if count and name != "observations.csv"
        ],
    }


def chapter_notes(ds: Dataset) -> list[dict]:
    """The vintage's method notes by chapter, in chapter order, for "Methods of the chapters".

    Each entry: section (the chapter's section id; empty for a key that names no chapter)
    and notes (Markdown, numbers only through shortcodes). The notes of DERIVED_NOTES are
    left out: they belong to "Derived values".
    """
    notes = ds.edition.method_notes
    order = [*CHAPTER_SECTIONS, *(k for k in notes if k not in CHAPTER_SECTIONS)]
    return [
        {"section": CHAPTER_SECTIONS.get(key, ""), "notes": list(notes[key])}
        for key in order
        if key != DERIVED_NOTES and notes.get(key)
    ]


def with_table(statement: str, table: Table) -> str:
    """A rendered statement followed by its table, when the table has rows."""
    return statement + "\n\n" + (pipe_table(table) if len(table.shown) else "")


def methodology_page(
    ds: Dataset, indicators: list[Indicator], tables: dict[str, Table], found: list[Discrepancy]
) -> str:
    """The appendix 'Methodology and data', generated from the vintage.

    Every sentence is a template of templates/<language>/methodology/, conditioned on what
    the vintage holds and declares: a synthetic vintage, a published source (only then the
    discrepancies section), its own method notes (edition.yml), derived values, gaps.
    """
    edition = ds.edition
    source = edition.published_source
    parts = [
        prose.render(
            "methodology/opening",
            year=ds.year,
            synthetic=ds.synthetic,
            published=edition.published,
            cite_as=source.cite_as if source else "",
            title=source.title if source else "",
        ),
        with_table(
            prose.render(
                "methodology/sources",
                declared=declared_sources(ds),
                sourced=len(tables["sources"].shown) > 0,
            ),
            tables["sources"],
        ),
        with_table(
            prose.render("methodology/statuses", any=len(tables["statuses"].shown) > 0),
            tables["statuses"],
        ),
        with_table(
            prose.render(
                "methodology/derived", **derived_facts(ds), notes=edition.notes(DERIVED_NOTES)
            ),
            tables["derived"],
        ),
        with_table(
            prose.render("methodology/parameters", any=len(tables["parameters"].shown) > 0),
            tables["parameters"],
        ),
        prose.render("methodology/chapters", chapters=chapter_notes(ds)),
        with_table(
            prose.render(
                "methodology/gaps",
                missing=int(tables["gaps"].data["values"].sum()) if len(tables["gaps"].data) else 0,
                missing_headline=[i.label for i in indicators if i.status == "missing"],
                absent=regions_without_rows(ds),
                units=len(reporting_regions(ds)),
                year=ds.year,
                no_form=[region_names(ds)[code] for code in regions_without_form(ds)],
            ),
            tables["gaps"],
        ),
    ]
    if edition.published:
        parts.append(
            with_table(
                prose.render(
                    "methodology/discrepancies",
                    cite_as=edition.cite_as,
                    found=len(found),
                ),
                tables["discrepancies"],
            )
        )
    return "\n\n".join(part.strip() for part in parts if part.strip()) + "\n"


# --- everything the build stages ---------------------------------------------------------


def included_tables(ds: Dataset, indicators: list[Indicator]) -> dict[str, Table | str]:
    """Page path -> the table an editorial page includes, or a sentence saying the vintage
    holds no such data."""
    tables: dict[str, Table | str] = {}
    resolutions = record_table(ds, "resolutions")
    if resolutions is None:
        absent = term("The data of this edition hold no forum resolutions.") + "\n"
        tables |= {"tables/resolutions.md": absent, "tables/further_resolutions.md": absent}
    else:
        resolutions = in_language(resolutions, ("resolution", "forum", "response"))
        tables["tables/resolutions.md"] = resolutions_table(resolutions)
        tables["tables/further_resolutions.md"] = further_resolutions_table(resolutions)
    recommendations = record_table(ds, "recommendations")
    tables["tables/recommendations.md"] = (
        term("The data of this edition hold no recommendations.") + "\n"
    )
    if recommendations is not None:
        tables |= recommendation_pages(in_language(recommendations, ("text",)), ds.year)
    return tables


def generated_pages(
    ds: Dataset, indicators: list[Indicator], discrepancies: list[Discrepancy]
) -> dict[str, str]:
    """Relative path in the staged book -> text: the appendix, included tables, their CSVs.

    - methodology.md: the appendix 'Methodology and data';
    - indicators.md: the appendix 'Key figures and sources' (every headline figure);
    - data.md: the appendix 'Data' (downloads; its list of tables and figures,
      tables/downloads.md, is written when the book is staged: `downloads`);
    - tables/key_figures.md: the landing page's key figures as cards, and the small
      charts they show (figures/key-figures/*.svg); tables/edition.md: how to cite the
      edition, its date and software (`landing`);
    - tables/resolutions.md: the forum resolutions with the network's responses, and
      tables/further_resolutions.md those without (international page);
    - tables/recommendations.md: the outlook's recommendations, and
      tables/recommendations_<section>.md every other list of recommendations.csv
      (outlook and conclusion pages);
    - data/<label>.csv: the data of every table, for its download link.
    """
    included = included_tables(ds, indicators)
    appendix = methodology_tables(ds, discrepancies)
    pages = {
        path: pipe_table(table) if isinstance(table, Table) else table
        for path, table in included.items()
    }
    pages["methodology.md"] = methodology_page(ds, indicators, appendix, discrepancies)
    pages["indicators.md"] = indicators_page(indicators, ds)
    pages |= landing.key_figures_pages(ds, indicators)
    pages["tables/edition.md"] = landing.edition_page(ds)
    pages["data.md"] = downloads.data_page(ds.year)
    for table in [*included.values(), *appendix.values(), key_figures_table(indicators)]:
        if isinstance(table, Table):
            pages[f"data/{table.label}.csv"] = csv_text(table.data)
    return pages
