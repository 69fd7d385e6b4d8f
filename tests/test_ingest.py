"""Ingest on tiny inputs: cell parsing, refused files, formulas, logs, assembly, writing."""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest

from volreport import cli
from volreport.core import paths
from volreport.data import contract, validate
from volreport.data.dataset import load_reference
from volreport.intake import forms, ingest, provenance, readers, rules, writer

YEAR = 2031


@pytest.fixture(scope="module")
def reference():
    return load_reference()


def form_path(tmp_path, reference, code="KZ-71", fill=None):
    book = forms.build_form(YEAR, code, "Astana", reference)
    for (sheet, ref), value in (fill or {}).items():
        book[sheet][ref] = value
    path = tmp_path / forms.form_filename(code, "Astana")
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        (12, forms.COUNT, 12),
        (12.0, forms.COUNT, 12),
        (" 12 ", forms.COUNT, 12),
        (None, forms.COUNT, None),
        ("", forms.AMOUNT, None),
        (1.5, forms.AMOUNT, 1.5),
        ("2.5", forms.AMOUNT, 2.5),
    ],
)
def test_parse_value_accepts(raw, kind, expected):
    assert readers.parse_value(raw, kind) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "kind", "rule"),
    [
        ("abc", forms.COUNT, "'abc' is not a whole number ≥ 0"),
        (-1, forms.COUNT, "-1 is not a whole number ≥ 0"),
        (1.5, forms.COUNT, "1.5 is not a whole number ≥ 0"),
        (True, forms.COUNT, "True is not a whole number ≥ 0"),
        ("1,200", forms.AMOUNT, "'1,200' is not a number ≥ 0"),
        ("weekly", forms.CHOICE, "'weekly' is not one of: regular, none"),
        (float("inf"), forms.AMOUNT, "inf is not a number ≥ 0"),
        (float("nan"), forms.COUNT, "nan is not a whole number ≥ 0"),
        ("1e400", forms.AMOUNT, "'1e400' is not a number ≥ 0"),
        (
            1.7e308,
            forms.AMOUNT,
            "1.7e+308 is more than 100,000,000,000, the plausible maximum; a typing or unit error?",
        ),
        (
            1e308,
            forms.COUNT,
            "1e+308 is more than 1,000,000,000, the plausible maximum; a typing or unit error?",
        ),
    ],
)
def test_parse_value_rejects(raw, kind, rule):
    assert readers.parse_value(raw, kind, ("regular", "none")) == (None, rule)


def test_cell_problem_names_workbook_sheet_and_cell():
    problem = readers.CellProblem("KZ-71_astana.xlsx", "hours", "C7", "'abc' is not a number ≥ 0")
    assert str(problem) == "KZ-71_astana.xlsx, hours, C7: 'abc' is not a number ≥ 0"


def test_encrypted_workbook_is_refused(tmp_path):
    path = tmp_path / "KZ-71_astana.xlsx"
    path.write_bytes(readers.OLE2_MAGIC + b"\0" * 512)
    assert "encrypted" in readers.workbook_problem(path)


def test_malformed_workbooks_are_refused(tmp_path):
    text = tmp_path / "a.xlsx"
    text.write_text("region,value\n")
    assert "not a ZIP" in readers.workbook_problem(text)
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(readers.ZIP_MAGIC + b"\0" * 64)
    assert "damaged" in readers.workbook_problem(broken)


def test_oversized_workbook_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.xlsx"
    path.write_bytes(readers.ZIP_MAGIC + b"\0" * 2048)
    monkeypatch.setattr(readers, "MAX_WORKBOOK_BYTES", 1024)
    assert "more than the limit" in readers.workbook_problem(path)


def test_a_zip_that_is_not_a_form_is_reported(tmp_path, reference):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    ret, problems = readers.read_return(path, YEAR, reference)
    assert ret is None and problems[0].workbook == "other.xlsx"
    assert "cannot be read as a workbook" in problems[0].rule


def with_cached_value(path, formula, value):
    """Store a cached value for `formula`, as Excel does on save (openpyxl cannot)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, data in members.items():
        if name.startswith("xl/worksheets/"):
            members[name] = data.replace(
                f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode()
            )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_formula_is_read_as_its_cached_value(tmp_path, reference):
    path = form_path(tmp_path, reference, fill={("volunteers", "C4"): "=60+40"})
    with_cached_value(path, "60+40", 100)
    ret, problems = readers.read_return(path, YEAR, reference)
    assert problems == []
    assert ret.value("volunteers") == 100


def test_formula_without_cached_value_is_refused(tmp_path, reference):
    path = form_path(tmp_path, reference, fill={("volunteers", "C4"): "=60+40"})
    _, problems = readers.read_return(path, YEAR, reference)
    assert [(p.sheet, p.cell) for p in problems] == [("volunteers", "C4")]
    assert "no saved value" in problems[0].rule


def test_every_bad_cell_is_reported_and_a_form_for_another_year_refused(tmp_path, reference):
    path = form_path(tmp_path, reference, fill={("events", "C7"): "abc", ("hours", "C5"): -2})
    _, problems = readers.read_return(path, YEAR, reference)
    assert {str(p) for p in problems} == {
        "KZ-71_astana.xlsx, events, C7: 'abc' is not a whole number ≥ 0",
        "KZ-71_astana.xlsx, hours, C5: -2 is not a number ≥ 0",
    }
    _, problems = readers.read_return(path, YEAR + 1, reference)
    assert "not 2032" in problems[0].rule


def test_splits_must_add_up_to_the_total(tmp_path, reference):
    path = form_path(
        tmp_path,
        reference,
        fill={("volunteers", "C4"): 10, ("volunteers", "C5"): 6, ("volunteers", "C6"): 3},
    )
    ret, _ = readers.read_return(path, YEAR, reference)
    (problem,) = rules.split_problems(ret, reference)
    assert (problem.sheet, problem.cell) == ("volunteers", "C4")
    assert "adds up to 9, not the total 10" in problem.rule


def test_hours_by_format_must_add_up_to_the_hours_by_area(tmp_path, reference):
    # Both breakdowns of a region's hours given and different: refused, so that a region's
    # total (its hours by area, else by format: derive.region_totals) is never ambiguous.
    fill = {("hours", f"C{row}"): 0 for row in range(4, 18)}
    fill |= {("hours", "C4"): 50, ("hours", "C16"): 20, ("hours", "C17"): 25}
    ret, _ = readers.read_return(form_path(tmp_path, reference, fill=fill), YEAR, reference)
    (problem,) = rules.split_problems(ret, reference)
    assert (problem.sheet, problem.cell) == ("hours", "C15")
    assert problem.rule == "hours by format add up to 45, but by area to 50"


def test_bands_of_the_events_shares():
    assert [rules.band(v) for v in (4.9, 5, 25, 25.1)] == [
        "under_5",
        "5_to_25",
        "5_to_25",
        "over_25",
    ]


def test_events_are_aggregated_by_area_and_format():
    events = pd.DataFrame(
        {
            "region": ["KZ-71", "KZ-71", "KZ-75"],
            "area": ["umit", "umit", "bilim"],
            "format": ["online", "offline", "online"],
            "hours": ["2", "3.5", "1"],
        }
    )
    frame = rules.aggregate_events(events).set_index(["region", "indicator", "category"])["value"]
    assert frame[("KZ-71", "hours", "umit")] == 5.5
    assert frame[("KZ-71", "events", "umit")] == 2
    assert frame[("KZ-75", "events_by_format", "online")] == 1


def test_logs_are_checked_row_by_row(tmp_path, reference):
    events = tmp_path / "events.csv"
    events.write_text(
        "region,date,area,format,volunteers,hours\n"
        "KZ-71,2031-02-01,umit,online,3,2\n"
        "KZ-99,2030-02-01,sport,online,-1,x\n"
    )
    _, problems = readers.read_log(events, YEAR, reference)
    assert {(p.row, p.column) for p in problems} == {
        (3, "date"),
        (3, "region"),
        (3, "area"),
        (3, "volunteers"),
        (3, "hours"),
    }
    inquiries = tmp_path / "inquiries.csv"
    inquiries.write_text(
        "date,sex,channel,topic,region,country,related_to_volunteering\n"
        "2031-03-01,female,=HYPERLINK(1),help,,Uzbekistan,true\n"
    )
    _, problems = readers.read_log(inquiries, YEAR, reference)
    assert [(p.row, p.column) for p in problems] == [(2, "channel")]


def test_log_numbers_must_be_finite_and_plausible(tmp_path, reference):
    events = tmp_path / "events.csv"
    events.write_text(
        "region,date,area,format,volunteers,hours\n"
        "KZ-71,2031-02-01,umit,online,3,inf\n"
        "KZ-71,2031-02-01,umit,online,1e308,NaN\n"
        "KZ-71,2031-02-01,umit,online,3,1e12\n"
    )
    _, problems = readers.read_log(events, YEAR, reference)
    assert {(p.row, p.column) for p in problems} == {
        (2, "hours"),
        (3, "volunteers"),
        (3, "hours"),
        (4, "hours"),
    }
    rules = {(p.row, p.column): p.rule for p in problems}
    assert rules[(2, "hours")] == "not a finite number ≥ 0 and at most 100,000,000,000"
    assert rules[(3, "volunteers")] == "not a finite whole number ≥ 0 and at most 1,000,000,000"


def test_a_vintage_short_of_what_a_build_needs_is_written_with_what_is_missing(tmp_path):
    vintage = rules.Vintage(pd.DataFrame(columns=contract.column_names(contract.OBSERVATIONS)), {})
    with pytest.raises(ingest.IngestError, match="no rows; the build needs"):
        writer.write_vintage(YEAR, vintage, data_dir=tmp_path / "a" / str(YEAR))
    needs: list = []
    folder = writer.write_vintage(YEAR, vintage, data_dir=tmp_path / "b" / str(YEAR), needs=needs)
    assert folder.is_dir()
    messages = [str(n) for n in needs]
    assert any("observations.csv: no rows; the build needs" in m for m in messages)
    assert any("population.csv: missing from the vintage" in m for m in messages)
    assert any("params.yml: file is missing" in m for m in messages)
    # named in the vintage's folder, not in the temporary one it was written in
    assert all(m.startswith(validate.display_path(folder)) for m in messages), messages


def test_inquiries_are_counted_by_topic_and_countries_ranked():
    log = pd.DataFrame(
        {
            "sex": ["female", "male", "female", None],
            "region": ["KZ-71", None, "KZ-71", None],
            "country": [None, "Uzbekistan", None, "Georgia"],
            "related_to_volunteering": ["true", "true", "false", "true"],
        }
    )
    figures = ingest.aggregate_inquiries(log)
    assert figures.by_topic == {"volunteering": 3, "other": 1}
    assert figures.share_by_sex["female"] == pytest.approx(200 / 3)
    assert figures.countries == ["Georgia", "Uzbekistan"]


def test_unknown_inputs_are_named(tmp_path):
    _, _, _, problems = readers.classify([tmp_path / "notes.docx"])
    assert problems[0].file == "notes.docx" and "unknown input" in problems[0].rule


def test_existing_year_is_not_overwritten_without_force(tmp_path):
    target = tmp_path / "2031"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    vintage = rules.Vintage(pd.DataFrame(), {})
    with pytest.raises(ingest.IngestError, match="pass --force"):
        writer.write_vintage(YEAR, vintage, data_dir=target)
    assert (target / "keep.txt").read_text() == "mine"


def test_an_invalid_vintage_writes_nothing(tmp_path):
    bad = pd.DataFrame(
        [
            {
                "indicator": "volunteers",
                "year": YEAR,
                "region": "KZ",
                "category": "",
                "value": "-5",
                "qualifier": "exact",
                "unit": "persons",
                "status": "reported",
                "source": "test",
                "note": "",
            }
        ]
    )
    with pytest.raises(ingest.IngestError, match="negative"):
        writer.write_vintage(YEAR, rules.Vintage(bad, {}), data_dir=tmp_path / "2031")
    assert list(tmp_path.iterdir()) == []


def test_template_is_copied_once(tmp_path):
    first = writer.copy_template(YEAR, tmp_path)
    template = paths.REPORT_DIR / "template"
    copied = sorted(str(p.relative_to(first)) for p in first.rglob("*"))
    assert copied == sorted(str(p.relative_to(template)) for p in template.rglob("*"))
    assert {"index.md", "outlook.md", "conclusion.md"} <= set(copied)
    (first / "index.md").write_text("# Written by the analysts\n")
    assert writer.copy_template(YEAR, tmp_path) is None
    assert (first / "index.md").read_text() == "# Written by the analysts\n"


def test_template_quotes_only_known_variables():
    names = {
        "year",
        "prev_year",
        "next_year",
        "volunteers_total",
        "volunteers_prev_year",
        "volunteers_female_pct",
        "volunteers_male_pct",
        "npo_total",
        "initiative_groups_total",
        "hours_total",
    }
    for page in (paths.REPORT_DIR / "template").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "to be written by the analysts" in text.lower(), page.name
        assert set(re.findall(r"\{\{< var (\w+) >\}\}", text)) <= names, page.name


# --- provenance: what an ingested year cites ------------------------------------------------


def test_rows_name_the_national_or_regional_form_and_its_workbook():
    names = {"KZ-71": "Astana", "KZ": "Kazakhstan"}
    sources = provenance.form_sources(YEAR, names)
    regional = ingest.FormReturn("KZ-71", "KZ-71_astana.xlsx")
    national = ingest.FormReturn("KZ", "KZ_kazakhstan.xlsx")
    assert sources.form(regional) == "Regional return form 2031, Astana (KZ-71_astana.xlsx)"
    assert sources.form(national) == "National return form 2031 (KZ_kazakhstan.xlsx)"
    assert sources.log("events.csv") == (
        "Record log 2031 (logs/events.csv); derived by volreport ingest"
    )
    assert "Report" not in sources.derived and str(YEAR) in sources.derived


def test_descriptor_declares_the_forms_logs_and_official_tables_never_a_report(tmp_path):
    population = tmp_path / "population.csv"
    population.write_text(
        "region,boundaries,date,population,status,source,note\n"
        "KZ,current,2031-01-01,1,reported,BNS population,\n"
        "KZ,current,2032-01-01,1,reported,BNS population,\n"
        "KZ-71,current,2031-01-01,1,reported,BNS regions,\n"
    )
    params = tmp_path / "params.yml"
    params.write_text("hours_per_day:\n  value: 8\n  source: Labour Code\nother: 3\n")
    wages = tmp_path / "wages.csv"
    wages.write_text("region,boundaries,wage_kzt,status,source,note\n")
    returns = [
        ingest.FormReturn("KZ-75", "KZ-75_almaty-city.xlsx"),
        ingest.FormReturn("KZ", "KZ_kazakhstan.xlsx"),
        ingest.FormReturn("KZ-71", "KZ-71_astana.xlsx"),
    ]
    names = {"KZ-71": "Astana", "KZ-75": "Almaty city"}
    found = provenance.descriptor_sources(
        YEAR,
        returns,
        ["inquiries.csv", "events.csv"],
        {"wages.csv": wages, "population.csv": population, "params.yml": params},
        names,
    )
    assert found == [
        {"title": "National return form 2031", "path": "KZ_kazakhstan.xlsx"},
        {"title": "Regional return form 2031, Astana", "path": "KZ-71_astana.xlsx"},
        {"title": "Regional return form 2031, Almaty city", "path": "KZ-75_almaty-city.xlsx"},
        {"title": "Record log of events 2031", "path": "logs/events.csv"},
        {"title": "Record log of inquiries 2031", "path": "logs/inquiries.csv"},
        {"title": "Parameters of the economic method: Labour Code", "path": "params.yml"},
        {"title": "Official table: BNS population; BNS regions", "path": "population.csv"},
        {"title": "Official table, prepared by the analysts", "path": "wages.csv"},
    ]


def test_rows_name_their_source_in_every_language_as_plain_text(reference):
    wording = provenance.Wording(YEAR, provenance.names_by_language(reference))
    astana = readers.FormReturn("KZ-71", "KZ-71_astana.xlsx")
    national = readers.FormReturn("KZ", "KZ_kazakhstan.xlsx")
    sources = wording.sources()
    assert sources.form(astana) == "Regional return form 2031, Astana (KZ-71_astana.xlsx)"
    assert sources.translations[sources.form(astana)] == {
        "ru": "Региональная форма отчетности 2031, Астана (KZ-71_astana.xlsx)",
        "kk": "Өңірлік есеп нысаны 2031, Астана (KZ-71_astana.xlsx)",
    }
    assert sources.translations[sources.form(national)]["ru"] == (
        "Республиканская форма отчетности 2031 (KZ_kazakhstan.xlsx)"
    )
    assert set(sources.translations[sources.derived]) == {"ru", "kk"}
    assert set(sources.translations[sources.log("events.csv")]) == {"ru", "kk"}
    # A source is plain text (a CSV cell): neither Markdown- nor HTML-escaped.
    odd = readers.FormReturn("KZ-75", "KZ-75_a*b & <c> &lt;.xlsx")
    assert sources.form(odd) == "Regional return form 2031, Almaty city (KZ-75_a*b & <c> &lt;.xlsx)"
    missing = rules.blank_return("KZ-79", YEAR, reference)
    assert sources.translations[sources.form(missing)]["kk"].endswith("(нысан ұсынылмаған)")


def test_sources_csv_holds_the_sources_translated_in_every_language():
    translations = {"a": {"ru": "а", "kk": "ә"}, "b": {"ru": "б"}}
    frame, untranslated = provenance.sources_table(["a", "b", "c"], translations)
    assert frame.to_dict("records") == [{"source": "a", "source_ru": "а", "source_kk": "ә"}]
    assert untranslated == ["b", "c"]


def previous_vintage(folder):
    """A previous vintage with one national figure and the translation of its source."""
    folder.mkdir(parents=True)
    (folder / "observations.csv").write_text(
        "indicator,year,region,category,value,qualifier,unit,status,source,note\n"
        f"volunteers,{YEAR - 1},KZ,,1000,exact,persons,reported,Report {YEAR - 1},\n",
        encoding="utf-8",
    )
    (folder / "sources.csv").write_text(
        f"source,source_ru,source_kk\nReport {YEAR - 1},Отчет {YEAR - 1},Есеп {YEAR - 1}\n",
        encoding="utf-8",
    )
    return folder


def test_an_ingested_year_writes_its_sources_in_russian_and_kazakh(tmp_path, reference):
    form = form_path(tmp_path, reference)
    population = tmp_path / "population.csv"
    population.write_text(
        "region,boundaries,date,population,status,source,note\n"
        f"KZ,current,{YEAR}-01-01,1000000,reported,BNS population,\n"
        f"KZ,current,{YEAR + 1}-01-01,1000000,reported,BNS population,\n",
        encoding="utf-8",
    )
    result = ingest.ingest(
        YEAR,
        [form, population],
        data_dir=tmp_path / "data" / str(YEAR),
        previous_dir=previous_vintage(tmp_path / "data" / str(YEAR - 1)),
    )
    assert validate.validate_year(YEAR, result.folder, needs=[]) == []
    table = pd.read_csv(result.folder / "sources.csv", dtype=str).set_index("source")
    assert list(table.columns) == ["source_ru", "source_kk"]
    astana = table.loc["Regional return form 2031, Astana (KZ-71_astana.xlsx)"]
    assert astana["source_ru"] == "Региональная форма отчетности 2031, Астана (KZ-71_astana.xlsx)"
    assert astana["source_kk"] == "Өңірлік есеп нысаны 2031, Астана (KZ-71_astana.xlsx)"
    # the year before's row keeps its source, and the translation the previous vintage gives
    assert table.loc[f"Report {YEAR - 1}", "source_ru"] == f"Отчет {YEAR - 1}"
    assert "Regional return form 2031, Astana" in table.index  # datapackage.json's title
    # The analysts' sources have no translation yet: not in sources.csv, but still needed.
    assert not any("BNS population" in source for source in table.index)
    untranslated = [item for item in result.still_needed if item.startswith("sources.csv")]
    assert len(untranslated) == 2 and all("(source_ru, source_kk)" in i for i in untranslated)
    assert any("'BNS population'" in item for item in untranslated)
    assert any("'Official table: BNS population'" in item for item in untranslated)


# --- where the editorial template goes ---------------------------------------------------------


def test_the_report_folder_is_beside_the_data(tmp_path):
    assert writer.report_root() == paths.REPORT_DIR
    assert writer.report_root(paths.DATA_DIR / str(YEAR)) == paths.REPORT_DIR
    assert writer.report_root(tmp_path / "data" / str(YEAR)) == tmp_path / "report"
    assert writer.report_root(tmp_path / "trial" / str(YEAR)) == tmp_path / "trial" / "report"


def test_ingest_elsewhere_writes_nothing_into_the_project(tmp_path, reference):
    project_reports = sorted(paths.REPORT_DIR.iterdir())
    result = ingest.ingest(
        YEAR,
        [form_path(tmp_path, reference)],
        data_dir=tmp_path / "data" / str(YEAR),
        previous_dir=tmp_path / "none",
    )
    assert result.report_folder == tmp_path / "report" / str(YEAR)
    assert (result.report_folder / "index.md").is_file()
    assert sorted(paths.REPORT_DIR.iterdir()) == project_reports


@pytest.mark.parametrize("command", ["ingest", "synth"])
def test_the_help_says_where_the_template_goes(command, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: report/ beside the data: report/ for data/<year>," in text
    assert "X/report/ for --data-dir X/data/<year> or X/<year>)" in text


def test_a_region_that_gives_its_hours_only_by_format_has_its_total(reference):
    # Astana leaves its hours by area empty but gives them by format: the form's formats add
    # up to all its hours, so its total and the national sum count them.
    ret = rules.blank_return("KZ-71", YEAR, reference)
    ret.file = "KZ-71_astana.xlsx"
    formats = [key for key in ret.figures if key[0] == "hours_by_format"]
    for number, key in enumerate(formats, start=1):
        ret.figures[key] = readers.Figure(100.0 * number, "exact", ret.figures[key].where)
    wording = provenance.Wording(YEAR, provenance.names_by_language(reference))
    frame = rules.assemble(YEAR, [ret], reference, wording.sources()).observations
    rows = frame.set_index(["indicator", "region", "category"])
    astana = rows.loc[("hours", "KZ-71", "")]
    assert (astana["value"], astana["status"]) == (
        str(100 * sum(range(1, len(formats) + 1))),
        "derived",
    )
    assert astana["note"] == "sum of hours by format (hours by area not all given)"
    national = rows.loc[("hours", "KZ", "")]
    assert (national["value"], national["qualifier"]) == (astana["value"], "at_least")
    assert rows.loc[("hours", "KZ", "umit"), "value"] == ""  # no region gave hours by area
