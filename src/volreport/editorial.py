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

import inspect
import re
from dataclasses import dataclass
from importlib import import_module

import pandas as pd

from volreport import display, fmt
from volreport.dataset import NATIONAL, Dataset
from volreport.indicators import STATUSES, Discrepancy, Indicator, format_value
from volreport.published import published, region_names

# Characters that start Markdown (or pandoc) markup anywhere in a line; escaped everywhere.
INLINE_SPECIALS = frozenset("\\`*_{}[]<>&|#~^$@!")
# Markup that only counts at the start of a line: list bullets, setext underlines,
# definition lists, and ordered-list numbers such as "2." or "3)".
LINE_START = re.compile(r"^(?:([-+=:])|(\d+)([.)])(?=\s|$))")
MISSING_TEXT = "not published"
# Which list of recommendations.csv each page includes, by section id.
OUTLOOK_SECTION = "outlook"
SECTION_CAPTIONS = {
    "outlook": "Priorities for the development of volunteering in {next_year}",
    "regions": "Measures recommended to the regions for {next_year}",
    "unrealized": "Recommendations of the report for {prev_year} that remain unrealized",
    "open_questions": "New open questions",
}


# --- Markdown building blocks ------------------------------------------------------------


def escape_markdown(text: object) -> str:
    """`text` as literal Markdown on one line: markup characters escaped, whitespace collapsed.

    Newlines become spaces (a table cell or list item must stay on one line), every
    character that could start markup or raw HTML is backslash-escaped, and so is a line
    start that would read as a list marker. Missing values give the empty string.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    flat = " ".join(str(text).split())
    escaped = "".join("\\" + char if char in INLINE_SPECIALS else char for char in flat)
    match = LINE_START.match(escaped)
    if match is None:
        return escaped
    if match.group(1):
        return "\\" + escaped
    number, marker = match.group(2), match.group(3)
    return f"{number}\\{marker}{escaped[match.end() :]}"


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


def pipe_table(table: Table) -> str:
    """The table as a pandoc pipe table with caption, label and its CSV download link."""
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
    """A table's data as the downloadable CSV: UTF-8 text, formula-safe cells."""
    return display.csv_safe(frame).to_csv(index=False, lineterminator="\n")


# --- record tables -----------------------------------------------------------------------


def record_table(ds: Dataset, name: str) -> pd.DataFrame | None:
    """A record table of the vintage, or None when the vintage does not hold it."""
    return ds.tables.get(name)


def distinct_sources(source: str) -> str:
    """A '; '-joined source list without repeats, in order."""
    return "; ".join(dict.fromkeys(part.strip() for part in source.split(";")))


def key_figure_value(indicator: Indicator) -> str:
    """An indicator's value as the key figures show it, with the source's qualifier words:
    'at least 45,182', 'about 2.56 billion KZT'; 'not published' when missing."""
    if indicator.value is None:
        return MISSING_TEXT
    return fmt.QUALIFIER_WORDS.get(indicator.qualifier, "") + format_value(indicator)


def key_figures_table(indicators: list[Indicator]) -> Table:
    """Headline indicators: label, value as prose quotes it (with its qualifier), status and
    source. The CSV keeps the bare value and the qualifier in columns of their own."""
    shown = pd.DataFrame(
        {
            "Indicator": [i.label for i in indicators],
            "Value": [key_figure_value(i) for i in indicators],
            "Status": [i.status for i in indicators],
            "Source": [distinct_sources(i.source) for i in indicators],
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
    return Table("tbl-key-figures", "Headline figures", shown, data, (4, 2, 1, 4), "lrll")


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
    shown = pd.DataFrame({"Resolution": rows["resolution"], "Forum": rows["forum"].fillna("—")})
    return Table("tbl-further-resolutions", "Further resolutions of the forums", shown, rows,
                 (12, 2))  # fmt: skip


def resolutions_table(frame: pd.DataFrame) -> Table:
    """Answered resolutions, one row per response: consecutive resolutions sharing a
    response share a row, as in the published table."""
    rows = answered_resolutions(frame).reset_index(drop=True)
    # Compared with the previous row; the first row (no previous) starts a group.
    group = (rows["response"] != rows["response"].shift()).fillna(True).cumsum()
    shown = pd.DataFrame(
        [
            {
                "No.": ", ".join(fmt.number(n) for n in part["number"]),
                "Resolution": " ".join(
                    (f"{fmt.number(n)}. " if len(part) > 1 else "") + with_forum(text, forum)
                    for n, text, forum in zip(
                        part["number"], part["resolution"], part["forum"], strict=True
                    )
                ),
                "The network's recommendations or work done": part["response"].iloc[0],
            }
            for _, part in rows.groupby(group, sort=False)
        ]
    )
    return Table(
        "tbl-resolutions",
        "Forum resolutions and the National Volunteer Network's recommendations or work done",
        shown,
        rows,
        (1, 6, 9),
        "rll",
    )


def slug(text: str, separator: str) -> str:
    """Lower-case letters and digits of `text` joined by `separator` (safe in paths, labels)."""
    return separator.join(re.findall(r"[a-z0-9]+", str(text).lower())) or "untitled"


def recommendations_table(frame: pd.DataFrame, section: str, year: int) -> Table:
    """One list of recommendations.csv as a numbered table, in published order."""
    rows = frame[frame["section"] == section].sort_values("number").reset_index(drop=True)
    caption = SECTION_CAPTIONS.get(section, section.replace("_", " ").capitalize())
    label = (
        "tbl-recommendations"
        if section == OUTLOOK_SECTION
        else f"tbl-recommendations-{slug(section, '-')}"
    )
    shown = pd.DataFrame(
        {
            "No.": rows["number"].map(fmt.number),
            "Recommendation": [sentence_start(text) for text in rows["text"]],
        }
    )
    return Table(label, caption.format(prev_year=year - 1, year=year, next_year=year + 1),
                 shown, rows, (1, 15), "rl")  # fmt: skip


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
        return MISSING_TEXT
    scaled = value / 1e9
    decimals = next(d for d in (0, 1, 2, 3) if round(scaled, d) == round(scaled, 3))
    return f"{fmt.number(scaled, decimals)} billion KZT"


def as_published(ds: Dataset, indicator: str, category: str = "", unit_text=None) -> str:
    """An observation as the report words it ('at least 174,000'); 'not published' if missing.

    `unit_text` formats the bare value (default: whole numbers with thousands separators).
    """
    row = published(ds, indicator, category=category)
    if row.missing:
        return MISSING_TEXT
    number = (unit_text or bare_number)(row.value)
    return fmt.QUALIFIER_WORDS.get(row.qualifier, "") + number


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
      network's response; inquiry_countries_count: foreign countries that sent inquiries.
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
    }


# --- the methodology appendix ------------------------------------------------------------


def tables_with(ds: Dataset, column: str) -> dict[str, pd.DataFrame]:
    """The vintage's tables (observations first) that have `column`."""
    found = {"observations": ds.observations}
    found.update({name: ds.tables[name] for name in ds.tables})
    return {name: frame for name, frame in found.items() if column in frame.columns}


def sources_table(ds: Dataset) -> Table:
    """How many values each source gives, over every table with a `source` column."""
    counts = [
        frame["source"].fillna("(no source)").astype(str).value_counts().rename(name)
        for name, frame in tables_with(ds, "source").items()
    ]
    by_table = pd.concat(counts, axis=1).fillna(0).astype(int)
    rows = pd.DataFrame(
        {
            "source": by_table.index,
            "tables": [
                ", ".join(f"{name}.csv" for name in by_table.columns if by_table.loc[s, name])
                for s in by_table.index
            ],
            "values": by_table.sum(axis=1).to_numpy(),
        }
    ).sort_values(["values", "source"], ascending=[False, True], ignore_index=True)
    shown = pd.DataFrame(
        {
            "Source": rows["source"],
            "Files": rows["tables"],
            "Values": rows["values"].map(fmt.number),
        }
    )
    return Table("tbl-sources", "Values by source", shown, rows, (6, 3, 1), "llr")


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
    shown.columns = ["File", *(s.capitalize() for s in STATUSES), "Total"]
    return Table("tbl-statuses", "Values by status", shown, data, (3, 1, 1, 1, 1), "lrrrr")


def indicator_labels(ds: Dataset) -> dict[str, str]:
    """Indicator id -> label from the reference catalogue (the id when not catalogued)."""
    catalogue = ds.reference.get("indicators")
    if catalogue is None:
        return {}
    return dict(zip(catalogue["id"].astype(str), catalogue["label"].astype(str), strict=True))


def observation_groups(ds: Dataset, status: str) -> pd.DataFrame:
    """Observations of one status grouped by indicator and note.

    Columns: indicator, label, note, values (rows), regions (the distinct regional codes,
    sorted, the country not among them), national (whether the country row is).
    """
    rows = ds.observations[ds.observations["status"] == status]
    labels = indicator_labels(ds)
    grouped = (
        rows.assign(note=rows["note"].fillna("").astype(str), national=rows["region"] == NATIONAL)
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
        regional = [f"{len(regions)} regions"]
    return " and ".join((["Kazakhstan"] if national else []) + regional)


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


def gaps_table(ds: Dataset) -> Table:
    """Missing observations by indicator and reason (the note of the rows)."""
    groups = observation_groups(ds, "missing").sort_values(["note", "label"], ignore_index=True)
    shown = pd.DataFrame(
        {
            "Indicator": groups["label"],
            "Where": grouped_where(ds, groups),
            "Missing values": groups["values"].map(fmt.number),
            "Why": groups["note"].replace("", "no reason given in the data"),
        }
    )
    return Table("tbl-data-gaps", "Data gaps", shown, flat_regions(groups), (3, 2, 1, 6), "llrl")


def derived_table(ds: Dataset) -> Table:
    """Derived observations by indicator, with the note that names the method."""
    groups = observation_groups(ds, "derived")
    shown = pd.DataFrame(
        {
            "Indicator": groups["label"],
            "Where": grouped_where(ds, groups),
            "Values": groups["values"].map(fmt.number),
            "Note": groups["note"],
        }
    )
    return Table("tbl-derived", "Derived values", shown, flat_regions(groups), (3, 2, 1, 6), "llrl")


def derivation_methods(module_name: str = "volreport.derive") -> list[tuple[str, str]]:
    """(summary, method) of each derivation: the docstrings of `*_derivations` in derive.py.

    The summary is the docstring's first line, the method the rest; code quotes are
    removed for prose. Empty when the module does not exist.
    """
    try:
        module = import_module(module_name)
    except ModuleNotFoundError:
        return []
    methods = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.endswith("_derivations") and function.__module__ == module.__name__:
            summary, _, method = (inspect.getdoc(function) or name).replace("`", "").partition("\n")
            methods.append((summary.strip(), method.strip()))
    return methods


PARAMETER_FIELDS = ("value", "unit", "status", "formula", "source", "note")


def full_stop(text: str) -> str:
    """`text` ending with a full stop, so that joined phrases read as sentences."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def parameter_value(entry: dict) -> str:
    """A params.yml value for display; an entry without one points to its data instead."""
    if "value" in entry:
        value = entry["value"]
        return bare_number(value) if isinstance(value, int | float) else str(value)
    pointer = {k: v for k, v in entry.items() if k not in PARAMETER_FIELDS}
    table = pointer.pop("table", None)
    where = ", ".join(f"{key} {value}" for key, value in pointer.items())
    return ", ".join(part for part in (f"{table}.csv" if table else "", where) if part)


def parameters_table(params: dict) -> Table:
    """The economic method's parameters from params.yml: value, unit, status, method, source."""
    entries = {
        name: entry if isinstance(entry, dict) else {"value": entry}
        for name, entry in params.items()
    }
    data = pd.DataFrame(
        [
            {"parameter": name, "value": parameter_value(entry)}
            | {key: entry.get(key, "") for key in PARAMETER_FIELDS[1:]}
            for name, entry in entries.items()
        ],
        columns=["parameter", *PARAMETER_FIELDS],
    )
    shown = pd.DataFrame(
        {
            "Parameter": data["parameter"].str.replace("_", " "),
            "Value": data["value"],
            "Unit": data["unit"],
            "Status": data["status"],
            "Source and method": [
                " ".join(full_stop(str(part)) for part in parts if part)
                for parts in zip(
                    data["source"],
                    data["formula"].map(lambda f: f"Formula: {f}" if f else ""),
                    data["note"],
                    strict=True,
                )
            ],
        }
    )
    return Table("tbl-parameters", "Parameters of the economic method", shown, data,
                 (2, 2, 1, 1, 7), "lrlll")  # fmt: skip


def discrepancies_table(found: list[Discrepancy]) -> Table:
    """The published figures that disagree with their recomputation, with explanations."""
    data = pd.DataFrame(
        [vars(d) for d in found],
        columns=["chapter", "topic", "published", "recomputed", "explanation"],
    )
    shown = data.rename(columns=str.capitalize)
    return Table("tbl-discrepancies", "Discrepancies in the published figures", shown, data,
                 (2, 3, 3, 3, 6))  # fmt: skip


def methodology_tables(ds: Dataset, found: list[Discrepancy]) -> dict[str, Table]:
    """The appendix's tables by section."""
    return {
        "sources": sources_table(ds),
        "statuses": statuses_table(ds),
        "derived": derived_table(ds),
        "parameters": parameters_table(ds.params),
        "gaps": gaps_table(ds),
        "discrepancies": discrepancies_table(found),
    }


def table_or(table: Table, empty: str) -> str:
    """The table as Markdown, or the sentence `empty` when it has no rows."""
    return pipe_table(table) if len(table.shown) else empty + "\n"


def source_links(descriptor: dict) -> str:
    """The vintage's declared sources (datapackage.json) as a bullet list."""
    lines = []
    for source in descriptor.get("sources", []):
        title = escape_markdown(source.get("title", "untitled source"))
        path = str(source.get("path", ""))
        if re.fullmatch(r"https?://[^\s()<>\\]+", path):
            lines.append(f"- [{title}]({path})")
        elif path:
            lines.append(f"- {title} ({escape_markdown(path)})")
        else:
            lines.append(f"- {title}")
    return "\n".join(lines) + "\n" if lines else ""


def methodology_page(
    ds: Dataset, indicators: list[Indicator], tables: dict[str, Table], found: list[Discrepancy]
) -> str:
    """The appendix 'Methodology and data', generated from the vintage."""
    parts = ["# Methodology and data {#sec-methodology}\n"]
    if ds.synthetic:
        parts.append(
            "> **Synthetic data.** This edition is built from a synthetic vintage made for "
            "demonstration and testing. Its figures describe no real volunteers, "
            "organizations or events and must not be quoted.\n"
        )
    parts.append(
        f"Every number in this report is computed when the report is built from the data "
        f"files of the {ds.year} edition (data/{ds.year}/ and the shared reference tables). "
        "Each value there carries its source and a status: *reported* when a source "
        "publishes it as such, *derived* when it is computed from published figures by a "
        "documented method, *missing* when no source gives it. Where the source words a "
        "number loosely, the qualifier travels with it (*at least*, *up to*, *about*).\n"
    )
    parts.append("## Sources\n")
    parts.append(source_links(ds.descriptor))
    parts.append("The table below counts the values each source gives, over all data files.\n")
    parts.append(table_or(tables["sources"], "The data hold no sourced values."))
    parts.append("## Statuses\n")
    parts.append(table_or(tables["statuses"], "The data hold no values with a status."))
    parts.append("## Derived values\n")
    methods = derivation_methods()
    if methods:
        parts.append("Each derived value comes from one documented method:\n")
        parts.append(
            "".join(
                f"- **{escape_markdown(summary)}** {escape_markdown(method)}".rstrip() + "\n"
                for summary, method in methods
            )
        )
    parts.append(table_or(tables["derived"], "No value of this edition is derived."))
    parts.append("### Parameters of the economic contribution\n")
    parts.append(
        "The economic contribution is valued at replacement cost: volunteer hours paid at "
        "the hourly rate of the average monthly wage. Its parameters and their sources:\n"
    )
    parts.append(
        table_or(tables["parameters"], "This edition gives no parameters for the economic method.")
    )
    parts.append("## Data gaps\n")
    missing_headline = [i.label for i in indicators if i.status == "missing"]
    parts.append(
        "Values the sources do not give are kept as gaps, never filled in. "
        + (
            f"Among the headline figures, these are not published: "
            f"{escape_markdown(fmt.join_words(missing_headline))}. "
            if missing_headline
            else "Every headline figure is available. "
        )
        + "The missing values of the data, by indicator and reason:\n"
    )
    parts.append(table_or(tables["gaps"], "No value of this edition is missing."))
    parts.append("## Discrepancies in the published figures\n")
    if found:
        parts.append(
            "Where the published report disagrees with itself or with official statistics, "
            "the chapters quote the published figure and the recomputed one side by side:\n"
        )
        parts.append(pipe_table(tables["discrepancies"]))
    else:
        parts.append("The recomputation found no discrepancies in the published figures.\n")
    return "\n".join(parts)


# --- everything the build stages ---------------------------------------------------------


def included_tables(ds: Dataset, indicators: list[Indicator]) -> dict[str, Table | str]:
    """Page path -> the table an editorial page includes, or a sentence saying the vintage
    holds no such data."""
    tables: dict[str, Table | str] = {"tables/key_figures.md": key_figures_table(indicators)}
    resolutions = record_table(ds, "resolutions")
    if resolutions is None:
        absent = "The data of this edition hold no forum resolutions.\n"
        tables |= {"tables/resolutions.md": absent, "tables/further_resolutions.md": absent}
    else:
        tables["tables/resolutions.md"] = resolutions_table(resolutions)
        tables["tables/further_resolutions.md"] = further_resolutions_table(resolutions)
    recommendations = record_table(ds, "recommendations")
    tables["tables/recommendations.md"] = "The data of this edition hold no recommendations.\n"
    if recommendations is not None:
        tables |= recommendation_pages(recommendations, ds.year)
    return tables


def generated_pages(
    ds: Dataset, indicators: list[Indicator], discrepancies: list[Discrepancy]
) -> dict[str, str]:
    """Relative path in the staged book -> text: the appendix, included tables, their CSVs.

    - methodology.md: the appendix 'Methodology and data';
    - tables/key_figures.md: the headline indicators (index page);
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
    for table in [*included.values(), *appendix.values()]:
        if isinstance(table, Table):
            pages[f"data/{table.label}.csv"] = csv_text(table.data)
    return pages
