"""Project paths, resolved from the package location, never from the working directory."""

from __future__ import annotations

import hashlib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORT_DIR = PROJECT_ROOT / "report"
BUILD_DIR = PROJECT_ROOT / "_build"
BOOK_DIR = PROJECT_ROOT / "_book"
QUARTO_CONFIG = PROJECT_ROOT / "_quarto.yml"


def year_data_dir(year: int, data_dir: Path | str | None = None) -> Path:
    """Folder holding one year's vintage: `data_dir` if given, else `data/<year>`."""
    return Path(data_dir) if data_dir else DATA_DIR / str(year)


def year_build_dir(year: int) -> Path:
    """Scratch folder for one year's build (executed notebooks, caches, CSVs)."""
    return BUILD_DIR / str(year)


def pdf_name(year: int, language: str = "en") -> str:
    """File name of a year's PDF in one language, the same under both engines:
    `volunteering-kz-2022-ru.pdf`."""
    return f"volunteering-kz-{year}-{language}.pdf"


def language_dir(book_dir: Path, language: str) -> Path:
    """Where one language's edition is published inside a year's book folder: English at
    the top (`_book/<year>/`), every other language in a folder of its own
    (`_book/<year>/ru/`)."""
    return book_dir if language == "en" else book_dir / language


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (a data file may be large)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
