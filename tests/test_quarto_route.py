"""The Quarto route: `volreport build --engine quarto` gives the same book as the built-in one.

Runs with the real Quarto CLI: `quarto` on PATH, or the offline kit that `make test`
installs into `.quarto/` from `../shared/quarto/`. Skipped, with the reason, without one.
Both engines publish from the build folder of the session's 2022 build (conftest.book_2022),
so the chapters run once for every test file. Both build English and Russian (Quarto's
Russian profile, `quarto render --profile ru`); Kazakh, whose profile differs only in the
words it ships, is left out to keep the test's time down.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest
import sessionwide
from pypdf import PdfReader

from volreport.build import runner
from volreport.core import i18n, paths

YEAR = 2022
LANGUAGES = ("en", "ru")
VOLREPORT = str(Path(sys.executable).with_name("volreport"))
QUARTO = runner.quarto_command()

pytestmark = pytest.mark.skipif(
    QUARTO is None,
    reason=(
        "no Quarto CLI: `quarto` is not on PATH and .quarto/ holds no kit "
        "(`make test` installs it from ../shared/quarto/ when that folder is beside the project)"
    ),
)


@pytest.fixture(scope="module")
def editions(tmp_path_factory, book_2022) -> dict[tuple[str, str], Path]:
    """(engine, language) -> the published edition folder of 2022."""

    def make(root: Path) -> dict:
        made = {}
        for engine in ("builtin", "quarto"):
            command = [VOLREPORT, "build", "--year", str(YEAR), "--engine", engine,
                       "--languages", ",".join(LANGUAGES),
                       "--build-dir", str(book_2022.root / "build"),
                       "--book-dir", str(root / engine)]  # fmt: skip
            made[engine] = sessionwide.run(command)
            if made[engine]["returncode"] != 0:
                break
        return {"root": str(root), **made}

    made = sessionwide.once(tmp_path_factory, "engines", make)
    found = {}
    for engine in ("builtin", "quarto"):
        assert made[engine]["returncode"] == 0, made[engine]["stderr"]
        for language in LANGUAGES:
            book = Path(made["root"]) / engine / str(YEAR)
            found[engine, language] = paths.language_dir(book, language)
    return found


@pytest.fixture(params=LANGUAGES)
def books(request, editions) -> dict[str, Path]:
    """engine -> one language's edition (each test runs for English and for Russian)."""
    return {
        engine: folder for (engine, language), folder in editions.items()
        if language == request.param
    } | {"language": request.param}  # fmt: skip


def pages(book: Path) -> list[Path]:
    """The edition's own pages (not the other languages' folders inside the English one)."""
    return sorted(
        p for p in book.rglob("*.html") if p.relative_to(book).parts[0] not in ("ru", "kk")
    )


def chapter_stems() -> list[str]:
    return [Path(entry).stem for entry in runner.book_pages()]


def test_the_site_has_every_chapter_page(books):
    for stem in chapter_stems():
        assert (books["quarto"] / f"{stem}.html").is_file(), stem


def outline_titles(pdf: Path) -> list[str]:
    """Top-level bookmarks of a PDF, without their numbers."""
    reader = PdfReader(pdf)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    return [re.sub(r"^([0-9]+|[A-Z])(\.[0-9]+)*\.?\s+", "", title).strip() for title in titles]


def test_the_pdf_has_every_chapter_and_appendix(books):
    name = paths.pdf_name(YEAR, books["language"])
    builtin = outline_titles(books["builtin"] / name)
    quarto = outline_titles(books["quarto"] / name)
    contents = (
        "Contents",
        "Table of contents",
        "Содержание",
        i18n.label("book", "contents", books["language"]),
    )
    chapters = [title for title in builtin if title not in contents]
    assert len(chapters) >= len(chapter_stems()) - 1  # the index page may be unnumbered
    missing = [title for title in chapters if title not in quarto]
    assert not missing, f"chapters missing from the Quarto PDF: {missing}"


def test_no_figure_is_split_into_sub_figures(books):
    for page in pages(books["quarto"]):
        text = page.read_text(encoding="utf-8")
        assert "quarto-subfloat" not in text and "(a)</figcaption>" not in text, page.name


LOCAL_REFERENCE = re.compile(r'(?:href|src)="([^"#?]*)')


def test_every_local_link_and_image_resolves(books):
    broken = []
    for page in pages(books["quarto"]):
        for match in LOCAL_REFERENCE.finditer(page.read_text(encoding="utf-8")):
            target = html.unescape(match.group(1))
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(books['quarto'])} -> {target}")
    assert not broken, "\n".join(broken[:20])


def numbered(language: str) -> re.Pattern[str]:
    """A labelled figure or table and its number ('Figure 4.1', 'Рисунок 4.1'): Quarto's
    words for the language are the built-in route's (labels site.figure, site.table)."""
    words = "|".join(
        re.escape(i18n.label("site", kind, language).replace(" {n}", ""))
        for kind in ("figure", "table")
    )
    return re.compile(
        rf'id="((?:fig|tbl)-[a-z0-9-]+)".*?((?:{words})(?:\s|&nbsp;)*[0-9]+\.[0-9]+)', re.S
    )


def float_numbers(book: Path, language: str) -> dict[str, str]:
    """Figure or table label -> its number as the page shows it ('Figure 4.1')."""
    numbers = {}
    for page in pages(book):
        for label, number in numbered(language).findall(page.read_text(encoding="utf-8")):
            numbers.setdefault(label, re.sub(r"(?:\s|&nbsp;)+", " ", number))
    return numbers


def test_figure_and_table_numbers_match_the_builtin_route(books):
    language = books["language"]
    builtin = float_numbers(books["builtin"], language)
    quarto = float_numbers(books["quarto"], language)
    chapter_floats = {label: n for label, n in builtin.items() if label in quarto}
    assert len(chapter_floats) >= 15  # tables without any value are left out (2022: 18)
    assert {label: quarto[label] for label in chapter_floats} == chapter_floats


def test_indicators_and_csvs_are_byte_identical(books):
    builtin, quarto = books["builtin"], books["quarto"]
    assert (quarto / "indicators.json").read_bytes() == (builtin / "indicators.json").read_bytes()
    csvs = sorted(p.relative_to(builtin) for p in (builtin / "data").glob("*.csv"))
    assert csvs
    for csv in csvs:
        assert (quarto / csv).read_bytes() == (builtin / csv).read_bytes(), csv


def test_each_edition_is_in_its_language_and_links_the_other(books):
    language = books["language"]
    other = "ru" if language == "en" else "en"
    for page in pages(books["quarto"]):
        text = page.read_text(encoding="utf-8")
        assert f'lang="{language}"' in text.split(">", 2)[1], page.name
        assert f'hreflang="{other}" lang="{other}"' in text, page.name
    index = (books["quarto"] / "index.html").read_text(encoding="utf-8")
    assert i18n.label("book", "title", language) in index
