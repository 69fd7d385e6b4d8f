"""`make bench`: build times measured in one run, beside the naive route.

The naive route executes every notebook in turn with papermill, in each language of the
report, then publishes every language; it has no cache, so its time is the same whatever
changed. volreport's builds are timed as
the `volreport build` command a user runs (interpreter start-up included), on a copy of
the data in a scratch folder, so the user's _build/ and _book/ are not touched. Both cold
routes start without remembered validation passes, so both really validate the data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from volreport.core import i18n, paths

TARGET_COLD_RATIO = 0.45  # issue 11: a cold build at most 45% of the naive route
TARGET_NO_CHANGE_SECONDS = 0.5  # issue 11


def naive_route(
    year: int, data_dir: Path, scratch: Path, languages: tuple[str, ...] = ("en",)
) -> float:
    """Seconds to papermill every chapter in every language in turn, then stage and
    publish each language."""
    import papermill

    from volreport.build import runner
    from volreport.publish import builtin

    start = time.perf_counter()
    pages = runner.book_pages()
    build_dir = scratch / "naive-build" / str(year)
    for language in languages:
        (build_dir / "notebooks" / language).mkdir(parents=True)
        for notebook in runner.chapter_notebooks(pages):
            output_dir = build_dir / "chapters" / language / notebook.stem
            output_dir.mkdir(parents=True)
            papermill.execute_notebook(
                str(notebook),
                str(build_dir / "notebooks" / language / notebook.name),
                parameters={
                    "year": year,
                    "data_dir": str(data_dir),
                    "output_dir": str(output_dir),
                    "language": language,
                },
                kernel_name="python3",
                progress_bar=False,
                cwd=str(paths.NOTEBOOKS_DIR),
            )
    out = scratch / "naive-book"
    for language in languages:
        generated = runner.generate(
            year, data_dir, build_dir, runner.chapter_notebooks(pages), language
        )
        stage = runner.stage_book(year, pages, build_dir, generated, language=language)
        target = paths.language_dir(out, language)
        target.mkdir(parents=True, exist_ok=True)
        builtin.publish(
            stage,
            target,
            year=year,
            synthetic=generated.synthetic,
            language=language,
            languages=languages,
        )
    return time.perf_counter() - start


def timed_build(
    year: int, data_dir: Path, scratch: Path, languages: tuple[str, ...] | None = None
) -> float:
    """Seconds for `volreport build` on the scratch data, build and book folders (in
    `languages`, default: every complete language)."""
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
        *(["--languages", ",".join(languages)] if languages else []),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


@contextmanager
def stderr_to(log: Path) -> Iterator[None]:
    """Send this process's standard error (and its kernels') to `log`: the naive route's
    kernels warn on every start, which would bury the table."""
    saved = os.dup(2)
    with open(log, "w", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


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
        "--languages",
        default=None,
        help="comma-separated languages to build (default: every complete language)",
    )
    parser.add_argument(
        "--change",
        default="wages_by_occupation.csv",
        help="data file to change for the one-file-changed rebuild",
    )
    args = parser.parse_args(argv)
    from volreport.build import languages as completeness
    from volreport.build import runner

    requested = runner.parse_languages(args.languages)
    with tempfile.TemporaryDirectory(prefix="volreport-bench-") as tmp:
        scratch = Path(tmp)
        data_dir = scratch / "data" / str(args.year)
        shutil.copytree(paths.year_data_dir(args.year), data_dir)
        found = completeness.gaps(args.year, data_dir, None, requested or i18n.LANGUAGES)
        chosen = tuple(
            lang for lang, gaps in found.items() if lang == "en" or completeness.publishable(gaps)
        )
        forget_validations()
        with stderr_to(scratch / "naive-route.log"):
            naive = naive_route(args.year, data_dir, scratch, chosen)
        forget_validations()
        cold = timed_build(args.year, data_dir, scratch, chosen)
        unchanged = timed_build(args.year, data_dir, scratch, chosen)
        touch_one_value(data_dir / args.change)
        one_changed = timed_build(args.year, data_dir, scratch, chosen)

    rows = [
        ("cold build", cold),
        ("no-change rebuild", unchanged),
        (f"one data file changed ({args.change})", one_changed),
    ]
    print(
        f"volreport bench, {args.year}, {', '.join(chosen)}, measured in this run "
        f"(naive route: {naive:.2f} s)"
    )
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
