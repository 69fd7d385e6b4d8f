"""Property test: a vintage's computed statements name exactly the gaps it has.

Synthetic vintages (no published source) are made with `volreport synth`, beside a
complete synthetic year before them (made once, shared by the patterns), with gaps put
into the regional and national returns as ingest assembles them, as an analyst's empty
cells would be. Synth itself needs two kinds of figure whole (a region's volunteers, the
national grant totals), so the empty national return is written into the vintage's
observations after synth, as ingest would have stored it.

Each vintage's book is then read as a reader would, without a kernel per chapter: its
chapter notebooks run in a test process (`notebook_text.execute`), the build stages the
book from them as from papermill's (`runner.generate`, `runner.stage_book`: the
methodology appendix and the other generated pages, editorial pages, commentary), each
staged page is read as the publisher reads it (`notebook_text.page_markdown`) and made
HTML by pandoc. The complete year is also built end to end by `volreport build` (in the
background while the other patterns are read) and read from its published HTML pages,
and its chapters and appendix must say the same both ways. For each gap pattern:

- a complete vintage produces no gap statement at all;
- every statement about missing data names exactly the regions with gaps, and no other,
  and each gap is stated in the chapters whose figures it touches;
- no gap is printed as a dash inside a sentence;
- nothing calls the year's own figures "the report's" or cites a `sources/` file, and
  the appendix has no discrepancies section.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import notebook_text
import numpy as np
import pandas as pd
import pypandoc
import pytest

from volreport.build import runner
from volreport.core import paths
from volreport.data.contract import NATIONAL
from volreport.intake import ingest, synth
from volreport.publish import builtin

YEAR = 2089
EVENTS = 2000  # events in each synthetic year
READERS_AT_ONCE = 2  # patterns read side by side, each in a process of its own
VOLREPORT = str(Path(sys.executable).with_name("volreport"))
PANDOC = pypandoc.get_pandoc_path()
CHAPTER_PAGES = [
    "01_portrait.html", "02_organizations.html", "03_areas.html", "04_grants.html",
    "05_economic.html", "06_public_interest.html", "methodology.html",
]  # fmt: skip
GAP_WORDS = "not available"
# A CSV link's text: "Data as CSV" in a chapter's Markdown, "Table 2.1 as CSV" once published.
DOWNLOAD_LINK = re.compile(r"^(?:(?:Table|Figure) [A-Z\d]+\.\d+|[^.]*) as CSV$")
REGIONS = pd.read_csv(paths.REFERENCE_DIR / "regions.csv")
CURRENT = REGIONS[REGIONS["current"]]
NAMES = dict(zip(CURRENT["code"], CURRENT["short_name_en"], strict=True))
BREAKDOWNS = ("volunteers_by_age", "volunteers_by_employment", "volunteers_by_sex")


def pattern(seed: int, kind: str) -> dict:
    """A gap pattern drawn with `seed`: which region loses which figures."""
    rng = np.random.default_rng(seed)
    code = str(rng.choice(sorted(NAMES)))
    return {"kind": kind, "region": code, "breakdown": str(rng.choice(BREAKDOWNS))}


PATTERNS = [
    {"kind": "complete"},
    pattern(11, "regional breakdown"),  # one region leaves one breakdown empty
    pattern(23, "regional support level"),  # one region gives no level of RFO support
    pattern(37, "regional return"),  # one region leaves its whole return empty
    pattern(41, "regional hours by area"),  # one region gives no hours by area
    {"kind": "national figure"},  # the national estimate of volunteers left empty
    {"kind": "national return"},  # every figure of the national return left empty
    {"kind": "empty table"},  # no grant projects listed
]


def blank(ret: ingest.FormReturn, keys) -> None:
    """Leave the figures `keys` of a return empty, as an analyst's empty cells."""
    for key in keys:
        ret.figures[key] = dataclasses.replace(ret.figures[key], value=None)


def with_gaps(assemble, gaps: dict):
    """`ingest.assemble` given the returns with the pattern's cells left empty.

    The gaps go into the returns as ingest receives them, after synth has drawn the
    year's record tables from the complete returns (synth needs a region's volunteers and
    the national grant totals for those).
    """

    def assemble_with_gaps(year, returns, *args, **kwargs):
        returns = [dataclasses.replace(ret, figures=dict(ret.figures)) for ret in returns]
        for ret in returns:
            keys = list(ret.figures)
            if ret.code == gaps.get("region"):
                if gaps["kind"] == "regional breakdown":
                    blank(ret, [k for k in keys if k[0] == gaps["breakdown"]])
                elif gaps["kind"] == "regional support level":
                    ret.level = None
                elif gaps["kind"] == "regional return":
                    blank(ret, keys)
                    ret.level = None
                elif gaps["kind"] == "regional hours by area":
                    blank(ret, [k for k in keys if k[0] == "hours"])
            if ret.code == NATIONAL and gaps["kind"] == "national figure":
                blank(ret, [("volunteers_estimate", "")])
        return assemble(year, returns, *args, **kwargs)

    return assemble_with_gaps


def empty_national_return(folder: Path) -> None:
    """Every figure of the national return left empty, as ingest stores an empty cell, and
    no log of the information centre's inquiries (which would give their numbers).

    Written into observations.csv after synth, which needs the national grant totals to
    draw its grant projects and chapter 5's figures; ingest derives nothing from them.
    """
    path = folder / "observations.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        key = (row["indicator"], row["category"])
        if row["region"] == NATIONAL and row["year"] == str(YEAR) and key in ingest.NATIONAL_FORM:
            row |= {"value": "", "qualifier": "", "status": "missing", "note": "cell left empty"}
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (folder / "logs" / "inquiries.csv").unlink()


@pytest.fixture(scope="module")
def year_before(tmp_path_factory) -> Path:
    """A complete synthetic year before, shared by the patterns, so that the year-on-year
    comparisons have their figures."""
    root = tmp_path_factory.mktemp("before")
    synth.synth(YEAR - 1, 4, EVENTS, data_dir=root / str(YEAR - 1), report_dir=root / "report")
    return root / str(YEAR - 1)


def make_vintage(root: Path, gaps: dict, year_before: Path) -> None:
    """The pattern's synthetic year in root/data/, beside a copy of the year before, and
    its editorial pages in root/report/."""
    shutil.copytree(year_before, root / "data" / str(YEAR - 1))
    folder = root / "data" / str(YEAR)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest, "assemble", with_gaps(ingest.assemble, gaps))
        if gaps["kind"] == "national return":  # no inquiries log: the return gives them
            patch.setattr(ingest, "aggregate_inquiries", lambda log: None)
        synth.synth(YEAR, 5, EVENTS, data_dir=folder, report_dir=root / "report")
    if gaps["kind"] == "national return":
        empty_national_return(folder)
    if gaps["kind"] == "empty table":
        table = folder / "grant_projects.csv"
        table.write_text(table.read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8")
    if not (root / "report" / str(YEAR)).exists():
        shutil.copytree(paths.REPORT_DIR / "template", root / "report" / str(YEAR))


def build_command(root: Path) -> list[str]:
    """The build of root/data/<YEAR> into root/book, one chapter at a time (the tests read
    the other patterns meanwhile)."""
    return [VOLREPORT, "build", "--year", str(YEAR), "--format", "html", "--jobs", "1",
            "--data-dir", str(root / "data" / str(YEAR)),
            "--report-dir", str(root / "report"), "--build-dir", str(root / "build"),
            "--book-dir", str(root / "book")]  # fmt: skip


def book_markdown(root: Path) -> dict[str, str]:
    """Every page of the book of root/data/<YEAR> as Markdown, by the name of its HTML page,
    shortcodes expanded: the chapter notebooks run without a kernel (`notebook_text.execute`)
    and stored where the build stores its executed notebooks, then the build's own steps
    (`runner.generate`, `runner.stage_book`: the methodology appendix and the other
    generated pages, editorial pages, commentary), then each staged chapter read as the
    publisher reads it (`notebook_text.page_markdown`)."""
    data_dir, report_dir = root / "data" / str(YEAR), root / "report" / str(YEAR)
    build_dir = root / "text" / str(YEAR)
    pages = runner.book_pages()
    parameters = runner.ChapterRunner(YEAR, build_dir, data_dir, lambda *_: None).parameters
    for notebook in runner.chapter_notebooks(pages):
        files = runner.ChapterFiles.of(build_dir, notebook)
        files.executed.parent.mkdir(parents=True, exist_ok=True)
        files.output_dir.mkdir(parents=True, exist_ok=True)
        executed = notebook_text.execute(
            notebook, parameters | {"output_dir": str(files.output_dir)}
        )
        files.executed.write_text(json.dumps(executed, ensure_ascii=False), encoding="utf-8")
    generated = runner.generate(YEAR, data_dir, build_dir, runner.chapter_notebooks(pages))
    stage = runner.stage_book(YEAR, pages, build_dir, generated, report_dir)
    variables = builtin.read_variables(stage)
    texts = {}
    for entry in pages:
        text = (stage / entry).read_text(encoding="utf-8")
        if entry.endswith(".ipynb"):
            text = notebook_text.page_markdown(json.loads(text))
        texts[f"{Path(entry).stem}.html"] = builtin.expand_shortcodes(
            text, page=entry, staging=stage, variables=variables
        )
    return texts


def read_pattern(root: Path, gaps: dict, year_before: Path) -> dict[str, str]:
    """The pattern's vintage made in `root` and its pages read (`book_markdown`)."""
    make_vintage(root, gaps, year_before)
    return book_markdown(root)


TEXT = "chapters run in process"
PUBLISHED = "published book"
EDITIONS = [(gaps, TEXT) for gaps in PATTERNS] + [(PATTERNS[0], PUBLISHED)]
COMPARED = "test_chapters_run_in_process_read_as_the_published_book"  # reads both of complete


@dataclass
class Readings:
    """What the session's tests read, under way: the pages of each pattern read in process
    (kind -> future of `book_markdown`'s pages) and the build of the complete pattern
    (future of the finished `volreport build`, None when no test reads it)."""

    root: Path | None  # the complete pattern's vintage, built end to end
    texts: dict[str, Future]
    build: Future | None


@pytest.fixture(scope="module")
def readings(request, tmp_path_factory, year_before):
    """Every reading the session's tests need, READERS_AT_ONCE patterns at a time, each in
    a process of its own, while the complete pattern is built end to end beside them."""
    items = [
        item for item in request.session.items if getattr(item, "module", None) is request.module
    ]
    wanted = {
        (item.callspec.params["edition"][0]["kind"], item.callspec.params["edition"][1])
        for item in items
        if "edition" in getattr(getattr(item, "callspec", None), "params", {})
    }
    if any(item.originalname == COMPARED for item in items):
        wanted |= {("complete", TEXT), ("complete", PUBLISHED)}
    root = None
    if {("complete", TEXT), ("complete", PUBLISHED)} & wanted:
        root = tmp_path_factory.mktemp("complete")
        make_vintage(root, PATTERNS[0], year_before)
    spawn = multiprocessing.get_context("spawn")  # a fresh process, not a fork of pytest
    with (
        ThreadPoolExecutor(max_workers=1) as side,
        ProcessPoolExecutor(max_workers=READERS_AT_ONCE, mp_context=spawn) as pool,
    ):
        build = None
        if ("complete", PUBLISHED) in wanted:
            run = partial(subprocess.run, build_command(root), capture_output=True, text=True)
            build = side.submit(run)
        texts = {}
        for gaps in PATTERNS:
            if (gaps["kind"], TEXT) not in wanted:
                continue
            if gaps["kind"] == "complete":
                texts["complete"] = pool.submit(book_markdown, root)
            else:
                folder = tmp_path_factory.mktemp("gaps")
                texts[gaps["kind"]] = pool.submit(read_pattern, folder, gaps, year_before)
        yield Readings(root, texts, build)


@pytest.fixture(scope="module")
def complete_text(readings) -> dict[str, str]:
    """The complete pattern's pages as Markdown (`book_markdown`)."""
    return readings.texts["complete"].result()


@pytest.fixture(scope="module")
def published_book(readings) -> dict[str, str]:
    """The complete pattern's book built by `volreport build`: HTML page name -> text."""
    result = readings.build.result()
    assert result.returncode == 0, result.stderr
    book = readings.root / "book" / str(YEAR)
    return {page.name: page.read_text(encoding="utf-8") for page in book.glob("*.html")}


@dataclass(frozen=True)
class Edition:
    """A synthetic year with a gap pattern, as a reader reads it."""

    gaps: dict
    texts: dict[str, str]  # every page of the book, by the name of its HTML page
    chapters: dict[str, list[str]]  # the sentences of each of CHAPTER_PAGES

    def prose(self) -> list[str]:
        return [sentence for page in CHAPTER_PAGES for sentence in self.chapters[page]]


def edition_id(edition: tuple[dict, str]) -> str:
    """'regional return' (read in process), 'complete, published book'."""
    gaps, reading = edition
    return gaps["kind"] if reading == TEXT else f"{gaps['kind']}, {reading}"


@pytest.fixture(scope="module", params=EDITIONS, ids=edition_id)
def edition(request, readings) -> Edition:
    """A synthetic year with the pattern's gaps, read from its chapters run in process
    (every pattern) or from the HTML pages of its book built end to end (the complete one)."""
    gaps, reading = request.param
    if reading == PUBLISHED:
        texts = request.getfixturevalue("published_book")
        return Edition(gaps, texts, {page: html_sentences(texts[page]) for page in CHAPTER_PAGES})
    texts = readings.texts[gaps["kind"]].result()
    return Edition(gaps, texts, {page: markdown_sentences(texts[page]) for page in CHAPTER_PAGES})


def html_sentences(text: str) -> list[str]:
    """The sentences of a page's text: paragraphs and list items, not tables or figures."""
    body = text[text.index("<article") : text.index("</article>")]
    body = re.sub(r"<(table|figure|svg)\b.*?</\1>", " ", body, flags=re.S)
    blocks = re.findall(r"<(p|li)\b[^>]*>(.*?)</\1>", body, flags=re.S)
    sentences = []
    for _, block in blocks:
        plain = html.unescape(re.sub(r"<[^>]+>", "", block))
        plain = re.sub(r"\s+", " ", plain).strip()
        sentences += [s for s in re.split(r"(?<=[.!?;:])\s+(?=[A-Z«])", plain) if s]
    return sentences


def markdown_sentences(text: str) -> list[str]:
    """`html_sentences` of a page's Markdown, made HTML by pandoc as the publisher reads it."""
    result = subprocess.run(
        [PANDOC, "--from=markdown", "--to=html5", "--wrap=none"],
        input=text.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    return html_sentences(f"<article>{result.stdout.decode('utf-8')}</article>")


def regions_named(sentence: str) -> set[str]:
    return {code for code, name in NAMES.items() if re.search(rf"\b{re.escape(name)}\b", sentence)}


def test_no_gap_is_a_dash_inside_a_sentence(edition):
    dashes = [s for s in edition.prose() if re.search(r"(^|[(+:,−-]\s*)—|—\s*($|[).,;%])", s)]
    assert not dashes, dashes[:5]


def test_gap_statements_name_exactly_the_gaps(edition):
    gaps = edition.gaps
    statements = [s for s in edition.prose() if GAP_WORDS in s]
    if gaps["kind"] == "complete":
        assert not statements, statements[:5]
        return
    if gaps["kind"].startswith("regional"):
        named = set().union(*(regions_named(s) for s in statements)) if statements else set()
        assert named == {gaps["region"]}, statements
    if gaps["kind"].startswith("national"):
        assert statements
        assert not any(regions_named(s) for s in statements), statements


# Chapters that must say a pattern's gap (others, such as the appendix, may too).
STATED_IN = {
    "regional breakdown": {"01_portrait.html"},
    "regional support level": {"03_areas.html"},
    "regional return": {
        "01_portrait.html", "02_organizations.html", "03_areas.html", "05_economic.html",
    },
    # Its total hours still come from its hours by format: only the areas chapter lacks it.
    "regional hours by area": {"03_areas.html"},
    "national figure": {"01_portrait.html"},
    "national return": {"01_portrait.html", "04_grants.html", "06_public_interest.html"},
    "empty table": {"04_grants.html"},
}  # fmt: skip


def test_each_gap_is_stated_where_its_figures_are(edition):
    stating = {
        page
        for page, sentences in edition.chapters.items()
        if any(GAP_WORDS in s for s in sentences)
    }
    assert STATED_IN.get(edition.gaps["kind"], set()) <= stating, stating


def test_an_empty_table_is_said_in_words(edition):
    if edition.gaps["kind"] != "empty table":
        pytest.skip("only for the empty-table pattern")
    grants = " ".join(edition.chapters["04_grants.html"])
    assert "project" in grants and "—" not in grants


def test_a_vintage_without_published_source_is_not_called_the_report(edition):
    # "This report" may name the publication itself; its figures are never "the report's".
    report_words = re.compile(
        r"\bReport \d{4}\b|\bthe report(?:'s|’s| itself)\b|\bpublished (report|figure|edition)"
        r"|\bthe report (states|gives|says|names|counts|notes|publishes|shows)\b|\bas published\b",
        re.I,
    )
    said = [s for s in edition.prose() if report_words.search(s)]
    assert not said, said[:5]
    for page, text in edition.texts.items():
        assert "sources/analytical-report" not in text, page
    assert "Discrepancies" not in edition.texts["methodology.html"]


def test_chapters_run_in_process_read_as_the_published_book(complete_text, published_book):
    """The in-process reading of the other patterns is the reader's: the complete year's
    chapters and appendix say, sentence for sentence, what its published pages say (a CSV
    link is named after its table or figure only once the book is numbered)."""

    def said(sentences: list[str]) -> list[str]:
        return ["(CSV link)" if DOWNLOAD_LINK.match(s) else s for s in sentences]

    for page in CHAPTER_PAGES:
        run_here = said(markdown_sentences(complete_text[page]))
        published = said(html_sentences(published_book[page]))
        assert run_here == published, page
