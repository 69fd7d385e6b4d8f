"""Ingest a new year: returned form workbooks and record logs into a vintage `data/<year>/`.

    volreport ingest --year 2023 returns/*.xlsx [events.csv inquiries.csv]
                     [population.csv wages.csv wages_by_occupation.csv params.yml] [--force]

Files are recognised by name: `*.xlsx` are return forms (`volreport.intake.forms`), `events.csv`
and `inquiries.csv` record logs (LOG_COLUMNS), and the official tables and `params.yml` are
copied as given (the analyst prepares them for the year; see `OFFICIAL_FILES`).

The stages, one module each:

- `readers`: every input is untrusted. Files larger than the documented limits,
  encrypted workbooks, files that are not workbooks and cells that break a rule are all
  reported in one run, each with its place (`KZ-71_astana.xlsx, hours, C7: ...`,
  `events.csv:12: column 'hours' ...`), and nothing is written.
- `rules`: the figures of a return must agree (splits, the events log); then they are
  aggregated to the data contract (`assemble`): each region's figures as reported, the
  year before's as the previous vintage holds them, then national totals, shares, changes
  and per-capita figures as derived by the return-form rules of `volreport.data.derive`
  (formula in the row's note; the same functions check them:
  `python -m volreport.data.derive --check YEAR`), and the record tables the forms cover.
- `provenance`: each row names the return form, record log or official table it comes
  from, datapackage.json declares exactly those, and sources.csv gives them in Russian and
  Kazakh. No edition.yml is written: a new year has no published report behind it, so the
  report neither quotes nor checks one.
- `writer`: the vintage is written to a temporary folder, described, validated and only
  then renamed into place; the editorial template is copied to the year's report folder.

This module keeps the command (`ingest`) and the names the rest of the package uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from volreport.core import paths
from volreport.data import validate
from volreport.data.dataset import load_reference, read_csv
from volreport.data.derive import aggregate_inquiries
from volreport.intake import provenance
from volreport.intake.readers import (
    LOG_COLUMNS,
    OFFICIAL_FILES,
    CellProblem,
    Figure,
    FormReturn,
    IngestError,
    classify,
    official_problems,
    previous_observations,
    previous_translations,
    read_log,
    read_return,
)
from volreport.intake.rules import (
    ANALYST_TABLES,
    NATIONAL_FORM,
    Vintage,
    aggregate_events,
    assemble,
    format_number,
    log_mismatch_problems,
    split_problems,
)
from volreport.intake.writer import copy_template, refuse_existing, write_vintage

__all__ = [  # what the command line, synth and the tests use
    "LOG_COLUMNS",
    "NATIONAL_FORM",
    "OFFICIAL_FILES",
    "CellProblem",
    "Figure",
    "FormReturn",
    "IngestError",
    "IngestResult",
    "Vintage",
    "aggregate_events",
    "aggregate_inquiries",
    "assemble",
    "copy_template",
    "format_number",
    "ingest",
    "read_inputs",
    "write_vintage",
]


@dataclass(frozen=True)
class IngestResult:
    """Where the vintage went, the editorial folder created (if any), what is still needed."""

    folder: Path
    report_folder: Path | None
    still_needed: list[str]
    buildable: bool = True  # False: a build needs what still_needed lists first


def read_returns(
    year: int, workbooks: list[Path], reference: dict[str, pd.DataFrame]
) -> tuple[list[FormReturn], list]:
    """Every returned workbook, one per unit, with its splits checked; every problem."""
    returns: list[FormReturn] = []
    problems: list = []
    seen: dict[str, str] = {}
    for path in workbooks:
        ret, found = read_return(path, year, reference)
        problems += found
        if ret is None:
            continue
        if ret.code in seen:
            rule = f"a second form for {ret.code} (the first is {seen[ret.code]})"
            problems.append(CellProblem(ret.file, None, None, rule))
            continue
        seen[ret.code] = ret.file
        problems += split_problems(ret, reference)
        returns.append(ret)
    return returns, problems


def read_inputs(
    year: int, files: Iterable[Path | str], reference: dict[str, pd.DataFrame]
) -> tuple[list[FormReturn], dict[str, pd.DataFrame], dict[str, Path], list]:
    """Every return and log, and every problem found in any of them."""
    workbooks, log_paths, official, problems = classify(files)
    returns, found = read_returns(year, workbooks, reference)
    problems += found
    logs = {}
    for name, path in log_paths.items():
        frame, found = read_log(path, year, reference)
        problems += found
        if frame is not None:
            logs[name] = frame
    problems += official_problems(official)
    if "events.csv" in logs and not problems:
        problems += log_mismatch_problems(returns, aggregate_events(logs["events.csv"]))
    if not returns and not problems:
        problems.append(validate.Problem("(inputs)", None, None, None, "no return form given"))
    return returns, logs, official, problems


def still_needed(official: dict[str, Path], gaps: list, untranslated: list[str]) -> list[str]:
    """What the analysts add before a build (what validate names as the build's gaps, the
    official files not given, the tables the forms do not cover), and the sources the
    Russian and Kazakh editions need translated."""
    named = {Path(gap.file).name for gap in gaps}
    needed = [str(gap) for gap in gaps]  # what the build needs, as validate names it
    needed += [name for name in OFFICIAL_FILES if name not in official and name not in named]
    needed += [f"{name}.csv (header only; the analysts fill it in)" for name in ANALYST_TABLES]
    needed += [
        f"sources.csv: a row translating the source {source!r} (source_ru, source_kk), "
        "for the Russian and Kazakh editions"
        for source in untranslated
    ]
    return needed


def ingest(
    year: int,
    files: Iterable[Path | str],
    *,
    data_dir: Path | str | None = None,
    force: bool = False,
    previous_dir: Path | str | None = None,
    report_dir: Path | str | None = None,
) -> IngestResult:
    """Read, check, aggregate and write a year; raises IngestError listing every problem.

    The editorial template goes to <report_dir>/<year>/, by default to the report/ folder
    beside the data (`writer.report_root`)."""
    reference = load_reference()
    refuse_existing(paths.year_data_dir(year, data_dir), force)
    returns, logs, official, problems = read_inputs(year, files, reference)
    if problems:
        raise IngestError(problems)
    previous_folder = paths.year_data_dir(year - 1, previous_dir)
    previous, problems = previous_observations(previous_folder)
    translated, found = previous_translations(previous_folder)
    if problems or found:
        raise IngestError(problems + found)
    population = read_csv(official["population.csv"]) if "population.csv" in official else None
    inquiries = aggregate_inquiries(logs["inquiries.csv"]) if "inquiries.csv" in logs else None
    wording = provenance.Wording(year, provenance.names_by_language(reference))
    vintage = assemble(
        year,
        returns,
        reference,
        wording.sources(),
        inquiries=inquiries,
        population=population,
        previous=previous,
    )
    vintage.logs = logs
    declared = wording.descriptor_sources(returns, logs, official)
    named = provenance.vintage_sources(
        [vintage.observations, *vintage.tables.values()], None, official.values(), declared
    )
    translations = {**translated, **wording.translations}
    vintage.tables["sources"], untranslated = provenance.sources_table(named, translations)
    gaps: list = []
    folder = write_vintage(
        year,
        vintage,
        data_dir=data_dir,
        copies=official,
        force=force,
        sources=declared,
        needs=gaps,
    )
    report = copy_template(year, report_dir, data_dir=data_dir)
    needed = still_needed(official, gaps, untranslated)
    return IngestResult(folder, report, needed, buildable=not gaps)
