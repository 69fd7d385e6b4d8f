"""The report's downloads: the Data page, one ZIP of every CSV, one Excel workbook.

Every table and figure of the book offers its data as `data/<label>.csv` (written by
`display.write_csv` or `editorial.csv_text`, the one CSV writer). This module

- lists them, in book order, by scanning the staged book (`catalogue`): the Data page's
  list (`tables/downloads.md`, written when the book is staged) comes from it;
- packs them, once the publisher has numbered the tables and figures, into
  `volunteering-kz-<year>-data.zip` (the CSVs, `indicators.json` and a README) and
  `volunteering-kz-<year>-data.xlsx` (a contents sheet, then one sheet per table or
  figure), both byte-for-byte reproducible: fixed timestamps, sorted members.

The words (the Data page, the README) are in templates/en/site/.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from volreport.core import i18n, prose
from volreport.core.i18n import term
from volreport.core.markdown import escape

DATA_PAGE = "data.md"
DOWNLOADS_LIST = "tables/downloads.md"
CAPTION_LINE = re.compile(r"^:\s+(.*?)\s*\{#((?:tbl|fig)-[a-z0-9-]+)\}\s*$", re.MULTILINE)
FIGURE_IMAGE = re.compile(r"!\[(.*?)\]\([^)]*\)\{#(fig-[a-z0-9-]+)[^}]*\}")
# A ZIP member's time: year, month, day, hour, minute, second.
ZipTime = tuple[int, int, int, int, int, int]
FIXED_TIME: ZipTime = (1980, 1, 1, 0, 0, 0)  # the earliest a ZIP can store: no build time leaks in
SHEET_NAME_MAX = 31
INTEGER = re.compile(r"^-?\d+$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")


def archive_name(year: int, suffix: str) -> str:
    """`volunteering-kz-<year>-data.<suffix>`, beside the PDF."""
    return f"volunteering-kz-{year}-data.{suffix}"


@dataclass(frozen=True)
class Entry:
    """One CSV of the book: its page, the page's title, its label, and either the caption
    of its numbered table or figure or, for data under something unnumbered (a list), the
    title of the section it is in."""

    page: str
    title: str
    label: str
    caption: str  # Markdown, as the page writes it
    numbered: bool = True

    @property
    def file(self) -> str:
        return f"{self.label}.csv"


# --- what the book offers ------------------------------------------------------------------

CSV_LINK = re.compile(r"\]\(data/((?:tbl|fig)-[a-z0-9-]+)\.csv\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*(?:\{[^}]*\})?\s*$", re.MULTILINE)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source or ""


def _shows_something(cell: dict) -> bool:
    """True when a labelled cell shows a table or an image (the publisher keeps it)."""
    for output in cell.get("outputs", []):
        data = output.get("data") or {}
        if any(key.startswith("image/") for key in data):
            return True
        if "<table" in _text(data.get("text/html", "")):
            return True
    return False


def _cell_options(source: str) -> dict:
    lines = []
    for line in source.split("\n"):
        if not line.startswith("#|"):
            break
        lines.append(line[2:].strip())
    try:
        options = i18n.parse_yaml("\n".join(lines)) if lines else {}
    except yaml.YAMLError:
        return {}
    return options if isinstance(options, dict) else {}


def scan(parts: list[tuple[str, str, str]]) -> tuple[str, list[tuple[str, str, bool]]]:
    """The page title and its CSVs from the page's parts in reading order.

    Each part is (kind, label, text): ("item", label, caption) for a numbered table or
    figure, ("text", "", markdown) for anything else. A CSV linked in text that is not a
    numbered item's is named after the heading above it, as the publisher names its link.
    """
    title, section, found, seen = "", "", [], set()
    for kind, label, text in parts:
        if kind == "item":
            found.append((label, text, True))
            seen.add(label)
            continue
        marks = sorted([*HEADING.finditer(text), *CSV_LINK.finditer(text)], key=lambda m: m.start())
        for match in marks:
            if match.re is HEADING:
                section = match.group(1)
                title = title or section
            elif match.group(1) not in seen:
                found.append((match.group(1), section, False))
                seen.add(match.group(1))
    return title, found


def notebook_parts(path: Path) -> list[tuple[str, str, str]]:
    """A staged notebook in reading order: Markdown cells and outputs as text, and every
    labelled cell that shows a table or figure as an item."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in notebook.get("cells", []):
        source = _text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            parts.append(("text", "", source))
            continue
        if cell.get("cell_type") != "code":
            continue
        options = _cell_options(source)
        label = str(options.get("label", ""))
        if re.match(r"^(tbl|fig)-", label) and _shows_something(cell):
            caption = options.get("tbl-cap" if label.startswith("tbl-") else "fig-cap", "")
            parts.append(("item", label, str(caption or "")))
        for output in cell.get("outputs", []):
            markdown = _text((output.get("data") or {}).get("text/markdown", ""))
            if markdown:
                parts.append(("text", "", markdown))
    return parts


def page_parts(text: str) -> list[tuple[str, str, str]]:
    """A Markdown page (includes expanded) in reading order: its numbered tables and
    figures as items, the text between them as text."""
    items = sorted(
        [(m.start(), m.end(), m.group(2), m.group(1)) for m in CAPTION_LINE.finditer(text)]
        + [(m.start(), m.end(), m.group(2), m.group(1)) for m in FIGURE_IMAGE.finditer(text)]
    )
    parts, position = [], 0
    for start, stop, label, caption in items:
        parts.append(("text", "", text[position:start]))
        parts.append(("item", label, caption))
        position = stop
    parts.append(("text", "", text[position:]))
    return parts


def catalogue(staging: Path, pages: list[str], variables: dict[str, str]) -> list[Entry]:
    """Every CSV the staged book links, in book order, with what names it.

    `variables` expand the shortcodes of Markdown pages and titles (as the publisher does).
    A page the scan cannot read is skipped: the publisher reports it.
    """
    from volreport.publish.builtin import PublishError, expand_shortcodes

    def expand(text: str, page: str) -> str:
        try:
            return expand_shortcodes(text, page=page, staging=staging, variables=variables)
        except PublishError:
            return text

    entries = []
    for page in pages:
        path = staging / page
        if not path.is_file() or page == DATA_PAGE:
            continue
        if page.endswith(".ipynb"):
            parts = notebook_parts(path)
        else:
            parts = page_parts(expand(path.read_text(encoding="utf-8"), page))
        title, found = scan(parts)
        for label, caption, numbered in found:
            if (staging / "data" / f"{label}.csv").is_file():
                entries.append(
                    Entry(page, expand(title, page), label, expand(caption, page), numbered)
                )
    return entries


# --- the Data page ---------------------------------------------------------------------------


def data_page(year: int) -> str:
    """The appendix 'Data': the archives, indicators.json, and the list of every table and
    figure with its CSV (included from `tables/downloads.md`, written at staging)."""
    return (
        prose.render(
            "site/data_page",
            year=year,
            zip_name=archive_name(year, "zip"),
            xlsx_name=archive_name(year, "xlsx"),
        )
        + "\n"
    )


def downloads_list(entries: list[Entry]) -> str:
    """`tables/downloads.md`: per page, each table and figure (numbered by the publisher
    through its cross-reference) with its caption and CSV link."""
    pages: dict[str, dict] = {}
    for entry in entries:
        pages.setdefault(entry.page, {"title": entry.title, "entries": []})["entries"].append(
            {
                "label": entry.label,
                "caption": entry.caption,
                "file": entry.file,
                "numbered": entry.numbered,
            }
        )
    return prose.render("site/downloads", pages=list(pages.values())) + "\n"


def stage_downloads(staging: Path, pages: list[str], variables: dict[str, str]) -> None:
    """Write the Data page's list into the staged book (when the book has a Data page)."""
    if DATA_PAGE not in pages:
        return
    target = staging / DOWNLOADS_LIST
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(downloads_list(catalogue(staging, pages, variables)), encoding="utf-8")


# --- the archives ----------------------------------------------------------------------------


def plain(markdown: str) -> str:
    """Markdown caption as plain text: escapes and emphasis marks dropped."""
    from volreport.publish.landing import plain as plain_text

    return plain_text(markdown)


def long_date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a long date as `fmt.long_date` writes it in any of the
    report's languages ('1 January 2023', '1 января 2023 г.', '2023 ж. 1 қаңтар')."""
    from babel import dates

    from volreport.core import fmt

    numbers = [int(n) for n in re.findall(r"\d+", text)]
    words = set(re.findall(r"[^\W\d_]+", text.casefold()))
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if n < 1000]
    if len(years) != 1 or len(days) != 1:
        return None
    for language in i18n.LANGUAGES:
        names = dates.get_month_names("wide", context="format", locale=fmt.locale(language))
        for month, name in names.items():
            if name.casefold() in words:
                return years[0], int(month), days[0]
    return None


def fixed_time(variables: dict[str, str]) -> ZipTime:
    """Timestamp of every archive member: the edition's date (in whichever language the
    variables word it), else 1 January 1980."""
    parts = long_date_parts(variables.get("edition_date", ""))
    if parts is None:
        return FIXED_TIME
    try:
        day = datetime(*parts)
    except ValueError:
        return FIXED_TIME
    return (day.year, day.month, day.day, 0, 0, 0)


def reproducible_zip(members: list[tuple[str, bytes]], when: ZipTime) -> bytes:
    """A ZIP of `members` (name, bytes) in the given order with fixed times and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()


def number_texts(entries: list[Entry], numbers: dict[str, str] | None) -> dict[str, str]:
    """Label -> what names the data: 'Table 4.1' from the publisher's numbering, the
    section's title for data under something unnumbered, else the label itself."""
    numbers = numbers or {}
    return {
        entry.label: numbers.get(entry.label)
        or (plain(entry.caption) if not entry.numbered and entry.caption else entry.label)
        for entry in entries
    }


def readme(
    entries: list[Entry],
    named: dict[str, str],
    variables: dict,
    year: int,
    synthetic_note: str = "",
) -> str:
    """The archive's README.md; a synthetic edition's says so under its title, in the
    banner's words (`synthetic_note`: labels.yml `site.synthetic`)."""
    text = (
        prose.render(
            "site/readme",
            year=year,
            how_to_cite=variables.get("how_to_cite", ""),
            edition_date=variables.get("edition_date", ""),
            version=variables.get("software_version", ""),
            files=[
                {
                    "file": e.file,
                    "number": named[e.label],
                    "caption": plain(e.caption) if e.numbered else "",
                }
                for e in entries
            ],
        )
        + "\n"
    )
    if not synthetic_note:
        return text
    title, _, rest = text.partition("\n")
    return f"{title}\n\n**{escape(synthetic_note)}**\n{rest}"


def cell_value(text: str):
    """A CSV cell as a spreadsheet value: whole numbers and decimals as numbers, the
    empty cell as an empty cell, anything else as text."""
    if text == "":
        return None
    if INTEGER.match(text):
        return int(text)
    if DECIMAL.match(text):
        return float(text)
    return text


def contents_title() -> str:
    """The name of the workbook's first sheet, its contents."""
    return term("Contents")


def sheet_names(entries: list[Entry], named: dict[str, str]) -> dict[str, str]:
    """Label -> a unique sheet name of at most 31 characters ('Table 4.1')."""
    used: set[str] = {contents_title()}
    names = {}
    for entry in entries:
        base = re.sub(r"[\[\]:*?/\\]", "-", named[entry.label])[:SHEET_NAME_MAX]
        name, count = base, 1
        while name in used:
            count += 1
            suffix = f" ({count})"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        used.add(name)
        names[entry.label] = name
    return names


def workbook(
    entries: list[Entry], named: dict[str, str], csvs: dict[str, str], meta: dict
) -> bytes:
    """The Excel workbook: a contents sheet, then one sheet per table or figure.

    `meta`: time, title, author and, for a synthetic edition, synthetic_note (the banner's
    words), which then heads the contents sheet, above its header row, and the title."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    from volreport.publish.builtin import marked_title

    book = Workbook()
    contents = book.active
    contents.title = contents_title()
    bold = Font(bold=True)
    note = meta.get("synthetic_note") or ""
    if note:
        contents.append([note])
        contents["A1"].font = Font(bold=True, color="8A5A00")
    header_row = contents.max_row + 1 if note else 1
    contents.append(["sheet", "table_or_figure", "title", "csv_file"])
    sheets = sheet_names(entries, named)
    for entry in entries:
        caption = plain(entry.caption) if entry.numbered else ""
        contents.append([sheets[entry.label], named[entry.label], caption, entry.file])
    for entry in entries:
        sheet = book.create_sheet(sheets[entry.label])
        rows = list(csv.reader(io.StringIO(csvs[entry.label])))
        for number, row in enumerate(rows):
            values = row if number == 0 else [cell_value(text) for text in row]
            sheet.append(values)
        for cell in sheet[1]:
            cell.font = bold
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
        sheet.freeze_panes = "A2"
        for column, header in enumerate(rows[0] if rows else [], start=1):
            width = max([len(header), *(len(r[column - 1]) for r in rows[1:] if len(r) >= column)])
            sheet.column_dimensions[get_column_letter(column)].width = min(60, max(8, width + 2))
    for cell in contents[header_row]:
        cell.font = bold
    contents.freeze_panes = f"A{header_row + 1}"
    for letter, width in zip("ABCD", (14, 16, 70, 40), strict=True):
        contents.column_dimensions[letter].width = width
    when = datetime(*meta["time"])
    book.properties.creator = meta.get("author") or None
    book.properties.title = marked_title(meta.get("title") or "", note) or None
    book.properties.created = when
    book.properties.modified = when
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()  # not save_workbook: it stamps the clock
    written = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    members = [(info.filename, written.read(info.filename)) for info in written.infolist()]
    return reproducible_zip(members, meta["time"])


def write_archives(
    staging: Path,
    out_dir: Path,
    *,
    year: int,
    pages: list[str],
    numbers: dict[str, str] | None,
    variables: dict[str, str],
    title: str = "",
    author: str = "",
    synthetic_note: str = "",
) -> list[Path]:
    """Write the ZIP and the workbook of every CSV in `staging/data` into `out_dir`.

    `numbers` maps labels to the publisher's 'Table 4.1' (None: the labels name them).
    `synthetic_note`: a synthetic edition's banner words, for the README, the contents
    sheet and the workbook's title (empty: real data).
    CSVs no page lists (none in a complete book) are packed after the listed ones.
    """
    folder = staging / "data"
    if not folder.is_dir():
        return []
    entries = catalogue(staging, pages, variables)
    listed = {entry.label for entry in entries}
    for path in sorted(folder.glob("*.csv")):
        if path.stem not in listed and re.match(r"^(tbl|fig)-", path.stem):
            entries.append(Entry("", "", path.stem, ""))
    named = number_texts(entries, numbers)
    csvs = {e.label: (folder / e.file).read_text(encoding="utf-8") for e in entries}
    when = fixed_time(variables)
    stem = archive_name(year, "zip")[: -len(".zip")]
    text = readme(entries, named, variables, year, synthetic_note)
    members = [(f"{stem}/README.md", text.encode())]
    if (staging / "indicators.json").is_file():
        members.append((f"{stem}/indicators.json", (staging / "indicators.json").read_bytes()))
    members += [(f"{stem}/{e.file}", csvs[e.label].encode()) for e in entries]
    zip_path = out_dir / archive_name(year, "zip")
    zip_path.write_bytes(reproducible_zip(members, when))
    xlsx_path = out_dir / archive_name(year, "xlsx")
    meta = {
        "time": when,
        "title": f"{title} {year}".strip(),
        "author": author,
        "synthetic_note": synthetic_note,
    }
    xlsx_path.write_bytes(workbook(entries, named, csvs, meta))
    return [zip_path, xlsx_path]
