"""The `volreport` command line: build, validate, list chapters and languages.

Heavy libraries are imported inside the subcommands, so `--help` answers at once.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from volreport.core import paths


def cmd_build(args: argparse.Namespace) -> int:
    """Build one year's report."""
    from volreport.build import runner

    return runner.main_build(args)


def unreadable(error: OSError) -> int:
    """A file the operating system would not let us read (permissions, a device): one line
    naming it, exit status 1. Bad input, not a fault of the program."""
    where = error.filename or "input"
    print(f"{where}: cannot be read ({error.strerror or error})", file=sys.stderr)
    return 1


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate one year's data and print every problem found."""
    from volreport.data import validate

    try:
        problems = validate.validate_year(args.year, args.data_dir)
    except OSError as error:
        return unreadable(error)
    folder = paths.year_data_dir(args.year, args.data_dir)
    if problems:
        print(validate.ValidationError(problems), file=sys.stderr)
        print(f"{folder}: {len(problems)} problem(s); nothing was built.", file=sys.stderr)
        return 1
    print(f"{folder}: valid")
    return 0


def page_title(text: str) -> str:
    """The first level-one heading of a Markdown text, without its attributes."""
    for line in text.splitlines():
        if line.startswith("# "):
            return re.sub(r"\s*\{[#.][^}]*\}\s*$", "", line[2:]).strip()
    return ""


def cmd_chapters(args: argparse.Namespace) -> int:
    """List the book's pages in order, as _quarto.yml gives them, with their titles."""
    import json

    from volreport.build.runner import book_pages

    for number, entry in enumerate(book_pages(), start=1):
        if entry.endswith(".ipynb"):
            kind = "notebook"
            notebook = json.loads((paths.NOTEBOOKS_DIR / Path(entry).name).read_text("utf-8"))
            title = page_title("".join(notebook["cells"][0]["source"]))
        else:
            page = paths.REPORT_DIR / str(args.year) / entry
            kind = "page" if page.exists() else "generated"
            title = page_title(page.read_text("utf-8")) if page.exists() else ""
        print(f"{number:>2}  {kind:<9}  {entry:<34} {title}")
    return 0


def cmd_languages(args: argparse.Namespace) -> int:
    """Say, for each language, whether the year's report is complete in it, and what it
    lacks (exit status 1 when English, which every build needs, lacks something)."""
    from volreport.build import languages

    report_root = args.report_dir or paths.REPORT_DIR
    folder = paths.year_data_dir(args.year, args.data_dir)
    if not folder.is_dir():
        print(f"no data for {args.year}: {folder} does not exist", file=sys.stderr)
        return 1
    if not (report_root / str(args.year)).is_dir():
        print(f"no editorial pages for {args.year}: {report_root / str(args.year)} does not exist",
              file=sys.stderr)  # fmt: skip
        return 1
    found = languages.gaps(args.year, args.data_dir, report_root)
    for line in languages.report(found):
        print(line)
    return 1 if found.get("en") else 0


def cmd_forms(args: argparse.Namespace) -> int:
    """Write the return forms of a year: one workbook per current region, one national."""
    from volreport.intake import forms

    try:
        written = forms.write_forms(args.year, args.out)
    except OSError as error:
        where = error.filename or args.out
        print(f"{where}: cannot write the forms there ({error.strerror or error})", file=sys.stderr)
        return 1
    print(f"{len(written)} forms for {args.year} in {args.out}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Turn returned forms, logs and official tables into data/<year>/."""
    from volreport.intake import ingest

    try:
        result = ingest.ingest(
            args.year,
            args.files,
            data_dir=args.data_dir,
            force=args.force,
            previous_dir=args.previous_dir,
            report_dir=args.report_dir,
        )
    except ingest.IngestError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        return unreadable(error)
    if result.buildable:
        print(f"{result.folder}: written and valid")
    else:
        print(f"{result.folder}: written; not buildable until what is still needed is added")
    if result.report_folder:
        print(f"{result.report_folder}: editorial template copied; the analysts write it")
    for item in result.still_needed:
        print(f"still needed: {item}")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a complete synthetic year (demos, tests, benchmarks)."""
    from volreport.data import contract
    from volreport.intake import ingest, synth

    if not 0 < args.events <= contract.MAX_SYNTH_EVENTS:
        print(f"--events must be from 1 to {contract.MAX_SYNTH_EVENTS:,}", file=sys.stderr)
        return 1
    if args.seed < 0:
        print("--seed must be 0 or more", file=sys.stderr)
        return 1
    try:
        folder, report = synth.synth(
            args.year,
            args.seed,
            args.events,
            data_dir=args.data_dir,
            force=args.force,
            report_dir=args.report_dir,
        )
    except ingest.IngestError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        return unreadable(error)
    print(f"{folder}: SYNTHETIC data written and valid")
    if report:
        print(f"{report}: editorial template copied")
    return 0


def absolute_path(text: str) -> Path:
    """A path argument made absolute against the folder the command runs in: the chapters
    run elsewhere (in notebooks/), and must read and write the same places."""
    return Path(text).expanduser().absolute()


def positive_int(text: str) -> int:
    """A count of at least 1 (`--jobs`)."""
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def formats(text: str) -> str:
    """`--format html,pdf`: each a format the publishers write, at least one."""
    from volreport.publish.builtin import FORMATS

    chosen = [part.strip() for part in text.split(",") if part.strip()]
    if not chosen or any(part not in FORMATS for part in chosen):
        raise argparse.ArgumentTypeError(
            f"must be among {', '.join(FORMATS)} (comma-separated), got {text!r}"
        )
    return text


def parser() -> argparse.ArgumentParser:
    """The argument parser, with --help on every subcommand."""
    root = argparse.ArgumentParser(
        prog="volreport",
        description="Build the analytical report on volunteering in Kazakhstan from data/<year>/.",
    )
    sub = root.add_subparsers(dest="command", required=True)

    build = sub.add_parser(
        "build", help="validate the data, run the chapters, publish HTML and PDF"
    )
    build.add_argument("--year", type=int, default=2022, help="report year (default 2022)")
    build.add_argument(
        "--jobs",
        type=positive_int,
        default=os.cpu_count(),
        help="chapters run in parallel (default: number of cores)",
    )
    build.add_argument(
        "--format", type=formats, default="html,pdf", help="comma-separated: html,pdf"
    )
    build.add_argument(
        "--languages",
        default=None,
        help="comma-separated: en,ru,kk (default: every language complete for the year, "
        "see `volreport languages`; English is always built)",
    )
    build.add_argument("--force", action="store_true", help="re-run every chapter, ignore caches")
    build.add_argument(
        "--engine",
        choices=("builtin", "quarto"),
        default="builtin",
        help="builtin: pandoc + Typst (default); quarto: the Quarto CLI if installed",
    )
    build.add_argument(
        "--data-dir", type=absolute_path, default=None, help="data folder (default: data/<year>)"
    )
    build.add_argument(
        "--report-dir",
        type=absolute_path,
        default=None,
        help="root of the editorial pages; the edition's are in <report-dir>/<year>/ "
        "(default: report)",
    )
    build.add_argument(
        "--book-dir",
        type=absolute_path,
        default=None,
        help="output root; the report goes to <book-dir>/<year>/ (default: _book)",
    )
    build.add_argument(
        "--build-dir",
        type=absolute_path,
        default=None,
        help="scratch root for executed notebooks and caches (default: _build)",
    )
    build.set_defaults(func=cmd_build)

    validate = sub.add_parser("validate", help="check data/<year>/ against the data contract")
    validate.add_argument("--year", type=int, required=True, help="year to validate")
    validate.add_argument(
        "--data-dir", type=absolute_path, default=None, help="data folder (default: data/<year>)"
    )
    validate.set_defaults(func=cmd_validate)

    forms = sub.add_parser("forms", help="write the Excel return forms for a year")
    forms.add_argument("--year", type=int, required=True, help="report year of the forms")
    forms.add_argument("--out", type=absolute_path, required=True, help="folder for the workbooks")
    forms.set_defaults(func=cmd_forms)

    ingest = sub.add_parser(
        "ingest", help="returned forms, logs and official tables -> data/<year>/"
    )
    ingest.add_argument("--year", type=int, required=True, help="report year")
    ingest.add_argument(
        "files",
        nargs="+",
        type=absolute_path,
        help="*.xlsx forms, events.csv, inquiries.csv, population.csv, wages.csv, "
        "wages_by_occupation.csv, params.yml",
    )
    ingest.add_argument("--force", action="store_true", help="replace an existing data/<year>/")
    ingest.add_argument(
        "--data-dir", type=absolute_path, default=None, help="data folder (default: data/<year>)"
    )
    ingest.add_argument(
        "--previous-dir",
        type=absolute_path,
        default=None,
        help="last year's data folder for comparisons (default: data/<year-1>)",
    )
    ingest.add_argument(
        "--report-dir",
        type=absolute_path,
        default=None,
        help="root of the editorial pages; the year's template is copied to "
        "<report-dir>/<year>/ unless that folder exists (default: report/ beside the data: "
        "report/ for data/<year>, X/report/ for --data-dir X/data/<year> or X/<year>)",
    )
    ingest.set_defaults(func=cmd_ingest)

    synth = sub.add_parser("synth", help="write a complete SYNTHETIC year (demo, tests)")
    synth.add_argument("--year", type=int, required=True, help="year of the synthetic data")
    synth.add_argument("--seed", type=int, required=True, help="random seed (same seed, same data)")
    synth.add_argument("--events", type=int, default=20_000, help="events in logs/events.csv")
    synth.add_argument("--force", action="store_true", help="replace an existing data/<year>/")
    synth.add_argument(
        "--data-dir", type=absolute_path, default=None, help="data folder (default: data/<year>)"
    )
    synth.add_argument(
        "--report-dir",
        type=absolute_path,
        default=None,
        help="root of the editorial pages; the year's template is copied to "
        "<report-dir>/<year>/ unless that folder exists (default: report/ beside the data: "
        "report/ for data/<year>, X/report/ for --data-dir X/data/<year> or X/<year>)",
    )
    synth.set_defaults(func=cmd_synth)

    chapters = sub.add_parser("chapters", help="list the book's pages in order")
    chapters.add_argument(
        "--year",
        type=int,
        default=2022,
        help="edition whose editorial pages are listed (default 2022)",
    )
    chapters.set_defaults(func=cmd_chapters)

    languages = sub.add_parser(
        "languages", help="list what each language lacks for a year's report"
    )
    languages.add_argument("--year", type=int, default=2022, help="report year (default 2022)")
    languages.add_argument(
        "--data-dir", type=absolute_path, default=None, help="data folder (default: data/<year>)"
    )
    languages.add_argument(
        "--report-dir",
        type=absolute_path,
        default=None,
        help="root of the editorial pages; the edition's are in <report-dir>/<year>/ "
        "(default: report)",
    )
    languages.set_defaults(func=cmd_languages)
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `volreport` console script."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(INTERRUPTED_MESSAGE, file=sys.stderr)
        return INTERRUPTED


INTERRUPTED = 130  # the shell's exit status for a command stopped by Ctrl-C
# Builds and ingests swap their output in only when complete.
INTERRUPTED_MESSAGE = "volreport: interrupted; an unfinished build or ingest changes nothing"


if __name__ == "__main__":
    raise SystemExit(main())
