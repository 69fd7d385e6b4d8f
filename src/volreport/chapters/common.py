"""Helpers the chapter modules share, so that no chapter imports another."""

from __future__ import annotations

import pandas as pd

from volreport.core import fmt
from volreport.data.dataset import Dataset


def area_label(name: str, programme: object) -> str:
    """An area as readers know it: 'Birgemiz: Úmit (emergencies)', or the name alone."""
    if pd.isna(programme) or not str(programme):
        return name
    return f"{programme} ({name[:1].lower()}{name[1:]})"


def area_names(ds: Dataset) -> dict[str, str]:
    """Area id -> label ("Birgemiz: Úmit (emergencies)", "Other social volunteering")."""
    areas = ds.reference["areas"]
    return {
        area: area_label(str(name), programme)
        for area, name, programme in zip(
            areas["id"], areas["name_en"], areas["programme"], strict=True
        )
    }


def area_short_names(ds: Dataset) -> dict[str, str]:
    """Area id -> short label for charts: the programme without 'Birgemiz: ', or the name."""
    areas = ds.reference["areas"]
    return {
        area: str(name) if pd.isna(programme) else str(programme).removeprefix("Birgemiz: ")
        for area, name, programme in zip(
            areas["id"], areas["name_en"], areas["programme"], strict=True
        )
    }


def area_order(ds: Dataset) -> list[str]:
    """Area ids in the reference order."""
    return ds.reference["areas"].sort_values("order")["id"].tolist()


def qualifier_words(qualifier: object) -> str:
    """'at_least' -> 'at least', 'exact' or empty -> '' (a table column's cell)."""
    return fmt.QUALIFIER_WORDS.get("exact" if pd.isna(qualifier) else str(qualifier), "").strip()
