"""Edition commentary: parsed by section, placed at the end of its chapter section."""

from __future__ import annotations

import json

import pytest

from volreport.publish import commentary


def notebook(*cells: tuple[str, str]) -> dict:
    return {"cells": [{"cell_type": kind, "source": text} for kind, text in cells]}


CHAPTER = notebook(
    ("markdown", "# Areas {#sec-areas}\n\nWhat this chapter shows."),
    ("code", "headline()"),
    ("markdown", "## Hours by area {#sec-areas-hours}"),
    ("code", "hours_text()"),
    ("code", "hours_table()"),
    ("markdown", "### A detail {#sec-areas-detail}"),
    ("code", "detail()"),
    ("markdown", "## Formats {#sec-areas-formats}"),
    ("code", "formats()"),
)


def write(tmp_path, text: str):
    path = tmp_path / "03_areas.md"
    path.write_text(text, encoding="utf-8")
    return path


def sources(placed: dict) -> list[str]:
    return [cell["source"] for cell in placed["cells"]]


def test_parts_follow_headings_and_drop_writer_notes(tmp_path):
    path = write(
        tmp_path,
        "# Areas\n\nOpening words.\n\n## Hours by area {#sec-areas-hours}\n\n"
        "<!-- say what the hours mean -->\nHours words.\n\n"
        "## Formats {#sec-areas-formats}\n\n<!-- only a note: adds nothing -->\n",
    )
    parts = commentary.read_parts(path)
    assert [(p.section, p.text) for p in parts] == [
        (None, "Opening words."),
        ("sec-areas-hours", "Hours words."),
    ]


def test_each_part_goes_to_the_end_of_its_section(tmp_path):
    path = write(
        tmp_path,
        "Opening words.\n\n## Hours by area {#sec-areas-hours}\n\nHours words.\n\n"
        "## Formats {#sec-areas-formats}\n\nFormat words.\n",
    )
    placed = sources(commentary.place(CHAPTER, commentary.read_parts(path), path))
    opening = placed.index(next(s for s in placed if "Opening words." in s))
    hours = placed.index(next(s for s in placed if "Hours words." in s))
    formats = placed.index(next(s for s in placed if "Format words." in s))
    # The opening ends before the first section; a section ends before the next one of its
    # level, so its subsections stay inside it.
    assert placed[opening - 1] == "headline()" and placed[opening + 1].startswith("## Hours")
    assert placed[hours - 1] == "detail()" and placed[hours + 1].startswith("## Formats")
    assert formats == len(placed) - 1
    assert placed[hours].startswith("::: {.commentary .commentary-sec-areas-hours}")


def test_unknown_section_names_file_line_and_the_known_sections(tmp_path):
    path = write(tmp_path, "## Hours {#sec-areas-hourz}\n\nText.\n")
    with pytest.raises(commentary.CommentaryError) as error:
        commentary.place(CHAPTER, commentary.read_parts(path), path)
    message = str(error.value)
    assert f"{path}:1:" in message and "sec-areas-hourz" in message
    assert "sec-areas-formats" in message


def test_section_heading_without_id_is_an_error(tmp_path):
    path = write(tmp_path, "## Hours by area\n\nText.\n")
    with pytest.raises(commentary.CommentaryError, match=r":1: .*needs the chapter section's id"):
        commentary.read_parts(path)


def test_headings_inside_code_fences_are_text(tmp_path):
    path = write(tmp_path, "```\n## not a heading\n```\n")
    assert [p.section for p in commentary.read_parts(path)] == [None]


def test_place_file_without_commentary_leaves_the_notebook_alone(tmp_path):
    before = json.dumps(CHAPTER)
    placed = commentary.place_file(json.loads(before), tmp_path / "absent.md")
    assert json.dumps(placed) == before
