"""Fixtures shared by the test files, and the order in which xdist hands the files out."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import sessionwide

from volreport.data import dataset

VOLREPORT = str(Path(sys.executable).with_name("volreport"))
# The files that build books, the longest first. xdist starts them first (pyproject.toml
# turns off its own ordering, by number of tests), so the quick files fill both workers
# around them instead of one worker finishing a long build alone at the end.
SLOWEST_FIRST = ("test_quarto_route.py", "test_end_to_end.py", "test_gap_statements.py")
missing = [name for name in SLOWEST_FIRST if not (Path(__file__).parent / name).is_file()]
assert not missing, f"conftest.SLOWEST_FIRST names files that are gone: {missing}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return SLOWEST_FIRST.index(name) if name in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)  # stable: each file's tests keep their order


@pytest.fixture(scope="session")
def ds2022():
    """The 2022 vintage as published (data/2022), loaded once per test process."""
    return dataset.load_year(2022)


@dataclass(frozen=True)
class Book2022:
    """`volreport build --year 2022` in every language (see `book_2022`)."""

    root: Path  # build/ (the chapter runs), book/ and again/ (the two publishes)
    build: sessionwide.Run
    again: sessionwide.Run  # the same build, published into again/
    rebuild: sessionwide.Run  # the same command once more, sources unchanged

    @property
    def book(self) -> Path:
        return self.root / "book" / "2022"


def build_command(root: Path, book: str) -> list[str]:
    return [VOLREPORT, "build", "--year", "2022",
            "--book-dir", str(root / book), "--build-dir", str(root / "build")]  # fmt: skip


@pytest.fixture(scope="session")
def book_2022(tmp_path_factory) -> Book2022:
    """The 2022 report built once in the session: test_end_to_end reads the book,
    test_quarto_route publishes from its chapter runs. The same command then publishes
    it again into another folder and is run once more, for the tests of repeated builds.
    No test runs chapters in its build folder afterwards (one that breaks a chapter
    builds in a folder of its own)."""

    def make(root: Path) -> dict:
        made = {"build": sessionwide.run(build_command(root, "book"))}
        if made["build"]["returncode"] == 0:
            made["again"] = sessionwide.run(build_command(root, "again"))
            made["rebuild"] = sessionwide.run(build_command(root, "book"))
        return {"root": str(root), **made}

    made = sessionwide.once(tmp_path_factory, "book_2022", make)
    assert made["build"]["returncode"] == 0, made["build"]["stderr"]
    root = Path(made["root"])
    return Book2022(
        root=root,
        build=sessionwide.Run(**made["build"]),
        again=sessionwide.Run(**made["again"]),
        rebuild=sessionwide.Run(**made["rebuild"]),
    )
