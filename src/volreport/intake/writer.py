"""Writing a vintage: all of it or nothing, and the editorial template for its year.

The vintage is written to a temporary folder beside its target, described
(`contract.write_descriptor`), validated (`validate.validate_year`) and only then renamed
into place; on any error nothing changes. Its tables include `sources.csv`, the
translations of its sources (`volreport.intake.provenance.sources_table`), when given.

The editorial pages of a new year start as a copy of report/template/. Without an
explicit report folder they go to the `report/` folder beside the data, as the project
lays them out (`report_root`): the data of `data/<year>/` have their pages in
`report/<year>/`, whatever folder holds the two, so a vintage written elsewhere never
writes into the project's report/.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from volreport.core import paths
from volreport.data import contract, validate
from volreport.intake.readers import IngestError
from volreport.intake.rules import Vintage

LOG_CHUNK_ROWS = 100_000
DATA_FOLDER = "data"  # the folder of the vintages in a project's layout
REPORT_FOLDER = "report"  # the folder of the editorial pages beside it


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A contract CSV: UTF-8, no index, \\n line endings, empty cells for gaps."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_log(frame: pd.DataFrame, path: Path) -> None:
    """A record log as CSV, written in chunks so that a large log needs little extra memory."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        for start in range(0, max(len(frame), 1), LOG_CHUNK_ROWS):
            chunk = frame.iloc[start : start + LOG_CHUNK_ROWS]
            chunk.to_csv(handle, index=False, header=start == 0, lineterminator="\n")


def refuse_existing(target: Path, force: bool) -> None:
    """An IngestError when the vintage's folder exists and may not be replaced."""
    if target.exists() and not force:
        rule = "already exists; pass --force to replace it"
        raise IngestError([validate.Problem(validate.display_path(target), None, None, None, rule)])


def write_files(folder: Path, vintage: Vintage, copies: dict[str, Path]) -> list[str]:
    """The vintage's tables, logs, params.yml and the copied official files in `folder`;
    returns the names of the resources written."""
    write_csv(vintage.observations, folder / "observations.csv")
    for name, frame in vintage.tables.items():
        write_csv(frame, folder / f"{name}.csv")
    for name, source in copies.items():
        shutil.copyfile(source, folder / name)
    if vintage.params is not None:
        text = yaml.safe_dump(vintage.params, allow_unicode=True, sort_keys=False)
        (folder / "params.yml").write_text(text, encoding="utf-8")
    if vintage.logs:
        (folder / "logs").mkdir()
        for name, frame in vintage.logs.items():
            write_log(frame, folder / "logs" / name)
    return ["observations", *vintage.tables, *(Path(n).stem for n in copies if n.endswith(".csv"))]


def write_vintage(
    year: int,
    vintage: Vintage,
    *,
    data_dir: Path | str | None = None,
    copies: dict[str, Path] | None = None,
    force: bool = False,
    synthetic: bool = False,
    sources: list[dict] | None = None,
    needs: list | None = None,
) -> Path:
    """Write, describe and validate the vintage in a temporary folder, then rename it into
    place. Nothing changes on any error; an existing vintage is replaced only when `force`.

    With a list as `needs`, what only a build needs (validate.build_gaps: an official table,
    a parameter) is added to it instead of refusing the vintage: the analysts add it later.
    """
    target = paths.year_data_dir(year, data_dir)
    refuse_existing(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a vintage is readable like its siblings
    try:
        resources = write_files(staging, vintage, copies or {})
        contract.write_descriptor(
            staging, year, synthetic=synthetic, sources=sources, resources=resources
        )
        gaps: list = []
        problems = validate.validate_year(year, staging, needs=gaps)
        if problems:
            raise IngestError(problems)
        if needs is None and gaps:
            raise IngestError(gaps)
        replace_folder(staging, target)
        if needs is not None:  # named in the folder the vintage now has
            where = (validate.display_path(staging), validate.display_path(target))
            needs += [dataclasses.replace(g, file=g.file.replace(*where, 1)) for g in gaps]
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def replace_folder(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`, moving an existing target aside first."""
    if target.exists():
        old = target.with_name(f".{target.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old)
    else:
        staging.rename(target)


def report_root(data_dir: Path | str | None = None) -> Path:
    """Where the editorial pages of a vintage written to `data_dir` go when no report
    folder is named: the `report/` beside the data, as in the project.

    - no `data_dir` (data/<year>/ of the project): the project's report/;
    - `X/data/<year>/`: `X/report/`;
    - `X/<year>/` (a folder not named data): `X/report/`.
    """
    if data_dir is None:
        return paths.REPORT_DIR
    holder = Path(data_dir).absolute().parent
    if holder.name == DATA_FOLDER:
        holder = holder.parent
    return holder / REPORT_FOLDER


def copy_template(
    year: int, report_dir: Path | str | None = None, *, data_dir: Path | str | None = None
) -> Path | None:
    """Copy report/template/ to <report_dir>/<year>/ (default `report_root(data_dir)`) when
    that folder does not exist yet.

    Returns the new folder, or None when it existed (editorial pages are never overwritten).
    """
    root = Path(report_dir) if report_dir else report_root(data_dir)
    target = root / str(year)
    if target.exists():
        return None
    shutil.copytree(paths.REPORT_DIR / "template", target)
    return target
