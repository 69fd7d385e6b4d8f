"""Load one year's vintage (data/<year>/) and the reference tables into memory."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from volreport.core import i18n, paths
from volreport.data import contract
from volreport.data.contract import NATIONAL
from volreport.data.edition import EDITION_FILE, TRANSLATION_FILE, Edition, translated
from volreport.data.edition import parse as parse_edition
from volreport.data.edition import read_raw as read_edition

REFERENCE_TABLES = ("regions", "region_mapping", "areas", "cohorts", "event_formats", "indicators")
# When set, every data file a chapter reads is appended to this file, so the build
# re-runs a chapter only when a file it actually read has changed.
ACCESS_LOG_ENV = "VOLREPORT_ACCESS_LOG"
Kept = TypeVar("Kept")


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


NO_ROWS = np.array([], dtype=np.intp)


@dataclass(frozen=True)
class ObservationIndex:
    """Where `Dataset.obs` finds rows: the positions of each indicator and year's rows (in
    file order), and every row's region and category ('' for none) to narrow them."""

    positions: dict[tuple[str, int], np.ndarray]
    regions: np.ndarray
    categories: np.ndarray


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
    # What `kept` computed, by key: a Dataset is never changed once loaded.
    _kept: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def kept(self, key: Hashable, compute: Callable[[], Kept]) -> Kept:
        """`compute()` the first time `key` is asked for, the same value after: for what
        the chapters derive from the data again and again (the reporting regions, ...).
        `key` names what else the value depends on, such as the language written."""
        if key not in self._kept:
            self._kept[key] = compute()
        return self._kept[key]

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
        year = year or self.year

        def rows() -> pd.DataFrame:
            index = self.kept("observation index", self._observation_index)
            positions = index.positions.get((indicator, year), NO_ROWS)
            if region is not None:
                positions = positions[index.regions[positions] == region]
            if category is not None:
                positions = positions[index.categories[positions] == category]
            return self.observations.iloc[positions]

        # A copy of its own for the caller (a cheap one: pandas copies on write).
        return self.kept(("observations", indicator, year, region, category), rows).copy(deep=False)

    def _observation_index(self) -> ObservationIndex:
        frame = self.observations
        return ObservationIndex(
            positions=frame.groupby(["indicator", "year"], sort=False).indices,
            regions=frame["region"].to_numpy(dtype=object, na_value=None),
            categories=frame["category"].fillna("").to_numpy(dtype=object, na_value=None),
        )

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

    @property
    def sources(self) -> pd.DataFrame:
        """The vintage's sources with their translations (`sources.csv`: source, source_ru,
        source_kk); an empty table when the vintage has none (English needs none)."""
        if "sources" in self.tables:
            return self.tables["sources"]
        path = self.path / "sources.csv"
        if path.exists() and not path.is_symlink():
            return read_csv(regular_file(path, self.path))
        return pd.DataFrame({"source": pd.Series(dtype="string")})

    def source_text(self, source: str, language: str | None = None) -> str:
        """A source as the vintage writes it, in the current language (or `language`):
        English as it is, another language from `sources` (MissingTranslation if absent)."""
        language = i18n.check(language or i18n.current())
        if language == i18n.SOURCE_LANGUAGE:
            return source
        translations = self.kept(
            ("source translations", language), lambda: self.source_translations(language)
        )
        found = translations.get(source)
        if found is None or not found.strip():
            raise i18n.MissingTranslation(language, "sources", source)
        return found

    def source_translations(self, language: str) -> dict[str, str]:
        """Source -> its translation into `language` in `sources` (the first row that gives
        one); {} when `sources` has no column for the language."""
        table = self.sources
        column = contract.translation_column("source", language)
        if column not in table.columns:
            return {}
        found: dict[str, str] = {}
        for source, text in zip(table["source"].astype("string"), table[column], strict=True):
            if not (pd.isna(source) or pd.isna(text)):
                found.setdefault(str(source), str(text))
        return found


def name_column(column: str = "name", language: str | None = None) -> str:
    """The reference column of a name in the current language (or `language`):
    'name' -> 'name_ru', 'short_name' -> 'short_name_en'."""
    language = i18n.check(language or i18n.current())
    return f"{column.removesuffix('_' + i18n.SOURCE_LANGUAGE)}_{language}"


def text_column(frame: pd.DataFrame, column: str, language: str | None = None) -> pd.Series:
    """A stored text column in the current language (or `language`): `column` itself in
    English, else its translation column (`resolution` -> `resolution_ru`, `name_en` ->
    `name_ru`). A language without that column, or without the text of a row that has
    English text, is MissingTranslation."""
    language = i18n.check(language or i18n.current())
    english = frame[column]
    if language == i18n.SOURCE_LANGUAGE:
        return english
    translated = contract.translation_column(column, language)
    if translated not in frame.columns:
        raise i18n.MissingTranslation(language, "column", translated)
    texts = frame[translated]
    has_text = english.notna() & (english.astype("string").str.strip() != "")
    lacking = has_text & (texts.isna() | (texts.astype("string").str.strip() == ""))
    if lacking.any():
        raise i18n.MissingTranslation(language, translated, str(english[lacking].iloc[0]))
    return texts


def names(frame: pd.DataFrame, column: str = "name", language: str | None = None) -> pd.Series:
    """A reference table's names in the current language (or `language`), as text:
    `names(regions, "short_name")`, `names(cohorts)` (see `text_column`)."""
    english = column if column.endswith(f"_{i18n.SOURCE_LANGUAGE}") else name_column(column, "en")
    return text_column(frame, english, language).astype(str)


def load_reference(reference_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The shared reference tables from data/reference/."""
    folder = reference_dir or paths.REFERENCE_DIR
    return {name: read_csv(folder / f"{name}.csv") for name in REFERENCE_TABLES}


def read_edition_in(folder: Path, language: str) -> Edition:
    """The vintage's edition facts, their texts in `language` where it translates them."""
    facts = Edition()
    for name in dict.fromkeys((EDITION_FILE, TRANSLATION_FILE.format(language=language))):
        path = folder / name
        if not (path.exists() or path.is_symlink()):
            continue
        regular_file(path, folder)
        record_access(path)
        raw = read_edition(path)
        facts = parse_edition(raw) if name == EDITION_FILE else translated(facts, raw)
    return facts


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
    params: dict = {}
    if params_path.exists() or params_path.is_symlink():
        regular_file(params_path, folder)
        record_access(params_path)
        params = i18n.parse_yaml(params_path.read_text(encoding="utf-8")) or {}
    return Dataset(
        edition=read_edition_in(folder, i18n.current()),
        year=year,
        path=folder,
        observations=observations,
        tables=LazyTables(files),
        reference=load_reference(),
        params=params,
        descriptor=descriptor,
    )
