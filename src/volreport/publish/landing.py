"""The landing page's key figures, and the edition's identity: date, software, citation.

The key figures are headline indicators (`chapters.headline_indicators`) shown as cards:
the value at the one precision the chapters use, its qualifier, its change on the
previous year where the data hold the previous year's figure (none when the two totals
cover different regions: `same_regions` then holds the change over the regions reported
in both years, see `compare.same_regions_change`), a small chart of the
earlier years where there are any, and a link to the chapter that explains it. Python
computes the values; the words are in templates/en/site/.

The edition's date comes from the vintage (`created` in datapackage.json) or from
`SOURCE_DATE_EPOCH`, never from the clock: the same sources give the same bytes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from volreport.chapters.compare import (
    lookup,
    previous_figure,
    previous_vintage,
    same_regions_change,
)
from volreport.core import fmt, i18n, prose
from volreport.data.contract import NATIONAL
from volreport.data.dataset import Dataset
from volreport.data.indicators import (
    Indicator,
    decimals,
    format_value,
    is_billions,
    is_change,
)
from volreport.data.published import percent_change

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
CHART_DIR = "figures/key-figures"
# How far back the small charts look for earlier vintages beside this one.
SERIES_YEARS = 6


@dataclass(frozen=True)
class KeyFigure:
    """One card: a headline indicator, the chapter that explains it (its section id) and,
    for a figure reported as such, the national observation that holds earlier years."""

    indicator: str
    chapter: str
    measure: str | None = None
    category: str = ""


# The landing page's cards, in reading order. Only figures every vintage computes.
KEY_FIGURES = (
    KeyFigure("volunteers_total", "sec-portrait", "volunteers"),
    KeyFigure("volunteers_female_pct", "sec-portrait"),
    KeyFigure("persons_per_volunteer", "sec-portrait"),
    KeyFigure("npo_total", "sec-organizations", "npo"),
    KeyFigure("initiative_groups_total", "sec-organizations", "initiative_groups"),
    KeyFigure("hours_total", "sec-areas", "hours"),
    KeyFigure("grant_hours_total", "sec-grants", "grant_hours_total"),
    KeyFigure("grant_volunteers_total", "sec-grants", "grant_volunteers_total"),
    KeyFigure("grant_events_total", "sec-grants", "grant_events_total"),
    KeyFigure("economic_value_kzt", "sec-economic"),
    KeyFigure("fte_equivalent", "sec-economic"),
    KeyFigure("inquiries_volunteering", "sec-public-interest", "inquiries", "volunteering"),
)


def figure_text(indicator: Indicator) -> str:
    """The figure as a table cell shows it, qualifier words first: 'about 2.56 billion KZT',
    'at least 45,182', '19.7%'; 'not available' when the data give none. The precision is
    the one of every headline figure (`indicators.decimals`); the cards write the same
    text through their template (tests keep the two the same)."""
    if indicator.value is None:
        return format_value(indicator)
    return fmt.qualify(format_value(indicator), indicator.qualifier)


# --- the cards ---------------------------------------------------------------------------


def vintages(ds: Dataset) -> list[Dataset]:
    """This vintage and the earlier ones beside it, newest first (a gap in the years ends
    the walk)."""
    found = [ds]
    while len(found) < SERIES_YEARS:
        earlier = previous_vintage(found[-1])
        if earlier is None:
            break
        found.append(earlier)
    return found


def series(ds: Dataset, measure: str, category: str) -> list[dict]:
    """The national figure of `measure` by year, oldest first: [{year, value, qualifier}].

    A year's own vintage gives its figure; failing that, the newest vintage that quotes it.
    Years without a value are left out.
    """
    by_year: dict[int, dict] = {}
    for vintage in vintages(ds):  # newest first: an older vintage overrides only its own year
        frame = vintage.observations
        rows = frame[
            (frame["indicator"] == measure)
            & (frame["region"] == NATIONAL)
            & (frame["category"].fillna("") == category)
        ]
        for year in sorted({int(y) for y in rows["year"]}):
            if year > ds.year or (year in by_year and year != vintage.year):
                continue
            found = lookup(vintage, measure, NATIONAL, category, year)
            if found is not None and not found.missing:
                by_year[year] = {"year": year, "value": found.value, "qualifier": found.qualifier}
    return [by_year[year] for year in sorted(by_year)]


def card(ds: Dataset, spec: KeyFigure, indicator: Indicator, previous_ds) -> dict:
    """What one card shows, as values: the template words it."""
    record: dict[str, Any] = {
        "id": indicator.id,
        "label": indicator.label,
        "value": indicator.value,
        "unit": indicator.unit,
        "qualifier": indicator.qualifier,
        "status": indicator.status,
        "decimals": decimals(indicator),
        "billions": is_billions(indicator),
        "signed": is_change(indicator),
        "chapter": spec.chapter,
        "previous": None,
        "change_pct": None,
        "same_regions": None,
        "chart": None,
    }
    if spec.measure is None or indicator.value is None:
        return record
    before, _, _ = previous_figure(ds, previous_ds, spec.measure, NATIONAL, spec.category)
    if before is not None and not before.missing:
        record["previous"] = {"value": before.value, "qualifier": before.qualifier}
        if indicator.unit != "percent":
            current = lookup(ds, spec.measure, NATIONAL, spec.category, ds.year)
            same = same_regions_change(
                ds, previous_ds, spec.measure, spec.category, current, before
            )
            if same is None:
                record["change_pct"] = percent_change(indicator.value, before.value)
            else:
                # The totals cover different regions: no change of the totals; the change
                # over the regions reported in both years, when there are any.
                record["same_regions"] = {
                    "change_pct": same["change_pct"],
                    "compared": same["regions_compared"],
                    "total": same["regions_total"],
                }
    years = series(ds, spec.measure, spec.category)
    if len(years) >= 2:
        record["chart"] = {"path": f"{CHART_DIR}/{indicator.id}.svg", "years": years}
    return record


def cards(ds: Dataset, indicators: list[Indicator]) -> list[dict]:
    """The landing page's cards for the headline indicators this vintage has."""
    by_id = {indicator.id: indicator for indicator in indicators}
    previous_ds = previous_vintage(ds)
    return [
        card(ds, spec, by_id[spec.indicator], previous_ds)
        for spec in KEY_FIGURES
        if spec.indicator in by_id
    ]


def sparkline(years: list[dict], bar: int = 26, gap: int = 6, height: int = 44) -> str:
    """A small bar chart of a figure by year, as SVG (the latest year in the accent colour).

    Drawn, not plotted: a few rectangles and year labels, the same bytes for the same
    figures. Bars start at zero. Its text alternative is the card's alt text.
    """
    top = max(point["value"] for point in years) or 1.0
    label_band = 13
    width = len(years) * bar + (len(years) - 1) * gap
    shapes = []
    for index, point in enumerate(years):
        x = index * (bar + gap)
        tall = max(1.0, (height - label_band) * point["value"] / top)
        colour = "#0072B2" if index == len(years) - 1 else "#9cc3e0"
        shapes.append(
            f'<rect x="{x}" y="{height - label_band - tall:.1f}" width="{bar}" '
            f'height="{tall:.1f}" fill="{colour}"/>'
        )
        shapes.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 1}" text-anchor="middle">'
            f"{point['year']}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" '
        f'font-size="10" fill="#59636e">' + "".join(shapes) + "</svg>\n"
    )


def key_figures_pages(ds: Dataset, indicators: list[Indicator]) -> dict[str, str]:
    """The cards' Markdown (`tables/key_figures.md`) and the SVG of each small chart."""
    found = cards(ds, indicators)
    text = prose.render(
        "site/key_figures", cards=found, year=ds.year, qualifier_words=fmt.qualifier_words()
    )
    pages = {"tables/key_figures.md": text + "\n"}
    for record in found:
        if record["chart"]:
            pages[record["chart"]["path"]] = sparkline(record["chart"]["years"])
    return pages


# --- the edition's identity ----------------------------------------------------------------


def edition_date(ds: Dataset) -> str | None:
    """The edition's date as YYYY-MM-DD: `created` in the vintage's datapackage.json, else
    `SOURCE_DATE_EPOCH` (seconds, UTC); None when neither gives one. Never the clock."""
    created = ds.descriptor.get("created") if isinstance(ds.descriptor, dict) else None
    if isinstance(created, str) and ISO_DATE.match(created):
        return created[:10]
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and int(epoch) > 0:
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d")
    return None


@cache
def software_version() -> str:
    """The version of the volreport package that builds the report."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("volreport")
    except PackageNotFoundError:
        return "unknown"


def book_identity() -> dict[str, str]:
    """Title, author and site address of the book, from `_quarto.yml`; in another
    language than English, the title and author from its labels (`book`)."""
    from volreport.core import paths
    from volreport.publish.builtin import read_book

    book = read_book(paths.QUARTO_CONFIG)
    identity = {"title": book.title, "author": book.author, "site_url": book.site_url or ""}
    if i18n.current() != i18n.SOURCE_LANGUAGE:
        identity |= {key: i18n.label("book", key) for key in ("title", "author")}
    return identity


def edition_context(ds: Dataset) -> dict:
    """What the citation and the edition note are made of."""
    return {
        "year": ds.year,
        "date": edition_date(ds),
        "version": software_version(),
        "synthetic": bool(ds.synthetic),
        **book_identity(),
    }


def plain(markdown: str) -> str:
    """Rendered Markdown as plain text on one line: escapes and emphasis marks dropped."""
    text = re.sub(r"(?<!\\)[*]", "", " ".join(markdown.split()))
    return re.sub(r"\\(.)", r"\1", text)


def edition_variables(ds: Dataset) -> dict[str, str]:
    """`{{< var >}}` values of the edition's identity (also the PDF's metadata):
    edition_date (long date, empty when the vintage gives none), software_version and
    how_to_cite (plain text, no Markdown)."""
    context = edition_context(ds)
    return {
        "edition_date": fmt.long_date(context["date"]) if context["date"] else "",
        "software_version": context["version"],
        "how_to_cite": plain(prose.render("site/how_to_cite", **context)),
    }


def edition_page(ds: Dataset) -> str:
    """The landing page's note on this edition: date, software and how to cite it."""
    return prose.render("site/edition", **edition_context(ds)) + "\n"
