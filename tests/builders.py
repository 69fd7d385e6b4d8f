"""Tiny in-memory datasets for unit tests, built through the same CSV reader as real vintages."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from volreport.data import contract, dataset

OBSERVATION_COLUMNS = [
    "indicator", "year", "region", "category", "value",
    "qualifier", "unit", "status", "source", "note",
]  # fmt: skip
OBSERVATION_DEFAULTS = {
    "region": contract.NATIONAL,
    "category": "",
    "qualifier": "exact",
    "unit": "",
    "status": "reported",
    "source": "test",
    "note": "",
}


def frame_as_loaded(frame: pd.DataFrame) -> pd.DataFrame:
    """Round-trip `frame` through CSV and `dataset.read_csv`, so dtypes match a real vintage."""
    buffer = io.StringIO(frame.to_csv(index=False, lineterminator="\n"))
    return dataset.read_csv(buffer)


def with_contract_columns(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Add the schema's columns a hand-built record table leaves out (as empty cells)."""
    if name not in contract.YEAR_RESOURCES:
        return frame
    columns = contract.column_names(contract.YEAR_RESOURCES[name][1])
    extra = [column for column in frame.columns if column not in columns]
    return frame.reindex(columns=columns + extra)


def observation_frame(rows: list[dict], year: int) -> pd.DataFrame:
    """Observations from partial rows: missing columns take the defaults, `year` the vintage's.

    A row's status becomes "missing" when its value is None, so tests stay consistent
    with the data contract without spelling that out.
    """
    complete = []
    for row in rows:
        filled = {**OBSERVATION_DEFAULTS, "year": year, **row}
        if filled.get("value") is None:
            filled["value"] = None
            filled["status"] = "missing"
        complete.append({column: filled.get(column) for column in OBSERVATION_COLUMNS})
    frame = frame_as_loaded(pd.DataFrame(complete, columns=OBSERVATION_COLUMNS))
    # A column that happens to be all empty in a tiny frame is read as numbers; the
    # contract's text columns are strings, as in a real vintage.
    text_columns = [c for c in OBSERVATION_COLUMNS if c not in ("year", "value")]
    return frame.astype({column: "string" for column in text_columns} | {"value": "Float64"})


def make_dataset(
    observations_rows: list[dict],
    tables: dict[str, pd.DataFrame | list[dict]] | None = None,
    params: dict | None = None,
    year: int = 2022,
) -> dataset.Dataset:
    """A Dataset in memory: given observations, record tables and params, real reference tables.

    Record tables may be given as DataFrames or lists of row dicts (an empty list is an
    empty file); a table of the contract gets every column of its schema, as a real file
    has, and all are read back through the contract CSV reader.
    """
    loaded_tables = {
        name: frame_as_loaded(with_contract_columns(name, pd.DataFrame(table)))
        for name, table in (tables or {}).items()
    }
    return dataset.Dataset(
        year=year,
        path=Path("in-memory"),
        observations=observation_frame(observations_rows, year),
        tables=loaded_tables,
        reference=dataset.load_reference(),
        params=params or {},
        descriptor={"year": year, "synthetic": True},
    )
