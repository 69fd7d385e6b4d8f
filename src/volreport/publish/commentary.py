"""Edition commentary: the analysts' Markdown for each chapter, placed in its sections.

`report/<year>/commentary/<notebook stem>.md` holds one chapter's commentary. It mirrors
the chapter's headings: text before the first heading belongs to the chapter's opening,
and each `## Title {#sec-id}` starts the commentary on the chapter section with that id.
The build places each part at the end of its section of the executed notebook (after the
section's computed statements, tables and figures), as a Markdown cell in a
`::: commentary` block, so both engines (the built-in publisher and `quarto render`)
show it where it belongs. HTML comments are notes for the writer and show nowhere; a
section left with comments only adds nothing.

Numbers enter commentary only through `{{< var … >}}` shortcodes, as on editorial pages.

Each language's edition places its own commentary (`report/<year>/<lang>/commentary/`); a
Kazakh file not written yet is replaced by the Russian one, marked as Russian (`lang`) and
opened by a one-line notice in Kazakh (`place`'s `notice` and `language`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#(?P<id>[A-Za-z][\w-]*)[^}]*\})?\s*$")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
COMMENTARY_DIR = "commentary"


class CommentaryError(ValueError):
    """A commentary file that cannot be placed; the message names the file and line."""


@dataclass(frozen=True)
class Part:
    """The commentary on one section: its id (None for the chapter's opening) and text."""

    section: str | None
    text: str
    line: int


def commentary_path(report_dir: Path, notebook: Path) -> Path:
    """Where the commentary on `notebook` lives: report/<year>/commentary/<stem>.md."""
    return report_dir / COMMENTARY_DIR / f"{notebook.stem}.md"


def _fence_closer(line: str) -> str | None:
    """The fence a line opens (``` or ~~~), so headings inside code are not sections."""
    match = re.match(r"^\s*(`{3,}|~{3,})", line)
    return match.group(1) if match else None


def read_parts(path: Path) -> list[Part]:
    """The file's parts in order; a level-2 heading without `{#id}` is an error."""
    text = path.read_text(encoding="utf-8")
    parts: list[Part] = []
    section: str | None = None
    lines: list[str] = []
    start = 1
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        if fence:
            fence = None if line.strip().startswith(fence) else fence
        elif _fence_closer(line):
            fence = _fence_closer(line)
        else:
            heading = HEADING.match(line)
            if heading and len(heading.group(1)) == 1:
                continue  # the chapter's title, for the writer's orientation
            if heading and len(heading.group(1)) == 2:
                if not heading.group("id"):
                    raise CommentaryError(
                        f"{path}:{number}: section heading {line.strip()!r} needs the "
                        "chapter section's id, as in '## Title {#sec-...}'"
                    )
                parts.append(Part(section, "\n".join(lines), start))
                section, start, lines = heading.group("id"), number, []
                continue
        lines.append(line)
    parts.append(Part(section, "\n".join(lines), start))
    return [
        Part(p.section, body, p.line) for p in parts if (body := COMMENT.sub("", p.text).strip())
    ]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def section_starts(cells: list[dict]) -> dict[str, tuple[int, int]]:
    """Section id -> (index of its heading cell, heading level), from Markdown cells."""
    starts = {}
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        for line in _source(cell).splitlines():
            heading = HEADING.match(line)
            if heading and heading.group("id"):
                starts[heading.group("id")] = (index, len(heading.group(1)))
    return starts


def section_end(cells: list[dict], start: int, level: int) -> int:
    """Index just past the section that starts at cell `start`: the next heading cell of
    the same or a higher level, or the end of the notebook."""
    for index in range(start + 1, len(cells)):
        cell = cells[index]
        if cell.get("cell_type") != "markdown":
            continue
        for line in _source(cell).splitlines():
            heading = HEADING.match(line)
            if heading and len(heading.group(1)) <= level:
                return index
    return len(cells)


def _cell(
    section: str | None, text: str, notice: str | None = None, language: str | None = None
) -> dict:
    classes = "commentary" if section is None else f"commentary commentary-{section}"
    attributes = f".{' .'.join(classes.split())}" + (f' lang="{language}"' if language else "")
    source = f"::: {{{attributes}}}\n\n{text}\n\n:::"
    if notice:
        source = f"::: {{.fallback-notice}}\n{notice}\n:::\n\n{source}"
    return {"cell_type": "markdown", "metadata": {"tags": ["commentary"]}, "source": source}


def place(
    notebook: dict,
    parts: list[Part],
    path: Path,
    *,
    notice: str | None = None,
    language: str | None = None,
) -> dict:
    """`notebook` with each part appended to its section; an unknown section is an error.

    Commentary in another language than the edition's (a Kazakh chapter whose commentary
    is not written yet shows the Russian one) is marked with that `language`, and its
    first part carries the one-line `notice` that says so.
    """
    cells = list(notebook.get("cells", []))
    starts = section_starts(cells)
    chapter = next((s for s, (_, level) in starts.items() if level == 1), None)
    inserts: list[tuple[int, dict]] = []
    for part in parts:
        section = part.section or chapter
        if section not in starts:
            known = ", ".join(sorted(s for s in starts if s != chapter)) or "none"
            raise CommentaryError(
                f"{path}:{part.line}: '#{part.section}' is not a section of the chapter "
                f"(its sections: {known})"
            )
        index, level = starts[section]
        # The opening ends where the first section begins, not at the end of the chapter.
        end = section_end(cells, index, 2 if part.section is None else level)
        first = notice if not inserts else None
        inserts.append((end, _cell(part.section, part.text, first, language)))
    # Insert from the back so earlier indexes stay valid; stable for one section's parts.
    for end, cell in sorted(inserts, key=lambda item: item[0], reverse=True):
        cells.insert(end, cell)
    return {**notebook, "cells": cells}


def place_file(
    notebook: dict,
    commentary: Path,
    *,
    notice: str | None = None,
    language: str | None = None,
) -> dict:
    """`notebook` with the commentary of the file `commentary` placed (`place`); the notebook
    as it is when there is no such file."""
    if not commentary.is_file():
        return notebook
    return place(notebook, read_parts(commentary), commentary, notice=notice, language=language)
