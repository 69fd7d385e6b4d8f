"""Property test: a vintage's computed statements name exactly the gaps it has.

Synthetic vintages (no published source) are made with `volreport synth`, beside a
complete synthetic year before them (made once, shared by the patterns), with gaps put
into the regional and national returns as ingest assembles them, as an analyst's empty
cells would be; then the book is built and its chapters are read as a reader would.
Synth itself needs two kinds of figure whole (a region's volunteers, the national grant
totals), so the empty national return is written into the vintage's observations after
synth, as ingest would have stored it. For each gap pattern:

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
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from volreport.core import paths
from volreport.intake import ingest, synth

YEAR = 2089
EVENTS = 2000  # events in each synthetic year
BUILDS_AT_ONCE = 2  # books built side by side, each running one chapter at a time
NATIONAL = "KZ"
VOLREPORT = str(Path(sys.executable).with_name("volreport"))
CHAPTER_PAGES = [
    "01_portrait.html", "02_organizations.html", "03_areas.html", "04_grants.html",
    "05_economic.html", "06_public_interest.html", "methodology.html",
]  # fmt: skip
GAP_WORDS = "not available"
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
    """The build of root/data/<YEAR> into root/book, one chapter at a time (two builds run
    side by side)."""
    return [VOLREPORT, "build", "--year", str(YEAR), "--format", "html", "--jobs", "1",
            "--data-dir", str(root / "data" / str(YEAR)),
            "--report-dir", str(root / "report"), "--build-dir", str(root / "build"),
            "--book-dir", str(root / "book")]  # fmt: skip


@pytest.fixture(scope="module")
def builds(request, tmp_path_factory, year_before):
    """The books of the patterns the session runs, built two at a time while the next
    vintages are made: kind -> (future of the finished build, book folder)."""
    selected = {
        item.callspec.params["edition"]["kind"]
        for item in request.session.items
        if "edition" in getattr(getattr(item, "callspec", None), "params", {})
    }
    found = {}
    with ThreadPoolExecutor(max_workers=BUILDS_AT_ONCE) as pool:
        for gaps in PATTERNS:
            if gaps["kind"] not in selected:
                continue
            root = tmp_path_factory.mktemp("gaps")
            make_vintage(root, gaps, year_before)
            run = partial(subprocess.run, build_command(root), capture_output=True, text=True)
            found[gaps["kind"]] = (pool.submit(run), root / "book" / str(YEAR))
        yield found


@pytest.fixture(scope="module", params=PATTERNS, ids=lambda p: p["kind"])
def edition(request, builds) -> tuple[dict, Path]:
    """(pattern, published book folder) of a synthetic year with the pattern's gaps."""
    gaps = request.param
    future, book = builds[gaps["kind"]]
    result = future.result()
    assert result.returncode == 0, result.stderr
    return gaps, book


def prose(page: Path) -> list[str]:
    """The sentences of a page's text: paragraphs and list items, not tables or figures."""
    text = page.read_text(encoding="utf-8")
    body = text[text.index("<article") : text.index("</article>")]
    body = re.sub(r"<(table|figure|svg)\b.*?</\1>", " ", body, flags=re.S)
    blocks = re.findall(r"<(p|li)\b[^>]*>(.*?)</\1>", body, flags=re.S)
    sentences = []
    for _, block in blocks:
        plain = html.unescape(re.sub(r"<[^>]+>", "", block))
        plain = re.sub(r"\s+", " ", plain).strip()
        sentences += [s for s in re.split(r"(?<=[.!?;:])\s+(?=[A-Z«])", plain) if s]
    return sentences


def book_prose(book: Path) -> list[str]:
    return [sentence for page in CHAPTER_PAGES for sentence in prose(book / page)]


def regions_named(sentence: str) -> set[str]:
    return {code for code, name in NAMES.items() if re.search(rf"\b{re.escape(name)}\b", sentence)}


def test_no_gap_is_a_dash_inside_a_sentence(edition):
    _, book = edition
    dashes = [s for s in book_prose(book) if re.search(r"(^|[(+:,−-]\s*)—|—\s*($|[).,;%])", s)]
    assert not dashes, dashes[:5]


def test_gap_statements_name_exactly_the_gaps(edition):
    gaps, book = edition
    statements = [s for s in book_prose(book) if GAP_WORDS in s]
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
    "regional hours by area": {"03_areas.html", "05_economic.html"},
    "national figure": {"01_portrait.html"},
    "national return": {"01_portrait.html", "04_grants.html", "06_public_interest.html"},
    "empty table": {"04_grants.html"},
}  # fmt: skip


def test_each_gap_is_stated_where_its_figures_are(edition):
    gaps, book = edition
    stating = {page for page in CHAPTER_PAGES if any(GAP_WORDS in s for s in prose(book / page))}
    assert STATED_IN.get(gaps["kind"], set()) <= stating, stating


def test_an_empty_table_is_said_in_words(edition):
    gaps, book = edition
    if gaps["kind"] != "empty table":
        pytest.skip("only for the empty-table pattern")
    grants = " ".join(prose(book / "04_grants.html"))
    assert "project" in grants and "—" not in grants


def test_a_vintage_without_published_source_is_not_called_the_report(edition):
    _, book = edition
    # "This report" may name the publication itself; its figures are never "the report's".
    report_words = re.compile(
        r"\bReport \d{4}\b|\bthe report(?:'s|’s| itself)\b|\bpublished (report|figure|edition)"
        r"|\bthe report (states|gives|says|names|counts|notes|publishes|shows)\b|\bas published\b",
        re.I,
    )
    said = [s for s in book_prose(book) if report_words.search(s)]
    assert not said, said[:5]
    for page in book.glob("*.html"):
        assert "sources/analytical-report" not in page.read_text(encoding="utf-8"), page.name
    appendix = (book / "methodology.html").read_text(encoding="utf-8")
    assert "Discrepancies" not in appendix
