"""End to end: `volreport build` on the real 2022 data into a temporary folder.

One build per test session (the slow part, ~20 s); the tests then read what it published.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from volreport import build, paths

YEAR = 2022
VOLREPORT = str(Path(sys.executable).with_name("volreport"))


def chapter_titles() -> dict[str, str]:
    """Page stem -> title, from each page's first heading."""
    titles = {}
    for entry in build.book_pages():
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
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    command = [
        VOLREPORT,
        "build",
        "--year",
        str(YEAR),
        "--book-dir",
        str(root / "book"),
        "--build-dir",
        str(root / "build"),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root, root / "book" / str(YEAR), result.stdout, command


def test_build_reports_each_chapter_and_the_outputs(built):
    _, book, stdout, _ = built
    for notebook in build.chapter_notebooks(build.book_pages()):
        assert re.search(rf"{notebook.stem}\s+executed\s+[\d.]+ s", stdout), stdout
    assert str(book / "index.html") in stdout
    assert str(book / f"volunteering-kz-{YEAR}.pdf") in stdout


def test_every_page_is_published_with_its_title(built):
    _, book, _, _ = built
    for stem, title in chapter_titles().items():
        page = book / ("index.html" if stem == "index" else f"{stem}.html")
        assert page.exists(), page
        assert title in page.read_text(encoding="utf-8"), f"{title!r} not in {page.name}"


def test_pdf_holds_every_chapter_title(built):
    _, book, _, _ = built
    reader = PdfReader(book / f"volunteering-kz-{YEAR}.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for title in chapter_titles().values():
        assert re.sub(r"\s+", " ", title) in text, title


def test_no_code_and_no_network_in_html(built):
    _, book, _, _ = built
    for page in book.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "import volreport" not in html and "from volreport" not in html, page.name
        assert "injected-parameters" not in html, page.name
        # Outbound links to sources are fine; nothing may be *loaded* from the network.
        assert not re.search(r"""src=["']https?://""", html), page.name
        assert not re.search(r"""<link[^>]+href=["']https?://""", html), page.name


def test_data_links_resolve_and_indicators_are_published(built):
    _, book, _, _ = built
    for page in book.glob("*.html"):
        for link in re.findall(r'href="(data/[^"]+\.csv)"', page.read_text(encoding="utf-8")):
            assert (book / link).is_file(), f"{page.name}: broken link {link}"
    payload = json.loads((book / "indicators.json").read_text(encoding="utf-8"))
    ids = {entry["id"] for entry in payload["indicators"]}
    assert {"volunteers_total", "hours_total", "economic_value_kzt", "fte_equivalent"} <= ids


def test_rebuild_without_changes_does_nothing(built):
    _, _, _, command = built
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "nothing to do" in result.stdout


def test_failing_chapter_stops_build_and_keeps_last_report(built, tmp_path, monkeypatch):
    root, book, _, _ = built
    before = {p.name: p.read_bytes() for p in book.iterdir() if p.is_file()}
    broken_dir = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, broken_dir)
    victim = sorted(broken_dir.glob("*.ipynb"))[0]
    notebook = nbformat.read(victim, as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"))
    nbformat.write(notebook, victim)
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", broken_dir)

    with pytest.raises(build.ChapterError) as failure:
        build.build(YEAR, book_root=root / "book", build_root=root / "build", echo=lambda _: None)

    assert failure.value.chapter == victim.stem
    assert f"cell 4 of {victim.name}" in failure.value.cell
    assert "raise RuntimeError" in failure.value.cell
    assert "RuntimeError: deliberate failure" in failure.value.error
    assert {p.name: p.read_bytes() for p in book.iterdir() if p.is_file()} == before
