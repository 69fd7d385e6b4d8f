"""The computed chapters' modules, and what each chapter hands to the build.

A chapter is computed once per build, in its notebook: the notebook's last cell saves what
the rest of the book needs from it (`save`: headline indicators, discrepancies, `{{< var >}}`
values) to `_chapter.json` in its output folder, beside its CSVs but not among the data
downloads; the build reads them back (`load`) and computes no chapter itself.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType

from volreport.data.indicators import Discrepancy, Indicator

# Computation modules of the chapter notebooks; the book order lives in _quarto.yml.
CHAPTER_MODULES = ("portrait", "organizations", "areas", "grants", "economics", "public_interest")
SAVED_NAME = "_chapter.json"


def modules():
    """The chapter modules, imported."""
    return [import_module(f"volreport.chapters.{name}") for name in CHAPTER_MODULES]


@dataclass(frozen=True)
class ChapterOutputs:
    """What one chapter gives the rest of the book, from its `compute(ds)` result.

    `variables` are the `{{< var >}}` values it offers to commentary and editorial pages,
    as display text, under names that start with the module's name ('areas_...').
    """

    chapter: str  # the module's name, as in CHAPTER_MODULES
    indicators: list[Indicator]
    discrepancies: list[Discrepancy]
    variables: dict[str, str]


def module_name(module: ModuleType) -> str:
    """'areas' for volreport.chapters.areas."""
    return module.__name__.rsplit(".", 1)[-1]


def outputs(module: ModuleType, ds, result) -> ChapterOutputs:
    """A chapter's outputs from its computed `result` (the module's `compute(ds)`).

    A module may leave out `variables(ds, result)` when it offers none.
    """
    offered = getattr(module, "variables", None)
    return ChapterOutputs(
        module_name(module),
        module.indicators(ds, result),
        module.discrepancies(ds, result),
        offered(ds, result) if offered is not None else {},
    )


def saved_path(output_dir: Path | str | None, year: int) -> Path:
    """The file a chapter's outputs are saved in: `<output_dir>/_chapter.json` (without an
    output folder, the notebook's default one, `_build/<year>/site/`)."""
    from volreport.core import paths

    base = Path(output_dir) if output_dir else paths.year_build_dir(year) / "site"
    return base / SAVED_NAME


def _plain(value: object) -> object:
    """A NumPy scalar as the Python number it holds (for JSON)."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"not JSON serialisable: {value!r}")


def save(module: ModuleType, ds, result, output_dir: Path | str | None) -> None:
    """Write the chapter's outputs (from `result`, its `compute(ds)`) to `_chapter.json` in
    `output_dir` (returns nothing: a notebook cell shows no output)."""
    found = outputs(module, ds, result)
    payload = {
        "chapter": found.chapter,
        "year": ds.year,
        "indicators": [asdict(indicator) for indicator in found.indicators],
        "discrepancies": [asdict(discrepancy) for discrepancy in found.discrepancies],
        "variables": found.variables,
    }
    path = saved_path(output_dir, ds.year)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, indent=1, default=_plain)
    path.write_text(text + "\n", encoding="utf-8")


def load(output_dir: Path | str) -> ChapterOutputs:
    """A chapter's outputs as `save` wrote them to `output_dir`."""
    path = Path(output_dir) / SAVED_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the chapter saved no outputs (its `# Save outputs` cell)")
    payload = json.loads(path.read_text(encoding="utf-8"))
    return ChapterOutputs(
        payload["chapter"],
        [Indicator(**item) for item in payload["indicators"]],
        [Discrepancy(**item) for item in payload["discrepancies"]],
        {str(key): str(value) for key, value in payload["variables"].items()},
    )


def in_order(chapters: list[ChapterOutputs]) -> list[ChapterOutputs]:
    """The chapters' outputs in CHAPTER_MODULES order, each chapter exactly once."""
    names = [chapter.chapter for chapter in chapters]
    if sorted(names) != sorted(CHAPTER_MODULES):
        raise ValueError(f"chapter outputs of {names}, expected one of each of {CHAPTER_MODULES}")
    return sorted(chapters, key=lambda chapter: CHAPTER_MODULES.index(chapter.chapter))


def computed(ds) -> list[ChapterOutputs]:
    """Every chapter computed once from `ds`, in this process (tests and tools; the build
    reads what the notebooks saved instead)."""
    return [outputs(module, ds, module.compute(ds)) for module in modules()]


def headline_indicators(chapters: list[ChapterOutputs]) -> list[Indicator]:
    """Every chapter's headline indicators, in chapter order."""
    return [indicator for chapter in in_order(chapters) for indicator in chapter.indicators]


def discrepancies(chapters: list[ChapterOutputs]) -> list[Discrepancy]:
    """Every chapter's discrepancies between published and recomputed figures."""
    return [found for chapter in in_order(chapters) for found in chapter.discrepancies]


def variables(chapters: list[ChapterOutputs]) -> dict[str, str]:
    """`{{< var >}}` values the chapters offer to commentary and editorial pages."""
    found: dict[str, str] = {}
    for chapter in in_order(chapters):
        found |= chapter.variables
    return found
