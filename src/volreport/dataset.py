"""Load one year's vintage (data/<year>/) and the reference tables into memory."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from volreport import paths
from volreport.edition import EDITION_FILE, Edition
from volreport.edition import parse as parse_edition
from volreport.edition import read_raw as read_edition

NATIONAL = "KZ"
REFERENCE_TABLES = ("regions", "region_mapping", "areas", "cohorts", "event_formats", "indicators")
# When set, every data file a chapter reads is appended to this file, so the build
# re-runs a chapter only when a file it actually read has changed.
ACCESS_LOG_ENV = "VOLREPORT_ACCESS_LOG"


def record_access(path: Path) -> None:
    """Append `path` to the access log named by $VOLREPORT_ACCESS_LOG, if any."""
    log = os.environ.get(ACCESS_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{Path(path).resolve()}\n")


def read_csv(path: Path) -> pd.DataFrame:
    """Read a contract CSV: UTF-8, ids and text kept as strings, empty cells as missing."""
    record_access(path)
    return pd.read_csv(
        path,
        encoding="utf-8",
        dtype_backend="numpy_nullable",
        keep_default_na=False,
        na_values=[""],
    )


class LazyTables(Mapping):
    """Record tables by resource name, each read from disk on first use."""

    def __init__(self, files: dict[str, Path]) -> None:
        self._files = files
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._loaded:
            self._loaded[name] = read_csv(self._files[name])
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


@dataclass(frozen=True)
class Dataset:
    """A year's data: observations, record tables, parameters and reference tables."""

    year: int
    path: Path
    observations: pd.DataFrame
    tables: Mapping[str, pd.DataFrame]
    reference: dict[str, pd.DataFrame]
    params: dict
    descriptor: dict = field(repr=False)
    edition: Edition = field(default_factory=Edition)

    @property
    def synthetic(self) -> bool:
        """True for a synthetic (demo, test or benchmark) vintage."""
        return bool(self.descriptor.get("synthetic", False))

    def obs(
        self,
        indicator: str,
        *,
        region: str | None = None,
        category: str | None = None,
        year: int | None = None,
    ) -> pd.DataFrame:
        """Rows of `observations` for one indicator, filtered; year defaults to this one."""
        frame = self.observations
        mask = (frame["indicator"] == indicator) & (frame["year"] == (year or self.year))
        if region is not None:
            mask &= frame["region"] == region
        if category is not None:
            mask &= frame["category"].fillna("") == category
        return frame[mask]

    def value(
        self, indicator: str, region: str = NATIONAL, category: str = "", year: int | None = None
    ) -> float | None:
        """The single value of an observation, None when its status is missing.

        Raises KeyError when no such row exists: an absent row is a contract error,
        a missing value is a gap the report shows.
        """
        rows = self.obs(indicator, region=region, category=category, year=year)
        if len(rows) != 1:
            raise KeyError(
                f"{len(rows)} rows for {indicator}/{year or self.year}/{region}/{category!r}"
            )
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
    record_access(folder / "datapackage.json")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    files = {
        resource["name"]: folder / resource["path"]
        for resource in descriptor["resources"]
        if resource["path"].endswith(".csv")
    }
    observations = read_csv(files.pop("observations"))
    params_path = folder / "params.yml"
    params = {}
    if params_path.exists():
        record_access(params_path)
        params = yaml.safe_load(params_path.read_text(encoding="utf-8"))
    edition_path = folder / EDITION_FILE
    if edition_path.exists():
        record_access(edition_path)
    return Dataset(
        edition=parse_edition(read_edition(edition_path)),
        year=year,
        path=folder,
        observations=observations,
        tables=LazyTables(files),
        reference=load_reference(),
        params=params,
        descriptor=descriptor,
    )
