"""The built-in publisher: a staged book folder -> an HTML site and a PDF.

`_quarto.yml` in the staged folder is the single source of the book's title, chapter order
and output options. Each page (Markdown, or a notebook executed by papermill) is read once
by pandoc with a Lua filter into a clean document (`volreport_read.lua`); the publisher
then numbers chapters, figures and tables across the book, and writes every HTML page and
the Typst markup of the PDF with a second filter (`volreport_write.lua`). Typst compiles
the PDF with the DejaVu fonts that matplotlib ships, which cover Kazakh Cyrillic and Latin.

Quarto's `{{< var name >}}` and `{{< include path >}}` shortcodes are expanded in the text
before pandoc reads it, the way Quarto does, so the same pages render under Quarto.

One call publishes one language's edition (`language`). Every word the publisher puts
around the book (navigation, search, cross-reference names, the PDF's title page) comes
from the language's labels.yml (`Words`), and each page carries a language switcher to
the same page in the other languages published with it (`languages`).
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import string
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from volreport.core import i18n, paths
from volreport.publish import site_search

ASSETS_DIR = Path(__file__).with_name("assets")
READ_FILTER = ASSETS_DIR / "volreport_read.lua"
WRITE_FILTER = ASSETS_DIR / "volreport_write.lua"
PAGE_TEMPLATE = ASSETS_DIR / "page.html"
TYPST_TEMPLATE = ASSETS_DIR / "book.typ"
STYLESHEET = ASSETS_DIR / "volreport.css"
SEARCH_SCRIPT = ASSETS_DIR / "search.js"

FORMATS = ("html", "pdf")
SHORTCODE = re.compile(r"\{\{<\s*([\w-]+)\s*(.*?)\s*>\}\}")
# Pandoc Markdown extensions for notebook cells, so they read like Markdown pages (Quarto).
IPYNB_FORMAT = "ipynb+" + "+".join(
    (
        "citations",
        "header_attributes",
        "bracketed_spans",
        "fenced_divs",
        "native_divs",
        "native_spans",
        "footnotes",
        "inline_notes",
        "table_captions",
        "table_attributes",
        "link_attributes",
        "implicit_figures",
        "smart",
        "definition_lists",
        "fancy_lists",
        "simple_tables",
        "grid_tables",
        "multiline_tables",
        "superscript",
        "subscript",
    )
)
# A page is text: HTML or Typst typed into it is shown as written, never passed through.
MARKDOWN_FORMAT = "markdown-raw_html-raw_attribute"
EXTERNAL_RESOURCE = re.compile(
    r"""<(?:img|script|link|iframe|source|video|audio)\b[^>]*?\b(?:src|href)=["'](?:https?:)?//"""
)
LOCAL_REFERENCE = re.compile(r"""\b(?:href|src)="([^"#:?]+)(?:[#?][^"]*)?\"""")


class PublishError(RuntimeError):
    """The book cannot be published; the message names the page and what failed."""


class Words:
    """The publisher's words in one language: labels.yml `book.<key>` and `site.<key>`.

    `words("site.previous")`; `words("site.search_none", query="x")` fills a placeholder.
    The language is explicit, never the context's, so the publisher's worker threads
    write in the edition's language.
    """

    def __init__(self, language: str = i18n.SOURCE_LANGUAGE) -> None:
        self.language = i18n.check(language)

    def __call__(self, key: str, **values: str) -> str:
        kind, name = key.split(".", 1)
        try:
            text = i18n.label(kind, name, self.language)
        except i18n.MissingTranslation as error:
            raise PublishError(f"templates/{self.language}/labels.yml: {error}") from None
        return text.format(**values) if values else text


@dataclass(frozen=True)
class Book:
    """What `_quarto.yml` says about the book."""

    title: str
    author: str
    lang: str
    chapters: tuple[str, ...]
    appendices: tuple[str, ...]
    downloads: tuple[str, ...]
    site_url: str | None
    number_sections: bool
    html: dict[str, Any]
    typst: dict[str, Any]


@dataclass
class Page:
    """One page of the book: its source, its place, and what phase 1 found in it."""

    source: str  # path inside the staging folder, as written in _quarto.yml
    stem: str  # output name: <stem>.html
    appendix: bool
    document: dict[str, Any] = field(default_factory=dict)  # pandoc JSON after phase 1
    title: str = ""
    anchor: str = ""
    unnumbered: bool = False
    label: str = ""  # "3", "A", or "" when unnumbered
    figures: list[str] = field(default_factory=list)  # fig- labels in page order
    tables: list[str] = field(default_factory=list)  # tbl- labels in page order
    sections: list[dict[str, str]] = field(default_factory=list)  # sec- labelled headings

    def number_and_title(self) -> str:
        """'3 Areas of volunteering', or the bare title of an unnumbered page."""
        return f"{self.label} {self.title}" if self.label else self.title


def _pandoc_path() -> str:
    """The pandoc binary shipped in the pypandoc_binary wheel."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def _options(value: Any, name: str) -> dict[str, Any]:
    """A format's options: `html: default` and a missing entry both mean no options."""
    if isinstance(value, dict):
        return value
    if value in (None, "default"):
        return {}
    raise PublishError(f"_quarto.yml: format.{name} must be a mapping of options or 'default'")


def merged_config(base: Any, overlay: Any) -> Any:
    """A Quarto profile merged over the project's configuration, as Quarto merges them:
    mappings key by key, lists joined (without repeats), anything else replaced."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        result = dict(base)
        for key, value in overlay.items():
            result[key] = merged_config(base[key], value) if key in base else value
        return result
    if isinstance(base, list) and isinstance(overlay, list):
        return [*base, *(item for item in overlay if item not in base)]
    return overlay


def _read_config(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PublishError(f"{path}: cannot read the book configuration: {error}") from error
    if not isinstance(raw, dict):
        raise PublishError(f"{path}: the book configuration must be a mapping")
    return raw


def read_book(config: Path, profile: str | None = None) -> Book:
    """Read a Quarto book project file (`project: type: book`) into a `Book`; with a
    `profile`, its `_quarto-<profile>.yml` beside it merged over it (when there is one),
    as `quarto render --profile <profile>` reads the book."""
    raw = _read_config(config)
    overlay = config.with_name(f"{config.stem}-{profile}{config.suffix}") if profile else None
    if overlay is not None and overlay.is_file():
        raw = merged_config(raw, _read_config(overlay))
    if (raw.get("project") or {}).get("type") != "book":
        raise PublishError(f"{config}: project.type must be 'book'")
    book = raw.get("book") or {}
    for key in ("title", "chapters"):
        if not book.get(key):
            raise PublishError(f"{config}: book.{key} is required")
    entries = [*book["chapters"], *(book.get("appendices") or [])]
    for entry in entries:
        if not isinstance(entry, str):
            raise PublishError(
                f"{config}: chapters and appendices must be file paths, found {entry!r} "
                "(parts are not supported by the built-in publisher)"
            )
    stems = [_stem(entry) for entry in entries]
    duplicates = sorted({stem for stem in stems if stems.count(stem) > 1})
    if duplicates:
        raise PublishError(f"{config}: two pages would both be published as {duplicates[0]}.html")
    formats = raw.get("format") or {}
    author = book.get("author") or ""
    return Book(
        title=str(book["title"]),
        author=", ".join(author) if isinstance(author, list) else str(author),
        lang=str(raw.get("lang") or "en"),
        chapters=tuple(book["chapters"]),
        appendices=tuple(book.get("appendices") or ()),
        downloads=tuple(book.get("downloads") or ()),
        site_url=book.get("site-url"),
        number_sections=bool(raw.get("number-sections", True)),
        html=_options(formats.get("html"), "html"),
        typst=_options(formats.get("typst", formats.get("pdf")), "typst"),
    )


def _stem(source: str) -> str:
    """Output name of a page: notebooks/01_portrait.ipynb -> 01_portrait."""
    return Path(source).stem


def read_variables(staging: Path) -> dict[str, str]:
    """`_variables.yml`: a flat map from name to formatted text (absent file: no variables)."""
    path = staging / "_variables.yml"
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise PublishError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise PublishError(f"{path}: must map variable names to values")
    nested = [name for name, value in raw.items() if isinstance(value, dict | list)]
    if nested:
        raise PublishError(f"{path}: variable {nested[0]!r} must be a single value, not a list/map")
    return {str(name): str(value) for name, value in raw.items()}


def expand_shortcodes(
    text: str,
    *,
    page: str,
    staging: Path,
    variables: dict[str, str],
    including: tuple[str, ...] = (),
) -> str:
    """Expand Quarto's `{{< include path >}}` and `{{< var name >}}` in Markdown text.

    Include paths are relative to the staging folder; included text is expanded in turn.
    An unknown variable, a missing include or any other shortcode is an error naming `page`.
    """

    def replace(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2).strip()
        if kind == "var":
            if argument not in variables:
                raise PublishError(
                    f"{page}: unknown variable {argument!r} in {{{{< var {argument} >}}}} "
                    f"(not in _variables.yml)"
                )
            return variables[argument]
        if kind == "include":
            path = (staging / argument).resolve()
            if not path.is_relative_to(staging.resolve()):
                raise PublishError(
                    f"{page}: {{{{< include {argument} >}}}}: only files of the book can be "
                    "included"
                )
            if not path.is_file():
                raise PublishError(f"{page}: {{{{< include {argument} >}}}}: no such file {path}")
            if argument in including:
                chain = " -> ".join((*including, argument))
                raise PublishError(f"{page}: includes itself: {chain}")
            return expand_shortcodes(
                path.read_text(encoding="utf-8"),
                page=f"{page} (via {argument})",
                staging=staging,
                variables=variables,
                including=(*including, argument),
            )
        raise PublishError(f"{page}: unsupported shortcode {match.group(0)!r}")

    return SHORTCODE.sub(replace, text)


def _cell_text(source: str | list[str]) -> str:
    """nbformat stores text as one string or as a list of lines."""
    return "".join(source) if isinstance(source, list) else source


def _expand_notebook(text: str, expand: Callable[[str], str]) -> str:
    """Expand shortcodes in a notebook's Markdown cells, `#|` options and Markdown outputs."""
    notebook = json.loads(text)
    for cell in notebook.get("cells", []):
        source = _cell_text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            cell["source"] = expand(source)
        elif cell.get("cell_type") == "code":
            lines = source.split("\n")
            options = next(
                (number for number, line in enumerate(lines) if not line.startswith("#|")),
                len(lines),
            )
            if options:
                cell["source"] = "\n".join([expand("\n".join(lines[:options])), *lines[options:]])
            for output in cell.get("outputs", []):
                data = output.get("data") or {}
                if "text/markdown" in data:
                    data["text/markdown"] = expand(_cell_text(data["text/markdown"]))
    return json.dumps(notebook, ensure_ascii=False)


def _run_pandoc(arguments: Sequence[str], text: str, *, what: str, cwd: Path) -> str:
    """Run pandoc on `text`; a failure or a warning is a `PublishError` naming `what`."""
    result = subprocess.run(
        [_pandoc_path(), "--fail-if-warnings", *arguments],
        input=text.encode("utf-8"),
        capture_output=True,
        cwd=cwd,
    )
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", errors="replace")
        stderr = stderr.split("\nstack traceback:")[0].strip()  # the filter's own lines
        raise PublishError(f"{what}: pandoc failed:\n{stderr}")
    return result.stdout.decode("utf-8")


def _meta_value(value: dict[str, Any]) -> Any:
    """Plain Python value of pandoc JSON metadata (strings, booleans, lists, maps)."""
    kind = value["t"]
    content: Any = value.get("c")
    if kind == "MetaMap":
        return {key: _meta_value(item) for key, item in content.items()}
    if kind == "MetaList":
        return [_meta_value(item) for item in content]
    if kind in ("MetaString", "MetaBool"):
        return content
    raise PublishError(f"unexpected metadata of kind {kind} from the read filter")


def _to_meta(value: Any) -> dict[str, Any]:
    """Pandoc JSON metadata for a plain Python value."""
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {str(key): _to_meta(item) for key, item in value.items()}}
    if isinstance(value, list | tuple):
        return {"t": "MetaList", "c": [_to_meta(item) for item in value]}
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    return {"t": "MetaString", "c": str(value)}


QUALIFIED_FIGURE = re.compile(r"\{n(?::(?P<spec>[^}]*))?\}")
LUA_MAGIC = re.compile(r"([\^$()%.\[\]*+\-?])")


def qualifier_patterns(language: str) -> str:
    """How a published number may read in a table cell in `language` with its qualifier
    words ('at least 1,200', 'не менее 1 200', '1 200-ге дейін'), for the read filter: a
    JSON list of Lua patterns, one per qualifier of labels.yml, capturing the number."""
    patterns = []
    for key in ("at_least", "at_most", "approx"):
        try:
            text = i18n.label("qualifiers", key, language)
        except i18n.MissingTranslation as error:
            raise PublishError(f"templates/{language}/labels.yml: {error}") from None
        figure = QUALIFIED_FIGURE.search(text)
        if not figure:
            continue
        before, after = text[: figure.start()], text[figure.end() :]
        # A figure in the Kazakh dative takes a suffix: '1 200-ге', '19,7 %-ға'.
        number = "(.-)%-[^%s%d]+" if figure["spec"] == "dative" else "(.-)"
        escape = lambda words: LUA_MAGIC.sub(r"%\1", words)  # noqa: E731
        patterns.append(f"^{escape(before)}{number}{escape(after)}$")
    return json.dumps(patterns, ensure_ascii=False)


def read_page(
    page: Page,
    *,
    staging: Path,
    work: Path,
    variables: dict[str, str],
    language: str = i18n.SOURCE_LANGUAGE,
) -> Page:
    """Phase 1: read one page into a clean pandoc document (shortcodes expanded)."""
    path = staging / page.source
    if not path.is_file():
        raise PublishError(f"{page.source}: listed in _quarto.yml but missing from {staging}")
    text = path.read_text(encoding="utf-8")

    def expand(part: str) -> str:
        return expand_shortcodes(part, page=page.source, staging=staging, variables=variables)

    if path.suffix == ".ipynb":
        try:
            text = _expand_notebook(text, expand)
        except json.JSONDecodeError as error:
            raise PublishError(f"{page.source}: not a notebook (invalid JSON: {error})") from error
        reader = [f"--from={IPYNB_FORMAT}", "--ipynb-output=all"]
    else:
        text = expand(text)
        reader = [f"--from={MARKDOWN_FORMAT}"]
    output = _run_pandoc(
        [
            *reader,
            "--to=json",
            f"--lua-filter={READ_FILTER}",
            f"--extract-media=media/{page.stem}",
            f"--resource-path={path.parent}{os.pathsep}{staging}",
            f"--metadata=volreport-qualifiers:{qualifier_patterns(language)}",
        ],
        text,
        what=page.source,
        cwd=work,
    )
    page.document = json.loads(output)
    meta = {
        key: _meta_value(value)
        for key, value in page.document["meta"].items()
        if key.startswith("volreport-")
    }
    page.title = meta["volreport-title"]
    page.anchor = meta["volreport-anchor"]
    page.unnumbered = meta["volreport-unnumbered"]
    page.document["meta"] = {
        key: value
        for key, value in page.document["meta"].items()
        if not key.startswith("volreport-")
    }
    page.figures = meta.get("volreport-figures", [])
    page.tables = meta.get("volreport-tables", [])
    page.sections = meta.get("volreport-sections", [])
    return page


def number_chapters(pages: Sequence[Page], *, number_sections: bool) -> None:
    """Chapters are numbered 1..N in order, appendices A, B...; unnumbered pages get no label."""
    chapter, appendix = 0, 0
    for page in pages:
        if page.unnumbered or not number_sections:
            page.label = ""
        elif page.appendix:
            page.label = string.ascii_uppercase[appendix]
            appendix += 1
        else:
            chapter += 1
            page.label = str(chapter)


def cross_references(
    pages: Sequence[Page], words: Words | None = None
) -> dict[str, dict[str, str]]:
    """Label -> {text, ref, page} for every labelled figure, table and section of the book,
    named in the edition's language (`words`). `text` names it in its caption ('Figure
    3.2', 'Рисунок 3.2'), `ref` in a sentence that refers to it (labels `site.<kind>_ref`:
    'Section 9.2', 'раздел 9.2', where a language writes such references in lower case).
    A section without a number is referred to by its title."""
    words = words or Words()

    def named(kind: str, number: str) -> tuple[str, str]:
        return words(f"site.{kind}", n=number), words(f"site.{kind}_ref", n=number)

    targets: dict[str, dict[str, str]] = {}

    def add(label: str, texts: tuple[str, str], page: Page) -> None:
        if label in targets:
            raise PublishError(
                f"{page.source}: label {label} is also used in {targets[label]['source']}"
            )
        text, ref = texts
        targets[label] = {"text": text, "ref": ref, "page": page.stem, "source": page.source}

    for page in pages:
        prefix = f"{page.label}." if page.label else ""
        for number, label in enumerate(page.figures, start=1):
            add(label, named("figure", f"{prefix}{number}"), page)
        for number, label in enumerate(page.tables, start=1):
            add(label, named("table", f"{prefix}{number}"), page)
        for section in page.sections:
            if not page.label:
                texts = (section["title"], section["title"])
            elif section["level"] == "1":
                texts = named("appendix" if page.appendix else "chapter", page.label)
            elif section["number"]:
                texts = named("section", f"{page.label}.{section['number']}")
            else:
                texts = (section["title"], section["title"])
            add(section["id"], texts, page)
    return {
        label: {"text": t["text"], "ref": t["ref"], "page": t["page"]}
        for label, t in targets.items()
    }


def _book_document(
    pages: Iterable[Page], settings: dict[str, Any], api_version: list[int]
) -> dict[str, Any]:
    """One pandoc document whose blocks are the given pages, each a `vr-page` Div."""
    pages = list(pages)
    meta = dict(pages[0].document["meta"]) if len(pages) == 1 else {}
    meta["volreport"] = _to_meta(settings)
    blocks = [
        {
            "t": "Div",
            "c": [
                ["", ["vr-page"], [["page", page.stem], ["chapter", page.label]]],
                page.document["blocks"],
            ],
        }
        for page in pages
    ]
    return {"pandoc-api-version": api_version, "meta": meta, "blocks": blocks}


def _sidebar(
    pages: Sequence[Page], current: Page, pdf_name: str | None, words: Words | None = None
) -> str:
    """The chapter list shown on every page (HTML)."""
    words = words or Words()

    def item(page: Page) -> str:
        number = f'<span class="chapter-number">{page.label}</span>' if page.label else ""
        current_mark = ' aria-current="page"' if page is current else ""
        return (
            f'<li><a href="{page.stem}.html"{current_mark}>{number}'
            f"<span>{html.escape(page.title)}</span></a></li>"
        )

    chapters = [item(page) for page in pages if not page.appendix]
    lines = ['<ul class="chapters">', *chapters, "</ul>"]
    appendices = [item(page) for page in pages if page.appendix]
    if appendices:
        part = html.escape(words("site.appendices"))
        lines += [f'<p class="sidebar-part">{part}</p>', '<ul class="appendices">']
        lines += [*appendices, "</ul>"]
    if pdf_name:
        text = html.escape(words("site.download_pdf"))
        lines.append(f'<p class="downloads"><a href="{pdf_name}">{text}</a></p>')
    return "\n".join(lines)


def _neighbour_link(page: Page | None, direction: str, words: Words | None = None) -> str:
    """The previous/next chapter link at the foot of a page (empty at either end)."""
    if page is None:
        return ""
    words = words or Words()
    text = words("site.previous" if direction == "prev" else "site.next")
    return (
        f'<a href="{page.stem}.html" rel="{direction}">'
        f'<span class="direction">{html.escape(text)}</span>'
        f"{html.escape(page.number_and_title())}</a>"
    )


def language_href(page: str, current: str, other: str) -> str:
    """A relative link from a page of the `current` language's edition to the same page in
    `other`'s: English is at the top of the year's folder, each other language in its own
    folder (`01_portrait.html` -> `ru/01_portrait.html`, `../kk/01_portrait.html`)."""
    up = "" if current == i18n.SOURCE_LANGUAGE else "../"
    down = "" if other == i18n.SOURCE_LANGUAGE else f"{other}/"
    return page if other == current else f"{up}{down}{page}"


def language_name(language: str) -> str:
    """A language's own name for itself (labels `book.language_name`: 'Русский')."""
    return Words(language)("book.language_name")


def language_switcher(page: str, current: str, languages: Sequence[str], words: Words) -> str:
    """The same page in every language published (HTML): each link says its language
    (`hreflang`, `lang`) and the current one is marked (`aria-current`)."""
    if len(languages) < 2:
        return ""
    items = []
    for language in languages:
        mark = ' aria-current="true"' if language == current else ""
        href = html.escape(language_href(page, current, language))
        # The name in full for every reader; on a phone the eye sees the code (CSS).
        items.append(
            f'<li><a href="{href}" hreflang="{language}" lang="{language}"{mark}>'
            f'<span class="language-name">{html.escape(language_name(language))}</span>'
            f'<span class="language-code" aria-hidden="true">{language.upper()}</span></a></li>'
        )
    label = html.escape(words("site.language"))
    return f'<nav class="languages" aria-label="{label}"><ul>{"".join(items)}</ul></nav>'


def language_alternates(page: str, current: str, languages: Sequence[str]) -> str:
    """`<link rel="alternate" hreflang>` for the page in every language published."""
    if len(languages) < 2:
        return ""
    return "\n".join(
        f'<link rel="alternate" hreflang="{language}" '
        f'href="{html.escape(language_href(page, current, language))}">'
        for language in languages
    )


# Words of the page template (page.html), by template variable.
PAGE_WORDS = {
    "synthetic-note": "site.synthetic",
    "show-chapters": "site.show_chapters",
    "chapters-title": "site.chapters",
    "search-label": "site.search",
    "close-label": "site.close",
    "toc-title": "site.on_this_page",
    "page-nav-label": "site.previous_next",
}


def marked_title(title: str, synthetic_note: str) -> str:
    """A title as a synthetic edition's files carry it (the HTML pages' `<title>`, the PDF's
    and the workbook's Title): followed by the banner's words (`synthetic_note`, labels.yml
    `site.synthetic`) in parentheses ('Analytical report … 2030 (Synthetic data — not
    official statistics)'), so that a bookmark, a search result or a file's properties say
    it too; without a note (real data) the title as it is."""
    return f"{title} ({synthetic_note})" if synthetic_note else title


def page_words(words: Words) -> dict[str, str]:
    """The page template's words in the edition's language (HTML-escaped)."""
    found = {name: html.escape(words(key)) for name, key in PAGE_WORDS.items()}
    found["no-results"] = html.escape(words("site.search_none", query="{query}"))
    return found


def link_words(words: Words) -> dict[str, str]:
    """What the write filter names CSV links with: the default text of a page's link and
    the name it gets ('{name} as CSV')."""
    return {"data-as-csv": words("site.data_as_csv"), "as-csv": words("site.as_csv")}


def write_html_page(
    index: int,
    pages: Sequence[Page],
    *,
    book: Book,
    year: int,
    synthetic: bool,
    xref: dict[str, dict[str, str]],
    source_pages: dict[str, dict[str, str]],
    pdf_name: str | None,
    out_dir: Path,
    work: Path,
    api_version: list[int],
    words: Words | None = None,
    languages: Sequence[str] = (i18n.SOURCE_LANGUAGE,),
) -> Path:
    """Phase 2 for one HTML page: number, link and write `<stem>.html` with sidebar, TOC
    and language switcher."""
    words = words or Words()
    page = pages[index]
    previous = pages[index - 1] if index > 0 else None
    following = pages[index + 1] if index + 1 < len(pages) else None
    settings = {"target": "html", "xref": xref, "pages": source_pages, "words": link_words(words)}
    document = _book_document([page], settings, api_version)
    target = out_dir / f"{page.stem}.html"
    toc = bool(book.html.get("toc", True))
    arguments = [
        "--from=json",
        "--to=html5",
        "--standalone",
        f"--template={PAGE_TEMPLATE}",
        f"--lua-filter={WRITE_FILTER}",
        "--mathml",
        "--wrap=none",
        f"--output={target}",
        f"--metadata=book-title:{book.title}",
        f"--metadata=author:{book.author}",
        f"--metadata=year:{year}",
        # A variable, not metadata: pandoc would look for its own translations (none for kk).
        f"--variable=lang:{book.lang}",
        "--metadata=pagetitle:"
        + marked_title(
            f"{page.number_and_title()} – {book.title} {year}",
            words("site.synthetic") if synthetic else "",
        ),
        # The page's title carries the chapter's own id: links to the chapter land on it.
        *([f"--variable=anchor:{page.anchor}"] if page.anchor else []),
        f"--variable=sidebar:{_sidebar(pages, page, pdf_name, words)}",
        f"--variable=prev:{_neighbour_link(previous, 'prev', words)}",
        f"--variable=next:{_neighbour_link(following, 'next', words)}",
        f"--variable=switcher:{language_switcher(target.name, words.language, languages, words)}",
        f"--variable=alternates:{language_alternates(target.name, words.language, languages)}",
        *(f"--variable={name}:{text}" for name, text in page_words(words).items()),
    ]
    if toc:
        arguments += ["--toc", f"--toc-depth={int(book.html.get('toc-depth', 3))}"]
    if synthetic:
        arguments.append("--variable=synthetic:true")
    _run_pandoc(arguments, json.dumps(document), what=f"{page.source} (HTML)", cwd=work)
    return target


# Quotation marks Typst does not know for a language (its smart quotes follow `lang`).
TYPST_QUOTES = {"kk": '"«»"'}
# Languages Typst hyphenates (its patterns); in a table header of another language's PDF
# the write filter puts soft hyphens at syllable boundaries of long words instead.
TYPST_HYPHENATES = {"en", "ru", "uk", "be", "de", "fr", "es", "it", "pt", "pl", "tr"}


def pdf_words(words: Words, year: int, metadata: Sequence[str]) -> dict[str, str]:
    """The PDF's own words (Markdown, read by the write filter): the title page's place,
    note on the edition (with the site's address or without), how-to-cite heading, the
    contents' title, the synthetic-data note and the running header (title and year)."""
    given = dict(item.removeprefix("--metadata=").split(":", 1) for item in metadata)
    version = given.get("software-version", "")
    built_with = words("book.built_with", version=version) if version else ""
    return {
        "place": words("book.place"),
        "contents-title": words("book.contents"),
        "synthetic-note": words("book.synthetic"),
        "running-header": words("book.running_header", year=str(year)),
        "about-title": words("book.about_edition_title"),
        "about-made": words("book.about_edition", year=str(year), built_with=built_with),
        "about-data-site": words("book.online_edition", link="{site}"),
        "about-data": words("book.data_on_site"),
        "how-to-cite-title": words("book.how_to_cite"),
    }


def _font_dir() -> Path:
    """matplotlib's DejaVu fonts: they cover Russian and Kazakh Cyrillic and Kazakh Latin.

    Found without importing matplotlib (0.3 s, and 1.5 s on a fresh install), which the
    publisher does not otherwise need: its data folder sits beside its `__init__`.
    """
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise PublishError("the PDF needs matplotlib's fonts, and matplotlib is not installed")
    return Path(spec.origin).with_name("mpl-data") / "fonts" / "ttf"


def write_pdf(
    pages: Sequence[Page],
    *,
    book: Book,
    year: int,
    synthetic: bool,
    xref: dict[str, dict[str, str]],
    source_pages: dict[str, dict[str, str]],
    target: Path,
    work: Path,
    api_version: list[int],
    metadata: Sequence[str] = (),
    words: Words | None = None,
) -> Path:
    """Phase 2 for the PDF: the whole book as Typst markup, compiled by Typst.

    `metadata`: further `--metadata=key:value` arguments (`edition_metadata`). The title
    page's and running header's words are the edition language's (`pdf_words`).
    """
    import typst

    words = words or Words()
    settings: dict[str, Any] = {
        "target": "typst",
        "xref": xref,
        "pages": source_pages,
        "words": link_words(words),
        "title-page": pdf_words(words, year, metadata),
        "soft-hyphens": book.lang not in TYPST_HYPHENATES,
    }
    if book.site_url:
        settings["site-url"] = book.site_url
    options = book.typst
    margin = options.get("margin") or {}
    arguments = [
        "--from=json",
        "--to=typst",
        "--wrap=none",
        f"--template={TYPST_TEMPLATE}",
        f"--lua-filter={WRITE_FILTER}",
        f"--metadata=book-title:{book.title}",
        f"--metadata=author:{book.author}",
        f"--metadata=year:{year}",
        f"--variable=lang:{book.lang}",
        *([f"--variable=quotes:{TYPST_QUOTES[book.lang]}"] if book.lang in TYPST_QUOTES else []),
        f"--variable=mainfont:{options.get('mainfont', 'DejaVu Sans')}",
        f"--variable=fontsize:{options.get('fontsize', '10.5pt')}",
        f"--variable=papersize:{options.get('papersize', 'a4')}",
        f"--variable=margin-x:{margin.get('x', '2.2cm')}",
        f"--variable=margin-y:{margin.get('y', '2.5cm')}",
        f"--variable=toc-depth:{int(options.get('toc-depth', 2))}",
    ]
    if options.get("toc", True):
        arguments.append("--variable=toc:true")
    if synthetic:
        arguments.append("--variable=synthetic:true")
    arguments += metadata
    document = _book_document(pages, settings, api_version)
    markup = _run_pandoc(arguments, json.dumps(document), what="the PDF (Typst markup)", cwd=work)
    source = work / "book.typ"
    source.write_text(markup, encoding="utf-8")
    try:
        typst.compile(
            str(source),
            output=str(target),
            root=str(work),
            font_paths=[str(_font_dir())],
            ignore_system_fonts=True,
        )
    except Exception as error:  # typst raises its own error types; keep the message
        raise PublishError(f"the PDF: Typst failed on the generated markup:\n{error}") from error
    return target


# The edition's identity for the PDF's title page: pandoc metadata key <- `_variables.yml`.
EDITION_METADATA = {
    "edition-date": "edition_date",
    "software-version": "software_version",
    "how-to-cite": "how_to_cite",
}


def edition_metadata(variables: dict[str, str], book: Book) -> list[str]:
    """`--metadata` arguments for the PDF: edition-date, software-version, how-to-cite (from
    the book's variables, each only when it has a value) and site-url (from _quarto.yml)."""
    found = {key: variables.get(name, "") for key, name in EDITION_METADATA.items()}
    found["site-url"] = book.site_url or ""
    return [f"--metadata={key}:{value}" for key, value in found.items() if value.strip()]


def other_language(reference: str, current: str, languages: Sequence[str]) -> bool:
    """True when a link leads into another language's edition (published beside this one,
    checked once all are: `check_language_links`)."""
    others = [language for language in languages if language != i18n.SOURCE_LANGUAGE]
    if current != i18n.SOURCE_LANGUAGE:
        return reference.startswith("../")
    return any(reference.startswith(f"{language}/") for language in others)


def check_html(
    pages: Iterable[Path],
    out_dir: Path,
    language: str = i18n.SOURCE_LANGUAGE,
    languages: Sequence[str] = (),
) -> None:
    """Every local link and image of the site resolves, and nothing loads from the network.
    Links to the other languages' editions are left to `check_language_links`."""
    for page in pages:
        text = page.read_text(encoding="utf-8")
        external = EXTERNAL_RESOURCE.search(text)
        if external:
            raise PublishError(f"{page.name}: loads a resource from the network: {external[0]}")
        for reference in LOCAL_REFERENCE.findall(text):
            if other_language(reference, language, languages):
                continue
            if not (out_dir / html.unescape(reference)).exists():
                raise PublishError(f"{page.name}: the link {reference} points to nothing")


QUARTO_MAIN = re.compile(r'<main class="content[^"]*" id="quarto-document-content">')
QUARTO_SWITCHER_STYLE = (
    "<style>.languages ul{display:flex;gap:.75rem;justify-content:flex-end;margin:0 0 1rem;"
    "padding:0;list-style:none;font-size:.9rem}.languages a[aria-current]{font-weight:600;"
    "color:inherit;text-decoration:none}.languages .language-code{display:none}</style>"
)


def add_language_links(book_dir: Path, languages: Sequence[str]) -> None:
    """The language switcher and `<link rel="alternate" hreflang>` on every page of the
    Quarto route's editions in `book_dir` (Quarto has no multilingual books: the same
    links the built-in publisher writes, put into the pages Quarto wrote)."""
    if len(languages) < 2:
        return
    for language in languages:
        folder = book_dir if language == i18n.SOURCE_LANGUAGE else book_dir / language
        words = Words(language)
        for page in sorted(folder.glob("*.html")):
            text = page.read_text(encoding="utf-8")
            main = QUARTO_MAIN.search(text)
            if not main or "</head>" not in text:
                continue
            switcher = language_switcher(page.name, language, languages, words)
            alternates = language_alternates(page.name, language, languages)
            text = f"{text[: main.end()]}\n{switcher}{text[main.end() :]}"
            text = text.replace("</head>", f"{alternates}\n{QUARTO_SWITCHER_STYLE}\n</head>", 1)
            page.write_text(text, encoding="utf-8")


SWITCHER_LINK = re.compile(r'<a href="([^"]+)" hreflang="([a-z]+)" lang="\2"')
ALTERNATE_LINK = re.compile(r'<link rel="alternate" hreflang="([a-z]+)" href="([^"]+)">')


def check_language_links(book_dir: Path, languages: Sequence[str]) -> None:
    """Every page of every language's edition in `book_dir` links the same page in each
    language (switcher and `<link rel="alternate">`), and every such link resolves."""
    for language in languages:
        folder = book_dir if language == i18n.SOURCE_LANGUAGE else book_dir / language
        for page in sorted(folder.glob("*.html")):
            text = page.read_text(encoding="utf-8")
            links = {lang: href for href, lang in SWITCHER_LINK.findall(text)}
            alternates = dict(ALTERNATE_LINK.findall(text))
            where = page.relative_to(book_dir)
            if len(languages) > 1 and (set(links) != set(languages) or links != alternates):
                raise PublishError(
                    f"{where}: the language links name {sorted(links)}, "
                    f"not the languages published ({', '.join(languages)})"
                )
            for lang, href in links.items():
                target = (page.parent / html.unescape(href)).resolve()
                if not target.is_file() or target.name != page.name:
                    raise PublishError(f"{where}: the {lang} link {href} points to nothing")


def copy_site_files(staging: Path, work: Path, out_dir: Path) -> None:
    """Stylesheet, figures, the chapters' CSVs and indicators.json, beside the HTML pages."""
    (out_dir / "assets").mkdir(exist_ok=True)
    for asset in (STYLESHEET, SEARCH_SCRIPT):
        shutil.copy2(asset, out_dir / "assets" / asset.name)
    for source, target in ((work / "media", "media"), (staging / "data", "data")):
        if source.is_dir():
            shutil.copytree(source, out_dir / target, dirs_exist_ok=True)
    if (staging / "indicators.json").is_file():
        shutil.copy2(staging / "indicators.json", out_dir / "indicators.json")


def publish(
    staging: Path,
    out_dir: Path,
    *,
    year: int,
    formats: Sequence[str] = FORMATS,
    synthetic: bool = False,
    language: str = i18n.SOURCE_LANGUAGE,
    languages: Sequence[str] | None = None,
) -> list[Path]:
    """Publish the staged book in `staging`, the edition in `language`, into `out_dir`;
    return the pages and PDF written.

    HTML: `index.html` and `<stem>.html` per page, `assets/`, `media/` (figures), `data/`
    (the chapters' CSVs) and `indicators.json`. PDF: `volunteering-kz-<year>-<language>.pdf`.
    `synthetic` puts a "Synthetic data" banner on every page and on the PDF. `languages`:
    every language published beside this one (for the switcher; default: this one).
    Raises `PublishError` naming the page and the failure; `out_dir` is then incomplete.
    """
    with i18n.speaking(language):
        return _publish(
            staging,
            out_dir,
            year=year,
            formats=formats,
            synthetic=synthetic,
            language=language,
            languages=tuple(languages or (language,)),
        )


def _publish(
    staging: Path,
    out_dir: Path,
    *,
    year: int,
    formats: Sequence[str],
    synthetic: bool,
    language: str,
    languages: Sequence[str],
) -> list[Path]:
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise PublishError(f"formats must be among {FORMATS}, got {tuple(formats)}")
    staging, out_dir = Path(staging).resolve(), Path(out_dir).resolve()
    words = Words(language)
    profile = None if language == i18n.SOURCE_LANGUAGE else language
    book = read_book(staging / "_quarto.yml", profile)
    if book.lang != language:  # the edition's language, whatever its profile says
        book = replace(book, lang=language)
    variables = read_variables(staging)
    pages = [Page(source, _stem(source), False) for source in book.chapters]
    pages += [Page(source, _stem(source), True) for source in book.appendices]
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_name = paths.pdf_name(year, language)
    linked_pdf = pdf_name if "pdf" in formats and "pdf" in book.downloads else None

    with (
        tempfile.TemporaryDirectory(prefix="volreport-publish-") as scratch,
        ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool,
    ):
        work = Path(scratch)
        list(
            pool.map(
                lambda page: read_page(
                    page, staging=staging, work=work, variables=variables, language=language
                ),
                pages,
            )
        )
        number_chapters(pages, number_sections=book.number_sections)
        xref = cross_references(pages, words)
        source_pages = {page.source: {"page": page.stem, "anchor": page.anchor} for page in pages}
        api_version = pages[0].document["pandoc-api-version"]
        common = {
            "book": book,
            "year": year,
            "synthetic": synthetic,
            "xref": xref,
            "source_pages": source_pages,
            "work": work,
            "api_version": api_version,
            "words": words,
        }
        pdf = None
        if "pdf" in formats:
            metadata = edition_metadata(variables, book)
            pdf = pool.submit(
                write_pdf, pages, target=out_dir / pdf_name, metadata=metadata, **common
            )
        written: list[Path] = []
        if "html" in formats:
            html_pages = list(
                pool.map(
                    lambda index: write_html_page(
                        index,
                        pages,
                        pdf_name=linked_pdf,
                        out_dir=out_dir,
                        languages=languages,
                        **common,
                    ),
                    range(len(pages)),
                )
            )
            copy_site_files(staging, work, out_dir)
            site_search.finish_site(
                [
                    (path, page.number_and_title())
                    for path, page in zip(html_pages, pages, strict=True)
                ],
                out_dir,
                anchor_label=words("site.section_link"),
            )
            written += html_pages
        if pdf is not None:
            written.append(pdf.result())
        if "html" in formats:
            from volreport.publish import downloads

            downloads.write_archives(
                staging,
                out_dir,
                year=year,
                pages=[page.source for page in pages],
                numbers={label: entry["text"] for label, entry in xref.items()},
                variables=variables,
                title=book.title,
                author=book.author,
                synthetic_note=words("site.synthetic") if synthetic else "",
            )
            # After the PDF and archives: the pages link them.
            check_html(html_pages, out_dir, language, languages)
    return written
