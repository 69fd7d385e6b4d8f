"""End to end: `volreport build` on the real 2022 data into a temporary folder.

One build of every language in the test session (the slow part: 18 chapter runs and three
editions; conftest.book_2022, shared with test_quarto_route), and the tests read what it
published.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from volreport.build import notebooks, runner
from volreport.core import i18n, paths
from volreport.data.indicators import Indicator
from volreport.publish import landing

YEAR = 2022
LANGUAGES = ("en", "ru", "kk")
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"


def chapter_titles() -> dict[str, str]:
    """Page stem -> title, from each page's first heading."""
    titles = {}
    for entry in runner.book_pages():
        stem = Path(entry).stem
        if entry.endswith(".ipynb"):
            text = (
                nbformat.read(paths.NOTEBOOKS_DIR / Path(entry).name, as_version=4).cells[0].source
            )
        else:
            page = paths.REPORT_DIR / str(YEAR) / entry
            if not page.exists():  # generated page (the methodology appendix)
                continue
            text = page.read_text(encoding="utf-8")
        heading = next(line for line in text.splitlines() if line.startswith("# "))
        titles[stem] = re.sub(r"\s*\{.*\}\s*$", "", heading[2:]).strip()
    return titles


@pytest.fixture(scope="module")
def built(book_2022):
    return book_2022.root, book_2022.book, book_2022.build.stdout


def edition(book: Path, language: str) -> Path:
    """The folder of one language's edition inside the year's book."""
    return paths.language_dir(book, language)


def test_build_reports_each_chapter_in_each_language_and_the_outputs(built):
    _, book, stdout = built
    assert "3 language(s) (en, ru, kk)" in stdout
    for language in LANGUAGES:
        for notebook in runner.chapter_notebooks(runner.book_pages()):
            line = rf"{notebook.stem}\s+{language}\s+executed\s+[\d.]+ s"
            assert re.search(line, stdout), (language, stdout)
        assert str(edition(book, language) / "index.html") in stdout
        assert str(edition(book, language) / f"volunteering-kz-{YEAR}-{language}.pdf") in stdout


def test_every_page_is_published_with_its_title(built):
    _, book, _ = built
    for stem, title in chapter_titles().items():
        page = book / ("index.html" if stem == "index" else f"{stem}.html")
        assert page.exists(), page
        assert title in page.read_text(encoding="utf-8"), f"{title!r} not in {page.name}"


def test_pdf_holds_every_chapter_title(built):
    _, book, _ = built
    reader = PdfReader(book / f"volunteering-kz-{YEAR}-en.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for title in chapter_titles().values():
        assert re.sub(r"\s+", " ", title) in text, title


def test_no_code_and_no_network_in_html(built):
    _, book, _ = built
    for page in book.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "import volreport" not in html and "from volreport" not in html, page.name
        assert "injected-parameters" not in html, page.name
        # Outbound links to sources are fine; nothing may be *loaded* from the network.
        assert not re.search(r"""src=["']https?://""", html), page.name
        assert not re.search(r"""<link[^>]+href=["']https?://""", html), page.name


def test_data_links_resolve_and_indicators_are_published(built):
    _, book, _ = built
    for page in book.glob("*.html"):
        for link in re.findall(r'href="(data/[^"]+\.csv)"', page.read_text(encoding="utf-8")):
            assert (book / link).is_file(), f"{page.name}: broken link {link}"
    payload = json.loads((book / "indicators.json").read_text(encoding="utf-8"))
    ids = {entry["id"] for entry in payload["indicators"]}
    assert {"volunteers_total", "hours_total", "economic_value_kzt", "fte_equivalent"} <= ids


def site_tables(book: Path):
    """(page, table HTML, the figure around it or '') for every table of the site."""
    for page in sorted(book.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        body = text[text.index('<article class="page-body">') : text.index("</article>")]
        figures = re.findall(
            r'<figure id="tbl-[^"]*" class="table-figure">.*?</figure>', body, re.S
        )
        for table in re.findall(r"<table\b.*?</table>", body, re.S):
            around = next((figure for figure in figures if table in figure), "")
            yield page.name, table, around


def cell_texts(table: str, tag: str = "td") -> list[list[str]]:
    rows = re.findall(r"<tr\b.*?</tr>", table, re.S)
    return [
        [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]
        for cells in (re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", row, re.S) for row in rows)
        if cells
    ]


def test_every_table_on_the_site_has_a_value_and_one_legend_for_its_gaps(built):
    _, book, _ = built
    chapters = {Path(entry).stem for entry in runner.book_pages() if entry.endswith(".ipynb")}
    seen = 0
    for page, table, figure in site_tables(book):
        seen += 1
        rows = cell_texts(table)
        values = [cell for row in rows for cell in (row[1:] if len(row) > 1 else row)]
        assert any(cell not in ("", "—") for cell in values), (page, table[:200])
        columns = list(zip(*rows, strict=False))
        for index, column in enumerate(columns[1:], start=2):
            assert any(cell not in ("", "—") for cell in column), (page, index, table[:200])
        if Path(page).stem in chapters:
            cells = [cell for row in rows for cell in row]
            assert not {"not available", "not stated", "not published"} & set(cells), page
            if "—" in cells:  # the one gap mark, defined under the table that shows it
                assert '<div class="table-note">' in figure and "— not available" in figure
    assert seen >= 20


def test_every_chart_has_a_source_line(built):
    _, book, _ = built
    charts = 0
    for page in sorted(book.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure id="fig-[^"]*"[^>]*>.*?</figure>', text, re.S):
            charts += 1
            source = re.search(r'<div class="chart-source">\s*(?:<p>)?(.*?)</', figure, re.S)
            assert source and re.match(r"Sources?: \S", source[1]), (page.name, figure[:200])
            assert figure.index("<img") < figure.index("chart-source")
    assert charts >= 8


def test_landing_page_cards_show_the_published_indicators(built):
    _, book, _ = built
    payload = json.loads((book / "indicators.json").read_text(encoding="utf-8"))
    by_label = {
        entry["label"]: Indicator(**{key: v for key, v in entry.items() if key != "labels"})
        for entry in payload["indicators"]
    }
    page = (book / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="title">Preface' not in page
    cards = re.findall(r'<div class="key-figure">(.*?)</div>', page, re.S)
    assert 8 <= len(cards) <= 12
    for card in cards:
        label = html.unescape(re.search(r'class="kf-label">(.*?)</span>', card, re.S)[1])
        value = re.search(r'class="kf-value">(.*?)</span>\s*</p>', card, re.S)[1]
        shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())
        assert shown == landing.figure_text(by_label[label]), label
        assert re.search(r'class="cross-ref">Chapter \d+</a>', card), label


def test_data_page_lists_every_csv_and_the_archives_hold_them(built):
    _, book, _ = built
    csvs = {path.name for path in (book / "data").glob("*.csv")}
    page = (book / "data.html").read_text(encoding="utf-8")
    assert set(re.findall(r'href="data/([^"]+\.csv)"', page)) == csvs
    folder = f"volunteering-kz-{YEAR}-data"
    with zipfile.ZipFile(book / f"{folder}.zip") as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
    assert names == {f"{folder}/{name}" for name in [*csvs, "indicators.json", "README.md"]}
    workbook = load_workbook(book / f"{folder}.xlsx", read_only=True)
    assert len(workbook.sheetnames) == len(csvs) + 1
    assert "Table 2.1" in workbook.sheetnames and "Figure 2.1" in workbook.sheetnames


def test_no_csv_writes_a_float_for_a_whole_number_and_all_share_one_header_style(built):
    _, book, _ = built
    for path in (book / "data").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in rows[0]), (path.name, rows[0])
        cells = [cell for row in rows[1:] for cell in row]
        assert not [c for c in cells if re.fullmatch(r"-?\d+\.0+", c)], path.name
        assert not [c for c in cells if re.fullmatch(r"-?\d+\.\d{7,}", c)], path.name


def test_every_csv_link_names_its_table_or_figure(built):
    _, book, _ = built
    texts = []
    for page in book.glob("*.html"):
        if page.name == "data.html":
            continue
        texts += re.findall(
            r'<a href="data/[^"]+\.csv" class="data-download"[^>]*>([^<]*)</a>',
            page.read_text(encoding="utf-8"),
        )
    numbered = [t for t in texts if re.fullmatch(r"(Table|Figure) [A-Z0-9]+\.\d+ as CSV", t)]
    assert len(numbered) >= 30
    # Data under a list rather than a numbered table is named after its section.
    assert all(t.endswith(" as CSV") and t != "Data as CSV" for t in texts), texts
    assert len(set(texts)) == len(texts)


def test_a_second_publish_of_the_same_sources_gives_the_same_bytes(book_2022):
    book, again = book_2022.book, book_2022.root / "again" / str(YEAR)
    assert book_2022.again.returncode == 0, book_2022.again.stderr
    first = {p.relative_to(book): p for p in book.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    different = [
        str(name) for name in first if first[name].read_bytes() != second[name].read_bytes()
    ]
    assert not different


def test_rebuild_without_changes_does_nothing(book_2022):
    assert book_2022.rebuild.returncode == 0, book_2022.rebuild.stderr
    assert "nothing to do" in book_2022.rebuild.stdout


def test_the_headline_outputs_kept_in_the_notebooks_are_what_the_build_shows(book_2022):
    """The outputs `make notebooks` keeps in each chapter's headline cells (nbval's
    reference) are those of the build's English run of the chapter."""
    for notebook in runner.chapter_notebooks(runner.book_pages()):
        executed = runner.ChapterFiles.of(book_2022.root / "build" / str(YEAR), notebook).executed
        shown = {cell.get("id"): cell for cell in nbformat.read(executed, as_version=4).cells}
        checked = [
            c for c in nbformat.read(notebook, as_version=4).cells if notebooks.is_checked(c)
        ]
        assert checked, notebook.name
        for cell in checked:
            kept = [(o.output_type, o.get("data"), o.get("text")) for o in cell.outputs]
            ran = [(o.output_type, o.get("data"), o.get("text")) for o in shown[cell.id].outputs]
            assert kept == ran, f"{notebook.name}: run `make notebooks`"


def test_failing_chapter_stops_build_and_keeps_last_report(built, tmp_path, monkeypatch):
    root, book, _ = built
    before = {p.name: p.read_bytes() for p in book.iterdir() if p.is_file()}
    broken_dir = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, broken_dir)
    victim = sorted(broken_dir.glob("*.ipynb"))[0]
    notebook = nbformat.read(victim, as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"))
    nbformat.write(notebook, victim)
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", broken_dir)

    with pytest.raises(runner.ChapterError) as failure:
        runner.build(
            YEAR,
            book_root=root / "book",
            # A build folder of its own: the shared one keeps its chapter runs whole for
            # test_quarto_route. One job: the fewest chapters start before the failure.
            build_root=tmp_path / "build",
            jobs=1,
            languages=("en",),
            echo=lambda _: None,
        )

    assert failure.value.chapter == victim.stem
    assert f"cell 4 of {victim.name}" in failure.value.cell
    assert "raise RuntimeError" in failure.value.cell
    assert "RuntimeError: deliberate failure" in failure.value.error
    assert {p.name: p.read_bytes() for p in book.iterdir() if p.is_file()} == before


# --- the three languages ---------------------------------------------------------------------


def site_pages(book: Path, language: str) -> list[Path]:
    return sorted(edition(book, language).glob("*.html"))


def test_every_language_has_every_page_its_pdf_and_its_own_search(built):
    _, book, _ = built
    stems = {Path(entry).stem for entry in runner.book_pages()}
    for language in LANGUAGES:
        folder = edition(book, language)
        assert {p.stem for p in folder.glob("*.html")} == stems, language
        assert (folder / paths.pdf_name(YEAR, language)).stat().st_size > 0
        assert (folder / "assets" / "search-index.js").is_file()
        for page in site_pages(book, language):
            text = page.read_text(encoding="utf-8")
            assert f'<html lang="{language}">' in text, (language, page.name)
    ru_index = (edition(book, "ru") / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "Портрет волонтера" in ru_index and "Portrait of a volunteer" not in ru_index


def test_indicators_json_is_the_same_in_every_language_with_a_label_in_each(built):
    _, book, _ = built
    files = [(edition(book, language) / "indicators.json").read_bytes() for language in LANGUAGES]
    assert all(data == files[0] for data in files), "indicators.json differs between languages"
    for item in json.loads(files[0])["indicators"]:
        assert set(item["labels"]) == set(LANGUAGES), item["id"]
        assert item["labels"]["en"] == item["label"]
        assert item["labels"]["ru"] != item["label"], item["id"]  # a Russian label, not a copy


SWITCHER = re.compile(r'<nav class="languages" aria-label="[^"]+"><ul>(.*?)</ul></nav>', re.S)
SWITCHER_ITEM = re.compile(
    r'<a href="([^"]+)" hreflang="([a-z]+)" lang="([a-z]+)"( aria-current="true")?>'
)
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([a-z]+)" href="([^"]+)">')


def test_every_page_links_the_same_page_in_every_language_and_the_links_resolve(built):
    _, book, _ = built
    checked = 0
    for language in LANGUAGES:
        for page in site_pages(book, language):
            text = page.read_text(encoding="utf-8")
            switcher = SWITCHER.search(text)
            assert switcher, (language, page.name)
            items = SWITCHER_ITEM.findall(switcher[1])
            assert [item[1] for item in items] == list(LANGUAGES)
            for href, hreflang, lang, current in items:
                assert hreflang == lang
                assert bool(current) == (lang == language), (page.name, lang)
                target = (page.parent / html.unescape(href)).resolve()
                assert target == (edition(book, lang) / page.name).resolve(), (page, href)
                assert target.is_file(), (page, href)
                checked += 1
            alternates = dict(ALTERNATE.findall(text))
            assert alternates == {lang: href for href, _, lang, _ in items}
    assert checked == len(LANGUAGES) ** 2 * len(runner.book_pages())


class VisibleText(HTMLParser):
    """The words a reader sees (text, alt, aria-label, placeholder), without what is marked
    as written in another language than the page's (the switcher's other languages, a
    quoted English phrase marked `{lang="en"}`)."""

    VOID = {"br", "img", "input", "meta", "hr", "col", "link", "source", "wbr"}

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language, self.stack, self.words = language, [], []

    def foreign(self) -> bool:
        return any(
            lang and lang != self.language or tag in ("script", "style") for tag, lang in self.stack
        )

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in self.VOID:
            self.stack.append((tag, attributes.get("lang")))
        if not self.foreign() and not (tag in self.VOID and attributes.get("lang")):
            for name in ("alt", "aria-label", "placeholder", "title"):
                if attributes.get(name):
                    self.words.append(attributes[name])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.foreign():
            self.words.append(data)


def english_words(page: Path, language: str, allowed: set[str]) -> list[str]:
    """Words in Latin letters a reader of `page` sees, less addresses, file and column names,
    single letters (appendix letters, N) and the `allowed` words."""
    parser = VisibleText(language)
    parser.feed(page.read_text(encoding="utf-8"))
    text = " ".join(parser.words)
    text = re.sub(r"\b(?:https?://|www\.)\S+", " ", text)  # addresses
    text = re.sub(r"\S+\.(?:csv|json|xlsx|zip|pdf|md|yml)\b", " ", text)  # file names
    text = re.sub(r"\b[\w-]+(?:\.[\w-]+)+\b", " ", text)  # domains (stat.gov.kz)
    text = re.sub(r"\S*/\S*", " ", text)  # paths (sources/report.txt)
    text = re.sub(r"\b[a-z_]+ = [\w-]+", " ", text)  # data selectors (region = KZ)
    text = re.sub(r"\S*_\S*", " ", text)  # column names (share_pct)
    text = re.sub(r"\S*\d\S*", " ", text)  # codes and file names with figures (pg16)
    words = re.findall(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’-]*", text)
    bare = (word.strip("'’-") for word in words)
    return [
        word
        for word in bare
        if len(word) > 1 and not {word, word.upper(), word.replace("-", "")} & allowed
    ]


def latin_words(texts) -> set[str]:
    return {word for text in texts for word in re.findall(r"[A-Za-z\u00c0-\u024f]+", text)}


def proper_names() -> set[str]:
    """Latin words a Russian or Kazakh text keeps: the programmes' names, what the reference
    tables' Russian and Kazakh names keep in Latin letters (ProBono), and the names (words
    with a capital) that the vintage's translated texts keep (QOLDAU, TikTok, TALAP)."""
    found: set[str] = set()
    for path in paths.REFERENCE_DIR.glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                found |= latin_words(
                    value or "" for key, value in row.items()
                    if key == "programme" or key.endswith(("_ru", "_kk"))
                )  # fmt: skip
    for path in paths.year_data_dir(YEAR).glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                texts = (value or "" for key, value in row.items() if key.endswith(("_ru", "_kk")))
                found |= {word for word in latin_words(texts) if word[0].isupper()}
    return found


# Proper names, codes, formats and the open datasets cited as sources, which a Russian text
# writes in Latin letters.
ALLOWED_LATIN = {
    "Birgemiz", "Birge", "áreket", "ýaqyty", "CSV", "PDF", "JSON", "XLSX", "ZIP", "README",
    "KZT", "KZ", "ISO", "QR", "NEET", "volreport", "BibTeX", "Excel", "Unicode", "UTF", "TikTok",
    "open-data-kazakhstan", "city-population", "city-avg-salary",
    "population-projections-by-regions",
}  # fmt: skip


def test_the_russian_site_has_no_english_words(built):
    _, book, _ = built
    codes = {language.upper() for language in LANGUAGES}  # the switcher's short form (RU)
    allowed = ALLOWED_LATIN | proper_names() | codes
    found = {}
    for page in site_pages(book, "ru"):
        words = english_words(page, "ru", allowed)
        if words:
            found[page.name] = sorted(set(words))[:15]
    # An English phrase a Russian text quotes or explains is marked as English in its
    # source, `[not in employment, education or training]{lang="en"}`: readers' screen
    # readers then pronounce it as English, and this test passes it.
    assert not found, found


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_russian_pdf_numbers_follow_russian_conventions(built):
    _, book, _ = built
    text = pdf_text(edition(book, "ru") / paths.pdf_name(YEAR, "ru"))
    space = "[\u00a0\u202f ]"
    assert re.search(rf"139{space}671", text)  # grouping by a (no-break) space
    assert re.search(rf"19,7{space}%", text)  # decimal comma, space before the sign
    assert not re.search(r"139,671|19\.7%", text)
    assert "Таблица 2.1" in text and "Рисунок 2.1" in text
    assert "Содержание" in text and "Об этом издании." in text


def test_kazakh_letters_render_in_the_pdf_with_a_font_that_has_them(built):
    from fontTools.ttLib import TTFont

    from volreport.publish import builtin

    _, book, _ = built
    path = edition(book, "kk") / paths.pdf_name(YEAR, "kk")
    text = pdf_text(path)
    assert set(KAZAKH_LETTERS.lower()) <= set(text), set(KAZAKH_LETTERS.lower()) - set(text)
    reader = PdfReader(path)
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # Every font in the PDF is DejaVu (Typst falls back to another font, or draws an empty
    # box, only for a glyph the font lacks), and DejaVu has every Kazakh letter.
    assert fonts and all("DejaVu" in name for name in fonts), fonts
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        cmap = TTFont(builtin._font_dir() / name).getBestCmap()
        assert not [c for c in KAZAKH_LETTERS if ord(c) not in cmap], name
    assert "\ufffd" not in text


def test_each_language_has_its_own_furniture_and_csv_links(built):
    _, book, _ = built
    expected = {
        language: i18n.label("site", "table", language).format(n="2.1") for language in LANGUAGES
    }
    for language in LANGUAGES:
        page = (edition(book, language) / "01_portrait.html").read_text(encoding="utf-8")
        assert expected[language] in page, language
        assert i18n.label("site", "previous", language) in page
        link = i18n.label("site", "as_csv", language).format(name=expected[language])
        assert f'class="data-download" download="">{html.escape(link)}</a>' in page, language
