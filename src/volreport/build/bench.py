"""`make bench`: build times measured in one run, beside the naive route.

The naive route executes every notebook in turn with papermill, then publishes; it has
no cache, so its time is the same whatever changed. volreport's builds are timed as
the `volreport build` command a user runs (interpreter start-up included), on a copy of
the data in a scratch folder, so the user's _build/ and _book/ are not touched. Both cold
routes start without remembered validation passes, so both really validate the data.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from volreport.core import paths

TARGET_COLD_RATIO = 0.60
TARGET_NO_CHANGE_SECONDS = 1.5


def naive_route(year: int, data_dir: Path, scratch: Path) -> float:
    """Seconds to papermill every chapter in turn, then stage and publish."""
    import papermill

    from volreport.build import runner
    from volreport.publish import builtin

    start = time.perf_counter()
    pages = runner.book_pages()
    build_dir = scratch / "naive-build" / str(year)
    (build_dir / "notebooks").mkdir(parents=True)
    for notebook in runner.chapter_notebooks(pages):
        output_dir = build_dir / "chapters" / notebook.stem
        output_dir.mkdir(parents=True)
        papermill.execute_notebook(
            str(notebook),
            str(build_dir / "notebooks" / notebook.name),
            parameters={"year": year, "data_dir": str(data_dir), "output_dir": str(output_dir)},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(paths.NOTEBOOKS_DIR),
        )
    generated = runner.generate(year, data_dir)
    stage = runner.stage_book(year, pages, build_dir, generated)
    out = scratch / "naive-book"
    out.mkdir()
    builtin.publish(stage, out, year=year, synthetic=generated.synthetic)
    return time.perf_counter() - start


def timed_build(year: int, data_dir: Path, scratch: Path) -> float:
    """Seconds for `volreport build` on the scratch data, build and book folders."""
    command = [
        str(Path(sys.executable).with_name("volreport")),
        "build",
        "--year",
        str(year),
        "--data-dir",
        str(data_dir),
        "--book-dir",
        str(scratch / "book"),
        "--build-dir",
        str(scratch / "build"),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def forget_validations() -> None:
    """Drop remembered validation passes, so a cold run really validates the data."""
    shutil.rmtree(paths.BUILD_DIR / "validated", ignore_errors=True)


def touch_one_value(path: Path) -> None:
    """Change the last number of a CSV's last line by one, a realistic one-cell data edit."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[-1].split(",")
    for index in range(len(cells) - 1, -1, -1):
        if cells[index].replace(".", "", 1).isdigit():
            cells[index] = str(int(float(cells[index])) + 1)
            break
    else:
        raise ValueError(f"{path}: no number in the last line to change")
    lines[-1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Print the three timings beside the naive route and whether the targets are met."""
    parser = argparse.ArgumentParser(prog="python -m volreport.build.bench", description=__doc__)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument(
        "--change",
        default="wages_by_occupation.csv",
        help="data file to change for the one-file-changed rebuild",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="volreport-bench-") as tmp:
        scratch = Path(tmp)
        data_dir = scratch / "data" / str(args.year)
        shutil.copytree(paths.year_data_dir(args.year), data_dir)
        forget_validations()
        naive = naive_route(args.year, data_dir, scratch)
        forget_validations()
        cold = timed_build(args.year, data_dir, scratch)
        unchanged = timed_build(args.year, data_dir, scratch)
        touch_one_value(data_dir / args.change)
        one_changed = timed_build(args.year, data_dir, scratch)

    rows = [
        ("cold build", cold),
        ("no-change rebuild", unchanged),
        (f"one data file changed ({args.change})", one_changed),
    ]
    print(f"volreport bench, {args.year}, measured in this run (naive route: {naive:.2f} s)")
    print(f"  {'scenario':<48} {'volreport':>10} {'naive':>8} {'ratio':>7}")
    for name, seconds in rows:
        print(f"  {name:<48} {seconds:>9.2f}s {naive:>7.2f}s {seconds / naive:>6.0%}")
    cold_ok = cold <= TARGET_COLD_RATIO * naive
    fast_ok = unchanged < TARGET_NO_CHANGE_SECONDS
    print(f"  target cold <= {TARGET_COLD_RATIO:.0%} of naive: {'met' if cold_ok else 'NOT met'}")
    print(f"  target no-change < {TARGET_NO_CHANGE_SECONDS} s: {'met' if fast_ok else 'NOT met'}")
    return 0 if cold_ok and fast_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
