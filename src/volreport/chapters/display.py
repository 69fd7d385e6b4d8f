"""How chapters show things: one figure style, tables and figure data as CSV, Markdown prose.

Tables show what exists: a column or row without any value is left out and a note under
the table says which; a table left with no values is not shown at all. Every gap left in
a table is the one mark GAP_MARK, defined by the legend under that table. Every chart
carries the source line of the data it draws. The words of notes, legend and source line
are templates (`templates/<language>/display/`).

Everything is shown in the current language (`display.setup(language)` chooses it): the
table headers that are terms of the code (`i18n.term`), numbers, notes, the gap words of
charts and the sources (the vintage's `sources.csv`). The CSV downloads stay the same in
every language: English snake_case headers, the frame's own values.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations, pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from volreport.core import fmt, i18n, paths, prose
from volreport.data import contract

# Colour-blind-safe (Okabe-Ito), used by every chart in the report.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
DOWNLOAD_CLASS = "data-download"  # marks CSV links; the build moves them out of figure cells
NOTE_CLASS = "table-note"  # a table's legend and notes, placed under it
SOURCE_CLASS = "chart-source"  # a chart's source line, placed under it
# Classes of what a figure or table cell shows besides the item itself: the build moves
# them out of the cell (a second output would be a sub-figure for Quarto).
DETACHED_CLASSES = (DOWNLOAD_CLASS, NOTE_CLASS, SOURCE_CLASS)
GAP_MARK = "\u2014"  # the one mark of a value that is not available (see the legend)
GAP_TEXTS = frozenset({"", GAP_MARK})

# Charts are drawn for the narrowest screen: a figure FIGURE_WIDTH inches wide shown at
# 355 px (a 390 px phone) keeps FONT_SIZE-point text above 11 px, and it fits the text
# column of the site at its own size.
FIGURE_WIDTH = 5.4
FONT_SIZE = 13
SMALL_FONT_SIZE = 12.5
CHART_GAP = "not available"  # in a chart, where a value has no bar (English; see chart_gap)
LABEL_ROOM = 1.25  # a value axis this much longer than the longest bar holds its label
GRID_COLOUR = "#d8dee4"
BACKING = {"facecolor": "white", "edgecolor": "none", "pad": 0.6}  # a label over a line
TEXT_COLOUR = "#1f2328"
MUTED_COLOUR = "#59636e"
_LABEL = re.compile(r"^(fig|tbl)-[a-z0-9-]+$")
CSV_DECIMALS = 2  # computed values in the downloads (shares: 19.69)


def setup(language: str = i18n.SOURCE_LANGUAGE) -> None:
    """Write in `language` (`i18n.use`); apply the report's chart style and vector figure
    output (sharp in HTML and PDF).

    seaborn's plain theme, then type large enough for a phone, light value gridlines, no
    frame, the Okabe-Ito palette at full saturation. Charts have no title: the caption names them.
    Figures are byte-for-byte reproducible: fixed SVG ids and no creation date, so an
    unchanged chapter gives an unchanged report.
    """
    import os

    import seaborn as sns
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    i18n.use(language)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # matplotlib writes no build date
    # seaborn's plain theme and the palette, with the report's own settings on top.
    sns.set_theme(context="notebook", style="white", palette=PALETTE, rc=chart_style())
    set_matplotlib_formats("svg")


def chart_style() -> dict:
    """matplotlib settings of every chart in the report (see `setup`)."""
    from cycler import cycler

    return {
        "svg.fonttype": "path",
        "svg.hashsalt": "volreport",
        "figure.dpi": 110,
        "figure.facecolor": "white",
        "font.family": "DejaVu Sans",
        "font.size": FONT_SIZE,
        "axes.labelsize": FONT_SIZE,
        "axes.titlesize": FONT_SIZE,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "legend.fontsize": FONT_SIZE,
        "text.color": TEXT_COLOUR,
        "axes.labelcolor": TEXT_COLOUR,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "axes.edgecolor": GRID_COLOUR,
        "axes.facecolor": "white",
        "axes.grid": False,
        "grid.color": GRID_COLOUR,
        "grid.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=PALETTE),
        "xtick.major.size": 0,
        "ytick.major.size": 0,
        "xtick.major.pad": 5,
        "ytick.major.pad": 5,
        "legend.frameon": False,
        "patch.linewidth": 0,
    }


def series_colours(names) -> dict[str, str]:
    """A stable colour for each series, by its place in `names` (the same series has the
    same colour in every chart that passes the same names)."""
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(names)}


def text_on(colour: str) -> str:
    """The colour of a label printed on a `colour` fill: white on dark, text colour on
    light (contrast of at least 4.5:1 for the palette)."""
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in to_rgb(colour))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "white" if luminance < 0.2 else TEXT_COLOUR


def number(value, decimals: int = 0, *, grouped: bool = True) -> str:
    """A number as tables and charts show it: as the prose writes it (`fmt.number`, in the
    current language: a negative one with a minus sign, '−46'); `grouped=False` without
    thousands separators (a year). A missing value (pd.NA too) is the gap mark. The CSV
    downloads keep plain numbers ('-46')."""
    if value is None or pd.isna(value):
        return GAP_MARK
    return fmt.number(float(value), decimals, grouped=grouped)


def bar_chart(rows: int, *, per_row: float = 0.36, extra: float = 0.9):
    """A new figure and axes for horizontal bars: FIGURE_WIDTH wide, `per_row` inches per
    category, value gridlines only."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(FIGURE_WIDTH, per_row * max(rows, 1) + extra))
    axis.grid(axis="x")
    axis.spines["left"].set_visible(False)
    axis.spines["bottom"].set_visible(False)
    return figure, axis


def label_bars(
    axis, bars, texts, *, inside_from: float | None = None, backed: bool = False
) -> None:
    """Write `texts` at the end of horizontal `bars`: beyond a bar, or inside its end in
    white when the bar is longer than `inside_from` (in data units). `backed`: on a white
    ground, over a line drawn across the bars (a reference value's)."""
    for bar, text in zip(bars, texts, strict=True):
        if not text:
            continue
        end = bar.get_x() + bar.get_width()
        middle = bar.get_y() + bar.get_height() / 2
        inside = inside_from is not None and bar.get_width() > inside_from
        axis.annotate(
            text,
            (end, middle),
            xytext=(-4 if inside else 4, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            fontsize=SMALL_FONT_SIZE,
            color=text_on(bar.get_facecolor()) if inside else TEXT_COLOUR,
            **({"bbox": BACKING, "zorder": 4} if backed and not inside else {}),
        )


def grouped_bars(
    axis, categories, series: dict, *, texts=None, height: float = 0.8, backed: bool = False
) -> None:
    """Horizontal bars of several series per category, first category at the top, each
    series in its `series_colours` colour and each bar labelled with its value (`texts`:
    value -> text). A value that is not available gets no bar but the words CHART_GAP."""
    texts = texts or (lambda value: number(value))
    colours = series_colours(series)
    width = height / len(series)
    positions = range(len(categories))
    for index, (name, values) in enumerate(series.items()):
        values = pd.Series(values, dtype="float64").reset_index(drop=True)
        rows = [p - height / 2 + width * (index + 0.5) for p in positions]
        bars = axis.barh(
            rows, values.fillna(0), height=width * 0.92, color=colours[name], label=name
        )
        label_bars(axis, bars, [None if pd.isna(v) else texts(v) for v in values], backed=backed)
        for row, value in zip(rows, values, strict=True):
            if pd.isna(value):
                gap_label(axis, row)
    axis.set_yticks(list(positions), list(categories))
    axis.set_ylim(len(categories) - 0.5, -0.5)
    longest = max((pd.Series(v, dtype="float64").max() for v in series.values()), default=0)
    axis.set_xlim(0, (longest if longest > 0 else 1) * LABEL_ROOM)


def chart_gap() -> str:
    """The words of a chart where a value has no bar, in the current language (CHART_GAP
    in English: the status words of a missing value)."""
    return i18n.label("statuses", "missing")


def gap_label(axis, row: float) -> None:
    """The words `chart_gap()` at the start of a row of horizontal bars or dots (a value not
    available), at the left end of the value axis."""
    axis.annotate(
        chart_gap(),
        (0, row),
        xycoords=("axes fraction", "data"),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=SMALL_FONT_SIZE,
        color=MUTED_COLOUR,
    )


def legend_above(axis, columns: int = 2, handles: list | None = None) -> None:
    """The series legend in one row above the plot, aligned with its right edge (it may
    reach over the category labels, never beyond the figure); `handles`: its entries in
    their order (default: every labelled artist)."""
    extra = {} if handles is None else {"handles": handles}
    axis.legend(
        **extra,
        loc="lower right",
        bbox_to_anchor=(1, 1.0),
        ncol=columns,
        borderaxespad=0.3,
        handlelength=1.2,
        columnspacing=1.2,
    )


def values_only(axis) -> None:
    """No value axis: the bars carry their values."""
    axis.xaxis.set_visible(False)
    axis.grid(False)


SHORT_WORD = 2  # letters of a word that does not end a line ('по', 'и', 'ең', 'of')
SHORT_WORD_ROOM = 3  # characters a line may run over its width to keep one with the next
_SPACES = re.compile(r"[ \t\r\n]+")  # where a label may break: not at a no-break space


def wrap_label(name: str, width: int = 24) -> str:
    """A label in lines of at most about `width` characters: the fewest lines, as even as
    the words allow; a word longer than that is hyphenated.

    Of the breaks that are as even, the label takes one that leaves no short word
    (SHORT_WORD letters: a preposition, a conjunction) at the end of a line and that keeps
    a parenthesis on one line, then the most even ('Самая низкая / по регионам', not
    'Самая / низкая по регионам'); to keep a short word with the next, a line may run
    SHORT_WORD_ROOM characters over. A no-break space (a figure's '1 088 387') never breaks.
    """
    words: list[str] = []
    for word in _SPACES.split(str(name).strip()):
        while len(word) > width + 1:
            cut = (len(word) + 1) // 2
            words.append(word[:cut] + "-")
            word = word[cut:]
        words.append(word)

    def splits(count: int):
        for cuts in combinations(range(1, len(words)), count - 1):
            yield [" ".join(words[a:b]) for a, b in pairwise((0, *cuts, len(words)))]

    lines = [" ".join(words)]
    while max(len(line) for line in lines) > width and len(lines) < len(words):
        lines = min(splits(len(lines) + 1), key=lambda parts: max(map(len, parts)))
    if len(lines) > 1:
        longest = max(width, max(map(len, lines)))
        fitting = [parts for parts in splits(len(lines)) if max(map(len, parts)) <= longest]
        lines = min(fitting, key=_break_cost)
        if _break_cost(lines)[0]:  # a short word ends a line: a little longer line, if need be
            roomier = [
                parts
                for parts in splits(len(lines))
                if max(map(len, parts)) <= longest + SHORT_WORD_ROOM and not _break_cost(parts)[0]
            ]
            lines = min(roomier, key=_break_cost, default=lines)
    return "\n".join(line.replace("- ", "-") for line in lines)


def _break_cost(lines: list[str]) -> tuple[int, int, int, int]:
    """How well `lines` break a label (lower is better): lines that end with a short word,
    breaks inside a parenthesis, the longest line, the unevenness of the lines."""
    short = sum(
        len(re.sub(r"\W", "", line.rsplit(" ", 1)[-1])) <= SHORT_WORD for line in lines[:-1]
    )
    inside, depth = 0, 0
    for line in lines[:-1]:
        depth += line.count("(") - line.count(")")
        inside += depth > 0
    return short, inside, max(map(len, lines)), sum(len(line) ** 2 for line in lines)


LABEL_SHARE = 0.45  # of FIGURE_WIDTH: a category label at most this wide (`fit_label`)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width of `text` (its longest line) in the charts' font at `size` points, in inches."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family=chart_style()["font.family"], size=size)
    measure = TextToPath().get_text_width_height_descent
    return max(measure(line, font, ismath=False)[0] for line in str(text).split("\n")) / 72


def fit_label(name: str, share: float = LABEL_SHARE, size: float = FONT_SIZE) -> str:
    """A category label on one line when it takes at most `share` of the chart's width,
    else wrapped (`wrap_label`) to fit it: the longer names of some languages ('Другое
    социальное волонтерство') leave the bars their room."""
    room = share * FIGURE_WIDTH
    if text_width(name, size) <= room:
        return str(name)
    for width in range(len(str(name)) - 1, 7, -1):
        wrapped = wrap_label(name, width)
        if text_width(wrapped, size) <= room:
            return wrapped
    return wrap_label(name, 8)


def value_limits(values, *, step: float, room: float = 0.0) -> tuple[float, float]:
    """Axis limits that fit `values` (not a 0-100 scale for shares of 43-58%): the nearest
    multiples of `step` around them, with `room` more at both ends for labels."""
    low, high = min(values), max(values)
    return (
        step * math.floor((low - room) / step),
        step * math.ceil((high + room) / step),
    )


def thousands_axis(axis, which: str = "x") -> None:
    """Tick labels with thousands separators (1,000) on the value axis."""
    import matplotlib.ticker as ticker

    formatter = ticker.FuncFormatter(lambda value, _: number(value))
    (axis.xaxis if which == "x" else axis.yaxis).set_major_formatter(formatter)


TICK_GAP = 0.5  # in ems of the tick labels: the least space between two (twice with spaces)


def spaced_ticks(figure) -> None:
    """Fewer ticks on a value axis whose tick labels run into each other (the wider
    numbers of some languages, '40 %' against '40%'): every other tick, as often as needed."""
    import matplotlib.ticker as ticker

    renderer = figure.canvas.get_renderer()
    for axis in figure.axes:
        for _ in range(3):
            low, high = sorted(axis.get_xlim())
            ticks = [t for t in axis.xaxis.get_major_ticks() if low <= t.get_loc() <= high]
            labels = [t.label1 for t in ticks if t.label1.get_visible() and t.label1.get_text()]
            if len(labels) < 3:
                break
            boxes = sorted(
                (label.get_window_extent(renderer) for label in labels), key=lambda b: b.x0
            )
            # Labels with a space in them ('40 %') need more between them to read apart.
            spaced = any(any(c.isspace() for c in label.get_text()) for label in labels)
            least = TICK_GAP * (2 if spaced else 1) * labels[0].get_fontsize() * figure.dpi / 72
            if all(b.x0 - a.x1 >= least for a, b in pairwise(boxes)):
                break
            kept = [tick.get_loc() for tick in ticks][::2]  # the first tick stays
            axis.xaxis.set_major_locator(ticker.FixedLocator(kept))
            figure.draw_without_rendering()  # the new ticks placed, no pixels drawn


def output_data_dir(year: int, output_dir: Path | str | None) -> Path:
    """Where a chapter writes its downloadable CSVs: `<output_dir>/data/`."""
    base = Path(output_dir) if output_dir else paths.year_build_dir(year) / "site"
    folder = base / "data"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (=, +, -, @) with a quote."""

    def defuse(value: object) -> object:
        if isinstance(value, str) and value.startswith(contract.FORMULA_PREFIXES):
            return "'" + value
        return value

    # pandas 3 reads text as a string dtype, not object: both must be defused.
    safe = frame.copy(deep=False)
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if is_text(column):
            safe.isetitem(position, column.map(defuse))
    return safe


def csv_header(name: object) -> str:
    """A column name in the one header style of the downloads, snake_case:
    'Share of national hours (published), %' -> 'share_of_national_hours_published_pct'."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = re.sub(r"['’]", "", text.replace("%", " pct").replace("№", " number"))
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def csv_headers(columns) -> list[str]:
    """`csv_header` of every column; an empty name becomes column_<n>, a repeat gets _2."""
    headers: list[str] = []
    for position, column in enumerate(columns, start=1):
        header = csv_header(column) or f"column_{position}"
        candidate, count = header, 1
        while candidate in headers:
            count += 1
            candidate = f"{header}_{count}"
        headers.append(candidate)
    return headers


def csv_decimals(numbers: pd.Series) -> int:
    """Decimals a column of non-whole numbers is written with in a CSV.

    Values typed with at most three decimals keep them (a published 38.35 stays 38.35);
    computed values (19.689958352614532) get two, or three significant digits when
    they are small (0.000238).
    """
    values = numbers.dropna().astype(float).to_numpy()
    fractional = values[np.abs(np.round(values) - values) > contract.FLOAT_SLACK]
    if not fractional.size:
        return 0
    typed = column_decimals(pd.Series(fractional), most=4)
    if (
        typed <= 3
        and (np.abs(np.round(fractional, typed) - fractional) < contract.FLOAT_SLACK).all()
    ):
        return typed
    smallest = np.abs(fractional).min()
    return max(CSV_DECIMALS, min(6, 2 - math.floor(math.log10(smallest))))


def csv_number(value: float, decimals: int) -> str:
    """A number as CSV text: whole numbers without decimals ('139671', not '139671.0'),
    others rounded to `decimals` without trailing zeros ('19.69', '38.3')."""
    rounded = round(float(value), decimals)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as the downloads write it: formula-safe text, numbers as they are meant
    (counts as whole numbers, shares at their precision), a number shown with its
    qualifier's words as the number and its qualifier code (`split_qualified`), snake_case
    headers."""
    frame = split_qualified(frame)
    safe = csv_safe(frame)
    columns = {}
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        is_float = pd.api.types.is_float_dtype(column.dtype)
        is_mixed = column.dtype == object
        # Only a mixed column needs its numbers found cell by cell.
        floats = (
            column.map(lambda v: isinstance(v, float) and not math.isnan(v)) if is_mixed else None
        )
        if is_float or (floats is not None and floats.any()):
            numbers = column if floats is None else column[floats]
            decimals = csv_decimals(numbers.astype(float))
            column = column.map(
                lambda v, d=decimals: (
                    csv_number(v, d)
                    if isinstance(v, float) and not math.isnan(v)
                    else (None if isinstance(v, float) else v)
                )
            )
        columns[position] = column
    ready = pd.DataFrame({position: columns[position] for position in columns}, index=safe.index)
    ready.columns = csv_headers(frame.columns)
    return ready


def csv_text(frame: pd.DataFrame) -> str:
    """A table's or figure's data as its downloadable CSV text (UTF-8, see `csv_ready`)."""
    return csv_ready(frame).to_csv(index=False, lineterminator="\n")


def write_csv(frame: pd.DataFrame, label: str, folder: Path) -> Path:
    """Save `frame` as `<folder>/<label>.csv` (`csv_text`) and return the path."""
    if not _LABEL.match(label):
        raise ValueError(f"label {label!r} must look like fig-... or tbl-... (lower case)")
    path = folder / f"{label}.csv"
    path.write_text(csv_text(frame), encoding="utf-8", newline="\n")
    return path


def download_link(label: str) -> str:
    """Markdown link to a figure's or table's CSV, relative to the published page.

    The built-in publisher names the table or figure in the link ('Table 4.1 as CSV');
    this text is what other engines show.
    """
    return f"[{i18n.label('site', 'data_as_csv')}](data/{label}.csv){{.{DOWNLOAD_CLASS}}}"


def markdown(text: str) -> None:
    """Show `text` as Markdown in the notebook and the published report."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def column_decimals(values: pd.Series, most: int = 3) -> int:
    """Fewest decimals that show every value of a numeric column as it is (at most `most`)."""
    numbers = values.dropna().astype(float).to_numpy()
    for decimals in range(most + 1):
        if (np.abs(np.round(numbers, decimals) - numbers) < contract.FLOAT_SLACK).all():
            return decimals
    return most


class QualifiedText(str):
    """A table cell that shows a number with its qualifier's words ('at least 16,155'),
    and knows both (`qualified_cells`): `value` (None for a gap) and `qualifier` (the
    code: exact, at_least, at_most, approx). The CSV writes them apart (`split_qualified`),
    never the words or the formatted number."""

    value: float | None
    qualifier: str | None

    def __new__(cls, text: str, value: float | None, qualifier: str | None) -> QualifiedText:
        cell = super().__new__(cls, text)
        cell.value = value
        cell.qualifier = qualifier
        return cell


def qualified_cells(
    values: pd.Series, qualifiers: pd.Series, decimals: int | None = 0
) -> list[str]:
    """Numbers as table text with the source's qualifier words: 'at least 16,155', '3,600'.

    For a table that shows a qualified number in one cell instead of a number column
    beside an "as published" column. Each cell is a `QualifiedText`: the CSV of a table
    that shows them holds the number and its qualifier in columns of their own
    (`split_qualified`), with or without `show_table(data=...)`.
    `decimals=None` writes every value at the decimals the column needs (`column_decimals`:
    49.90, 25.23, 50.00), as `table_style` writes a number column. A gap is an em dash,
    without qualifier words.
    """
    places = column_decimals(values) if decimals is None else decimals
    cells: list[str] = []
    for value, qualifier in zip(values, qualifiers, strict=True):
        if pd.isna(value):
            cells.append(QualifiedText(fmt.number(None), None, None))
            continue
        code = "exact" if pd.isna(qualifier) else str(qualifier)
        cells.append(QualifiedText(fmt.qualified(number(value, places), code), float(value), code))
    return cells


QUALIFIER_HEADER = "qualifier"  # the CSV column of a table's one qualified number column


def is_qualified(column: pd.Series) -> bool:
    """True for a column of `qualified_cells` (gaps aside): numbers shown with their words."""
    others = [cell for cell in column if not isinstance(cell, QualifiedText)]
    return len(others) < len(column) and all(pd.isna(cell) or cell in GAP_TEXTS for cell in others)


def split_qualified(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each column of `qualified_cells` written apart for the CSV: the number
    itself, then its qualifier code in a column of its own (`qualifier`, or
    `<column> qualifier` when the frame has a qualifier column already or several such
    columns); a gap leaves both empty."""
    positions = [p for p in range(frame.shape[1]) if is_qualified(frame.iloc[:, p])]
    if not positions:
        return frame
    alone = len(positions) == 1 and QUALIFIER_HEADER not in csv_headers(frame.columns)
    names: list[object] = []
    columns: list[pd.Series] = []
    for position in range(frame.shape[1]):
        name, column = frame.columns[position], frame.iloc[:, position]
        names.append(name)
        if position not in positions:
            columns.append(column)
            continue
        cells = [cell if isinstance(cell, QualifiedText) else None for cell in column]
        values = [np.nan if c is None or c.value is None else c.value for c in cells]
        codes = [None if c is None or c.value is None else c.qualifier for c in cells]
        columns.append(pd.Series(values, index=frame.index, dtype="float64"))
        columns.append(pd.Series(codes, index=frame.index, dtype=object))
        names.append(QUALIFIER_HEADER if alone else f"{name} {QUALIFIER_HEADER}")
    split = pd.concat(columns, axis=1, ignore_index=True)
    split.columns = pd.Index(names, dtype=object)
    return split


def table_style(frame: pd.DataFrame):
    """A table for display: no index, gaps as a dash, numbers at the decimals they carry.

    Numbers are written as the prose writes them (`number`: the language's separators, a
    minus sign for a negative number); from 1,000 up with thousands separators, except in
    year columns. The CSV keeps the raw values and empty cells.
    """
    # Text from data files (one day from returned spreadsheets) is shown, never run as HTML.
    styler = frame.style.hide(axis="index").format(na_rep=GAP_MARK, escape="html")
    numbers = {
        column: partial(
            number,
            decimals=column_decimals(frame[column]),
            grouped=not any(
                "year" in str(name).lower() for name in (column, english_header(column))
            ),
        )
        for column in frame.select_dtypes("number").columns
    }
    if numbers:  # one `format` for all of them: each call walks every cell it formats
        styler = styler.format(numbers, na_rep=GAP_MARK, subset=list(numbers))
    return styler


def shown_header(name: object) -> object:
    """A column header as readers see it: a term of the code (`term("Volunteers")`) in the
    current language; a name from the data (in the current language already) or a number
    (a year) as it is. Every code term is in the language's terms.yml (a test checks), so
    the catalogue's keys are the code's terms."""
    if isinstance(name, str) and i18n.current() != i18n.SOURCE_LANGUAGE:
        return i18n.term_catalogue().get(name, name)
    return name


def english_header(name: object) -> object:
    """The English header a shown header translates (`shown_header`), else `name`."""
    if not isinstance(name, str) or i18n.current() == i18n.SOURCE_LANGUAGE:
        return name
    for english, shown in i18n.term_catalogue().items():
        if shown == name:
            return english
    return name


def shown_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the headers readers see (`shown_header`); the same frame in English."""
    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return frame
    shown = frame.copy(deep=False)
    shown.columns = [shown_header(column) for column in frame.columns]
    return shown


def gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell holds no value: empty, missing, or the gap mark itself."""
    is_gap_text = np.frompyfunc(lambda v: isinstance(v, str) and v.strip() in GAP_TEXTS, 1, 1)
    texts = is_gap_text(frame.to_numpy(dtype=object)).astype(bool)
    return frame.isna() | pd.DataFrame(texts, index=frame.index, columns=frame.columns)


@dataclass(frozen=True)
class Shown:
    """What a table shows of a frame: the frame without empty columns and rows, and what
    was left out (column names; row names, the key columns of each row joined; text
    columns that read the same in every row, as {column, value})."""

    frame: pd.DataFrame
    columns: list[str]
    rows: list[str]
    constant: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.frame.empty


SAME_IN_EVERY_ROW = 3  # rows from which a text column that never changes is a note instead


def shown_part(frame: pd.DataFrame, keys: int = 1) -> Shown:
    """`frame` without the columns and rows that hold no value.

    The first `keys` columns name each row (a region, a measure): they are always kept and
    are not values. A table whose value columns are all empty, or that has no rows, shows
    nothing (`Shown.empty`). In a table of SAME_IN_EVERY_ROW rows or more, a text column
    that reads the same in every row is left out too, and said once in the note.
    """
    missing = gaps(frame)
    values = list(frame.columns[keys:])
    empty_columns = [c for c in values if missing[c].all()]
    kept = [c for c in values if c not in empty_columns]
    if not kept or frame.empty:
        return Shown(frame.iloc[0:0], [], [])
    empty_rows = missing[kept].all(axis=1)
    shown = frame.loc[~empty_rows, [*frame.columns[:keys], *kept]].reset_index(drop=True)
    if shown.empty:
        return Shown(shown, [], [])
    # The rows left out, named by their key columns ('Astana, 2022').
    left_out = frame.loc[empty_rows].iloc[:, :keys].astype("object").astype(str)
    names = left_out.agg(", ".join, axis=1).tolist() if len(left_out) else []
    constant = []
    if len(shown) >= SAME_IN_EVERY_ROW:
        for column in kept:
            cells = shown[column]
            if is_text(cells) and not gaps(shown[[column]]).any().any() and cells.nunique() == 1:
                constant.append({"column": str(column), "value": str(cells.iloc[0])})
        if len(constant) == len(kept):
            constant = []  # the values themselves: nothing else would be left to show
        shown = shown.drop(columns=[item["column"] for item in constant])
    return Shown(shown, [str(c) for c in empty_columns], names, constant)


def is_text(column: pd.Series) -> bool:
    """True for a column of text (object or string dtype)."""
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype)


def table_notes(shown: Shown) -> str:
    """The note under a table: what it leaves out, and the legend of its gap mark (when a
    gap is left), as Markdown; empty when there is nothing to say."""
    text = prose.render(
        "display/table_notes",
        columns=shown.columns,
        rows=shown.rows,
        constant=shown.constant,
        legend=bool(gaps(shown.frame).to_numpy().any()),
        gap_mark=GAP_MARK,
    )
    return f"::: {{.{NOTE_CLASS}}}\n{text}\n:::" if text else ""


def source_line(sources: list[str]) -> str:
    """The line under a chart naming the sources of its data, as Markdown; a source named
    twice is named once (`distinct_sources`)."""
    text = prose.render("display/source", sources=distinct_sources(sources))
    return f"::: {{.{SOURCE_CLASS}}}\n{text}\n:::"


def sources(
    ds,
    *indicators: str,
    tables: tuple[str, ...] = (),
    params: tuple[str, ...] = (),
    scope: str = "all",
    year: int | None = None,
) -> list[str]:
    """The sources of the values a chart or table draws, in order, each once.

    `indicators`: observation indicators of the year, rows with a value (`scope`: "all",
    "national" or "regions" for the national or the regional rows only); `tables`: record
    tables of the vintage (their `source` column); `params`: entries of params.yml (their
    `source`, when they are not derived). Sources that differ only in the region they name
    (one return form per region) are given once, with the number of regions.
    """
    from volreport.data.contract import NATIONAL

    if scope not in ("all", "national", "regions"):
        raise ValueError(f"scope must be all, national or regions, not {scope!r}")
    year = year or ds.year
    found: list[str] = []
    if indicators:
        rows = ds.observations
        rows = rows[rows["indicator"].isin(indicators) & (rows["year"] == year)]
        rows = rows[rows["value"].notna()]
        if scope != "all":
            rows = rows[(rows["region"] == NATIONAL) == (scope == "national")]
        found += rows["source"].dropna().astype(str).tolist()
    for name in tables:
        table = ds.tables.get(name)
        if table is not None and "source" in table.columns:
            found += table["source"].dropna().astype(str).tolist()
    for name in params:
        entry = ds.params.get(name)
        if isinstance(entry, dict) and entry.get("source") and entry.get("status") != "derived":
            found.append(str(entry["source"]))
    # Each source in the current language (the vintage's sources.csv), then joined.
    texts = [ds.source_text(source) for source in dict.fromkeys(found)]
    return regional_sources_joined(distinct_sources(texts), region_names(ds))


SECTION_MARK = "§"  # a source's part that names a section of a document


def source_parts(source: str) -> list[str]:
    """The parts of a source that names several ('A; B'), split at the semicolons that are
    not inside parentheses."""
    parts, depth, start = [], 0, 0
    for position, character in enumerate(source):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0 and source.startswith("; ", position):
            parts.append(source[start:position])
            start = position + 2
    return [part for part in (*parts, source[start:]) if part.strip()]


def distinct_sources(sources: list[str]) -> list[str]:
    """`sources` in order, each part of a source named once.

    A source may name several parts of one document, the document once: 'Report 2022,
    §A, text; §B, text'. A part named by an earlier source is left out of a later one (its
    other parts keep the document's name: 'Report 2022, §B, text'), and a source all of
    whose parts were named already is left out.
    """
    seen: set[str] = set()
    result: list[str] = []
    for source in sources:
        kept: list[str] = []
        document = None
        for part in source_parts(source):
            if part.startswith(SECTION_MARK) and document is not None:
                whole = f"{document}, {part}"
            else:
                stem, mark, _ = part.partition(f", {SECTION_MARK}")
                document = stem if mark else None
                whole = part
            if whole in seen:
                continue
            seen.add(whole)
            # A part after the first kept one may leave the document's name unsaid again.
            same = document is not None and kept and kept[0].startswith(f"{document}, ")
            kept.append(whole.removeprefix(f"{document}, ") if same else whole)
        if kept:
            result.append("; ".join(kept))
    return result


def region_names(ds) -> set[str]:
    """Every name a source may give a region by (full and short names, in every language
    the reference has)."""
    regions = ds.reference["regions"]
    names: set[str] = set()
    for column in regions.columns:
        if str(column).startswith(("name_", "short_name_")):
            names |= set(regions[column].dropna().astype(str))
    return names


_REGIONAL_SOURCE = re.compile(r"^(?P<stem>.+?), (?P<region>[^,(]+?)(?: \([^()]*\))?$")


def regional_sources_joined(found: list[str], names: set[str]) -> list[str]:
    """'Form 2023, Astana (KZ-71_astana.xlsx)', 'Form 2023, Shymkent (...)' -> 'Form 2023,
    2 regions': one entry per source that differs only by the region it names."""
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for source in found:
        match = _REGIONAL_SOURCE.match(source)
        key = match["stem"] if match and match["region"] in names else source
        if key not in groups:
            order.append(key)
        groups.setdefault(key, []).append(source)
    result = []
    for key in order:
        items = groups[key]
        if len(items) == 1:
            result.append(items[0])
        else:
            result.append(prose.render("display/regional_source", stem=key, regions=len(items)))
    return result


def show_table(
    frame: pd.DataFrame,
    *,
    label: str,
    year: int,
    output_dir=None,
    data: pd.DataFrame | None = None,
    keys: int = 1,
    subject: str | None = None,
) -> None:
    """Show what a table holds (a real table in HTML and PDF), its notes and its CSV link.

    The caption comes from the cell's `#| tbl-cap:` option, the label from `#| label:`.
    Columns and rows without any value are left out, and a note under the table names
    them; the legend of the gap mark follows whenever a gap is left (`shown_part`; the
    first `keys` columns name the rows). A table with no value at all shows nothing and
    writes no CSV: the chapter's text says what is missing, or, when `subject` is given
    ("Hours by region"), a sentence says that it is not available.

    The CSV holds `frame` itself (every column, every row), or `data` when given. Numbers
    are never written as shown: a column of `qualified_cells` ("at least 16,155") is
    written as the numbers and their qualifier in a column of its own (`csv_ready`).
    The CSV's headers are English (snake_case); the table shows them in the current
    language (`shown_header`).
    """
    from IPython.display import display

    shown = shown_part(shown_headers(frame), keys)
    if shown.empty:
        if subject:
            markdown(table_omitted(subject))
        return
    write_csv(frame if data is None else data, label, output_data_dir(year, output_dir))
    display(table_style(shown.frame))
    markdown("\n\n".join(part for part in (table_notes(shown), download_link(label)) if part))


def table_omitted(subject: str) -> str:
    """The sentence in place of a table without any value, as a note block."""
    text = prose.render("display/table_omitted", subject=subject)
    return f"::: {{.{NOTE_CLASS}}}\n{text}\n:::"


def show_figure(
    figure,
    *,
    label: str,
    data: pd.DataFrame,
    year: int,
    sources: list[str],
    output_dir=None,
    wide: bool = False,
) -> None:
    """Show a matplotlib figure with the line naming its `sources`, save the data behind
    it as CSV and link it.

    Caption and alt text come from the cell's `#| fig-cap:` and `#| fig-alt:` options.
    `sources` (see `sources`) must name at least one source: every chart says where its
    data come from. A chart is at most FIGURE_WIDTH wide, labels included (`fit_width`),
    unless it is `wide` (its cell then says `#| column: body-outset`).
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    if not sources:
        raise ValueError(f"{label}: a chart needs the source of its data")
    if not wide:
        fit_width(figure)
    spaced_ticks(figure)
    write_csv(data, label, output_data_dir(year, output_dir))
    display(figure)
    plt.close(figure)
    markdown(f"{source_line(sources)}\n\n{download_link(label)}")


def fit_width(figure, width: float = FIGURE_WIDTH, tries: int = 4) -> None:
    """Narrow `figure` until everything it draws (labels beyond the axes included) is at
    most `width` inches wide, so its type keeps its size on a phone. What does not narrow
    with the figure (a legend too long for it) is left as it is: the best size tried wins."""
    import warnings

    def drawn_width() -> float:
        return figure.get_tightbbox(figure.canvas.get_renderer()).width

    best = (drawn_width(), tuple(figure.get_size_inches()))
    for _ in range(tries):
        excess = best[0] - width
        if excess <= 0.02:
            break
        current, height = best[1]
        if current - excess < width / 2:
            break
        figure.set_size_inches(current - excess, height)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a layout that cannot fit: judged below
            figure.tight_layout()
        drawn = drawn_width()
        if drawn >= best[0] - 0.01:
            break
        best = (drawn, (current - excess, height))
    figure.set_size_inches(*best[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure.tight_layout()


def show_table_if_any(
    frame: pd.DataFrame, *, label: str, year: int, output_dir=None, data=None, keys: int = 1
) -> None:
    """`show_table` for a table that only some years have: nothing at all when it is empty.

    The publisher leaves out a labelled cell that shows nothing, so the chapter of a
    year without these figures reads as if the table were never there.
    """
    if len(frame):
        show_table(frame, label=label, year=year, output_dir=output_dir, data=data, keys=keys)
