"""Which languages a year's report can be published in, and what each one lacks.

English is the source language: the code, the notebooks, `templates/en/`, the data's
English columns and `report/<year>/` are written in it. Another language is complete for
a year when it has everything a reader of that year's report would see:

- **templates**: every computed-statement template of `templates/en/` (the same path under
  `templates/<language>/`);
- **labels**: every key of `templates/en/labels.yml` (the book's furniture, headings,
  leads, captions, alt texts, qualifier words, statuses);
- **terms**: every literal the code passes to `term("...")` (`i18n.code_terms()`), in
  `templates/<language>/terms.yml`;
- **reference names**: a filled translation column beside every translated column of
  `data/reference/*.csv` (`contract.TRANSLATED_COLUMNS`: `name_en` -> `name_ru`, `label`
  -> `label_ru`);
- **stored texts**: the same for the vintage's own tables (resolutions, recommendations,
  grantee feedback...);
- **sources**: a translation in `data/<year>/sources.csv` of every source the vintage's
  tables cite;
- **edition overlay**: `data/<year>/edition.<language>.yml` with every text of
  `edition.yml`;
- **editorial pages**: every page and commentary file of `report/<year>/` under
  `report/<year>/<language>/`.

A Kazakh editorial page that is not written yet is shown in Russian with a one-line notice
(`FALLBACK`): the build still publishes Kazakh, but the page counts as missing here.
Everything else missing keeps a language out of the build (`publishable`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from volreport.core import i18n, paths
from volreport.data import contract

FALLBACK = {"kk": "ru"}  # an editorial page a language lacks is shown in this one
COMMENTARY_DIR = "commentary"
SOURCES_FILE = "sources.csv"
# Edition texts that name a file rather than say something: never translated.
EDITION_KEYS_NOT_TEXT = ("published_source.path",)
KIND_NAMES = {
    "template": "templates",
    "label": "labels",
    "term": "terms",
    "reference": "reference names",
    "text": "stored texts",
    "source": "sources",
    "edition": "edition overlay",
    "page": "editorial pages",
}


@dataclass(frozen=True)
class Gap:
    """One thing a language lacks: its kind (a key of KIND_NAMES), what exactly, and the
    language a reader is shown instead (a Kazakh page in Russian), if any."""

    kind: str
    item: str
    fallback: str | None = None

    def __str__(self) -> str:
        shown = f" (shown in {language_name(self.fallback)})" if self.fallback else ""
        return f"{self.kind} {self.item}{shown}"


def language_name(language: str) -> str:
    """The English name of a language, for messages to the analysts."""
    return {"en": "English", "ru": "Russian", "kk": "Kazakh"}.get(language, language)


# --- templates, labels, terms --------------------------------------------------------------


def template_files(language: str) -> set[str]:
    """Every template of a language, as paths relative to its folder."""
    folder = i18n.TEMPLATES_DIR / language
    return (
        {p.relative_to(folder).as_posix() for p in folder.rglob("*.md")}
        if folder.is_dir()
        else set()
    )


def template_gaps(language: str) -> list[Gap]:
    """Templates of English that `language` has no file for."""
    have = template_files(language)
    return [Gap("template", name) for name in sorted(template_files("en") - have)]


def label_gaps(language: str) -> list[Gap]:
    """Keys of English labels.yml that `language` lacks or leaves empty."""
    english = i18n.flatten(i18n.catalogue("en"))
    have = {k: v for k, v in i18n.flatten(i18n.catalogue(language)).items() if v.strip()}
    return [Gap("label", key) for key in sorted(english) if key not in have]


def term_gaps(language: str, code_terms: set[str] | None = None) -> list[Gap]:
    """Literals of the code's `term(...)` calls (`code_terms`, default: the package's) that
    `terms.yml` of `language` lacks."""
    have = {k for k, v in i18n.term_catalogue(language).items() if v.strip()}
    wanted = i18n.code_terms() if code_terms is None else code_terms
    return [Gap("term", repr(text)) for text in sorted(wanted - have)]


# --- data: reference names, stored texts, sources, edition ---------------------------------


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def column_gaps(path: Path, language: str, kind: str) -> Iterator[Gap]:
    """Translation columns of one table (`contract.TRANSLATED_COLUMNS`, by the table's
    resource name) that are absent, or empty where the English column has text."""
    english_columns = contract.TRANSLATED_COLUMNS.get(path.stem, ())
    if not english_columns:
        return
    header, rows = read_rows(path)
    for english in english_columns:
        if english not in header:
            continue
        column = contract.translation_column(english, language)
        if column not in header:
            yield Gap(kind, f"{path.name}: column {column}")
            continue
        empty = [
            number
            for number, row in enumerate(rows, start=2)
            if (row.get(english) or "").strip() and not (row.get(column) or "").strip()
        ]
        if empty:
            lines = ", ".join(map(str, empty[:5])) + (" ..." if len(empty) > 5 else "")
            yield Gap(kind, f"{path.name}: {column} empty on line(s) {lines}")


def data_tables(folder: Path) -> list[Path]:
    """The vintage's tables (CSV files), without the sources' translations."""
    return sorted(p for p in folder.glob("*.csv") if p.name != SOURCES_FILE)


def reference_gaps(language: str, reference_dir: Path) -> list[Gap]:
    """Reference names (`data/reference/*.csv`) that `language` lacks."""
    gaps: list[Gap] = []
    for path in sorted(reference_dir.glob("*.csv")):
        gaps += column_gaps(path, language, "reference")
    return gaps


def text_gaps(language: str, folder: Path) -> list[Gap]:
    """Stored texts of the vintage's tables (and its sources' translations) that
    `language` lacks."""
    gaps: list[Gap] = []
    for path in sorted(folder.glob("*.csv")):
        gaps += column_gaps(path, language, "source" if path.name == SOURCES_FILE else "text")
    return gaps


def cited_sources(folder: Path) -> set[str]:
    """Every source the vintage's tables cite (the `source` column)."""
    found: set[str] = set()
    for path in data_tables(folder):
        header, rows = read_rows(path)
        if "source" in header:
            found.update(row["source"].strip() for row in rows if (row["source"] or "").strip())
    return found


def source_gaps(language: str, folder: Path) -> list[Gap]:
    """Sources cited in the vintage without a translation in its sources.csv."""
    cited = cited_sources(folder)
    if not cited:
        return []
    path = folder / SOURCES_FILE
    if not path.is_file():
        return [Gap("source", f"{SOURCES_FILE} (translations of {len(cited)} sources)")]
    header, rows = read_rows(path)
    column = f"source_{language}"
    if column not in header:
        return [Gap("source", f"{SOURCES_FILE}: column {column}")]
    have = {row["source"].strip() for row in rows if (row.get(column) or "").strip()}
    return [Gap("source", repr(source)) for source in sorted(cited - have)]


def leaves(value: Any, prefix: str = "") -> dict[str, str]:
    """The text leaves of parsed YAML as dotted keys; list items by index."""
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found.update(leaves(item, f"{prefix}{key}."))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(leaves(item, f"{prefix}{index}."))
    elif isinstance(value, str):
        found[prefix.rstrip(".")] = value
    return found


def edition_gaps(language: str, folder: Path) -> list[Gap]:
    """Texts of `edition.yml` that `edition.<language>.yml` lacks."""
    english_path = folder / "edition.yml"
    if not english_path.is_file():
        return []
    english = {
        key: text
        for key, text in leaves(
            i18n.parse_yaml(english_path.read_text(encoding="utf-8")) or {}
        ).items()
        if key not in EDITION_KEYS_NOT_TEXT and text.strip()
    }
    if not english:
        return []
    path = folder / f"edition.{language}.yml"
    if not path.is_file():
        return [Gap("edition", path.name)]
    have = leaves(i18n.parse_yaml(path.read_text(encoding="utf-8")) or {})
    return [
        Gap("edition", f"{path.name}: {key}")
        for key in sorted(english)
        if not have.get(key, "").strip()
    ]


# --- editorial pages -----------------------------------------------------------------------


def language_report_dir(report_dir: Path, language: str) -> Path:
    """Where a language's editorial pages of one year are: `report/<year>/` for English,
    `report/<year>/<language>/` for the others."""
    return report_dir if language == i18n.SOURCE_LANGUAGE else report_dir / language


def editorial_files(report_dir: Path, pages: Iterable[str]) -> list[str]:
    """The English edition's editorial files that other languages need: the book's pages
    written by hand (not generated) and the commentary files."""
    files = [
        entry for entry in pages if not entry.endswith(".ipynb") and (report_dir / entry).is_file()
    ]
    commentary = report_dir / COMMENTARY_DIR
    if commentary.is_dir():
        files += [f"{COMMENTARY_DIR}/{p.name}" for p in sorted(commentary.glob("*.md"))]
    return files


def page_gaps(language: str, report_dir: Path, pages: Iterable[str]) -> list[Gap]:
    """Editorial files of English missing in `language`; a Kazakh one that Russian has is
    shown in Russian (a gap with a fallback)."""
    if language == i18n.SOURCE_LANGUAGE:
        return []
    folder = language_report_dir(report_dir, language)
    fallback = FALLBACK.get(language)
    gaps = []
    for name in editorial_files(report_dir, pages):
        if (folder / name).is_file():
            continue
        shown = (
            fallback
            if fallback and (language_report_dir(report_dir, fallback) / name).is_file()
            else None
        )
        gaps.append(Gap("page", name, shown))
    return gaps


def page_source(report_dir: Path, language: str, name: str) -> tuple[Path, str | None]:
    """Where the build reads one editorial file of `language`, and the language it is in
    when that is another (its fallback): (path, None) or (path, 'ru')."""
    own = language_report_dir(report_dir, language) / name
    fallback = FALLBACK.get(language)
    if own.is_file() or language == i18n.SOURCE_LANGUAGE or not fallback:
        return own, None
    other = language_report_dir(report_dir, fallback) / name
    return (other, fallback) if other.is_file() else (own, None)


# --- the whole check -----------------------------------------------------------------------


def gaps(
    year: int,
    data_dir: Path | None = None,
    report_dir: Path | None = None,
    languages: Iterable[str] = i18n.LANGUAGES,
    pages: list[str] | None = None,
) -> dict[str, list[Gap]]:
    """What each language lacks for `year` (English: only editorial pages it names but
    lacks, which no build can do without).

    `data_dir` is the year's data folder (default data/<year>), `report_dir` the root of
    the editorial pages (default report/; the year's are in <report_dir>/<year>/).
    """
    from volreport.build.runner import book_pages

    folder = paths.year_data_dir(year, data_dir)
    report = (Path(report_dir) if report_dir else paths.REPORT_DIR) / str(year)
    pages = pages if pages is not None else book_pages()
    languages = [i18n.check(language) for language in languages]
    others = [language for language in languages if language != i18n.SOURCE_LANGUAGE]
    terms = i18n.code_terms() if others else set()
    found: dict[str, list[Gap]] = {}
    for language in languages:
        if language == i18n.SOURCE_LANGUAGE:
            found[language] = []
            continue
        found[language] = [
            *template_gaps(language),
            *label_gaps(language),
            *term_gaps(language, terms),
            *reference_gaps(language, paths.REFERENCE_DIR),
            *text_gaps(language, folder),
            *source_gaps(language, folder),
            *edition_gaps(language, folder),
            *page_gaps(language, report, pages),
        ]
    return found


def missing(
    year: int, data_dir: Path | None = None, report_dir: Path | None = None
) -> dict[str, list[str]]:
    """Language -> what it lacks for `year`, one text per item ([] when complete)."""
    return {
        language: [str(gap) for gap in found]
        for language, found in gaps(year, data_dir, report_dir).items()
    }


def publishable(found: list[Gap]) -> bool:
    """True when a language can be published: it lacks nothing, or only editorial pages
    that are shown in another language."""
    return all(gap.fallback for gap in found)


def summary(language: str, found: list[Gap]) -> str:
    """One line on a language: complete, or how many of what it lacks."""
    name = f"{language}  {language_name(language):<8}"
    if not found:
        return f"{name}complete"
    counts: dict[str, int] = {}
    for gap in found:
        counts[gap.kind] = counts.get(gap.kind, 0) + 1
    lacks = ", ".join(f"{n} {KIND_NAMES[kind]}" for kind, n in counts.items())
    if publishable(found):
        shown = language_name(found[0].fallback or "")
        return (
            f"{name}published with {len(found)} editorial file(s) shown in {shown}: lacks {lacks}"
        )
    return f"{name}incomplete, not published: lacks {lacks}"


def report(found: dict[str, list[Gap]]) -> list[str]:
    """What `volreport languages` prints: per language its summary line, then each thing it
    lacks on a line of its own."""
    lines = []
    for language, items in found.items():
        lines.append(summary(language, items))
        lines += [f"    {gap}" for gap in items]
    return lines
