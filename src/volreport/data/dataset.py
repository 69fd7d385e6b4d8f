"""Load one year's vintage (data/<year>/) and the reference tables into memory."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from volreport.core import paths
from volreport.data import contract
from volreport.data.edition import EDITION_FILE, Edition
from volreport.data.edition import parse as parse_edition
from volreport.data.edition import read_raw as read_edition

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


class DataError(ValueError):
    """A vintage that cannot be loaded as the contract describes it; names the file.
    (`volreport validate` reports the same, with every other problem, before a build.)"""


def regular_file(path: Path, folder: Path | None = None) -> Path:
    """`path` itself, when it is no symbolic link and lies inside `folder` (when given)."""
    path = Path(path)
    if path.is_symlink():
        raise DataError(f"{path}: is a symbolic link; not read")
    if folder is not None and not path.resolve().is_relative_to(Path(folder).resolve()):
        raise DataError(f"{path}: is outside the data folder {folder}; not read")
    return path


def read_csv(path: Path) -> pd.DataFrame:
    """Read a contract CSV: UTF-8, ids and text kept as strings, empty cells as missing.
    A symbolic link is never followed (`path` may also be an open text buffer)."""
    if isinstance(path, str | os.PathLike):
        regular_file(Path(path))
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
    descriptor_path = regular_file(folder / "datapackage.json", folder)
    record_access(descriptor_path)
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise DataError(f"{descriptor_path}: resources must be a list of resources")
    # Each resource is the file the contract names in the folder, never another path.
    files = {
        resource["name"]: regular_file(folder / f"{resource['name']}.csv", folder)
        for resource in resources
        if resource.get("name") in contract.YEAR_RESOURCES
    }
    if "observations" not in files:
        raise DataError(f"{descriptor_path}: observations is not listed")
    observations = read_csv(files.pop("observations"))
    params_path = folder / "params.yml"
    params = {}
    if params_path.exists() or params_path.is_symlink():
        regular_file(params_path, folder)
        record_access(params_path)
        params = yaml.safe_load(params_path.read_text(encoding="utf-8")) or {}
    edition_path = folder / EDITION_FILE
    if edition_path.exists() or edition_path.is_symlink():
        regular_file(edition_path, folder)
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
