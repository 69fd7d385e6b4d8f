"""How chapters show things: one figure style, tables and figure data as CSV, Markdown prose."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from volreport import fmt, paths

# Colour-blind-safe (Okabe-Ito), used by every chart in the report.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DOWNLOAD_CLASS = "data-download"  # marks CSV links; the build moves them out of figure cells
_LABEL = re.compile(r"^(fig|tbl)-[a-z0-9-]+$")


def setup() -> None:
    """Apply the report's seaborn style and vector figure output (sharp in HTML and PDF).

    Figures are byte-for-byte reproducible: fixed SVG ids and no creation date, so an
    unchanged chapter gives an unchanged report.
    """
    import os

    import matplotlib
    import seaborn as sns
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # matplotlib writes no build date
    sns.set_theme(style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    matplotlib.rcParams.update(
        {"svg.fonttype": "path", "svg.hashsalt": "volreport", "figure.dpi": 110}
    )
    set_matplotlib_formats("svg")


def output_data_dir(year: int, output_dir: Path | str | None) -> Path:
    """Where a chapter writes its downloadable CSVs: `<output_dir>/data/`."""
    base = Path(output_dir) if output_dir else paths.year_build_dir(year) / "site"
    folder = base / "data"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (=, +, -, @) with a quote."""

    def defuse(value: object) -> object:
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    # pandas 3 reads text as a string dtype, not object: both must be defused.
    def is_text(column: pd.Series) -> bool:
        return column.dtype == object or isinstance(column.dtype, pd.StringDtype)

    return frame.apply(lambda column: column.map(defuse) if is_text(column) else column)


def write_csv(frame: pd.DataFrame, label: str, folder: Path) -> Path:
    """Save `frame` as `<folder>/<label>.csv` (UTF-8, formula-safe) and return the path."""
    if not _LABEL.match(label):
        raise ValueError(f"label {label!r} must look like fig-... or tbl-... (lower case)")
    path = folder / f"{label}.csv"
    csv_safe(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def download_link(label: str) -> str:
    """Markdown link to a figure's or table's CSV, relative to the published page."""
    return f"[Download the data (CSV)](data/{label}.csv){{.{DOWNLOAD_CLASS}}}"


def markdown(text: str) -> None:
    """Show `text` as Markdown in the notebook and the published report."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def column_decimals(values: pd.Series, most: int = 3) -> int:
    """Fewest decimals that show every value of a numeric column as it is (at most `most`)."""
    numbers = values.dropna().astype(float)
    for decimals in range(most + 1):
        if ((numbers.round(decimals) - numbers).abs() < 1e-9).all():
            return decimals
    return most


def qualified_cells(
    values: pd.Series, qualifiers: pd.Series, decimals: int | None = 0
) -> list[str]:
    """Numbers as table text with the source's qualifier words: 'at least 16,155', '3,600'.

    For a table that shows a qualified number in one cell instead of a number column
    beside an "as published" column (the CSV keeps them apart: `show_table(data=...)`).
    `decimals=None` writes each value at the decimals it carries (49.9, 25.23, 50). A gap
    is an em dash, without qualifier words.
    """
    cells = []
    for value, qualifier in zip(values, qualifiers, strict=True):
        if pd.isna(value):
            cells.append(fmt.number(None))
            continue
        places = column_decimals(pd.Series([float(value)])) if decimals is None else decimals
        cells.append(
            fmt.qualified(float(value), "exact" if pd.isna(qualifier) else qualifier, places)
        )
    return cells


def table_style(frame: pd.DataFrame):
    """A table for display: no index, gaps as a dash, numbers at the decimals they carry.

    Numbers from 1,000 up get thousands separators, except in year columns.
    The CSV keeps the raw values and empty cells.
    """
    # Text from data files (one day from returned spreadsheets) is shown, never run as HTML.
    styler = frame.style.hide(axis="index").format(na_rep="—", escape="html")
    for column in frame.select_dtypes("number").columns:
        thousands = None if "year" in str(column).lower() else ","
        styler = styler.format(
            precision=column_decimals(frame[column]),
            thousands=thousands,
            na_rep="—",
            subset=[column],
        )
    return styler


def show_table(
    frame: pd.DataFrame,
    *,
    label: str,
    year: int,
    output_dir=None,
    data: pd.DataFrame | None = None,
) -> None:
    """Show a table (rendered as a real table in HTML and PDF) and its CSV link.

    The caption comes from the cell's `#| tbl-cap:` option, the label from `#| label:`.
    The CSV holds `frame` itself, or `data` when given: a table that shows a number and
    its qualifier as one text cell ("at least 16,155") offers the number and the
    qualifier in separate columns for download.
    """
    from IPython.display import display

    write_csv(frame if data is None else data, label, output_data_dir(year, output_dir))
    display(table_style(frame))
    markdown(download_link(label))


def show_figure(figure, *, label: str, data: pd.DataFrame, year: int, output_dir=None) -> None:
    """Show a matplotlib figure, save the data behind it as CSV and link it.

    Caption and alt text come from the cell's `#| fig-cap:` and `#| fig-alt:` options.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    write_csv(data, label, output_data_dir(year, output_dir))
    display(figure)
    plt.close(figure)
    markdown(download_link(label))


def show_table_if_any(
    frame: pd.DataFrame, *, label: str, year: int, output_dir=None, data=None
) -> None:
    """`show_table` for a table that only some years have: nothing at all when it is empty.

    The publisher leaves out a labelled cell that shows nothing, so the chapter of a
    year without these figures reads as if the table were never there.
    """
    if len(frame):
        show_table(frame, label=label, year=year, output_dir=output_dir, data=data)
