"""Build one year's report: validate, run the chapter notebooks, publish, swap in atomically.

Chapters run in parallel with papermill. A chapter is reused, not re-run, when its
notebook, the package code and every data file it read last time have the same
content hashes as then. A build writes into a temporary folder and replaces
`_book/<year>/` only when everything succeeded.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from volreport.core import paths

PACKAGE_DIR = Path(__file__).resolve().parents[1]
CACHE_VERSION = 1
Echo = Callable[[str], None]


class BuildError(Exception):
    """A build step failed; nothing was published."""


class ChapterError(BuildError):
    """A chapter notebook raised while executing."""

    def __init__(self, chapter: str, cell: str, error: str, notebook: Path) -> None:
        self.chapter, self.cell, self.error, self.notebook = chapter, cell, error, notebook
        super().__init__(
            f"chapter {chapter!r} failed in {cell}:\n  {error}\n"
            f"  executed notebook with the traceback: {notebook}"
        )


@dataclass
class ChapterRun:
    """What happened to one chapter in a build."""

    name: str
    status: str  # "executed" or "reused"
    seconds: float


@dataclass
class BuildResult:
    """Outcome of a successful build."""

    year: int
    book_dir: Path
    outputs: list[Path]
    chapters: list[ChapterRun] = field(default_factory=list)
    seconds: float = 0.0
    up_to_date: bool = False


# Book description ----------------------------------------------------------------


def book_pages(config_path: Path | None = None) -> list[str]:
    """Chapter and appendix files in book order, read from `_quarto.yml` by the publisher."""
    from volreport.publish.builtin import read_book

    book = read_book(config_path or paths.QUARTO_CONFIG)
    return [*book.chapters, *book.appendices]


def chapter_notebooks(pages: list[str]) -> list[Path]:
    """The chapter notebooks (source copies in notebooks/), in book order."""
    return [paths.NOTEBOOKS_DIR / Path(p).name for p in pages if p.endswith(".ipynb")]


# Content hashing -----------------------------------------------------------------


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (a data file may be large)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def tree_digest(files: Iterable[Path], root: Path = paths.PROJECT_ROOT) -> str:
    """One digest over several files: their paths (relative to `root`) and contents."""
    digest = hashlib.sha256()
    for path in sorted(set(files)):
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(f"{name}\0{file_digest(path)}\0".encode())
    return digest.hexdigest()


def files_under(folder: Path) -> list[Path]:
    """Every file under `folder`, ignoring caches."""
    if not folder.exists():
        return []
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]


def package_digest() -> str:
    """Digest of the package's code and assets: a change re-runs every chapter."""
    return tree_digest(files_under(PACKAGE_DIR))


def chapter_key(notebook: Path, parameters: dict, package: str) -> str:
    """Cache key of a chapter before its data inputs are considered."""
    payload = json.dumps(
        {"v": CACHE_VERSION, "nb": file_digest(notebook), "params": parameters, "pkg": package},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def inputs_unchanged(recorded: dict[str, str]) -> bool:
    """True when every recorded input file still exists with the same content."""
    return all(Path(p).is_file() and file_digest(Path(p)) == d for p, d in recorded.items())


# Chapter execution ---------------------------------------------------------------


def source_cell_number(executed: Path, index: int) -> int:
    """1-based number of an executed cell in the source notebook (papermill inserts a cell)."""
    import nbformat

    cells = nbformat.read(executed, as_version=4).cells[:index]
    injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells)
    return index - injected + 1


@contextmanager
def kernel_config():
    """Configuration for one kernel: it talks over IPC files in a folder of its own.

    Kernels started side by side pick TCP ports at random and sometimes the same one
    ("Address already in use", then "Kernel didn't respond"); IPC files in a private,
    short-pathed folder cannot clash.
    """
    from traitlets.config import Config

    folder = tempfile.mkdtemp(prefix="volreport-kernel-")
    try:
        yield Config({"KernelManager": {"transport": "ipc", "ip": f"{folder}/kernel"}})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_papermill():
    """Import papermill in about 0.4 s instead of 1.5 s (see `fastimport`)."""
    from volreport.core.fastimport import skip_iri_grammar

    skip_iri_grammar()
    import papermill

    return papermill


def _execute(notebook: str, output: str, parameters: dict, access_log: str, log: str) -> dict:
    """Run one notebook with papermill (in a worker process).

    Returns {"seconds": ...} and, on failure, "cell" and "error" too. The kernel's own
    messages go to the chapter's log file, not to the terminal.
    """
    start = time.perf_counter()
    os.environ["VOLREPORT_ACCESS_LOG"] = access_log
    os.environ.setdefault("MPLBACKEND", "Agg")
    with open(log, "w", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 2)
    papermill = import_papermill()
    from papermill.exceptions import PapermillExecutionError

    result: dict = {}
    try:
        with kernel_config() as config:
            papermill.execute_notebook(
                notebook,
                output,
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                request_save_on_cell_execute=False,  # one write at the end, not one per cell
                shutdown_kernel="immediate",  # all cells have run: no graceful wait
                config=config,
                cwd=str(paths.NOTEBOOKS_DIR),
            )
    except PapermillExecutionError as error:
        first_line = next((line for line in error.source.splitlines() if line.strip()), "")
        number = source_cell_number(Path(output), error.cell_index)
        result["cell"] = f"cell {number} of {Path(notebook).name} (`{first_line.strip()}`)"
        result["error"] = f"{error.ename}: {error.evalue}"
    except Exception as error:  # kernel died, notebook unreadable: still name the chapter
        result["cell"] = "kernel start or notebook read"
        result["error"] = f"{type(error).__name__}: {error} (kernel log: {log})"
    result["seconds"] = time.perf_counter() - start
    return result


@dataclass(frozen=True)
class ChapterFiles:
    """Where one chapter's run leaves its files inside `<build_dir>`."""

    executed: Path  # the executed notebook
    output_dir: Path  # the chapter's CSVs, under data/
    record: Path  # cache record: key and digests of the files read
    access_log: Path  # data files the chapter read, one path a line
    kernel_log: Path  # the kernel's own messages

    @classmethod
    def of(cls, build_dir: Path, notebook: Path) -> ChapterFiles:
        """The files of `notebook`'s chapter."""
        cache = build_dir / "cache"
        return cls(
            executed=build_dir / "notebooks" / notebook.name,
            output_dir=build_dir / "chapters" / notebook.stem,
            record=cache / f"{notebook.stem}.json",
            access_log=cache / f"{notebook.stem}.inputs",
            kernel_log=cache / f"{notebook.stem}.log",
        )


class ChapterRunner:
    """Runs the chapters of one year into `<build_dir>/notebooks/` and `<build_dir>/chapters/`."""

    def __init__(self, year: int, build_dir: Path, data_dir: Path | None, echo: Echo) -> None:
        self.build_dir, self.echo = build_dir, echo
        self.package = package_digest()
        self.parameters = {
            "year": year,
            "data_dir": str(data_dir) if data_dir else None,
            "build_dir": str(build_dir.parent),
        }

    def reusable(self, notebook: Path) -> bool:
        """True when the chapter's last successful run is still valid."""
        files = ChapterFiles.of(self.build_dir, notebook)
        if not (files.record.exists() and files.executed.exists() and files.output_dir.exists()):
            return False
        cached = json.loads(files.record.read_text(encoding="utf-8"))
        key = chapter_key(notebook, self.parameters, self.package)
        return cached.get("key") == key and inputs_unchanged(cached.get("inputs", {}))

    def run(self, notebooks: list[Path], jobs: int, force: bool) -> list[ChapterRun]:
        """Reuse or execute every chapter; raise ChapterError on the first failure."""
        runs: dict[str, ChapterRun] = {}
        todo = []
        for notebook in notebooks:
            if not force and self.reusable(notebook):
                runs[notebook.stem] = ChapterRun(notebook.stem, "reused", 0.0)
                self.echo(f"  {notebook.stem:<24} reused      0.0 s")
            else:
                todo.append(notebook)
        if todo:
            self._execute_all(todo, jobs, runs)
        return [runs[n.stem] for n in notebooks]

    def _execute_all(self, todo: list[Path], jobs: int, runs: dict[str, ChapterRun]) -> None:
        (self.build_dir / "notebooks").mkdir(parents=True, exist_ok=True)
        (self.build_dir / "cache").mkdir(parents=True, exist_ok=True)
        started: dict = {}
        # "spawn": workers must not inherit the parent's threads (see `build`).
        context = multiprocessing.get_context("spawn")
        workers = max(1, min(jobs, len(todo)))
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=die_with_parent
        ) as pool:
            for notebook in todo:
                files = ChapterFiles.of(self.build_dir, notebook)
                shutil.rmtree(files.output_dir, ignore_errors=True)
                files.output_dir.mkdir(parents=True)
                files.record.unlink(missing_ok=True)
                files.access_log.unlink(missing_ok=True)
                parameters = {**self.parameters, "output_dir": str(files.output_dir)}
                logs = (str(files.access_log), str(files.kernel_log))
                future = pool.submit(
                    _execute, str(notebook), str(files.executed), parameters, *logs
                )
                started[future] = notebook
            pending = set(started)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    notebook, outcome = started[future], future.result()
                    seconds = outcome["seconds"]
                    if "error" in outcome:
                        self.echo(f"  {notebook.stem:<24} FAILED   {seconds:6.1f} s")
                        for other in pending:
                            other.cancel()
                        executed = ChapterFiles.of(self.build_dir, notebook).executed
                        raise ChapterError(
                            notebook.stem, outcome["cell"], outcome["error"], executed
                        )
                    self._record(notebook)
                    runs[notebook.stem] = ChapterRun(notebook.stem, "executed", seconds)
                    self.echo(f"  {notebook.stem:<24} executed {seconds:6.1f} s")

    def _record(self, notebook: Path) -> None:
        """Save the cache record: the key and the digest of every file the chapter read."""
        files = ChapterFiles.of(self.build_dir, notebook)
        log = files.access_log
        read = set(log.read_text(encoding="utf-8").splitlines()) if log.exists() else set()
        inputs = {p: file_digest(Path(p)) for p in sorted(read) if Path(p).is_file()}
        key = chapter_key(notebook, self.parameters, self.package)
        payload = json.dumps({"key": key, "inputs": inputs}, indent=1)
        files.record.write_text(payload, encoding="utf-8")


# Staging and publishing ------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """What the book computes outside the notebooks, straight from the data."""

    indicators: list
    pages: dict[str, str]
    variables: dict[str, str]
    synthetic: bool


def generate(year: int, data_dir: Path | None) -> Generated:
    """Headline indicators, generated pages (methodology, tables) and `_variables.yml` values."""
    from volreport.chapters import collect
    from volreport.data import dataset, indicators
    from volreport.publish import editorial

    ds = dataset.load_year(year, data_dir)
    headline = collect.headline_indicators(ds)
    pages = editorial.generated_pages(ds, headline, collect.discrepancies(ds))
    values = (
        indicators.variables(headline, year) | editorial.page_variables(ds) | collect.variables(ds)
    )
    return Generated(headline, pages, values, ds.synthetic)


def stage_config(config: Path, staged: Path, year: int) -> None:
    """The book's `_quarto.yml` for one year: the PDF is named as the built-in publisher
    names it, so both engines give `volunteering-kz-<year>.pdf`."""
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw.setdefault("book", {})["output-file"] = Path(paths.pdf_name(year)).stem
    staged.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


HEADING_LINE = re.compile(r"^#{1,6}\s.*$", re.MULTILINE)


def headings_expanded(text: str, variables: dict[str, str]) -> str:
    """`text` with `{{< var >}}` shortcodes in its headings replaced by their values.

    Quarto's Typst output loses everything after a heading that holds a shortcode, and its
    sidebar shows the heading unexpanded; a heading computed here reads the same in both
    engines. Shortcodes elsewhere are left to the engine.
    """
    from volreport.publish.builtin import expand_shortcodes

    return HEADING_LINE.sub(
        lambda line: expand_shortcodes(
            line.group(0), page="heading", staging=Path("."), variables=variables
        ),
        text,
    )


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def download_links_detached(notebook: dict) -> dict:
    """Each labelled cell's CSV link moved out of the cell into a Markdown cell after it,
    with the table's notes or the chart's source line (`display.DETACHED_CLASSES`).

    A figure cell whose outputs are the figure and its link would be read by Quarto as two
    sub-figures; as a paragraph after the cell the link stays under its figure or table in
    both engines.
    """
    from volreport.chapters.display import DETACHED_CLASSES

    cells = []
    for cell in notebook.get("cells", []):
        cells.append(cell)
        if cell.get("cell_type") != "code":
            continue
        links = [
            output
            for output in cell.get("outputs", [])
            if any(
                mark in _text((output.get("data") or {}).get("text/markdown", ""))
                for mark in DETACHED_CLASSES
            )
        ]
        if links:
            cell["outputs"] = [o for o in cell["outputs"] if not any(o is link for link in links)]
            text = "\n\n".join(_text(link["data"]["text/markdown"]) for link in links)
            cells.append({"cell_type": "markdown", "metadata": {}, "source": text})
    return {**notebook, "cells": cells}


def stage_notebook(staged: Path, variables: dict[str, str]) -> None:
    """Rewrite a staged chapter notebook for both engines: computed headings, CSV links
    outside figure cells, sources as lists of lines."""
    notebook = download_links_detached(json.loads(staged.read_text(encoding="utf-8")))
    for cell in notebook["cells"]:
        source = _text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            source = headings_expanded(source, variables)
        # As lines, the form Jupyter saves: Quarto runs a one-string source's lines together.
        cell["source"] = source.splitlines(keepends=True)
    staged.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")


def commentary_placer(report_dir: Path, pages: list[str]) -> Callable[[Path], None]:
    """A function that places the edition commentary in one staged chapter notebook.

    Raises BuildError for a commentary file that belongs to no chapter of the book, so
    an analyst's misnamed file is not silently left out.
    """
    from volreport.publish import commentary

    stems = {Path(entry).stem for entry in pages if entry.endswith(".ipynb")}
    folder = report_dir / commentary.COMMENTARY_DIR
    strays = sorted(p.name for p in folder.glob("*.md") if p.stem not in stems)
    if strays:
        raise BuildError(
            f"{folder}: {', '.join(strays)} belong to no chapter "
            f"(commentary files are named after the notebooks: {', '.join(sorted(stems))})"
        )

    def place(staged: Path) -> None:
        try:
            commentary.place_in_file(staged, commentary.commentary_path(report_dir, staged))
        except commentary.CommentaryError as error:
            raise BuildError(str(error)) from None

    return place


def stage_book(
    year: int,
    pages: list[str],
    build_dir: Path,
    generated: Generated,
    report_dir: Path | None = None,
) -> Path:
    """Assemble the book as `_quarto.yml` describes it in `<build_dir>/stage/`.

    Editorial pages come from `report_dir` (default report/<year>/), chapters from the
    executed notebooks,
    generated pages, `indicators.json` and `_variables.yml` from `generate`.
    """
    from volreport.data import indicators

    stage = build_dir / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "data").mkdir(parents=True)
    stage_config(paths.QUARTO_CONFIG, stage / "_quarto.yml", year)
    for relative, text in generated.pages.items():
        target = stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    report_dir = report_dir or paths.REPORT_DIR / str(year)
    place_commentary = commentary_placer(report_dir, pages)
    for entry in pages:
        staged = stage / entry
        staged.parent.mkdir(parents=True, exist_ok=True)
        if entry.endswith(".ipynb"):
            shutil.copy2(build_dir / "notebooks" / Path(entry).name, staged)
            place_commentary(staged)
            stage_notebook(staged, generated.variables)
            continue
        if entry not in generated.pages:
            source = report_dir / entry
            if not source.exists():
                raise BuildError(f"{source}: editorial page missing (see report/template/)")
            shutil.copy2(source, staged)
        staged.write_text(
            headings_expanded(staged.read_text(encoding="utf-8"), generated.variables),
            encoding="utf-8",
        )
    for chapter_data in (build_dir / "chapters").glob("*/data"):
        shutil.copytree(chapter_data, stage / "data", dirs_exist_ok=True)
    from volreport.publish import downloads

    downloads.stage_downloads(stage, pages, generated.variables)  # the Data page's list
    indicators.write_json(
        generated.indicators, stage / "indicators.json", year=year, synthetic=generated.synthetic
    )
    (stage / "_variables.yml").write_text(
        yaml.safe_dump(generated.variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    return stage


QUARTO_FORMATS = {"html": "html", "pdf": "typst"}


def quarto_command() -> str | None:
    """The Quarto CLI: `quarto` on PATH, else the project's kit install in `.quarto/`."""
    local = paths.PROJECT_ROOT / ".quarto" / "bin" / "quarto"
    return shutil.which("quarto") or (str(local) if local.is_file() else None)


def publish_quarto(stage: Path, out_dir: Path, formats: Iterable[str]) -> None:
    """Render the staged book with the Quarto CLI into `out_dir`."""
    import subprocess

    quarto = quarto_command()
    if quarto is None:
        raise BuildError(
            "--engine quarto: no Quarto CLI (not on PATH, no .quarto/ kit); use --engine builtin"
        )
    # One render for all formats: a render per format would clear the previous one's
    # output, and `--to` takes a single format (without it Quarto renders every format).
    targets = sorted({QUARTO_FORMATS[name] for name in formats})
    command = [quarto, "render", str(stage), *(["--to", targets[0]] if len(targets) == 1 else [])]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if not line.strip().startswith("at ")]
        tail = "\n".join(lines[-15:])
        raise BuildError(f"{' '.join(command[1:])} failed:\n{tail}")
    shutil.copytree(stage / "_book", out_dir, dirs_exist_ok=True)


RENAME_EXCHANGE = 2  # renameat2(2) flag: swap two paths in one step


def exchange(new: Path, target: Path) -> bool:
    """Swap `new` and `target` atomically (Linux renameat2); False where not supported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(new), at_cwd, os.fsencode(target), RENAME_EXCHANGE)
    return result == 0


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new` so that a reader never sees half a report, nor none.

    Where the system can, the two folders are exchanged in one step; elsewhere two
    renames leave a moment without `target`.
    """
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists() and exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # now the previous report
        return
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def die_with_parent() -> None:
    """In a worker: be killed with the build, even by `kill -9` (Linux prctl), so no chapter
    runs on for a build that is gone. (Kernels stop by themselves when their parent dies.)"""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the build died before the worker asked
        os._exit(1)


PR_SET_PDEATHSIG = 1


@contextmanager
def build_lock(book_dir: Path, year: int):
    """One build per book folder and year at a time; another gets a clear BuildError."""
    import fcntl

    book_dir.parent.mkdir(parents=True, exist_ok=True)
    path = book_dir.with_name(f".{book_dir.name}.lock")
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise BuildError(
                f"another build of {year} into {book_dir.parent} is running (pid {holder}); "
                "wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# The build -----------------------------------------------------------------------


def source_digest(
    year: int, data_dir: Path, report_dir: Path, pages: list[str], options: dict
) -> str:
    """Digest of everything a build reads: a match with the last build means nothing to do."""
    files = [paths.QUARTO_CONFIG, *chapter_notebooks(pages)]
    files += files_under(data_dir) + files_under(paths.REFERENCE_DIR)
    # The previous vintage feeds the year-on-year comparisons.
    files += files_under(data_dir.parent / str(year - 1))
    files += files_under(report_dir) + files_under(PACKAGE_DIR)
    payload = tree_digest(f for f in files if f.exists()) + json.dumps(options, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def build(
    year: int,
    *,
    jobs: int | None = None,
    formats: tuple[str, ...] = ("html", "pdf"),
    force: bool = False,
    engine: str = "builtin",
    data_dir: Path | None = None,
    report_dir: Path | None = None,
    book_root: Path | None = None,
    build_root: Path | None = None,
    echo: Echo = print,
) -> BuildResult:
    """Build the report for `year`; see the module docstring. Raises BuildError on failure."""
    start = time.perf_counter()
    data_folder = paths.year_data_dir(year, data_dir)
    if not data_folder.is_dir():
        raise BuildError(f"no data for {year}: {data_folder} does not exist")
    report_folder = (Path(report_dir) if report_dir else paths.REPORT_DIR) / str(year)
    if not report_folder.is_dir():
        raise BuildError(
            f"no editorial pages for {year}: {report_folder} does not exist "
            "(copy report/template/ there and write them)"
        )
    build_dir = (Path(build_root) if build_root else paths.BUILD_DIR) / str(year)
    book_dir = (Path(book_root) if book_root else paths.BOOK_DIR) / str(year)
    with build_lock(book_dir, year):
        pages = book_pages()
        notebooks = chapter_notebooks(pages)
        options = {"formats": sorted(formats), "engine": engine, "data_dir": str(data_folder)}
        # The edition's date may come from SOURCE_DATE_EPOCH (landing.edition_date).
        options["source_date_epoch"] = os.environ.get("SOURCE_DATE_EPOCH", "")
        digest = source_digest(year, data_folder, report_folder, pages, options)
        record = build_dir / "cache" / "build.json"
        outputs = expected_outputs(book_dir, year, formats)

        if not force and last_digest(record) == digest and all(p.exists() for p in outputs):
            runs = [ChapterRun(n.stem, "reused", 0.0) for n in notebooks]
            echo(f"volreport {year}: sources unchanged since the last build, nothing to do")
            return BuildResult(year, book_dir, outputs, runs, time.perf_counter() - start, True)

        echo(f"volreport {year}: validating {data_folder}")
        from volreport.data import validate

        validate.require_valid(year, data_dir, build_dir=build_dir.parent)
        echo(f"volreport {year}: {len(notebooks)} chapters, {jobs or os.cpu_count()} parallel jobs")
        runner = ChapterRunner(year, build_dir, data_dir, echo)
        # The parent would only wait for the kernels: it computes the generated pages meanwhile.
        with ThreadPoolExecutor(max_workers=1) as side:
            pending_content = side.submit(generate, year, data_dir)
            runs = runner.run(notebooks, jobs or os.cpu_count() or 1, force)
            generated = pending_content.result()
        stage = stage_book(year, pages, build_dir, generated, report_folder)
        book_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = book_dir.with_name(f".{book_dir.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            t0 = time.perf_counter()
            if engine == "quarto":
                publish_quarto(stage, tmp, formats)
                if "html" in formats:  # the Data page links the archives; labels name sheets
                    from volreport.publish import builtin, downloads

                    downloads.write_archives(
                        stage, tmp, year=year, pages=pages, numbers=None,
                        variables=builtin.read_variables(stage),
                    )  # fmt: skip
            else:
                from volreport.publish import builtin

                builtin.publish(
                    stage, tmp, year=year, formats=formats, synthetic=generated.synthetic
                )
            label = f"publish ({','.join(formats)})"
            echo(f"  {label:<24} done     {time.perf_counter() - t0:6.1f} s")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        absent = [p.name for p in expected_outputs(tmp, year, formats) if not p.exists()]
        if absent:
            shutil.rmtree(tmp, ignore_errors=True)
            raise BuildError(f"the {engine} engine did not write {', '.join(absent)}")
        swap_in(tmp, book_dir)
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"digest": digest}), encoding="utf-8")
        return BuildResult(year, book_dir, outputs, runs, time.perf_counter() - start)


def last_digest(record: Path) -> str | None:
    """The source digest of the last successful build, if any."""
    if not record.exists():
        return None
    return json.loads(record.read_text(encoding="utf-8")).get("digest")


def expected_outputs(book_dir: Path, year: int, formats: Iterable[str]) -> list[Path]:
    """The files a successful build must leave, by format."""
    by_format = {"html": book_dir / "index.html", "pdf": book_dir / paths.pdf_name(year)}
    return [by_format[f] for f in formats]


def main_build(args) -> int:
    """`volreport build`: run the build and print per-chapter lines and a summary."""
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    try:
        result = build(
            args.year,
            jobs=args.jobs,
            formats=formats,
            force=args.force,
            engine=args.engine,
            data_dir=args.data_dir,
            report_dir=args.report_dir,
            book_root=args.book_dir,
            build_root=args.build_dir,
        )
    except Exception as error:  # chapter, validation or publishing: the message, not a traceback
        print(f"build failed: {error}\nThe previous report, if any, is untouched.", file=sys.stderr)
        return 1
    executed = sum(run.status == "executed" for run in result.chapters)
    print(
        f"Report {result.year} built in {result.seconds:.1f} s "
        f"({executed} chapters executed, {len(result.chapters) - executed} reused):"
    )
    for output in result.outputs:
        print(f"  {output}")
    return 0
