"""Chapter notebooks run in the test process, and their pages' text as the publisher makes it.

A build runs each chapter in a kernel of its own (papermill) and publishes every page with
pandoc; a test that reads what the chapters say can do without both, in a fraction of the
time, and keep everything in between (the build's own staging):

- `execute` runs a notebook's cells in this process, in one namespace, and returns the
  notebook as papermill leaves it: the parameters assigned in an `injected-parameters`
  cell after the `parameters` cell, and each code cell's outputs, caught from IPython's
  `display` (and from the value of a cell's last line, as Jupyter shows it). Figures are
  drawn, tables styled and CSVs written to `output_dir` as in a kernel; a figure's output
  is a placeholder SVG (only the inline backend renders figures, and no text is in them);
  the inline backend's output formats (`matplotlib_inline`) are therefore not set. The
  test process's matplotlib settings and environment are restored afterwards.
- `page_markdown` reads a staged notebook as the publisher reads it
  (`publish/assets/volreport_read.lua` and `volreport_write.lua`): cells tagged
  parameters, injected-parameters or remove-cell, and cells with `#| include: false`, show
  nothing, nor do the outputs of `#| output: false` and remove-output cells; Markdown cells
  and Markdown outputs are text; a captioned table (`#| label: tbl-...` with a
  `#| tbl-cap:`) and a figure (`#| label: fig-...` or a `#| fig-cap:`) hold the table notes
  and source lines that follow them, and are written as an HTML `<figure>` around them, as
  the published page has them; a table without caption is `<table></table>`, an image
  without caption `<p><img alt=""></p>`. Streams and plain-text reprs are noise.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path
from unittest import mock

from volreport.chapters.display import DOWNLOAD_CLASS, NOTE_CLASS, SOURCE_CLASS

HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "remove-cell", "remove-output"}
FIGURE_PLACEHOLDER = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'
DOWNLOAD_ONLY = re.compile(
    rf"^(\s*\[[^\]]*\]\([^)\s]*\)\{{\.{DOWNLOAD_CLASS}\}})+\s*$"
)  # a paragraph of CSV links only
NOTE_DIV = re.compile(rf"^:::+\s*\{{[^}}]*\.({NOTE_CLASS}|{SOURCE_CLASS})\b")


def source_text(source: str | list[str]) -> str:
    """nbformat stores text as one string or as a list of lines."""
    return "".join(source) if isinstance(source, list) else source


def cell_options(source: str) -> dict[str, str]:
    """Quarto cell options: the leading `#| key: value` lines (values as plain text)."""
    options = {}
    for line in source.splitlines():
        if not line.startswith("#|"):
            break
        key, _, value = line[2:].partition(":")
        options[key.strip()] = value.strip().strip("\"'")
    return options


# --- running a notebook ----------------------------------------------------------------------


def output_of(item: object) -> dict:
    """A displayed object as the display_data output a kernel would store."""
    import pandas as pd
    from matplotlib.figure import Figure
    from pandas.io.formats.style import Styler

    data = {"text/plain": repr(item)}
    represent = getattr(item, "_repr_markdown_", None)
    if represent is not None:
        text = represent()
        data["text/markdown"] = text[0] if isinstance(text, tuple) else text  # (data, meta)
    elif isinstance(item, Styler | pd.DataFrame):
        data["text/html"] = item.to_html()
    elif isinstance(item, Figure):
        data["image/svg+xml"] = FIGURE_PLACEHOLDER
    elif getattr(item, "_repr_html_", None) is not None:
        data["text/html"] = item._repr_html_()
    return {"output_type": "display_data", "data": data, "metadata": {}}


def run_cell(source: str, namespace: dict, name: str) -> None:
    """Run a cell's code in `namespace`; show the value of a last-line expression, as
    Jupyter does."""
    from IPython.display import display

    tree = ast.parse(source, filename=name)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, name, "exec"), namespace)  # the notebook's own code
    if last is not None:
        value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
        if value is not None:
            display(value)


def execute(notebook: Path | str, parameters: dict) -> dict:
    """`notebook` run in this process with `parameters`, as papermill leaves it (see the
    module docstring)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    notebook = Path(notebook)
    document = json.loads(notebook.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__main__"}
    cells: list[dict] = []
    caught: list[object] = []

    def catch(*objects, **_options) -> None:
        caught.extend(objects)

    with (
        matplotlib.rc_context(),
        mock.patch.dict(os.environ),
        mock.patch("IPython.display.display", catch),
        mock.patch("IPython.core.display_functions.display", catch),
        mock.patch("matplotlib_inline.backend_inline.set_matplotlib_formats", lambda *a, **k: None),
    ):
        try:
            for number, cell in enumerate(document.get("cells", []), start=1):
                if cell.get("cell_type") != "code":
                    cells.append(cell)
                    continue
                caught.clear()
                run_cell(
                    source_text(cell.get("source", "")),
                    namespace,
                    f"{notebook.name}, cell {number}",
                )
                outputs = [output_of(item) for item in caught]
                cells.append({**cell, "execution_count": number, "outputs": outputs})
                if "parameters" in cell.get("metadata", {}).get("tags", []):
                    namespace.update(parameters)
                    lines = [f"{name} = {value!r}" for name, value in parameters.items()]
                    cells.append(
                        {
                            "cell_type": "code",
                            "execution_count": number,
                            "metadata": {"tags": ["injected-parameters"]},
                            "outputs": [],
                            "source": "# Parameters\n" + "\n".join(lines) + "\n",
                        }
                    )
        finally:
            plt.close("all")
    return {**document, "cells": cells}


# --- reading a staged notebook ---------------------------------------------------------------


class Item:
    """A table or an image in a page: `holds` the notes that follow it when it is a figure
    (a captioned table, or a labelled or captioned image)."""

    def __init__(self, kind: str, holds: bool) -> None:
        self.kind, self.holds = kind, holds


def cell_blocks(cell: dict) -> list[str | Item]:
    """What a code cell shows in its page: Markdown texts and items."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    options = cell_options(source_text(cell.get("source", "")))
    if tags & HIDDEN_CELL_TAGS or "false" in (options.get("include"), options.get("output")):
        return []
    kind = options.get("label", "").partition("-")[0]
    blocks: list[str | Item] = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            raise AssertionError(f"the notebook stored an error: {output.get('evalue')}")
        data = output.get("data") or {}
        if "text/markdown" in data:
            blocks.append(source_text(data["text/markdown"]))
        elif "<table" in source_text(data.get("text/html", "")):
            blocks.append(Item("table", kind == "tbl" and bool(options.get("tbl-cap"))))
        elif any(key.startswith("image/") for key in data):
            blocks.append(Item("image", kind == "fig" or bool(options.get("fig-cap"))))
    return blocks


def chunks(text: str) -> list[str]:
    """Markdown text as its top-level blocks: fenced divs whole, others at blank lines."""
    found: list[str] = []
    lines: list[str] = []
    depth = 0
    for line in text.strip("\n").split("\n"):
        if line.startswith(":::"):
            depth += 1 if line.strip(": ") else -1
        if not line.strip() and depth == 0:
            if lines:
                found.append("\n".join(lines))
            lines = []
            continue
        lines.append(line)
    if lines:
        found.append("\n".join(lines))
    return found


def page_markdown(notebook: dict) -> str:
    """A staged notebook's page as Markdown, each figure holding the notes that follow it
    (CSV links stay after it), as the publisher writes it (see the module docstring)."""
    blocks: list[str | Item] = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            blocks.append(source_text(cell.get("source", "")))
        elif cell.get("cell_type") == "code":
            blocks += cell_blocks(cell)
    flat = [
        part for block in blocks for part in (chunks(block) if isinstance(block, str) else [block])
    ]
    written: list[str] = []
    index = 0
    while index < len(flat):
        block = flat[index]
        index += 1
        if isinstance(block, str):
            written.append(block)
        elif not block.holds:
            written.append("<table></table>" if block.kind == "table" else '<p><img alt=""></p>')
        else:
            notes, links = [], []
            while index < len(flat) and isinstance(flat[index], str):
                if NOTE_DIV.match(flat[index]):
                    notes.append(flat[index])
                elif DOWNLOAD_ONLY.match(flat[index]):
                    links.append(flat[index])
                else:
                    break
                index += 1
            written += ["<figure>", *notes, "</figure>", *links]
    return "\n\n".join(written)
