"""The computed chapters' modules, and what the build collects from all of them."""

from __future__ import annotations

from importlib import import_module

from volreport.data.indicators import Discrepancy, Indicator

# Computation modules of the chapter notebooks; the book order lives in _quarto.yml.
CHAPTER_MODULES = ("portrait", "organizations", "areas", "grants", "economics", "public_interest")


def modules():
    """The chapter modules, imported."""
    return [import_module(f"volreport.chapters.{name}") for name in CHAPTER_MODULES]


def headline_indicators(ds) -> list[Indicator]:
    """Every chapter's headline indicators, in chapter order."""
    return [indicator for module in modules() for indicator in module.indicators(ds)]


def discrepancies(ds) -> list[Discrepancy]:
    """Every chapter's discrepancies between published and recomputed figures."""
    return [found for module in modules() for found in module.discrepancies(ds)]


def variables(ds) -> dict[str, str]:
    """`{{< var >}}` values the chapters offer to commentary and editorial pages.

    A chapter module may define `variables(ds) -> dict[str, str]`: its computed values as
    display text, under names that start with the module's name ('areas_...').
    """
    found: dict[str, str] = {}
    for module in modules():
        offered = getattr(module, "variables", None)
        if offered is not None:
            found |= offered(ds)
    return found
