"""Helpers the chapter modules share, so that no chapter imports another."""

from __future__ import annotations

import pandas as pd

from volreport.core import fmt, i18n
from volreport.data.dataset import Dataset, names
from volreport.data.published import reporting_regions


def area_label(name: str, programme: object) -> str:
    """An area as readers know it: 'Birgemiz: Úmit (emergencies)', or the name alone."""
    if pd.isna(programme) or not str(programme):
        return name
    return f"{programme} ({name[:1].lower()}{name[1:]})"


def area_names(ds: Dataset) -> dict[str, str]:
    """Area id -> label ("Birgemiz: Úmit (emergencies)", "Other social volunteering")."""

    def compute() -> dict[str, str]:
        areas = ds.reference["areas"]
        return {
            area: area_label(str(name), programme)
            for area, name, programme in zip(
                areas["id"], names(areas), areas["programme"], strict=True
            )
        }

    return dict(ds.kept(("area names", i18n.current()), compute))


def area_short_names(ds: Dataset) -> dict[str, str]:
    """Area id -> short label for charts: the programme without 'Birgemiz: ', or the name."""
    areas = ds.reference["areas"]
    return {
        area: str(name) if pd.isna(programme) else str(programme).removeprefix("Birgemiz: ")
        for area, name, programme in zip(areas["id"], names(areas), areas["programme"], strict=True)
    }


def by_name(*columns: str):
    """A `sort_values` key that puts the text columns `columns` (names) in the alphabetical
    order of the current language (`i18n.sort_key`: Қ after К in Kazakh, not after Я) and
    leaves the other columns to sort by their values; a missing name stays missing."""

    def key(column: pd.Series) -> pd.Series:
        if column.name in columns:
            return column.map(i18n.sort_key, na_action="ignore")
        return column

    return key


def area_order(ds: Dataset) -> list[str]:
    """Area ids in the reference order."""
    return ds.reference["areas"].sort_values("order")["id"].tolist()


def qualifier_words(qualifier: object) -> str:
    """'at_least' -> 'at least', 'exact' or empty -> '' (a table column's cell)."""
    return fmt.qualifier_words().get("exact" if pd.isna(qualifier) else str(qualifier), "").strip()


def source_cite_as(ds: Dataset) -> str | None:
    """How the rows' sources name the vintage's published report ('Report 2022'): the
    English `cite_as` of edition.yml, whatever the language written (sources are English
    in the data); None without a published report."""
    source = ds.edition.published_source
    return None if source is None else source.named_in_sources


def in_reference_order(ds: Dataset, codes: list[str]) -> list[str]:
    """Region codes in the order of `published.reporting_regions` (the reference order):
    the one order of every list of regions a statement names, whichever chapter names it.
    Codes it lacks come last, as given."""
    return in_order(codes, reporting_regions(ds)["region"].astype(str).tolist())


def in_order(items: list[str], order: list[str] | tuple[str, ...]) -> list[str]:
    """`items` sorted by their place in `order`; those it lacks last, as given."""
    position = {item: i for i, item in enumerate(order)}
    return sorted(items, key=lambda item: position.get(item, len(position)))
