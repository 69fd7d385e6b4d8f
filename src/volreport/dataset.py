"""Load one year's vintage (data/<year>/) and the reference tables into memory."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from volreport import paths

NATIONAL = "KZ"
REFERENCE_TABLES = ("regions", "region_mapping", "areas", "cohorts", "event_formats", "indicators")


def read_csv(path: Path) -> pd.DataFrame:
    """Read a contract CSV: UTF-8, ids and text kept as strings, empty cells as missing."""
    return pd.read_csv(path, encoding="utf-8", dtype_backend="numpy_nullable", keep_default_na=False,
                       na_values=[""])


@dataclass(frozen=True)
class Dataset:
    """A year's data: observations, record tables, parameters and reference tables."""

    year: int
    path: Path
    observations: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    reference: dict[str, pd.DataFrame]
    params: dict
    descriptor: dict = field(repr=False)

    @property
    def synthetic(self) -> bool:
        """True for a synthetic (demo, test or benchmark) vintage."""
        return bool(self.descriptor.get("synthetic", False))

    def obs(self, indicator: str, *, region: str | None = None, category: str | None = None,
            year: int | None = None) -> pd.DataFrame:
        """Rows of `observations` for one indicator, optionally filtered; year defaults to this one."""
        frame = self.observations
        mask = (frame["indicator"] == indicator) & (frame["year"] == (year or self.year))
        if region is not None:
            mask &= frame["region"] == region
        if category is not None:
            mask &= frame["category"].fillna("") == category
        return frame[mask]

    def value(self, indicator: str, region: str = NATIONAL, category: str = "",
              year: int | None = None) -> float | None:
        """The single value of an observation, None when its status is missing.

        Raises KeyError when no such row exists: an absent row is a contract error,
        a missing value is a gap the report shows.
        """
        rows = self.obs(indicator, region=region, category=category, year=year)
        if len(rows) != 1:
            raise KeyError(f"{len(rows)} rows for {indicator}/{year or self.year}/{region}/{category!r}")
        value = rows["value"].iloc[0]
        return None if pd.isna(value) else float(value)

    def table(self, name: str) -> pd.DataFrame:
        """A record table by resource name (for example 'grant_projects')."""
        return self.tables[name]


def load_reference(reference_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The shared reference tables from data/reference/."""
    folder = reference_dir or paths.REFERENCE_DIR
    return {name: read_csv(folder / f"{name}.csv") for name in REFERENCE_TABLES}


def load_year(year: int, data_dir: Path | str | None = None) -> Dataset:
    """Load `data/<year>/` (or `data_dir`) as described by its datapackage.json."""
    folder = paths.year_data_dir(year, data_dir)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables = {
        resource["name"]: read_csv(folder / resource["path"])
        for resource in descriptor["resources"]
        if resource["path"].endswith(".csv")
    }
    observations = tables.pop("observations")
    params_path = folder / "params.yml"
    params = yaml.safe_load(params_path.read_text(encoding="utf-8")) if params_path.exists() else {}
    return Dataset(year=year, path=folder, observations=observations, tables=tables,
                   reference=load_reference(), params=params, descriptor=descriptor)
