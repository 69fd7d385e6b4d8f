"""Hostile and broken inputs (issue 12, the data side): every class ends in one message.

Each case copies data/2022 into tmp_path, breaks it one way and runs the command line
(`volreport validate --year 2022 --data-dir ...`, in-process through `cli.main`, plus a
few real subprocesses): exit status 1, exactly one problem, naming the file (and the row
and column where there is one), no traceback, and nothing of a file outside the vintage
echoed.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from volreport import cli
from volreport.core import paths
from volreport.data import contract, dataset
from volreport.intake import forms, readers

SECRET = "TOP-SECRET-CONTENT-9f3a"
PROJECT = paths.PROJECT_ROOT
VOLREPORT = Path(sys.executable).with_name("volreport")


# --- breaking a copy of data/2022 -------------------------------------------------------------


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """One cell; `row` as a spreadsheet numbers it (header = 1)."""
    rows = rows_of(folder / f"{table}.csv")
    rows[row - 1][rows[0].index(column)] = value
    write(folder / f"{table}.csv", rows)


def line_of(name: str, text: str) -> int:
    """The line of the 2022 vintage's file `name` that holds `text` (1-based)."""
    lines = (paths.year_data_dir(2022) / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_descriptor(folder: Path, change: Callable[[dict], None]) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def drop_resource(folder: Path, name: str) -> None:
    """A vintage without `name`: the file gone and datapackage.json without it (as ingest
    writes a year whose official table was not given)."""
    (folder / f"{name}.csv").unlink()
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    kept = [r["name"] for r in descriptor["resources"] if r["name"] != name]
    contract.write_descriptor(folder, 2022, sources=descriptor["sources"], resources=kept)


def outside_file(folder: Path) -> Path:
    """A file beside the vintage, outside it, whose content must never be shown."""
    secret = folder.parent / "outside.csv"
    secret.write_text(f"id,{SECRET}\n{SECRET},{SECRET}\n", encoding="utf-8")
    return secret


def params(folder: Path, change: Callable[[dict], None]) -> None:
    path = folder / "params.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def many_rows(folder: Path, count: int = 670_000) -> None:
    """`count` short grant projects: 670,000 are under the byte limit, far over the row
    limit."""
    path = folder / "grant_projects.csv"
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header + "\n")
        handle.writelines(f"g{n},,p,,,,,,,reported,s,\n" for n in range(count))


def oversized(folder: Path) -> None:
    """A table larger than the byte limit (sparse: nothing is written but the header)."""
    path = folder / "grant_projects.csv"
    with path.open("r+b") as handle:
        handle.truncate(contract.MAX_TABLE_BYTES + 1)


def nested_json(folder: Path) -> None:
    (folder / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def header_only(folder: Path) -> None:
    path = folder / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")


def no_national_population(folder: Path) -> None:
    rows = rows_of(folder / "population.csv")
    write(folder / "population.csv", [rows[0], *[r for r in rows[1:] if r[0] != "KZ"]])


def symlinked_table(folder: Path) -> None:
    path = folder / "grant_projects.csv"
    path.unlink()
    path.symlink_to(outside_file(folder))


def symlinked_log(folder: Path) -> None:
    (folder / "logs").mkdir()
    (folder / "logs" / "inquiries.csv").symlink_to(outside_file(folder))


def path_outside(folder: Path) -> None:
    outside_file(folder)

    def change(descriptor: dict) -> None:
        descriptor["resources"][1]["path"] = "../outside.csv"

    edit_descriptor(folder, change)


def alias_bomb(folder: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)
    ]
    path = folder / "params.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")


# (class, break the copy, file named, row, column, words of the message)
CASES = [
    *(
        (
            f"{name} in observations",
            lambda f, written=written: set_cell(f, "observations", 2, "value", written),
            "observations.csv",
            2,
            "value",
            "write a plain number",
        )
        for name, written in [
            ("an underscore", "139_671"),
            ("full-width digits", "\uff11\uff13\uff19\uff16\uff17\uff11"),
            ("Arabic-Indic digits", "\u0661\u0663\u0669\u0666\u0667\u0661"),
            ("spaces", " 139671 "),
        ]
    ),
    (
        "negative wage",  # a wage is no count: the rule says what is wrong with it
        lambda f: set_cell(f, "wages", 2, "wage_kzt", "-5"),
        "wages.csv",
        2,
        "wage_kzt",
        "must be at least 0 (it cannot be negative)",
    ),
    (
        "inf in observations",
        lambda f: set_cell(f, "observations", 2, "value", "inf"),
        "observations.csv",
        2,
        "value",
        "not a finite number",
    ),
    (
        "Infinity in observations",
        lambda f: set_cell(f, "observations", 2, "value", "Infinity"),
        "observations.csv",
        2,
        "value",
        "not a finite number",
    ),
    (
        "1e400 in observations",
        lambda f: set_cell(f, "observations", 2, "value", "1e400"),
        "observations.csv",
        2,
        "value",
        "not a finite number",
    ),
    (
        "NaN text in observations",
        lambda f: set_cell(f, "observations", 2, "value", "NaN"),
        "observations.csv",
        2,
        "value",
        "not a finite number",
    ),
    (
        "implausible count",
        lambda f: set_cell(f, "observations", 2, "value", "1e12"),
        "observations.csv",
        2,
        "value",
        "more than 1,000,000,000 persons, the plausible maximum",
    ),
    (
        "implausible wage",
        lambda f: set_cell(f, "wages", 2, "wage_kzt", "30969700000"),
        "wages.csv",
        2,
        "wage_kzt",
        "the plausible maximum (contract.COLUMN_RANGES)",
    ),
    (
        "inf in a record table",
        lambda f: set_cell(f, "unrecorded_initiatives", 2, "hours", "inf"),
        "unrecorded_initiatives.csv",
        2,
        "hours",
        "not a finite number",
    ),
    (
        "unquoted 309,697 in wages.csv",
        lambda f: edit_text(f / "wages.csv", ",309697,", ",309,697,"),
        "wages.csv",
        2,
        None,
        "write it as 309697",
    ),
    (
        '"resources": null',
        lambda f: edit_descriptor(f, lambda d: d.update(resources=None)),
        "datapackage.json",
        None,
        "resources",
        "must be a list of resources",
    ),
    (
        "resources of numbers",
        lambda f: edit_descriptor(f, lambda d: d.update(resources=[1, 2])),
        "datapackage.json",
        None,
        "resources",
        "must be a list of resources",
    ),
    (
        "JSON nested 100,000 deep",
        nested_json,
        "datapackage.json",
        None,
        None,
        "contract.MAX_JSON_DEPTH",
    ),
    (
        'params.yml value "lots"',
        lambda f: edit_text(f / "params.yml", "value: 163.3", "value: lots"),
        "params.yml",
        line_of("params.yml", "value: 163.3"),
        "monthly_hours_norm",
        "must be a number more than 0 and at most 744 hours",
    ),
    (
        "params.yml value 0",
        lambda f: edit_text(f / "params.yml", "value: 1960", "value: 0"),
        "params.yml",
        line_of("params.yml", "value: 1960"),
        "annual_hours_norm",
        "must be a number more than 0",
    ),
    (
        "params.yml key missing",
        lambda f: params(f, lambda p: p.pop("annual_hours_norm")),
        "params.yml",
        None,
        "annual_hours_norm",
        "missing; the build needs it",
    ),
    (
        "params.yml missing",
        lambda f: (f / "params.yml").unlink(),
        "params.yml",
        None,
        None,
        "file is missing",
    ),
    (
        "YAML alias bomb in params.yml",
        alias_bomb,
        "params.yml",
        None,
        None,
        "aliases",
    ),
    (
        "population.csv missing",
        lambda f: drop_resource(f, "population"),
        "population.csv",
        None,
        None,
        "missing from the vintage",
    ),
    (
        "no national population",
        no_national_population,
        "population.csv",
        None,
        "population",
        "no national (KZ) population",
    ),
    (
        "header-only observations.csv",
        header_only,
        "observations.csv",
        None,
        None,
        "no rows; the build needs",
    ),
    (
        "table over the row limit",
        lambda f: many_rows(f, contract.max_rows("grant_projects") + 1),
        "grant_projects.csv",
        None,
        None,
        "contract.MAX_TABLE_ROWS",
    ),
    ("table over the byte limit", oversized, "grant_projects.csv", None, None, "MAX_TABLE_BYTES"),
    (
        "cell over the length limit",
        lambda f: set_cell(f, "resolutions", 3, "resolution", "x" * 6_000),
        "resolutions.csv",
        3,
        "resolution",
        "contract.MAX_CELL_CHARS",
    ),
    (
        "symlink to a file outside",
        symlinked_table,
        "grant_projects.csv",
        None,
        None,
        "symbolic link",
    ),
    ("symlinked record log", symlinked_log, "inquiries.csv", None, None, "symbolic link"),
    (
        "resource path leaving the folder",
        path_outside,
        "datapackage.json",
        None,
        "resources",
        "must be grant_projects.csv",
    ),
    (
        "ESC in a text cell",
        lambda f: set_cell(f, "grantee_feedback", 2, "text", "red \x1b[31malert\x1b[0m"),
        "grantee_feedback.csv",
        2,
        "text",
        "control character U+001B",
    ),
    (
        "NUL in a text cell",
        lambda f: set_cell(f, "resolutions", 2, "response", "a\x00b"),
        "resolutions.csv",
        2,
        "response",
        "control character U+0000",
    ),
    (
        "C1 control in a text cell",
        lambda f: set_cell(f, "recommendations", 2, "text", "a\x9bb"),
        "recommendations.csv",
        2,
        "text",
        "control character U+009B",
    ),
]


@pytest.fixture
def vintage(tmp_path: Path) -> Path:
    folder = tmp_path / "2022"
    shutil.copytree(paths.year_data_dir(2022), folder)
    return folder


def only_problem(err: str) -> str:
    """The one problem line of validate's report (problems are indented by two spaces)."""
    lines = [line.strip() for line in err.splitlines() if line.startswith("  ")]
    assert len(lines) == 1, err
    assert "1 data problem(s)" in err, err
    return lines[0]


@pytest.mark.parametrize(
    ("name", "breaks", "file", "row", "column", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_each_hostile_input_ends_in_one_message(
    name, breaks, file, row, column, words, vintage, capsys
):
    breaks(vintage)
    code = cli.main(["validate", "--year", "2022", "--data-dir", str(vintage)])
    captured = capsys.readouterr()
    assert code == 1, captured
    problem = only_problem(captured.err)
    where = f"{file}:{row}:" if row else f"{file}:"
    assert where in problem, problem
    if column:
        assert f"column '{column}'" in problem, problem
    assert words in problem, problem
    assert "Traceback" not in captured.err + captured.out
    assert SECRET not in captured.err + captured.out
    assert "\x1b" not in captured.err and "\x00" not in captured.err


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VOLREPORT), *args], capture_output=True, text=True, cwd=PROJECT, timeout=120
    )


def test_a_670000_row_table_is_refused_quickly_by_the_real_command(vintage):
    many_rows(vintage)
    start = time.perf_counter()
    done = run("validate", "--year", "2022", "--data-dir", str(vintage))
    assert time.perf_counter() - start < 5  # 0.7 s measured; generous on a shared machine
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "grant_projects.csv: more than 20,000 rows" in only_problem(done.stderr)


def test_deep_json_and_a_symlink_in_real_processes(vintage, tmp_path):
    nested_json(vintage)
    done = run("validate", "--year", "2022", "--data-dir", str(vintage))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "datapackage.json: JSON nested 100,000 levels deep" in only_problem(done.stderr)
    other = tmp_path / "other" / "2022"
    shutil.copytree(paths.year_data_dir(2022), other)
    symlinked_table(other)
    done = run("validate", "--year", "2022", "--data-dir", str(other))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert SECRET not in done.stderr + done.stdout


# --- the loader refuses what validate refuses -----------------------------------------------------


def test_load_year_never_follows_a_link_or_a_path_outside(vintage):
    path_outside(vintage)
    loaded = dataset.load_year(2022, vintage)  # the contract's file, never the declared path
    assert SECRET not in loaded.table("grant_projects").to_csv()
    symlinked_table(vintage)
    with pytest.raises(dataset.DataError, match="symbolic link"):
        dataset.load_year(2022, vintage)


def test_load_year_names_a_broken_descriptor(vintage):
    edit_descriptor(vintage, lambda d: d.update(resources=None))
    with pytest.raises(dataset.DataError, match="resources must be a list"):
        dataset.load_year(2022, vintage)


# --- ingest and synth --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    return dataset.load_reference()


def astana_form(folder: Path, reference, fill: dict | None = None) -> Path:
    book = forms.build_form(2031, "KZ-71", "Astana", reference)
    for (sheet, ref), value in (fill or {}).items():
        book[sheet][ref] = value
    path = folder / forms.form_filename("KZ-71", "Astana")
    folder.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def ingest_cli(tmp_path: Path, *files: Path) -> int:
    return cli.main(
        [
            "ingest",
            "--year",
            "2031",
            *map(str, files),
            "--data-dir",
            str(tmp_path / "data" / "2031"),
            "--previous-dir",
            str(tmp_path / "none"),
            "--report-dir",
            str(tmp_path / "report"),
        ]
    )


def test_ingest_refuses_implausible_and_non_finite_form_cells(tmp_path, reference, capsys):
    hours = next(s for s in forms.region_sheets(reference) if s.name == "hours").cells[0]
    volunteers = next(s for s in forms.region_sheets(reference) if s.name == "volunteers")
    form = astana_form(
        tmp_path / "forms",
        reference,
        {("hours", hours.cell): 1.7e308, ("volunteers", volunteers.cells[0].cell): 1e308},
    )
    code = ingest_cli(tmp_path, form)
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"KZ-71_astana.xlsx, hours, {hours.cell}: 1.7e+308 is more than" in err
    assert f"volunteers, {volunteers.cells[0].cell}: 1e+308 is more than" in err
    assert not (tmp_path / "data").exists()


def test_ingest_refuses_a_broken_official_table_before_reading_it(tmp_path, reference, capsys):
    form = astana_form(tmp_path / "forms", reference)
    population = tmp_path / "official" / "population.csv"
    population.parent.mkdir()
    population.write_text(
        "region,boundaries,date,population,status,source,note\n"
        "KZ,current,2031-01-01,19,503,159,reported,BNS,\n",
        encoding="utf-8",
    )
    events = tmp_path / "official" / "events.csv"
    events.write_text(
        "region,date,area,format,volunteers,hours\nKZ-71,2031-02-01,umit,online,3,inf\n",
        encoding="utf-8",
    )
    code = ingest_cli(tmp_path, form, population, events)
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "2 problem(s); nothing was written" in err
    assert "population.csv:2: more cells than columns: '19,503,159' looks like a number" in err
    assert "events.csv:2: column 'hours' = 'inf': not a finite number" in err
    assert not (tmp_path / "data").exists()


def xxe_workbook(form: Path, target: Path) -> Path:
    """The form with an external entity in a sheet's XML that would read `target`."""
    bad = form.with_name("KZ-71_xxe.xlsx")
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(bad, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet") and item.filename.endswith(".xml"):
                text = data.decode("utf-8")
                start = text.index("<worksheet")
                end = text.index(">", start) + 1
                doctype = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{target}">]>'
                text = text[:start] + doctype + text[start:end] + "&xxe;" + text[end:]
                data = text.encode("utf-8")
            out.writestr(item, data)
    return bad


def test_defusedxml_is_declared_and_an_xxe_workbook_is_refused(tmp_path, reference, capsys):
    dependencies = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))["project"]
    assert any(d.startswith("defusedxml") for d in dependencies["dependencies"])
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML  # openpyxl parses workbooks with defusedxml
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    form = xxe_workbook(astana_form(tmp_path / "forms", reference), secret)
    code = ingest_cli(tmp_path, form)
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err
    assert "KZ-71_xxe.xlsx: its XML declares a document type or entities" in captured.err
    assert SECRET not in captured.err + captured.out
    # Behind that check, openpyxl itself (with defusedxml) refuses to expand the entity.
    with pytest.raises(ValueError) as refused:
        readers.open_workbook(form)
    assert type(refused.value.__cause__).__name__ == "EntitiesForbidden"
    assert SECRET not in str(refused.value)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--seed", "1", "--events", "0"], "--events must be from 1"),
        (["--seed", "1", "--events", "99999999999"], "--events must be from 1"),
        (["--seed", "-1"], "--seed must be 0 or more"),
    ],
)
def test_synth_refuses_bad_options_with_a_message(tmp_path, capsys, options, words):
    args = ["synth", "--year", "2081", *options, "--data-dir", str(tmp_path / "2081")]
    assert cli.main(args) == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "2081").exists()


def test_an_unreadable_file_is_one_message(vintage, capsys, monkeypatch):
    from volreport.data import validate

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(vintage / "wages.csv"))

    monkeypatch.setattr(validate, "validate_year", denied)
    assert cli.main(["validate", "--year", "2022", "--data-dir", str(vintage)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"{vintage / 'wages.csv'}: cannot be read (Permission denied)"


def test_ingest_without_official_tables_says_it_is_not_buildable(tmp_path, reference, capsys):
    form = astana_form(tmp_path / "forms", reference)
    assert ingest_cli(tmp_path, form) == 0
    out = capsys.readouterr().out
    assert "written; not buildable until what is still needed is added" in out
    assert "written and valid" not in out
    needed = [line for line in out.splitlines() if line.startswith("still needed: ")]
    assert any("population.csv: missing from the vintage" in line for line in needed)
    assert any("params.yml: file is missing" in line for line in needed)
    assert cli.main(["validate", "--year", "2031", "--data-dir", str(tmp_path / "data" / "2031")])
    assert "4 problem(s)" in capsys.readouterr().err


# --- the build's own folders, pages and command line ------------------------------------------


def test_a_book_or_build_folder_may_not_overlap_the_data_or_the_pages(tmp_path):
    from volreport.build import runner

    data, report = tmp_path / "vintage" / "2022", tmp_path / "report" / "2022"
    data.mkdir(parents=True)
    report.mkdir(parents=True)
    runner.check_folders(2022, data, report, tmp_path / "book" / "2022", tmp_path / "b" / "2022")
    for book, build in [
        (data, tmp_path / "b" / "2022"),  # --book-dir vintage: the site would replace the data
        (tmp_path / "book" / "2022", data / "build"),  # --build-dir inside the data
        (tmp_path / "book" / "2022", tmp_path),  # --build-dir holding the pages
    ]:
        with pytest.raises(runner.BuildError, match="overlaps"):
            runner.check_folders(2022, data, report, book, build)


def test_a_page_includes_only_files_of_the_book(tmp_path):
    from volreport.publish import builtin

    (tmp_path / "part.md").write_text("inside", encoding="utf-8")
    (tmp_path.parent / "outside.md").write_text(SECRET, encoding="utf-8")
    expand = lambda text: builtin.expand_shortcodes(  # noqa: E731
        text, page="glossary.md", staging=tmp_path, variables={}
    )
    assert expand("{{< include part.md >}}") == "inside"
    for escaping in ("/etc/passwd", "../outside.md"):
        with pytest.raises(builtin.PublishError, match="only files of the book"):
            expand(f"{{{{< include {escaping} >}}}}")


def test_html_or_typst_in_a_page_is_shown_as_written_never_run(tmp_path):
    from volreport.publish import builtin

    text = "# Page\n\n<script>alert(1)</script>\n\n```{=html}\n<b>raw</b>\n```\n\n`x`{=typst}\n"
    page = builtin._run_pandoc(
        [f"--from={builtin.MARKDOWN_FORMAT}", "--to=html5"], text, what="page", cwd=tmp_path
    )
    assert "<script>" not in page and "<b>raw" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JavaScript:x", "data:text/html,x"])
def test_a_page_links_no_script(tmp_path, target):
    from volreport.publish import builtin

    reading = [
        f"--from={builtin.MARKDOWN_FORMAT}",
        "--to=json",
        f"--lua-filter={builtin.READ_FILTER}",
    ]
    for allowed in ("https://example.org", "mailto:a@b.kz", "data.html#sec-x"):
        builtin._run_pandoc(reading, f"# Page\n\n[ok]({allowed})\n", what="page", cwd=tmp_path)
    builtin._run_pandoc(reading, "# Page\n\n![chart](media/chart.svg)\n", what="p", cwd=tmp_path)
    for hostile in (f"[x]({target})", f"![x]({target})"):
        with pytest.raises(builtin.PublishError, match="only web addresses and the book's own"):
            builtin._run_pandoc(reading, f"# Page\n\n{hostile}\n", what="page", cwd=tmp_path)


@pytest.mark.parametrize(
    ("arguments", "rule"),
    [
        (["build", "--format", "xyz"], "--format: must be among html, pdf"),
        (["build", "--jobs", "0"], "--jobs: must be at least 1"),
    ],
)
def test_a_wrong_build_option_is_one_line_naming_the_rule(capsys, arguments, rule):
    with pytest.raises(SystemExit) as stopped:
        cli.parser().parse_args(arguments)
    assert stopped.value.code == 2
    assert rule in capsys.readouterr().err


def test_relative_folders_mean_the_folder_the_command_runs_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    arguments = cli.parser().parse_args(["build", "--data-dir", "d/2022", "--book-dir", "out"])
    assert arguments.data_dir == tmp_path / "d" / "2022"  # not notebooks/d/2022
    assert arguments.book_dir == tmp_path / "out"


def test_forms_into_an_existing_file_is_one_line(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    assert cli.main(["forms", "--year", "2023", "--out", str(target)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "cannot write the forms there" in error
    assert "Traceback" not in error
