"""The built-in publisher on a tiny staged book (tests/fixtures/publish/).

The fixture holds two Markdown pages and one notebook as papermill leaves it: a parameters
and an injected-parameters cell, Markdown output, a pandas Styler table labelled tbl-demo,
an SVG figure labelled fig-demo, a remove-cell cell, stream noise and `#| output: false`.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from volreport.core import paths
from volreport.publish import builtin as publish_module
from volreport.publish import downloads
from volreport.publish.builtin import (
    Page,
    PublishError,
    cross_references,
    expand_shortcodes,
    number_chapters,
    publish,
    read_book,
)

FIXTURE = Path(__file__).parent / "fixtures" / "publish"
YEAR = 2022
PAGES = ("index.html", "01_demo.html", "appendix.html")
TITLE = "Analytical report on the state of volunteering in Kazakhstan"
SYNTHETIC = "Synthetic data — not official statistics"  # labels.yml site.synthetic, book.synthetic


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    written = publish(FIXTURE, out, year=YEAR, synthetic=True)
    return out, written


def html(site, name: str) -> str:
    return (site[0] / name).read_text(encoding="utf-8")


def body(site, name: str) -> str:
    """The page's own content, without sidebar, contents and navigation."""
    return re.search(r'<article class="page-body">(.*)</article>', html(site, name), re.S)[1]


@pytest.fixture
def staged(tmp_path):
    """A copy of the fixture book to break."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "staging"))


def test_writes_one_page_per_chapter_and_the_pdf(site):
    out, written = site
    assert [path.name for path in written] == [*PAGES, f"volunteering-kz-{YEAR}-en.pdf"]
    assert all(path.parent == out and path.stat().st_size > 0 for path in written)


def test_every_page_has_the_numbered_sidebar_and_marks_itself(site):
    for name in PAGES:
        sidebar = re.search(r'<nav class="sidebar".*?</nav>', html(site, name), re.S)[0]
        assert re.findall(r'href="([^"]+\.html)"', sidebar) == list(PAGES)
        assert re.search(rf'href="{name}" aria-current="page"', sidebar)
        assert '<span class="chapter-number">1</span><span>Portrait of a volunteer' in sidebar
        assert '<span class="chapter-number">A</span><span>Methodology' in sidebar
        assert f'href="volunteering-kz-{YEAR}-en.pdf"' in sidebar


def test_previous_and_next_follow_the_book_order(site):
    middle = html(site, "01_demo.html")
    assert re.search(r'href="index.html" rel="prev"', middle)
    assert re.search(r'href="appendix.html" rel="next"', middle)
    assert 'rel="prev"' not in html(site, "index.html")
    assert 'rel="next"' not in html(site, "appendix.html")


def test_notebook_shows_no_code_parameters_or_noise(site):
    page = html(site, "01_demo.html")
    assert "<pre" not in page and "<code" not in page
    for hidden in ("display.setup", "output_dir", "/tmp/secret-build", "injected-parameters"):
        assert hidden not in page
    for noise in ("SCRATCH OUTPUT", "NOISY STDERR", "NOISY STDOUT", "HIDDEN RESULT", "<IPython"):
        assert noise not in page


def test_markdown_output_and_title_are_rendered(site):
    page = html(site, "01_demo.html")
    # The title carries the chapter's id, where links to the chapter land.
    assert (
        '<h1 class="title" id="sec-portrait"><span class="chapter-number">1</span> '
        "Portrait of a volunteer" in page
    )
    assert "Computed prose: <em>most</em> volunteers are young." in body(site, "01_demo.html")
    assert "<title>1 Portrait of a volunteer" in page


def test_dataframe_output_becomes_a_numbered_real_table(site):
    content = body(site, "01_demo.html")
    table = re.search(r'<figure id="tbl-demo" class="table-figure">.*?</figure>', content, re.S)[0]
    assert (
        '<figcaption><span class="caption-number">Table 1.1:</span> Volunteers by region, 2022'
        in table
    )
    assert "<th>Region</th>" in table
    assert "<td>Қызылорда</td>" in table
    assert '<td style="text-align: right;">3,400</td>' in table  # numbers align right
    assert '<td style="text-align: right;">at least 1,200</td>' in table  # also as published
    assert "T_demo" not in table  # Styler's random ids are dropped
    assert table.count("Volunteers by region") == 1 and "<caption>" not in table


def test_figure_has_number_caption_alt_text_and_bundled_svg(site):
    out, _ = site
    figure = re.search(r'<figure id="fig-demo">.*?</figure>', body(site, "01_demo.html"), re.S)[0]
    assert '<span class="caption-number">Figure 1.1:</span> Volunteers by region' in figure
    assert 'alt="Bar chart: Қызылорда has more volunteers than Astana."' in figure
    source = re.search(r'src="([^"]+)"', figure)[1]
    assert source.endswith(".svg") and (out / source).is_file()


def test_cross_references_link_within_and_across_pages(site):
    assert '<a href="#tbl-demo" class="cross-ref">Table 1.1</a>' in body(site, "01_demo.html")
    appendix = body(site, "appendix.html")
    assert '<a href="01_demo.html#fig-demo" class="cross-ref">Figure 1.1</a>' in appendix
    assert '<a href="01_demo.html">the portrait chapter</a>' in appendix
    assert '<a href="01_demo.html#sec-portrait" class="cross-ref">Chapter 1</a>' in appendix
    assert '<span class="header-section-number">A.1</span> Names' in appendix


def test_variables_and_includes_are_substituted(site):
    index = body(site, "index.html")
    assert "In 2022 the regional front offices counted 139,671 volunteers." in index
    assert "<td>Support the regional front offices</td>" in index
    assert "Volunteers in 2022: 139,671." in body(site, "01_demo.html")
    assert all("{{&lt;" not in html(site, name) and "{{<" not in html(site, name) for name in PAGES)


def test_csv_links_resolve_and_data_is_copied(site):
    out, _ = site
    links = re.findall(
        r'href="(data/[^"]+\.csv)" class="data-download"', html(site, "01_demo.html")
    )
    assert links == ["data/tbl-demo.csv", "data/fig-demo.csv"]
    assert all((out / link).read_text(encoding="utf-8").startswith("Region,") for link in links)
    assert json.loads((out / "indicators.json").read_text(encoding="utf-8"))["year"] == YEAR


def test_nothing_is_loaded_from_the_network(site):
    out, _ = site
    for path in [*out.glob("*.html"), *out.glob("assets/*")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path.name
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", text), path.name
    assert (out / "assets" / "volreport.css").is_file()


def test_synthetic_banner_on_every_page_only_when_synthetic(site, tmp_path):
    banner = "Synthetic data — not official statistics"
    assert all(banner in html(site, name) for name in PAGES)
    publish(FIXTURE, tmp_path, year=YEAR, formats=("html",))
    assert not any(banner in (tmp_path / name).read_text(encoding="utf-8") for name in PAGES)
    assert not (tmp_path / f"volunteering-kz-{YEAR}-en.pdf").exists()


def test_a_synthetic_editions_titles_archives_and_workbook_say_it_is_synthetic(site, tmp_path):
    from openpyxl import load_workbook

    out, _ = site
    marked = f"{TITLE} {YEAR} ({SYNTHETIC})"
    for name in PAGES:
        assert re.search(rf"<title>[^<]* – {re.escape(marked)}</title>", html(site, name)), name
    pdf = PdfReader(out / f"volunteering-kz-{YEAR}-en.pdf")
    assert pdf.metadata.title == f"{TITLE} ({SYNTHETIC})"
    book = load_workbook(out / ARCHIVES[1])
    assert book.properties.title == marked
    assert book["Contents"]["A1"].value == SYNTHETIC and book["Contents"].freeze_panes == "A3"
    with zipfile.ZipFile(out / ARCHIVES[0]) as archive:
        readme = archive.read(f"volunteering-kz-{YEAR}-data/README.md").decode("utf-8")
    heading, blank, note = readme.splitlines()[:3]
    assert heading.startswith("# ") and not blank and note == f"**{SYNTHETIC}**"
    # Real data: the titles, the workbook and the README as they were.
    publish(FIXTURE, tmp_path, year=YEAR, formats=("html",))
    for name in PAGES:
        page = (tmp_path / name).read_text(encoding="utf-8")
        assert re.search(rf"<title>[^<]* – {TITLE} {YEAR}</title>", page), name
    real = load_workbook(tmp_path / ARCHIVES[1])
    assert real.properties.title == f"{TITLE} {YEAR}"
    assert real["Contents"]["A1"].value == "sheet" and real["Contents"].freeze_panes == "A2"
    with zipfile.ZipFile(tmp_path / ARCHIVES[0]) as archive:
        assert SYNTHETIC not in archive.read(f"volunteering-kz-{YEAR}-data/README.md").decode()


def test_pdf_has_title_page_contents_chapters_tables_and_kazakh_letters(site):
    out, _ = site
    reader = PdfReader(out / f"volunteering-kz-{YEAR}-en.pdf")
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert TITLE in re.sub(r"\s+", " ", pages[0]) and str(YEAR) in pages[0]
    assert all("Synthetic data — not official statistics" in page for page in pages)
    assert "Contents" in pages[1] and "1 Portrait of a volunteer" in pages[1]
    for heading in ("About this report", "1 Portrait of a volunteer", "A Methodology"):
        assert heading in text
    assert "Table 1.1: Volunteers by region, 2022" in text and "Қызылорда 3,400" in text
    assert "Figure 1.1: Volunteers by region" in text
    assert "Support the regional front offices" in text
    assert "әғқңөұүһі" in text and "áýú" in text
    assert "Download the data" not in text  # no data folder next to a PDF
    assert pages[-1].rstrip().endswith(str(len(pages) - 1))  # page number in the footer


def test_unknown_variable_is_an_error_naming_page_and_variable(tmp_path):
    with pytest.raises(PublishError, match=r"index\.md: unknown variable 'nope'"):
        expand_shortcodes("{{< var nope >}}", page="index.md", staging=tmp_path, variables={})


def test_missing_include_is_an_error(tmp_path):
    with pytest.raises(PublishError, match=r"intro\.md: \{\{< include tables/x\.md >\}\}: no such"):
        expand_shortcodes(
            "{{< include tables/x.md >}}", page="intro.md", staging=tmp_path, variables={}
        )


def test_unknown_variable_in_a_notebook_fails_the_publish(staged, tmp_path):
    notebook = staged / "notebooks" / "01_demo.ipynb"
    notebook.write_text(
        notebook.read_text(encoding="utf-8").replace("{{< var year >}}", "{{< var yaer >}}"),
        encoding="utf-8",
    )
    with pytest.raises(PublishError, match=r"notebooks/01_demo\.ipynb: unknown variable 'yaer'"):
        publish(staged, tmp_path / "out", year=YEAR, formats=("html",))


def test_figure_label_without_image_fails_naming_the_cell(staged, tmp_path):
    notebook = staged / "notebooks" / "01_demo.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))
    figure_cell = next(
        cell
        for cell in cells["cells"]
        if cell["cell_type"] == "code" and "fig-demo" in "".join(cell["source"])
    )
    figure_cell["outputs"] = figure_cell["outputs"][1:]  # keep only the CSV link
    notebook.write_text(json.dumps(cells), encoding="utf-8")
    with pytest.raises(
        PublishError, match=r"(?s)01_demo\.ipynb.*cell 8 .*fig-demo needs exactly one image"
    ):
        publish(staged, tmp_path / "out", year=YEAR, formats=("html",))


def test_labelled_cell_that_shows_nothing_is_left_out(site):
    page = html(site, "01_demo.html")
    assert "tbl-demo-absent" not in page
    assert "A table this year does not have" not in page


def test_html_in_computed_prose_is_shown_as_text(staged, tmp_path):
    notebook = staged / "notebooks" / "01_demo.ipynb"
    text = notebook.read_text(encoding="utf-8")
    assert "Computed prose" in text
    hostile = "Computed prose <script>alert(1)</script> <b>bold?</b>"
    notebook.write_text(text.replace("Computed prose", hostile, 1), encoding="utf-8")
    publish(staged, tmp_path / "out", year=YEAR, formats=("html",))
    page = (tmp_path / "out" / "01_demo.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold?</b>" not in page


def test_unknown_cross_reference_fails(staged, tmp_path):
    page = staged / "appendix.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee @fig-nowhere.\n", encoding="utf-8")
    with pytest.raises(PublishError, match=r"appendix.*@fig-nowhere refers to no labelled"):
        publish(staged, tmp_path / "out", year=YEAR, formats=("html",))


def test_missing_page_fails(staged, tmp_path):
    (staged / "appendix.md").unlink()
    with pytest.raises(PublishError, match=r"appendix\.md: listed in _quarto\.yml but missing"):
        publish(staged, tmp_path / "out", year=YEAR)


def test_chapters_are_numbered_appendices_lettered_and_labels_unique():
    pages = [
        Page("index.md", "index", False, unnumbered=True, figures=["fig-a"]),
        Page("intro.md", "intro", False, tables=["tbl-a", "tbl-b"]),
        Page("notebooks/02.ipynb", "02", False, figures=["fig-b"]),
        Page("methods.md", "methods", True, figures=["fig-c"]),
    ]
    number_chapters(pages, number_sections=True)
    assert [page.label for page in pages] == ["", "1", "2", "A"]
    xref = cross_references(pages)
    assert xref["fig-a"] == {"text": "Figure 1", "ref": "Figure 1", "page": "index"}
    assert xref["tbl-b"]["text"] == "Table 1.2"
    assert xref["fig-b"]["text"] == "Figure 2.1"
    assert xref["fig-c"] == {"text": "Figure A.1", "ref": "Figure A.1", "page": "methods"}
    pages[3].figures = ["fig-b"]
    with pytest.raises(
        PublishError, match=r"methods\.md: label fig-b is also used in notebooks/02"
    ):
        cross_references(pages)


def test_in_text_references_use_the_languages_own_case():
    """A caption names its table 'Таблица 1.1'; a sentence refers to 'таблица 1.1' and
    'раздел 1.2' (labels `site.<kind>_ref`), as Russian writes them mid-sentence."""
    pages = [
        Page(
            "intro.md",
            "intro",
            False,
            tables=["tbl-a"],
            sections=[
                {"id": "sec-intro", "level": "1", "number": "", "title": "Intro"},
                {"id": "sec-intro-more", "level": "2", "number": "2", "title": "More"},
            ],
        ),
    ]
    number_chapters(pages, number_sections=True)
    russian = cross_references(pages, publish_module.Words("ru"))
    assert russian["tbl-a"] == {"text": "Таблица 1.1", "ref": "таблица 1.1", "page": "intro"}
    assert russian["sec-intro"]["ref"] == "глава 1"
    assert russian["sec-intro-more"]["ref"] == "раздел 1.2"
    english = cross_references(pages)
    assert english["sec-intro-more"]["ref"] == "Section 1.2"


def test_pdf_words_give_the_running_header_with_the_year_in_its_place():
    russian = publish_module.pdf_words(publish_module.Words("ru"), 2022, ())
    assert russian["running-header"].endswith("в Казахстане за 2022 год")
    kazakh = publish_module.pdf_words(publish_module.Words("kk"), 2022, ())
    assert "2022 жылғы" in kazakh["running-header"]
    template = publish_module.TYPST_TEMPLATE.read_text(encoding="utf-8")
    assert "$running-header$" in template
    assert "$book-title$ $year$" not in template


def test_a_kazakh_pdf_table_header_breaks_long_words_at_syllables(tmp_path):
    """Typst has no Kazakh hyphenation: the write filter puts soft hyphens at syllable
    boundaries of a header's long words (and only there); Russian relies on Typst's."""
    assert "kk" not in publish_module.TYPST_HYPHENATES
    assert "ru" in publish_module.TYPST_HYPHENATES
    template = publish_module.TYPST_TEMPLATE.read_text(encoding="utf-8")
    assert '#show table.cell.where(y: 0): set text(weight: "bold", hyphenate: true)' in template
    import pypandoc

    markdown = "| Ұйымдастырушылар | Саны |\n|---|---|\n| Волонтерлер | 1 |\n"
    document = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))
    document["meta"]["volreport"] = {
        "t": "MetaMap",
        "c": {
            "target": {"t": "MetaString", "c": "typst"},
            "soft-hyphens": {"t": "MetaBool", "c": True},
        },
    }
    document["blocks"] = [
        {
            "t": "Div",
            "c": [["", ["vr-page"], [["page", "p"], ["chapter", "1"]]], document["blocks"]],
        }
    ]
    typst = pypandoc.convert_text(
        json.dumps(document),
        "typst",
        format="json",
        extra_args=[f"--lua-filter={publish_module.WRITE_FILTER}"],
    )
    assert "Ұйым\u00adдас\u00adты\u00adру\u00adшы\u00adлар" in typst
    assert "Волонтерлер" in typst  # body cells are left alone


def test_real_book_configuration_lists_the_chapters_in_order():
    book = read_book(paths.QUARTO_CONFIG)
    assert book.title == TITLE
    assert book.author == "National Volunteer Network"
    assert book.chapters == (
        "index.md",
        "introduction.md",
        "01_portrait.ipynb",
        "02_organizations.ipynb",
        "03_areas.ipynb",
        "04_grants.ipynb",
        "05_economic.ipynb",
        "06_public_interest.ipynb",
        "international.md",
        "outlook.md",
        "conclusion.md",
    )
    assert book.appendices == ("methodology.md", "indicators.md", "data.md", "glossary.md")
    assert book.html["toc"] is True and book.typst["toc"] is True


def test_same_sources_give_the_same_site_and_pdf_byte_for_byte(site, tmp_path):
    again = tmp_path / "again"
    publish(FIXTURE, again, year=YEAR, synthetic=True)
    for path in site[1]:
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
    for name in ARCHIVES:
        assert (again / name).read_bytes() == (site[0] / name).read_bytes(), name


# --- downloads: link texts, the archives, the Data page -------------------------------------

ARCHIVES = (f"volunteering-kz-{YEAR}-data.zip", f"volunteering-kz-{YEAR}-data.xlsx")


def test_csv_links_name_their_table_or_figure(site):
    links = re.findall(
        r'href="data/([^"]+)\.csv" class="data-download" download="">([^<]*)</a>',
        html(site, "01_demo.html"),
    )
    assert links == [("tbl-demo", "Table 1.1 as CSV"), ("fig-demo", "Figure 1.1 as CSV")]


def test_zip_holds_every_csv_indicators_and_a_readme_naming_each_table(site):
    out, _ = site
    folder = f"volunteering-kz-{YEAR}-data"
    with zipfile.ZipFile(out / ARCHIVES[0]) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [
            f"{folder}/README.md",
            f"{folder}/indicators.json",
            f"{folder}/tbl-demo.csv",
            f"{folder}/fig-demo.csv",
        ]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        for name in ("tbl-demo.csv", "fig-demo.csv"):
            assert archive.read(f"{folder}/{name}") == (out / "data" / name).read_bytes()
        assert archive.read(f"{folder}/indicators.json") == (out / "indicators.json").read_bytes()
        readme = archive.read(f"{folder}/README.md").decode("utf-8")
    assert "- `tbl-demo.csv`: Table 1.1, " in readme
    assert "- `fig-demo.csv`: Figure 1.1, " in readme


def test_workbook_has_a_contents_sheet_and_one_sheet_per_table_with_numbers_as_numbers(site):
    from openpyxl import load_workbook

    out, _ = site
    book = load_workbook(out / ARCHIVES[1])
    assert book.sheetnames == ["Contents", "Table 1.1", "Figure 1.1"]
    contents = [[cell.value for cell in row] for row in book["Contents"].iter_rows()]
    # The fixture is published as synthetic: the note heads the contents (see below).
    assert contents[0] == [SYNTHETIC, None, None, None]
    contents = contents[1:]
    assert contents[0] == ["sheet", "table_or_figure", "title", "csv_file"]
    assert [row[3] for row in contents[1:]] == ["tbl-demo.csv", "fig-demo.csv"]
    rows = [[cell.value for cell in row] for row in book["Table 1.1"].iter_rows()]
    csv_rows = (out / "data" / "tbl-demo.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == csv_rows[0].split(",") and len(rows) == len(csv_rows)
    numbers = [value for row in rows[1:] for value in row if not isinstance(value, str)]
    assert numbers and all(isinstance(v, int | float) for v in numbers if v is not None)


def test_archive_sheet_names_are_unique_and_fit_excel():
    entries = [downloads.Entry("p", "t", f"tbl-{n}", "") for n in ("a", "b", "c")]
    named = {"tbl-a": "Table 1.1", "tbl-b": "Table 1.1", "tbl-c": "x" * 40 + "/"}
    names = downloads.sheet_names(entries, named)
    assert names == {"tbl-a": "Table 1.1", "tbl-b": "Table 1.1 (2)", "tbl-c": "x" * 31}
    assert downloads.cell_value("139671") == 139671 and downloads.cell_value("-0.5") == -0.5
    assert downloads.cell_value("") is None and downloads.cell_value("1,088") == "1,088"


def with_data_page(staged: Path) -> Path:
    """The fixture book with the Data appendix, staged as the build stages it."""
    config = staged / "_quarto.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("    - appendix.md\n", "    - appendix.md\n    - data.md\n"))
    (staged / "data.md").write_text(downloads.data_page(YEAR), encoding="utf-8")
    pages = [*read_book(config).chapters, *read_book(config).appendices]
    downloads.stage_downloads(staged, pages, {"year": str(YEAR)})
    return staged


def test_data_page_lists_every_table_and_figure_with_number_caption_and_csv(staged, tmp_path):
    out = tmp_path / "out"
    publish(with_data_page(staged), out, year=YEAR, formats=("html",))
    page = (out / "data.html").read_text(encoding="utf-8")
    listed = re.findall(
        r'<a href="01_demo.html#([a-z-]+)" class="cross-ref">([^<]+)</a>: ([^(]*)'
        r'\(<a href="data/([^"]+)"',
        page,
    )
    assert [(label, number, csv) for label, number, _, csv in listed] == [
        ("tbl-demo", "Table 1.1", "tbl-demo.csv"),
        ("fig-demo", "Figure 1.1", "fig-demo.csv"),
    ]
    assert {f"{label}.csv" for label, *_ in listed} == {
        p.name for p in (staged / "data").glob("*.csv")
    }
    for name in (*ARCHIVES, "indicators.json"):
        assert f'href="{name}"' in page and (out / name).is_file()


def test_the_pdf_gets_the_editions_identity_as_metadata():
    book = read_book(FIXTURE / "_quarto.yml")
    variables = {"edition_date": "30 June 2023", "software_version": "1.2", "how_to_cite": ""}
    assert publish_module.edition_metadata(variables, book) == [
        "--metadata=edition-date:30 June 2023",
        "--metadata=software-version:1.2",
    ]


# --- tables, charts and the PDF's layout (h-pub-figures) -------------------------------------


def with_notes(staged: Path) -> Path:
    """The fixture notebook with a table note under tbl-demo, a source line under fig-demo
    and the figure drawn wider than the text (`#| column: body-outset`)."""
    path = staged / "notebooks" / "01_demo.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        extra = {
            "#| label: tbl-demo\n": (
                "::: {.table-note}\nThe column *2021* is left out.\n\n— not available\n:::"
            ),
            "#| label: fig-demo\n": "::: {.chart-source}\nSource: Demo survey.\n:::",
        }
        for label, note in extra.items():
            if source.startswith(label):
                cell["outputs"].insert(
                    -1,
                    {"output_type": "display_data", "metadata": {},
                     "data": {"text/markdown": note, "text/plain": "<note>"}},
                )  # fmt: skip
        if source.startswith("#| label: fig-demo"):
            cell["source"] = source.replace("#| fig-cap:", "#| column: body-outset\n#| fig-cap:")
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return staged


def test_a_tables_note_and_a_charts_source_line_belong_to_them(staged, tmp_path):
    publish(with_notes(staged), tmp_path / "out", year=YEAR, formats=("html",))
    page = (tmp_path / "out" / "01_demo.html").read_text(encoding="utf-8")
    table = re.search(r'<figure id="tbl-demo" class="table-figure">.*?</figure>', page, re.S)[0]
    assert '<div class="table-note">' in table and "— not available" in table
    assert table.index("</table>") < table.index("table-note")
    figure = re.search(r'<figure id="fig-demo"[^>]*>.*?</figure>', page, re.S)[0]
    assert 'class="column-body-outset"' in figure  # scrolls on a phone rather than shrink
    assert figure.index("<img") < figure.index("chart-source") < figure.index("<figcaption")
    assert "Source: Demo survey." in figure


def typst_markup(markdown: str, settings: str = "") -> str:
    """What the write filter makes of one page of Markdown for the PDF."""
    document = (
        "---\nvolreport:\n  target: typst\n  xref: {}\n  pages: {}\n" + settings + "---\n\n"
        ':::: {.vr-page page="p" chapter="1"}\n# Title\n\n' + markdown + "\n::::\n"
    )
    return publish_module._run_pandoc(
        ["--from=markdown", "--to=typst", f"--lua-filter={publish_module.WRITE_FILTER}"],
        document,
        what="test",
        cwd=Path.cwd(),
    )


def demo_table(rows: int) -> str:
    lines = ["| Region | Hours |", "|---|--:|", *(f"| R{n} | {n} |" for n in range(rows))]
    return "\n".join([*lines, "", ": Hours by region {#tbl-x}", "",
                      "::: {.table-note}\n— not available\n:::"])  # fmt: skip


def test_pdf_keeps_a_short_table_with_its_note_on_one_page_and_lets_a_long_one_break():
    short = typst_markup(demo_table(12))
    start = short.index("#block(breakable: false, width: 100%)[")
    assert start < short.index("#figure(") < short.index("#table-note[") < short.rindex("]")
    long = typst_markup(demo_table(13))
    assert "#[#show figure: set block(breakable: true)" in long
    assert "breakable: false" not in long


def test_pdf_links_each_tables_data_on_the_site_when_the_book_names_one():
    text = demo_table(2) + "\n\n[Data as CSV](data/tbl-x.csv){.data-download}"
    assert "data/tbl-x.csv" not in typst_markup(text)  # no site: no link that leads nowhere
    linked = typst_markup(text, '  site-url: "https://example.org/2022/"\n')
    assert '#link("https://example.org/2022/data/tbl-x.csv")' in linked
    block = linked[linked.index("#block(breakable: false") :]
    assert block.index("#figure(") < block.index("tbl-x.csv")  # the link stays with its table


def test_pdf_title_page_names_publisher_place_and_how_the_edition_was_made(site):
    out, _ = site
    first = PdfReader(out / f"volunteering-kz-{YEAR}-en.pdf").pages[0].extract_text()
    first = re.sub(r"\s+", " ", first)
    assert "National Volunteer Network" in first and "Astana, Kazakhstan" in first
    assert "About this edition. Every figure, table and chart" in first
    assert "on the Data page of the report’s website" in first  # no site-url in the fixture


def test_pdf_headings_are_never_hyphenated_and_captions_stay_with_tables():
    template = publish_module.TYPST_TEMPLATE.read_text(encoding="utf-8")
    assert '#show heading: set text(weight: "bold", hyphenate: false)' in template
    assert "#show figure.caption.where(kind: table): it => block(sticky: true" in template
    assert "#show figure: set block(breakable: false" in template


# --- languages: furniture, switcher, profiles ------------------------------------------------


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory):
    """The fixture book published in English and, with Russian furniture, in Russian, as a
    build lays them out: English at the top, Russian in ru/."""
    root = tmp_path_factory.mktemp("editions")
    for language in ("en", "ru"):
        publish(
            FIXTURE,
            paths.language_dir(root, language),
            year=YEAR,
            formats=("html",),
            language=language,
            languages=("en", "ru"),
        )
    return root


def test_each_page_links_itself_in_every_language(two_editions):
    from volreport.core import i18n
    from volreport.publish.builtin import check_language_links

    check_language_links(two_editions, ("en", "ru"))
    english = (two_editions / "01_demo.html").read_text(encoding="utf-8")
    russian = (two_editions / "ru" / "01_demo.html").read_text(encoding="utf-8")

    def named(language_name: str, code: str) -> str:
        return (
            f'<span class="language-name">{language_name}</span>'
            f'<span class="language-code" aria-hidden="true">{code}</span></a>'
        )

    current = '<a href="01_demo.html" hreflang="en" lang="en" aria-current="true">'
    assert current + named("English", "EN") in english
    assert '<a href="ru/01_demo.html" hreflang="ru" lang="ru">' + named("Русский", "RU") in english
    assert '<a href="../01_demo.html" hreflang="en" lang="en">' + named("English", "EN") in russian
    assert '<link rel="alternate" hreflang="ru" href="ru/01_demo.html">' in english
    language = i18n.label("site", "language", "ru")
    assert f'<nav class="languages" aria-label="{language}">' in russian
    assert '<html lang="en">' in english


def test_the_furniture_is_in_the_editions_language(two_editions):
    from volreport.core import i18n

    russian = (two_editions / "ru" / "01_demo.html").read_text(encoding="utf-8")
    table = i18n.label("site", "table", "ru").format(n="1.1")
    assert f'<span class="caption-number">{table}:</span>' in russian
    assert i18n.label("site", "on_this_page", "ru") in russian
    assert i18n.label("site", "search", "ru") in russian
    assert '<html lang="ru">' in russian  # the edition's language, whatever the book says
    # The fixture's link says "Data as CSV", not the Russian default text: it keeps its words.
    assert ">Data as CSV</a>" in russian
    index = (two_editions / "ru" / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "Portrait of a volunteer" in index  # each edition has its own search index


def test_a_link_to_another_language_that_is_missing_fails_the_check(two_editions, tmp_path):
    from volreport.publish.builtin import check_language_links

    copy = Path(shutil.copytree(two_editions, tmp_path / "copy"))
    (copy / "ru" / "appendix.html").unlink()
    with pytest.raises(PublishError, match=r"appendix\.html: the ru link ru/appendix\.html"):
        check_language_links(copy, ("en", "ru"))


def test_a_profile_is_merged_over_the_book_as_quarto_merges_it(tmp_path):
    (tmp_path / "_quarto.yml").write_text(
        "project: {type: book}\nlang: en\nbook: {title: T, author: A, chapters: [index.md]}\n",
        encoding="utf-8",
    )
    (tmp_path / "_quarto-ru.yml").write_text(
        "lang: ru\nbook: {title: Т, output-file: x-ru}\n", encoding="utf-8"
    )
    book = read_book(tmp_path / "_quarto.yml", "ru")
    assert (book.lang, book.title, book.author, book.chapters) == ("ru", "Т", "A", ("index.md",))
    assert read_book(tmp_path / "_quarto.yml").title == "T"
    assert publish_module.merged_config({"a": [1, 2]}, {"a": [2, 3]}) == {"a": [1, 2, 3]}


@pytest.mark.parametrize(
    ("language", "cells"),
    [
        ("en", ("at least 1,200", "19.7%", "about 90,000")),
        ("ru", ("не менее 1\u00a0200", "19,7\u00a0%", "около 90\u00a0000")),
        ("kk", ("кемінде 1\u00a0200", "1\u00a0200-ге дейін", "19,7%-ға дейін")),
    ],
)
def test_numbers_with_the_languages_qualifier_words_are_numbers(language, cells, tmp_path):
    def alignment(column: list[str]) -> str:
        """How the read filter aligns a notebook table's column of these cells."""
        rows = "".join(f"<tr><td>A</td><td>{cell}</td></tr>" for cell in column)
        table = f"<table><thead><tr><th>R</th><th>V</th></tr></thead><tbody>{rows}</tbody></table>"
        output = {"output_type": "display_data", "metadata": {}, "data": {"text/html": table}}
        notebook = {
            "cells": [
                {"cell_type": "markdown", "metadata": {}, "source": "# T"},
                {"cell_type": "code", "metadata": {}, "source": "x", "outputs": [output],
                 "execution_count": 1},
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }  # fmt: skip
        patterns = publish_module.qualifier_patterns(language)
        document = json.loads(
            publish_module._run_pandoc(
                [f"--from={publish_module.IPYNB_FORMAT}", "--ipynb-output=all", "--to=json",
                 f"--lua-filter={publish_module.READ_FILTER}",
                 f"--metadata=volreport-qualifiers:{patterns}"],
                json.dumps(notebook),
                what="test",
                cwd=tmp_path,
            )
        )  # fmt: skip
        found = next(block for block in document["blocks"] if block["t"] == "Table")
        return found["c"][2][1][0]["t"]

    assert alignment(list(cells)) == "AlignRight"
    assert alignment([*cells, "не число"]) == "AlignDefault"


def test_pdf_fonts_are_matplotlibs_found_without_importing_it():
    import subprocess
    import sys

    import matplotlib

    assert publish_module._font_dir() == Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    assert (publish_module._font_dir() / "DejaVuSans.ttf").is_file()
    # The publisher alone (a fresh process) finds them with matplotlib left unimported.
    probe = (
        "import sys; from volreport.publish import builtin; builtin._font_dir(); "
        "print('matplotlib' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
