"""Build one year's report in every complete language: validate, run the chapter
notebooks, stage, publish, swap in atomically.

Chapters run in parallel with papermill, once per language (the notebooks' `language`
parameter). A chapter is reused, not re-run, when its notebook, the package code and
every data file it read last time have the same content hashes as then (a record per
language). Each language gets its own staged book (`<build_dir>/stage/<lang>/`: headings,
leads, captions and alt texts from labels.yml, its editorial pages and commentary, a
Kazakh page not written yet shown in Russian with a notice) and is published into one
temporary folder: English at its top, the others in `ru/` and `kk/`. That folder replaces
`_book/<year>/` in one step, only when every language succeeded.
"""

from __future__ import annotations

import dataclasses
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
from typing import Any

import yaml

from volreport.core import paths
from volreport.core.i18n import SOURCE_LANGUAGE

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
    """What happened to one chapter in one language in a build."""

    name: str
    status: str  # "executed" or "reused"
    seconds: float
    language: str = "en"


@dataclass
class BuildResult:
    """Outcome of a successful build."""

    year: int
    book_dir: Path
    outputs: list[Path]
    chapters: list[ChapterRun] = field(default_factory=list)
    seconds: float = 0.0
    up_to_date: bool = False
    languages: tuple[str, ...] = ("en",)
    skipped: dict[str, str] = field(default_factory=dict)  # language -> why


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


def tree_digest(files: Iterable[Path], root: Path = paths.PROJECT_ROOT) -> str:
    """One digest over several files: their paths (relative to `root`) and contents."""
    digest = hashlib.sha256()
    for path in sorted(set(files)):
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(f"{name}\0{paths.file_digest(path)}\0".encode())
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
        {
            "v": CACHE_VERSION,
            "nb": paths.file_digest(notebook),
            "params": parameters,
            "pkg": package,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def inputs_unchanged(recorded: dict[str, str]) -> bool:
    """True when every recorded input file still exists with the same content."""
    return all(Path(p).is_file() and paths.file_digest(Path(p)) == d for p, d in recorded.items())


# Chapter execution ---------------------------------------------------------------


def source_cell_number(executed: Path, index: int) -> int:
    """1-based number of an executed cell in the source notebook (papermill inserts a cell)."""
    import nbformat

    cells = nbformat.read(executed, as_version=4).cells[:index]
    injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells)
    return index - injected + 1


def kernel_config(folder: str) -> object:
    """Configuration for a kernel: it talks over IPC files in `folder`, a folder of its own.

    Kernels started side by side pick TCP ports at random and sometimes the same one
    ("Address already in use", then "Kernel didn't respond"); IPC files in a private,
    short-pathed folder cannot clash.
    """
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": f"{folder}/kernel"}})


@contextmanager
def private_kernel_config():
    """`kernel_config` in a temporary folder, removed afterwards."""
    folder = tempfile.mkdtemp(prefix="volreport-kernel-")
    try:
        yield kernel_config(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_papermill():
    """Import papermill in about 0.4 s instead of 1.5 s (see `fastimport`)."""
    from volreport.core.fastimport import skip_iri_grammar

    skip_iri_grammar()
    import papermill

    return papermill


# What a used kernel runs before its next chapter, so that the chapter starts as in a fresh
# kernel: a new session (empty namespace, execution count 1), no figure left open, and the
# chapter's own access log. Every name it makes is gone with the reset.
FRESH_SESSION = """\
import os as _os, matplotlib.pyplot as _plt
_os.environ[{env!r}] = {access_log!r}
_plt.close("all")
get_ipython().reset(new_session=True)
"""


class WorkerKernel:
    """The one kernel of a worker process, reused by the chapters the worker runs.

    A kernel's start and the notebook's imports (pandas, matplotlib, seaborn) take about
    two seconds, as long as a chapter's own work; a build runs six chapters in each
    language. Between chapters the kernel starts a new session (`FRESH_SESSION`); a failed
    chapter's kernel is shut down, and the next chapter gets a new one. Outputs are the same
    byte for byte as in a kernel of their own (tests/test_build.py checks).
    """

    def __init__(self) -> None:
        self.manager: Any = None  # a jupyter_client AsyncKernelManager, once started
        self.folder = ""

    def ready_for(self, access_log: str):
        """The kernel manager for the next chapter, its kernel started by papermill on first
        use (with the worker's environment, which names `access_log`)."""
        from volreport.data.dataset import ACCESS_LOG_ENV

        os.environ[ACCESS_LOG_ENV] = access_log
        if self.manager is None:
            from jupyter_client.manager import AsyncKernelManager

            self.folder = tempfile.mkdtemp(prefix="volreport-kernel-")
            self.manager = AsyncKernelManager(
                kernel_name="python3", config=kernel_config(self.folder)
            )
            return self.manager
        client = self.manager.blocking_client()
        client.start_channels()
        try:
            code = FRESH_SESSION.format(env=ACCESS_LOG_ENV, access_log=access_log)
            reply = client.execute_interactive(code, silent=True, timeout=60)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel could not start a new session: {reply['content']}")
        return self.manager

    def shut_down(self) -> None:
        """Stop the kernel (if any) and remove its IPC folder."""
        if self.manager is not None:
            from jupyter_core.utils import run_sync

            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
            self.manager = None
        shutil.rmtree(self.folder, ignore_errors=True)


_worker_kernel = WorkerKernel()


def _execute(notebook: str, output: str, parameters: dict, access_log: str, log: str) -> dict:
    """Run one notebook with papermill in this worker's kernel (in a worker process).

    Returns {"seconds": ...} and, on failure, "cell" and "error" too. The kernel's own
    messages go to the log file of the chapter that started it, papermill's to the
    chapter's, not to the terminal.
    """
    start = time.perf_counter()
    os.environ.setdefault("MPLBACKEND", "Agg")
    with open(log, "w", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 2)
    papermill = import_papermill()
    from papermill.exceptions import PapermillExecutionError

    result: dict = {}
    try:
        papermill.execute_notebook(
            notebook,
            output,
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,  # one write at the end, not one per cell
            km=_worker_kernel.ready_for(access_log),
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
    if "error" in result:
        _worker_kernel.shut_down()
    result["seconds"] = time.perf_counter() - start
    return result


def start_worker() -> None:
    """Initializer of a chapter worker: dies with the build (`die_with_parent`) and stops
    its kernel when it exits."""
    from multiprocessing.util import Finalize

    die_with_parent()
    Finalize(_worker_kernel, _worker_kernel.shut_down, exitpriority=10)


@dataclass(frozen=True)
class ChapterFiles:
    """Where one chapter's run in one language leaves its files inside `<build_dir>`."""

    executed: Path  # the executed notebook
    output_dir: Path  # the chapter's CSVs, under data/
    record: Path  # cache record: key and digests of the files read
    access_log: Path  # data files the chapter read, one path a line
    kernel_log: Path  # the kernel's own messages

    @classmethod
    def of(cls, build_dir: Path, notebook: Path, language: str = "en") -> ChapterFiles:
        """The files of `notebook`'s chapter in `language`."""
        cache = build_dir / "cache" / language
        return cls(
            executed=build_dir / "notebooks" / language / notebook.name,
            output_dir=build_dir / "chapters" / language / notebook.stem,
            record=cache / f"{notebook.stem}.json",
            access_log=cache / f"{notebook.stem}.inputs",
            kernel_log=cache / f"{notebook.stem}.log",
        )


class ChapterRunner:
    """Runs the chapters of one year, in each language, into `<build_dir>/notebooks/<lang>/`
    and `<build_dir>/chapters/<lang>/`."""

    def __init__(self, year: int, build_dir: Path, data_dir: Path | None, echo: Echo) -> None:
        self.build_dir, self.echo = build_dir, echo
        self.package = package_digest()
        self.parameters = {
            "year": year,
            "data_dir": str(data_dir) if data_dir else None,
            "build_dir": str(build_dir.parent),
        }

    def parameters_for(self, language: str) -> dict:
        """The notebook parameters of a run in `language` (papermill's `language`)."""
        return {**self.parameters, "language": language}

    def reusable(self, notebook: Path, language: str = "en") -> bool:
        """True when the chapter's last successful run in `language` is still valid."""
        from volreport.chapters import collect

        files = ChapterFiles.of(self.build_dir, notebook, language)
        saved = files.output_dir / collect.SAVED_NAME  # what `generate` reads
        if not (files.record.exists() and files.executed.exists() and saved.exists()):
            return False
        cached = json.loads(files.record.read_text(encoding="utf-8"))
        key = chapter_key(notebook, self.parameters_for(language), self.package)
        return cached.get("key") == key and inputs_unchanged(cached.get("inputs", {}))

    def run(
        self,
        notebooks: list[Path],
        jobs: int,
        force: bool,
        languages: Iterable[str] = ("en",),
    ) -> list[ChapterRun]:
        """Reuse or execute every chapter in every language; raise ChapterError on the
        first failure."""
        runs: dict[tuple[str, str], ChapterRun] = {}
        todo = []
        languages = tuple(languages)
        for language in languages:
            for notebook in notebooks:
                if not force and self.reusable(notebook, language):
                    runs[notebook.stem, language] = ChapterRun(
                        notebook.stem, "reused", 0.0, language
                    )
                    self.echo(f"  {notebook.stem:<24} {language:<3} reused      0.0 s")
                else:
                    todo.append((notebook, language))
        if todo:
            self._execute_all(todo, jobs, runs)
        return [runs[n.stem, language] for language in languages for n in notebooks]

    def _execute_all(
        self, todo: list[tuple[Path, str]], jobs: int, runs: dict[tuple[str, str], ChapterRun]
    ) -> None:
        started: dict = {}
        # "spawn": workers must not inherit the parent's threads (see `build`).
        context = multiprocessing.get_context("spawn")
        workers = max(1, min(jobs, len(todo)))
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=start_worker
        ) as pool:
            for notebook, language in todo:
                files = ChapterFiles.of(self.build_dir, notebook, language)
                files.executed.parent.mkdir(parents=True, exist_ok=True)
                files.record.parent.mkdir(parents=True, exist_ok=True)
                shutil.rmtree(files.output_dir, ignore_errors=True)
                files.output_dir.mkdir(parents=True)
                files.record.unlink(missing_ok=True)
                files.access_log.unlink(missing_ok=True)
                parameters = {
                    **self.parameters_for(language),
                    "output_dir": str(files.output_dir),
                }
                logs = (str(files.access_log), str(files.kernel_log))
                future = pool.submit(
                    _execute, str(notebook), str(files.executed), parameters, *logs
                )
                started[future] = (notebook, language)
            pending = set(started)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    (notebook, language), outcome = started[future], future.result()
                    seconds = outcome["seconds"]
                    name = f"{notebook.stem:<24} {language:<3}"
                    if "error" in outcome:
                        self.echo(f"  {name} FAILED   {seconds:6.1f} s")
                        for other in pending:
                            other.cancel()
                        executed = ChapterFiles.of(self.build_dir, notebook, language).executed
                        chapter = (
                            notebook.stem if language == "en" else f"{notebook.stem} ({language})"
                        )
                        raise ChapterError(chapter, outcome["cell"], outcome["error"], executed)
                    self._record(notebook, language)
                    runs[notebook.stem, language] = ChapterRun(
                        notebook.stem, "executed", seconds, language
                    )
                    self.echo(f"  {name} executed {seconds:6.1f} s")

    def _record(self, notebook: Path, language: str = "en") -> None:
        """Save the cache record: the key and the digest of every file the chapter read."""
        files = ChapterFiles.of(self.build_dir, notebook, language)
        log = files.access_log
        read = set(log.read_text(encoding="utf-8").splitlines()) if log.exists() else set()
        inputs = {p: paths.file_digest(Path(p)) for p in sorted(read) if Path(p).is_file()}
        key = chapter_key(notebook, self.parameters_for(language), self.package)
        payload = json.dumps({"key": key, "inputs": inputs}, indent=1)
        files.record.write_text(payload, encoding="utf-8")


# Staging and publishing ------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """What the book computes outside the notebooks, from the chapters' saved outputs."""

    indicators: list
    pages: dict[str, str]
    variables: dict[str, str]
    synthetic: bool
    # Each indicator's label in every language built (indicators.json): id -> language -> label.
    labels: dict[str, dict[str, str]] | None = None


def language_neutral(generated: dict[str, Generated]) -> Generated:
    """What indicators.json holds in every language: the English indicators, each with its
    label in every language built (`generated`: language -> that language's Generated)."""
    labels = {
        language: {indicator.id: indicator.label for indicator in found.indicators}
        for language, found in generated.items()
    }
    return dataclasses.replace(
        generated[SOURCE_LANGUAGE],
        labels={
            indicator.id: {language: labels[language][indicator.id] for language in generated}
            for indicator in generated[SOURCE_LANGUAGE].indicators
        },
    )


def load_dataset(year: int, data_dir: Path | None, language: str = "en"):
    """The year's dataset as read in `language` (edition texts are per language)."""
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking(language):
        return dataset.load_year(year, data_dir)


def generate(
    year: int,
    data_dir: Path | None,
    build_dir: Path,
    notebooks: Iterable[Path],
    language: str = "en",
    ds=None,
) -> Generated:
    """Headline indicators, generated pages (methodology, tables) and `_variables.yml`
    values, written in `language`, from what the chapters' runs in `language` saved in
    their output folders (`collect.save`): no chapter is computed here. `ds` is the
    dataset as `load_dataset` reads it, when already loaded."""
    from volreport.chapters import collect
    from volreport.core import i18n
    from volreport.data import indicators
    from volreport.publish import editorial

    chapters = []
    for notebook in notebooks:
        output_dir = ChapterFiles.of(build_dir, notebook, language).output_dir
        try:
            chapters.append(collect.load(output_dir))
        except FileNotFoundError as error:
            raise BuildError(str(error)) from None
    if ds is None:
        ds = load_dataset(year, data_dir, language)
    with i18n.speaking(language):
        headline = collect.headline_indicators(chapters)
        pages = editorial.generated_pages(ds, headline, collect.discrepancies(chapters))
        values = (
            indicators.variables(headline, year)
            | editorial.page_variables(ds)
            | collect.variables(chapters)
        )
    return Generated(headline, pages, values, ds.synthetic)


def profile_path(config: Path, language: str) -> Path:
    """A language's Quarto profile beside the book's `_quarto.yml`: `_quarto-ru.yml`."""
    return config.with_name(f"{config.stem}-{language}{config.suffix}")


def stage_config(config: Path, staged: Path, year: int, language: str = "en") -> None:
    """The book's `_quarto.yml` for one year and, for a language other than English, its
    Quarto profile `_quarto-<language>.yml` beside it (`quarto render --profile ru`).

    The PDF is named as the built-in publisher names it, so both engines give
    `volunteering-kz-<year>-<language>.pdf`. A profile gets the book's title and author in
    its language (labels `book`) and, where Quarto ships no language file (Kazakh), the
    words of Quarto's own furniture (labels `quarto`, as Quarto's `language:` option).
    """
    from volreport.core import i18n

    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw.setdefault("book", {})["output-file"] = Path(paths.pdf_name(year)).stem
    staged.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if language == i18n.SOURCE_LANGUAGE:
        return
    source = profile_path(config, language)
    if not source.is_file():
        raise BuildError(f"{source}: the Quarto profile of the {language} edition is missing")
    profile = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    profile["lang"] = language
    book = profile.setdefault("book", {})
    try:
        book["title"] = i18n.label("book", "title", language)
        book["author"] = i18n.label("book", "author", language)
    except i18n.MissingTranslation as error:
        raise BuildError(f"templates/{language}/labels.yml: {error}") from None
    book["output-file"] = Path(paths.pdf_name(year, language)).stem
    quarto_words = i18n.catalogue(language).get("quarto") or {}
    if quarto_words:
        profile["language"] = {str(key): str(value) for key, value in quarto_words.items()}
    target = profile_path(staged, language)
    target.write_text(
        yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


HEADING_LINE = re.compile(r"^#{1,6}\s.*$", re.MULTILINE)
CAPTION_OPTION = re.compile(r"^#\|\s*(?:tbl|fig)-(?:cap|alt):.*$", re.MULTILINE)
LABELLED_HEADING = re.compile(
    r"^(?P<marks>#{1,6})\s+(?P<text>.*?)\s*(?P<attributes>\{#(?P<id>[A-Za-z][\w-]*)[^}]*\})\s*$"
)
CELL_OPTION = re.compile(r"^#\|\s*(?P<key>[\w-]+):\s*(?P<value>.*)$")
CAPTION_OPTIONS = {"tbl-cap": "captions", "fig-cap": "captions", "fig-alt": "alt"}


def headings_expanded(
    text: str, variables: dict[str, str], lines: re.Pattern[str] = HEADING_LINE
) -> str:
    """`text` with `{{< var >}}` shortcodes in its headings (or other `lines`) replaced by
    their values.

    Quarto's Typst output loses everything after a heading that holds a shortcode, and its
    sidebar shows the heading unexpanded; a heading or caption computed here reads the same
    in both engines. Shortcodes elsewhere are left to the engine.
    """
    from volreport.publish.builtin import expand_shortcodes

    return lines.sub(
        lambda line: expand_shortcodes(
            line.group(0), page="heading", staging=Path("."), variables=variables
        ),
        text,
    )


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _label(kind: str, key: str, language: str, where: str) -> str | None:
    """The labels.yml text of `key` in `language`; None when English has none (the notebook's
    own English stands); a BuildError when English has one and `language` lacks it."""
    from volreport.core import i18n

    try:
        i18n.label(kind, key, i18n.SOURCE_LANGUAGE)
    except i18n.MissingTranslation:
        return None
    try:
        return i18n.label(kind, key, language)
    except i18n.MissingTranslation as error:
        raise BuildError(f"{where}: {error} (templates/{language}/labels.yml)") from None


class Localizer:
    """Writes a chapter notebook's own words in one language from labels.yml (§4 of the
    design): headings by their `{#sec-id}`, the lead paragraphs under a heading by its id
    (`leads`), `#| tbl-cap`/`fig-cap` (`captions`) and `#| fig-alt` (`alt`) by the cell's
    `#| label`. English keeps the notebook's text wherever labels.yml gives none; another
    language must have every text the notebook shows, or the build stops naming it."""

    def __init__(self, language: str, name: str) -> None:
        self.language, self.name = language, name
        self.heading: str | None = None  # id of the last heading seen
        self.lead_done = True  # the text under that heading has been written

    def markdown(self, source: str) -> str:
        lines, out = source.split("\n"), []
        index = 0
        while index < len(lines):
            line = lines[index]
            heading = LABELLED_HEADING.match(line)
            if heading:
                section = heading["id"]
                text = _label("headings", section, self.language, f"{self.name}, #{section}")
                words = text if text is not None else heading["text"]
                out.append(f"{heading['marks']} {words} {heading['attributes']}")
                self.heading, self.lead_done = section, False
                index += 1
                continue
            if not line.strip() or HEADING_LINE.match(line):
                if HEADING_LINE.match(line) and self.language != "en":
                    raise BuildError(f"{self.name}: heading without an id {{#sec-...}}: {line!r}")
                out.append(line)
                index += 1
                continue
            # A paragraph (up to the next heading): the lead of the heading above.
            end = index
            while end < len(lines) and not HEADING_LINE.match(lines[end]):
                end += 1
            chunk = lines[index:end]
            while chunk and not chunk[-1].strip():
                chunk.pop()
            out.append(self.lead("\n".join(chunk)))
            out += lines[index + len(chunk) : end]  # the blank lines after it
            index = end
        return "\n".join(out)

    def lead(self, block: str) -> str:
        section = self.heading
        text = None
        if section and not self.lead_done:
            text = _label("leads", section, self.language, f"{self.name}, lead of #{section}")
            self.lead_done = True
        if text is not None:
            return text
        if self.language != "en":
            raise BuildError(
                f"{self.name}: text with no {self.language} translation in labels.yml "
                f"(a lead goes right under a heading with an id): {block[:60]!r}"
            )
        return block

    def options(self, source: str) -> str:
        """A code cell's `#|` caption and alt options in the language."""
        lines = source.split("\n")
        count = next((n for n, line in enumerate(lines) if not line.startswith("#|")), len(lines))
        options = [CELL_OPTION.match(line) for line in lines[:count]]
        label = next(
            (o["value"].strip().strip("'\"") for o in options if o and o["key"] == "label"), None
        )
        if not label:
            return source
        for number, option in enumerate(options):
            if option and option["key"] in CAPTION_OPTIONS:
                kind = CAPTION_OPTIONS[option["key"]]
                text = _label(
                    kind, label, self.language, f"{self.name}, {option['key']} of {label}"
                )
                if text is not None:
                    quoted = json.dumps(text, ensure_ascii=False)
                    lines[number] = f"#| {option['key']}: {quoted}"
        return "\n".join(lines)


def localized_notebook(notebook: dict, language: str, name: str) -> dict:
    """`notebook` with its headings, leads, captions and alt texts in `language`."""
    localizer = Localizer(language, name)
    cells = []
    for cell in notebook.get("cells", []):
        source = _text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            cell = {**cell, "source": localizer.markdown(source)}
        elif cell.get("cell_type") == "code":
            cell = {**cell, "source": localizer.options(source)}
        cells.append(cell)
    return {**notebook, "cells": cells}


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


def staged_notebook(notebook: dict, variables: dict[str, str]) -> dict:
    """A chapter notebook as both engines read it: computed headings and captions, CSV links
    outside figure cells, sources as lists of lines."""
    notebook = download_links_detached(notebook)
    for cell in notebook["cells"]:
        source = _text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            source = headings_expanded(source, variables)
        elif cell.get("cell_type") == "code":
            source = headings_expanded(source, variables, CAPTION_OPTION)
        # As lines, the form Jupyter saves: Quarto runs a one-string source's lines together.
        cell["source"] = source.splitlines(keepends=True)
    return notebook


def fallback_notice(language: str, shown: str) -> str:
    """The one-line notice on a page shown in another language (labels `site.fallback_notice`,
    which may name that language with `{language}`)."""
    from volreport.core import i18n

    notice = i18n.label("site", "fallback_notice", language)
    name = i18n.label("book", "language_name", shown)
    return notice.format(language=name) if "{language}" in notice else notice


def with_fallback(text: str, notice: str, shown: str) -> str:
    """A Markdown page in language `shown` for another language's edition: the notice under
    its title, and its body marked as written in `shown` (for screen readers and hyphenation)."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":  # YAML front matter
        start = next((n + 1 for n in range(1, len(lines)) if lines[n].strip() == "---"), 0)
    title = next((n for n in range(start, len(lines)) if lines[n].startswith("# ")), None)
    head = lines[: title + 1] if title is not None else lines[:start]
    body = lines[title + 1 :] if title is not None else lines[start:]
    return "\n".join(
        [
            *head,
            "",
            f"::: {{.fallback-notice}}\n{notice}\n:::",
            "",
            f':::: {{lang="{shown}"}}',
            *body,
            "",
            "::::",
            "",
        ]
    )


def commentary_placer(
    report_dir: Path, pages: list[str], language: str = "en"
) -> Callable[[dict, str], dict]:
    """A function that gives a chapter notebook (and its stem, `01_portrait`) with the
    edition commentary in `language` placed (a Kazakh file not written yet: the Russian
    one, with the notice).

    `report_dir` is the year's folder of editorial pages (English; the others' below it).
    Raises BuildError for a commentary file that belongs to no chapter of the book, so
    an analyst's misnamed file is not silently left out.
    """
    from volreport.build import languages
    from volreport.publish import commentary

    stems = {Path(entry).stem for entry in pages if entry.endswith(".ipynb")}
    folder = languages.language_report_dir(report_dir, language) / commentary.COMMENTARY_DIR
    strays = sorted(p.name for p in folder.glob("*.md") if p.stem not in stems)
    if strays:
        raise BuildError(
            f"{folder}: {', '.join(strays)} belong to no chapter "
            f"(commentary files are named after the notebooks: {', '.join(sorted(stems))})"
        )

    def place(notebook: dict, stem: str) -> dict:
        name = f"{commentary.COMMENTARY_DIR}/{stem}.md"
        source, shown = languages.page_source(report_dir, language, name)
        notice = fallback_notice(language, shown) if shown else None
        try:
            return commentary.place_file(notebook, source, notice=notice, language=shown)
        except commentary.CommentaryError as error:
            raise BuildError(str(error)) from None

    return place


def stage_book(
    year: int,
    pages: list[str],
    build_dir: Path,
    generated: Generated,
    report_dir: Path | None = None,
    language: str = "en",
    neutral: Generated | None = None,
) -> Path:
    """Assemble the book in `language` as `_quarto.yml` describes it in
    `<build_dir>/stage/<language>/`.

    Editorial pages come from `report_dir` (default report/<year>/; another language's
    from its folder below it), chapters from the executed notebooks in that language,
    generated pages, `indicators.json` and `_variables.yml` from `generate`.
    """
    from volreport.build import languages
    from volreport.core import i18n
    from volreport.data import indicators

    stage = build_dir / "stage" / language
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "data").mkdir(parents=True)
    stage_config(paths.QUARTO_CONFIG, stage / "_quarto.yml", year, language)
    for relative, text in generated.pages.items():
        target = stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    report_dir = report_dir or paths.REPORT_DIR / str(year)
    place_commentary = commentary_placer(report_dir, pages, language)
    for entry in pages:
        staged = stage / entry
        staged.parent.mkdir(parents=True, exist_ok=True)
        if entry.endswith(".ipynb"):
            executed = build_dir / "notebooks" / language / staged.name
            notebook = json.loads(executed.read_text(encoding="utf-8"))
            notebook = localized_notebook(notebook, language, staged.name)
            notebook = place_commentary(notebook, staged.stem)
            notebook = staged_notebook(notebook, generated.variables)
            staged.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")
            continue
        if entry in generated.pages:
            text = generated.pages[entry]
        else:
            source, shown = languages.page_source(report_dir, language, entry)
            if not source.exists():
                raise BuildError(f"{source}: editorial page missing (see report/template/)")
            text = source.read_text(encoding="utf-8")
            if shown:
                text = with_fallback(text, fallback_notice(language, shown), shown)
        staged.write_text(headings_expanded(text, generated.variables), encoding="utf-8")
    for chapter_data in (build_dir / "chapters" / language).glob("*/data"):
        shutil.copytree(chapter_data, stage / "data", dirs_exist_ok=True)
    from volreport.publish import downloads

    with i18n.speaking(language):
        downloads.stage_downloads(stage, pages, generated.variables)  # the Data page's list
        # indicators.json is language-neutral: the English indicators of `neutral` (when
        # several languages are built) with the label in each language.
        written = neutral or generated
        indicators.write_json(
            written.indicators,
            stage / "indicators.json",
            year=year,
            synthetic=generated.synthetic,
            labels=written.labels,
        )
    (stage / "_variables.yml").write_text(
        yaml.safe_dump(generated.variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    return stage


QUARTO_FORMATS = {"html": "html", "pdf": "typst"}


def stage_books(
    year: int,
    pages: list[str],
    build_dir: Path,
    generated: dict[str, Generated],
    report_dir: Path | None,
) -> dict[str, Path]:
    """`stage_book` in each language of `generated`, all with one language-neutral
    indicators.json."""
    neutral = language_neutral(generated)
    return {
        language: stage_book(year, pages, build_dir, found, report_dir, language, neutral)
        for language, found in generated.items()
    }


def quarto_command() -> str | None:
    """The Quarto CLI: `quarto` on PATH, else the project's kit install in `.quarto/`."""
    local = paths.PROJECT_ROOT / ".quarto" / "bin" / "quarto"
    return shutil.which("quarto") or (str(local) if local.is_file() else None)


def publish_quarto(
    stage: Path, out_dir: Path, formats: Iterable[str], language: str = "en"
) -> None:
    """Render the staged book with the Quarto CLI into `out_dir`; a language other than
    English with its profile (`quarto render --profile ru`)."""
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
    if language != "en":
        command += ["--profile", language]
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
    from volreport.core import i18n

    profiles = [profile_path(paths.QUARTO_CONFIG, language) for language in i18n.LANGUAGES]
    files = [paths.QUARTO_CONFIG, *profiles, *chapter_notebooks(pages)]
    files += files_under(data_dir) + files_under(paths.REFERENCE_DIR)
    # The previous vintage feeds the year-on-year comparisons.
    files += files_under(data_dir.parent / str(year - 1))
    files += files_under(report_dir) + files_under(PACKAGE_DIR)
    payload = tree_digest(f for f in files if f.exists()) + json.dumps(options, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def choose_languages(
    year: int,
    data_folder: Path,
    report_root: Path,
    pages: list[str],
    requested: Iterable[str] | None,
    echo: Echo,
) -> tuple[tuple[str, ...], dict[str, str]]:
    """The languages to publish, in switcher order, and why any other was left out.

    Without `requested`, every publishable language (`languages.publishable`: complete,
    or lacking only Kazakh editorial pages that are shown in Russian); with it, those
    languages, each of which must be publishable. English is always published.
    """
    from volreport.build import languages
    from volreport.core import i18n

    wanted = set(requested or i18n.LANGUAGES) | {i18n.SOURCE_LANGUAGE}
    unknown = sorted(wanted - set(i18n.LANGUAGES))
    if unknown:
        raise BuildError(
            f"unknown language {', '.join(unknown)}: the report's languages are "
            f"{', '.join(i18n.LANGUAGES)}"
        )
    ordered = [language for language in i18n.LANGUAGES if language in wanted]
    found = languages.gaps(year, data_folder, report_root, ordered, pages)
    chosen, skipped = [], {}
    for language in ordered:
        items = found[language]
        if language == i18n.SOURCE_LANGUAGE or languages.publishable(items):
            chosen.append(language)
            shown = sorted({gap.item for gap in items if gap.fallback})
            if shown:
                other = languages.language_name(items[0].fallback or "")
                echo(
                    f"volreport {year}: {language}: {len(shown)} editorial file(s) not written "
                    f"yet, shown in {other}: {', '.join(shown)}"
                )
        else:
            skipped[language] = languages.summary(language, items).split(": ", 1)[-1]
    if requested and skipped:
        reasons = "; ".join(f"{language} {why}" for language, why in skipped.items())
        raise BuildError(
            f"cannot publish {', '.join(skipped)}: {reasons} "
            f"(`volreport languages --year {year}` lists each item)"
        )
    for language, why in skipped.items():
        echo(
            f"volreport {year}: {language} ({languages.language_name(language)}) skipped, "
            f"{why} (`volreport languages --year {year}` lists each item)"
        )
    return tuple(chosen), skipped


def publish_languages(
    year: int,
    stages: dict[str, Path],
    out_dir: Path,
    *,
    engine: str,
    formats: tuple[str, ...],
    pages: list[str],
    synthetic: bool,
) -> None:
    """Publish every language's staged book into one folder: English at the top, each other
    language in its own folder; then check the language switcher's links across them."""
    from volreport.core import i18n
    from volreport.publish import builtin, downloads

    chosen = tuple(stages)

    def publish_one(language: str, stage: Path) -> None:
        target = paths.language_dir(out_dir, language)
        target.mkdir(parents=True, exist_ok=True)
        if engine == "quarto":
            publish_quarto(stage, target, formats, language)
            if "html" in formats:  # the Data page links the archives; labels name sheets
                with i18n.speaking(language):
                    downloads.write_archives(
                        stage, target, year=year, pages=pages, numbers=None,
                        variables=builtin.read_variables(stage),
                    )  # fmt: skip
        else:
            builtin.publish(
                stage,
                target,
                year=year,
                formats=formats,
                synthetic=synthetic,
                language=language,
                languages=chosen,
            )

    # Side by side: one language's serial steps (Typst, the checks) fill another's gaps.
    with ThreadPoolExecutor(max_workers=len(stages)) as pool:
        published = [pool.submit(publish_one, *item) for item in stages.items()]
        for future in published:
            future.result()
    if "html" in formats:
        if engine == "quarto":
            builtin.add_language_links(out_dir, chosen)
        builtin.check_language_links(out_dir, chosen)


def check_folders(
    year: int, data_folder: Path, report_folder: Path, book_dir: Path, build_dir: Path
) -> None:
    """The year's data and editorial pages exist, and the book and build folders are the
    build's own (it replaces or rewrites them): neither may be, hold or sit inside the
    data or the editorial pages. A BuildError says what is wrong."""
    if not data_folder.is_dir():
        raise BuildError(f"no data for {year}: {data_folder} does not exist")
    if not report_folder.is_dir():
        raise BuildError(
            f"no editorial pages for {year}: {report_folder} does not exist "
            "(copy report/template/ there and write them)"
        )
    sources = {"the data": data_folder.resolve(), "the editorial pages": report_folder.resolve()}
    for option, folder in (
        ("--book-dir", book_dir.resolve()),
        ("--build-dir", build_dir.resolve()),
    ):
        for what, source in sources.items():
            if folder.is_relative_to(source) or source.is_relative_to(folder):
                raise BuildError(
                    f"{option}: the build would write {folder}, which overlaps {what} in "
                    f"{source}; choose a folder of its own"
                )


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
    languages: Iterable[str] | None = None,
    echo: Echo = print,
) -> BuildResult:
    """Build the report for `year` in every publishable language (or in `languages`, English
    always among them); see the module docstring. Raises BuildError on failure."""
    start = time.perf_counter()
    data_folder = paths.year_data_dir(year, data_dir)
    report_root = Path(report_dir) if report_dir else paths.REPORT_DIR
    report_folder = report_root / str(year)
    build_dir = (Path(build_root) if build_root else paths.BUILD_DIR) / str(year)
    book_dir = (Path(book_root) if book_root else paths.BOOK_DIR) / str(year)
    check_folders(year, data_folder, report_folder, book_dir, build_dir)
    requested = sorted(set(languages)) if languages else None
    with build_lock(book_dir, year):
        pages = book_pages()
        notebooks = chapter_notebooks(pages)
        options: dict[str, object] = {
            "formats": sorted(formats),
            "engine": engine,
            "data_dir": str(data_folder),
            "languages": requested,
        }
        # The edition's date may come from SOURCE_DATE_EPOCH (landing.edition_date).
        options["source_date_epoch"] = os.environ.get("SOURCE_DATE_EPOCH", "")
        digest = source_digest(year, data_folder, report_folder, pages, options)
        record = build_dir / "cache" / "build.json"
        last = last_build(record)
        if not force and last.get("digest") == digest:
            chosen = tuple(last.get("languages") or ("en",))
            outputs = expected_outputs(book_dir, year, formats, chosen)
            if all(p.exists() for p in outputs):
                runs = [
                    ChapterRun(n.stem, "reused", 0.0, language)
                    for language in chosen
                    for n in notebooks
                ]
                echo(f"volreport {year}: sources unchanged since the last build, nothing to do")
                seconds = time.perf_counter() - start
                return BuildResult(year, book_dir, outputs, runs, seconds, True, chosen)

        chosen, skipped = choose_languages(year, data_folder, report_root, pages, requested, echo)
        outputs = expected_outputs(book_dir, year, formats, chosen)
        echo(f"volreport {year}: validating {data_folder}")
        from volreport.data import validate

        validate.require_valid(year, data_dir, build_dir=build_dir.parent)
        echo(
            f"volreport {year}: {len(notebooks)} chapters in {len(chosen)} language(s) "
            f"({', '.join(chosen)}), {jobs or os.cpu_count()} parallel jobs"
        )
        runner = ChapterRunner(year, build_dir, data_dir, echo)
        # The parent would only wait for the kernels: it reads the dataset meanwhile, then
        # builds the generated pages from what the chapters saved (it computes none).
        with ThreadPoolExecutor(max_workers=1) as side:
            loading = {
                language: side.submit(load_dataset, year, data_dir, language) for language in chosen
            }
            runs = runner.run(notebooks, jobs or os.cpu_count() or 1, force, chosen)
            datasets = {language: future.result() for language, future in loading.items()}
        generated = {
            language: generate(year, data_dir, build_dir, notebooks, language, datasets[language])
            for language in chosen
        }
        stages = stage_books(year, pages, build_dir, generated, report_folder)
        book_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = book_dir.with_name(f".{book_dir.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            t0 = time.perf_counter()
            publish_languages(
                year,
                stages,
                tmp,
                engine=engine,
                formats=formats,
                pages=pages,
                synthetic=generated["en"].synthetic,
            )
            label = f"publish ({','.join(formats)})"
            echo(f"  {label:<28} done     {time.perf_counter() - t0:6.1f} s")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        absent = [
            str(p.relative_to(tmp))
            for p in expected_outputs(tmp, year, formats, chosen)
            if not p.exists()
        ]
        if absent:
            shutil.rmtree(tmp, ignore_errors=True)
            raise BuildError(f"the {engine} engine did not write {', '.join(absent)}")
        swap_in(tmp, book_dir)
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(
            json.dumps({"digest": digest, "languages": list(chosen)}), encoding="utf-8"
        )
        seconds = time.perf_counter() - start
        return BuildResult(year, book_dir, outputs, runs, seconds, False, chosen, skipped)


def last_build(record: Path) -> dict:
    """The record of the last successful build: its source digest and languages."""
    if not record.exists():
        return {}
    return json.loads(record.read_text(encoding="utf-8"))


def last_digest(record: Path) -> str | None:
    """The source digest of the last successful build, if any."""
    return last_build(record).get("digest")


def expected_outputs(
    book_dir: Path, year: int, formats: Iterable[str], languages: Iterable[str] = ("en",)
) -> list[Path]:
    """The files a successful build must leave, by language and format."""
    outputs = []
    for language in languages:
        folder = paths.language_dir(book_dir, language)
        by_format = {
            "html": folder / "index.html",
            "pdf": folder / paths.pdf_name(year, language),
        }
        outputs += [by_format[f] for f in formats]
    return outputs


def parse_languages(text: str | None) -> tuple[str, ...] | None:
    """`--languages en,ru` -> ('en', 'ru'); None (every complete language) when not given."""
    if not text:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


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
            languages=parse_languages(getattr(args, "languages", None)),
        )
    except Exception as error:  # chapter, validation or publishing: the message, not a traceback
        print(f"build failed: {error}\nThe previous report, if any, is untouched.", file=sys.stderr)
        return 1
    executed = sum(run.status == "executed" for run in result.chapters)
    print(
        f"Report {result.year} built in {result.seconds:.1f} s, "
        f"{', '.join(result.languages)} "
        f"({executed} chapter runs executed, {len(result.chapters) - executed} reused):"
    )
    for output in result.outputs:
        print(f"  {output}")
    return 0
