"""Edition facts: what only one vintage has, declared in its `edition.yml`.

A vintage transcribed from a published report (2022) declares that report as its
`published_source`: the chapters then compare their recomputations with its figures and
the methodology appendix lists the discrepancies. From 2023 on the pipeline is the
report: such a vintage declares no published source, so no sentence calls its figures
"the report's" and no discrepancies section appears. `method_notes` are the vintage's own
method notes for the methodology appendix, by chapter (Markdown; numbers only through
`{{< var … >}}` shortcodes). No code branches on a year: it asks the edition.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from volreport.core import i18n

EDITION_FILE = "edition.yml"
# The edition's texts in another language: the same keys, only the texts (cite_as, title,
# method_notes), e.g. edition.ru.yml.
TRANSLATION_FILE = "edition.{language}.yml"
SOURCE_FIELDS = ("cite_as", "title", "path")
TOP_LEVEL_KEYS = ("published_source", "method_notes")


@dataclass(frozen=True)
class PublishedSource:
    """The published edition a vintage was transcribed from."""

    cite_as: str  # how the edition names it: 'Report 2022' (translated: 'Отчет 2022')
    title: str
    path: str
    # How the rows' `source` cells name it, which are written in English whatever the
    # language of the edition: the cite_as of edition.yml.
    named_in_sources: str = ""

    def __post_init__(self) -> None:
        if not self.named_in_sources:
            object.__setattr__(self, "named_in_sources", self.cite_as)


@dataclass(frozen=True)
class Edition:
    """The edition facts of one vintage; an absent file means none."""

    published_source: PublishedSource | None = None
    method_notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        """True when the vintage was transcribed from a published report."""
        return self.published_source is not None

    @property
    def cite_as(self) -> str | None:
        """How the edition names the report it was transcribed from ('Report 2022'); None
        for a vintage transcribed from none."""
        return None if self.published_source is None else self.published_source.cite_as

    def notes(self, chapter: str) -> list[str]:
        """The method notes of one chapter (module name: 'grants'), in order."""
        return list(self.method_notes.get(chapter, []))


def problems(raw: object) -> list[tuple[str, str]]:
    """(key, rule) for every way `raw` (the parsed YAML) breaks the edition contract."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        return [("", "must be a mapping with the keys " + ", ".join(TOP_LEVEL_KEYS))]
    found = [(str(key), "unknown key") for key in raw if key not in TOP_LEVEL_KEYS]
    source = raw.get("published_source")
    if source is not None:
        if not isinstance(source, dict):
            found.append(("published_source", "must be a mapping of " + ", ".join(SOURCE_FIELDS)))
        else:
            found += [
                (f"published_source.{name}", "required text")
                for name in SOURCE_FIELDS
                if not isinstance(source.get(name), str) or not source[name].strip()
            ]
            found += [
                (f"published_source.{key}", "unknown key")
                for key in source
                if key not in SOURCE_FIELDS
            ]
    notes = raw.get("method_notes", {})
    if not isinstance(notes, dict):
        found.append(("method_notes", "must map chapter names to lists of notes"))
    else:
        for chapter, items in notes.items():
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                found.append((f"method_notes.{chapter}", "must be a list of texts"))
    return found


def parse(raw: dict | None) -> Edition:
    """The Edition of parsed, valid YAML (see `problems`)."""
    if not raw:
        return Edition()
    source = raw.get("published_source")
    return Edition(
        published_source=PublishedSource(**source) if source else None,
        method_notes={str(k): list(v) for k, v in (raw.get("method_notes") or {}).items()},
    )


def translated(base: Edition, overlay: dict | None) -> Edition:
    """`base` with the texts of its translation `overlay` (the parsed edition.<lang>.yml);
    what the overlay does not give stays as in `base` (validation reports it missing)."""
    if not overlay:
        return base
    source = base.published_source
    given = overlay.get("published_source") or {}
    if source is not None:
        source = dataclasses.replace(
            source, **{key: given[key] for key in ("cite_as", "title") if given.get(key)}
        )
    notes = overlay.get("method_notes") or {}
    return Edition(
        published_source=source,
        method_notes={
            chapter: list(notes.get(chapter) or items)
            for chapter, items in base.method_notes.items()
        },
    )


def read_raw(path: Path) -> dict | None:
    """The parsed YAML of an edition file (None when there is none)."""
    if not path.is_file():
        return None
    return i18n.parse_yaml(path.read_text(encoding="utf-8"))
