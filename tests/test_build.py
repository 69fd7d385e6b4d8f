"""Unit tests of the build machinery: book description, hashing, cache validity, swap."""

from __future__ import annotations

import json

import nbformat
import pytest
import yaml

from volreport.build import bench, notebooks, runner
from volreport.chapters import collect
from volreport.core import paths


def test_book_pages_follow_quarto_order_with_appendices(tmp_path):
    config = tmp_path / "_quarto.yml"
    config.write_text(
        "project: {type: book}\n"
        "book: {title: T, chapters: [index.md, notebooks/01_a.ipynb, end.md],"
        " appendices: [methodology.md]}\n"
    )
    pages = runner.book_pages(config)
    assert pages == ["index.md", "notebooks/01_a.ipynb", "end.md", "methodology.md"]
    assert runner.chapter_notebooks(pages) == [paths.NOTEBOOKS_DIR / "01_a.ipynb"]


def test_real_book_lists_every_notebook_in_notebooks_folder():
    listed = {p.name for p in runner.chapter_notebooks(runner.book_pages())}
    on_disk = {p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")}
    assert listed == on_disk


def test_tree_digest_changes_with_content_not_with_timestamps(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x\n1\n")
    b.write_text("y\n2\n")
    before = runner.tree_digest([a, b], root=tmp_path)
    a.touch()
    assert runner.tree_digest([b, a], root=tmp_path) == before
    a.write_text("x\n3\n")
    assert runner.tree_digest([a, b], root=tmp_path) != before


def test_inputs_unchanged_detects_edit_and_deletion(tmp_path):
    data = tmp_path / "wages.csv"
    data.write_text("region,wage\nKZ,1\n")
    recorded = {str(data): paths.file_digest(data)}
    assert runner.inputs_unchanged(recorded)
    data.write_text("region,wage\nKZ,2\n")
    assert not runner.inputs_unchanged(recorded)
    data.unlink()
    assert not runner.inputs_unchanged(recorded)


def test_each_language_has_its_own_chapter_files_and_cache_key(tmp_path):
    notebook = tmp_path / "01_x.ipynb"
    notebook.write_text("{}")
    chapter_runner = runner.ChapterRunner(2022, tmp_path / "build", None, echo=lambda _: None)
    english = runner.ChapterFiles.of(chapter_runner.build_dir, notebook, "en")
    russian = runner.ChapterFiles.of(chapter_runner.build_dir, notebook, "ru")
    assert english.executed.parent.name == "en" and russian.executed.parent.name == "ru"
    assert len({english.output_dir, russian.output_dir}) == 2
    assert len({english.record, russian.record}) == 2
    assert chapter_runner.parameters_for("ru")["language"] == "ru"
    keys = {
        runner.chapter_key(notebook, chapter_runner.parameters_for(lang), "pkg")
        for lang in ("en", "ru", "kk")
    }
    assert len(keys) == 3


def test_chapter_key_depends_on_notebook_parameters_and_package(tmp_path):
    notebook = tmp_path / "01_x.ipynb"
    notebook.write_text("{}")
    key = runner.chapter_key(notebook, {"year": 2022}, "pkg")
    assert runner.chapter_key(notebook, {"year": 2023}, "pkg") != key
    assert runner.chapter_key(notebook, {"year": 2022}, "pkg2") != key
    notebook.write_text('{"cells": []}')
    assert runner.chapter_key(notebook, {"year": 2022}, "pkg") != key


def test_swap_in_replaces_target_whole(tmp_path):
    target, new = tmp_path / "2022", tmp_path / ".2022.tmp"
    target.mkdir()
    (target / "old.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    runner.swap_in(new, target)
    assert sorted(p.name for p in target.iterdir()) == ["index.html"]
    assert not new.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["2022"]


def test_build_refuses_a_missing_year(tmp_path):
    with pytest.raises(runner.BuildError, match="no data for 1999"):
        runner.build(1999, data_dir=tmp_path / "absent", book_root=tmp_path, build_root=tmp_path)


def test_expected_outputs_by_format_and_language(tmp_path):
    assert runner.expected_outputs(tmp_path, 2022, ["pdf"]) == [
        tmp_path / "volunteering-kz-2022-en.pdf"
    ]
    assert runner.expected_outputs(tmp_path, 2022, ["html", "pdf"], ("en", "kk")) == [
        tmp_path / "index.html",
        tmp_path / "volunteering-kz-2022-en.pdf",
        tmp_path / "kk" / "index.html",
        tmp_path / "kk" / "volunteering-kz-2022-kk.pdf",
    ]


def test_strip_outputs_keeps_only_checked_cells():
    notebook = nbformat.v4.new_notebook()
    headline = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nshow()")
    other = nbformat.v4.new_code_cell("plot()")
    notebook.cells = [nbformat.v4.new_markdown_cell("# T"), headline, other]
    executed = nbformat.from_dict(json.loads(nbformat.writes(notebook)))
    result = nbformat.v4.new_output("execute_result", {"text/plain": "139"}, execution_count=3)
    executed.cells[1].outputs = [result]
    executed.cells[1].execution_count = 3
    executed.cells[2].outputs = [nbformat.v4.new_output("stream", text="noise")]
    other.outputs = [nbformat.v4.new_output("stream", text="stale")]
    notebooks.strip_outputs(notebook, executed)
    assert notebook.cells[1].outputs[0]["data"]["text/plain"] == "139"
    assert notebook.cells[1].execution_count == 3
    assert notebook.cells[2].outputs == []


def test_committed_notebooks_keep_outputs_only_in_headline_cells():
    for path in paths.NOTEBOOKS_DIR.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        checked = [c for c in notebook.cells if notebooks.is_checked(c)]
        assert len(checked) == 1, f"{path.name}: exactly one headline cell"
        assert checked[0].outputs, f"{path.name}: headline outputs missing (run make notebooks)"
        for cell in notebook.cells:
            if cell.cell_type == "code" and not notebooks.is_checked(cell):
                assert not cell.outputs, f"{path.name}: outputs outside the headline cell"
        tags = [set(c.metadata.get("tags", [])) for c in notebook.cells]
        assert any("parameters" in t for t in tags), f"{path.name}: no parameters cell"


def test_touch_one_value_changes_last_number(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("occupation,wage_kzt,source\nManagers,534211,BNS\n")
    bench.touch_one_value(path)
    assert path.read_text().splitlines()[-1] == "Managers,534212,BNS"


def test_build_refuses_a_year_without_editorial_pages(tmp_path):
    data = tmp_path / "data" / "2030"
    data.mkdir(parents=True)
    with pytest.raises(runner.BuildError, match="no editorial pages for 2030"):
        runner.build(2030, data_dir=data, report_dir=tmp_path / "absent", build_root=tmp_path)


def test_source_digest_follows_the_previous_vintage(tmp_path):
    current, previous, report = (
        tmp_path / "data" / "2023",
        tmp_path / "data" / "2022",
        tmp_path / "report",
    )
    for folder in (current, previous, report):
        folder.mkdir(parents=True)
    (current / "observations.csv").write_text("a\n1\n")
    (previous / "observations.csv").write_text("a\n1\n")
    pages = runner.book_pages()
    before = runner.source_digest(2023, current, report, pages, {})
    (previous / "observations.csv").write_text("a\n2\n")
    assert runner.source_digest(2023, current, report, pages, {}) != before


def test_chapter_is_reused_only_while_the_files_it_read_are_unchanged(tmp_path):
    notebook = tmp_path / "01_x.ipynb"
    notebook.write_text("{}")
    data = tmp_path / "wages.csv"
    data.write_text("region,wage\nKZ,1\n")
    chapter_runner = runner.ChapterRunner(2022, tmp_path / "build", None, echo=lambda _: None)
    files = runner.ChapterFiles.of(chapter_runner.build_dir, notebook)
    assert not chapter_runner.reusable(notebook)
    for folder in (files.executed.parent, files.output_dir, files.record.parent):
        folder.mkdir(parents=True, exist_ok=True)
    files.executed.write_text("{}")
    files.access_log.write_text(f"{data}\n")
    chapter_runner._record(notebook)
    assert not chapter_runner.reusable(notebook)  # it saved no outputs for the build
    (files.output_dir / collect.SAVED_NAME).write_text("{}")
    assert chapter_runner.reusable(notebook)
    data.write_text("region,wage\nKZ,2\n")
    assert not chapter_runner.reusable(notebook)


# --- each chapter computed once per build ---------------------------------------------------


def test_the_build_reads_what_the_chapters_saved_and_computes_none(tmp_path, monkeypatch):
    from volreport.data import dataset

    ds = dataset.load_year(2022)
    build_dir = tmp_path / "build" / "2022"
    notebooks = runner.chapter_notebooks(runner.book_pages())
    for module, notebook in zip(collect.modules(), notebooks, strict=True):
        output_dir = runner.ChapterFiles.of(build_dir, notebook).output_dir
        collect.save(module, ds, module.compute(ds), output_dir)  # as the notebook does
    computed = collect.computed(ds)
    calls = []
    for module in collect.modules():
        monkeypatch.setattr(module, "compute", lambda *_, name=module.__name__: calls.append(name))
    generated = runner.generate(2022, None, build_dir, notebooks)
    assert calls == [], "the build computed chapters itself"
    assert generated.indicators == collect.headline_indicators(computed)
    assert set(collect.variables(computed).items()) <= set(generated.variables.items())
    loaded = [collect.load(runner.ChapterFiles.of(build_dir, n).output_dir) for n in notebooks]
    assert loaded == computed  # indicators, discrepancies and variables as saved
    assert collect.discrepancies(loaded), "2022 has discrepancies: the round trip is tested"


def test_a_chapter_that_saved_nothing_stops_the_build(tmp_path):
    notebooks = runner.chapter_notebooks(runner.book_pages())
    with pytest.raises(runner.BuildError, match="saved no outputs"):
        runner.generate(2022, None, tmp_path / "build" / "2022", notebooks)


# --- one build at a time, whole reports only, no orphans ----------------------------------


def test_a_second_build_of_the_same_book_is_refused_with_the_holder(tmp_path):
    book = tmp_path / "book" / "2022"
    with runner.build_lock(book, 2022), pytest.raises(runner.BuildError) as refused:
        runner.build(2022, book_root=tmp_path / "book", build_root=tmp_path / "build")
    assert f"another build of 2022 into {book.parent} is running (pid " in str(refused.value)
    with runner.build_lock(book, 2022):  # released: the next build may run
        pass


def test_swap_in_leaves_the_new_report_and_nothing_else(tmp_path):
    target, new = tmp_path / "2022", tmp_path / ".2022.tmp"
    target.mkdir()
    (target / "old.html").write_text("old")
    new.mkdir()
    (new / "new.html").write_text("new")
    runner.swap_in(new, target)
    assert [p.name for p in target.iterdir()] == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2022"]


ORPHAN_SCRIPT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from volreport.build import runner
pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                           initializer=runner.die_with_parent)
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 60)
time.sleep(60)
"""


def test_workers_die_when_the_build_is_killed():
    import os
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    worker = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker ran on after its build was killed")


# --- languages: profiles, staging in a language ----------------------------------------------


def test_languages_option_is_parsed():
    assert runner.parse_languages(None) is None
    assert runner.parse_languages("en, ru") == ("en", "ru")


def test_the_language_folders_and_pdf_names():
    assert paths.language_dir(paths.BOOK_DIR, "en") == paths.BOOK_DIR
    assert paths.language_dir(paths.BOOK_DIR, "ru") == paths.BOOK_DIR / "ru"
    assert paths.pdf_name(2022, "kk") == "volunteering-kz-2022-kk.pdf"


def test_staged_profiles_give_each_edition_its_language_title_and_pdf_name(tmp_path):
    from volreport.core import i18n
    from volreport.publish.builtin import read_book

    for language in ("ru", "kk"):
        folder = tmp_path / language
        folder.mkdir()
        runner.stage_config(paths.QUARTO_CONFIG, folder / "_quarto.yml", 2022, language)
        profile = yaml.safe_load((folder / f"_quarto-{language}.yml").read_text("utf-8"))
        assert profile["lang"] == language
        assert profile["book"]["output-file"] == f"volunteering-kz-2022-{language}"
        book = read_book(folder / "_quarto.yml", language)
        assert book.lang == language and book.title == i18n.label("book", "title", language)
        assert book.chapters == read_book(paths.QUARTO_CONFIG).chapters
    kazakh = yaml.safe_load((tmp_path / "kk" / "_quarto-kk.yml").read_text("utf-8"))
    # Quarto ships no Kazakh language file: the profile brings Quarto's own words.
    assert kazakh["language"]["crossref-fig-title"] == i18n.label(
        "quarto", "crossref-fig-title", "kk"
    )
    assert kazakh["language"]["crossref-tbl-title"]
    russian = yaml.safe_load((tmp_path / "ru" / "_quarto-ru.yml").read_text("utf-8"))
    assert "language" not in russian  # Quarto has its own Russian words


def notebook_with(*cells) -> dict:
    return {"cells": [dict(cell, metadata={}) for cell in cells]}


def test_a_notebook_is_written_in_the_language_from_labels():
    from volreport.core import i18n

    notebook = notebook_with(
        {"cell_type": "markdown", "source": "# Portrait {#sec-portrait}\n\nThe lead.\n"},
        {
            "cell_type": "code",
            "source": '#| label: fig-portrait-sex\n#| fig-cap: "C"\n#| fig-alt: "A"\nx',
        },
        {"cell_type": "markdown", "source": "## How many {#sec-portrait-count}"},
    )
    russian = runner.localized_notebook(notebook, "ru", "01_portrait.ipynb")
    sources = [cell["source"] for cell in russian["cells"]]
    heading = i18n.label("headings", "sec-portrait", "ru")
    assert (
        sources[0]
        == f"# {heading} {{#sec-portrait}}\n\n{i18n.label('leads', 'sec-portrait', 'ru')}\n"
    )
    caption = i18n.label("captions", "fig-portrait-sex", "ru")
    assert f"#| fig-cap: {json.dumps(caption, ensure_ascii=False)}" in sources[1]
    assert i18n.label("alt", "fig-portrait-sex", "ru") in sources[1]
    assert sources[1].endswith("\nx")
    assert i18n.label("headings", "sec-portrait-count", "ru") in sources[2]
    english = runner.localized_notebook(notebook, "en", "01_portrait.ipynb")
    assert i18n.label("headings", "sec-portrait", "en") in english["cells"][0]["source"]


def test_text_a_language_has_no_words_for_stops_the_build():
    notebook = notebook_with(
        {"cell_type": "markdown", "source": "## Unknown {#sec-nowhere}\n\nText."}
    )
    english = runner.localized_notebook(notebook, "en", "x.ipynb")
    assert english["cells"][0]["source"] == "## Unknown {#sec-nowhere}\n\nText."
    with pytest.raises(runner.BuildError, match=r"x\.ipynb: text with no ru translation"):
        runner.localized_notebook(notebook, "ru", "x.ipynb")


def test_a_page_shown_in_another_language_says_so_under_its_title():
    page = "---\ntitle: x\n---\n\n# Перспективы {#sec-outlook}\n\nТекст.\n"
    shown = runner.with_fallback(page, "Бұл бет әзірге орыс тілінде.", "ru")
    lines = shown.split("\n")
    title = lines.index("# Перспективы {#sec-outlook}")
    assert lines[title + 2 : title + 5] == [
        "::: {.fallback-notice}",
        "Бұл бет әзірге орыс тілінде.",
        ":::",
    ]
    assert ':::: {lang="ru"}' in shown and shown.index("Текст.") > shown.index('{lang="ru"}')
    notice = runner.fallback_notice("kk", "ru")
    assert notice and notice != runner.fallback_notice("ru", "ru")


def test_kazakh_commentary_not_written_yet_is_the_russian_one_with_the_notice(tmp_path):
    report = tmp_path / "report" / "2022"
    (report / "commentary").mkdir(parents=True)
    (report / "ru" / "commentary").mkdir(parents=True)
    (report / "commentary" / "01_portrait.md").write_text("Opening.\n", encoding="utf-8")
    (report / "ru" / "commentary" / "01_portrait.md").write_text(
        "Вступление.\n\n## Сколько {#sec-portrait-count}\n\nО численности.\n", encoding="utf-8"
    )
    notebook = notebook_with(
        {"cell_type": "markdown", "source": "# Portrait {#sec-portrait}"},
        {"cell_type": "markdown", "source": "## How many {#sec-portrait-count}"},
    )
    placed_kk = runner.commentary_placer(report, ["01_portrait.ipynb"], "kk")(
        notebook, "01_portrait"
    )
    cells = [cell["source"] for cell in placed_kk["cells"]]
    notice = runner.fallback_notice("kk", "ru")
    placed = [source for source in cells if "commentary" in source]
    assert len(placed) == 2
    assert placed[0].startswith(f"::: {{.fallback-notice}}\n{notice}\n:::")
    assert '{.commentary lang="ru"}' in placed[0] and "Вступление." in placed[0]
    assert notice not in placed[1] and 'lang="ru"' in placed[1] and "О численности." in placed[1]
    # Russian's own commentary: no notice, no other language.
    placed_ru = runner.commentary_placer(report, ["01_portrait.ipynb"], "ru")(
        notebook, "01_portrait"
    )
    text = json.dumps(placed_ru, ensure_ascii=False)
    assert "fallback-notice" not in text and "lang=" not in text


def test_staging_computes_captions_for_both_engines():
    # Quarto may leave a shortcode in a cell option unexpanded; staging expands it for both.
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "source": '#| label: tbl-x\n#| tbl-cap: "Per head: {{< var parts >}}"\nshow()',
                "metadata": {},
                "outputs": [],
            },
            {"cell_type": "markdown", "source": "Text {{< var parts >}}", "metadata": {}},
        ]
    }
    staged = runner.staged_notebook(notebook, {"parts": "count and estimate"})
    code, text = ("".join(cell["source"]) for cell in staged["cells"])
    assert '#| tbl-cap: "Per head: count and estimate"' in code
    assert text == "Text {{< var parts >}}"  # the engine expands shortcodes in the text
