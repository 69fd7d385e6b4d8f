"""The built-in site's finishing touches: heading anchors and an offline full-text search.

The search index is a script (`assets/search-index.js`), not JSON fetched at run time, so
search works from a site opened straight from disk (file://) and needs no server or CDN.
One entry per section: page, anchor, section title and its text. Each language's edition
has its own index, beside its pages, so a reader searches the edition they read.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

SECTION_TAGS = ("h1", "h2", "h3")
TEXT_TAGS = ("p", "li", "figcaption", "caption", "td", "th", "dd", "dt", "blockquote")
HEADING = re.compile(r'(<(h[23]) id="([^"]+)"[^>]*>)(.*?)(</\2>)', re.S)
INDEX_SCRIPT = "search-index.js"


class _Sections(HTMLParser):
    """Collects (anchor, title, text) per section of a page's `<article class="page-body">`."""

    def __init__(self, title: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[dict[str, str]] = [{"anchor": "", "title": title, "text": ""}]
        self.in_body = 0
        self.heading: str | None = None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article" and "page-body" in (attributes.get("class") or ""):
            self.in_body = 1
        elif self.in_body:
            self.in_body += tag not in ("br", "img", "input", "meta", "hr", "col")
            if tag in ("script", "style", "svg"):
                self.skip += 1
            if tag in SECTION_TAGS and attributes.get("id"):
                self.sections.append({"anchor": attributes["id"], "title": "", "text": ""})
                self.heading = tag

    def handle_endtag(self, tag):
        if not self.in_body:
            return
        if tag in ("script", "style", "svg") and self.skip:
            self.skip -= 1
        if tag == self.heading:
            self.heading = None
        self.in_body -= tag not in ("br", "img", "input", "meta", "hr", "col")

    def handle_data(self, data):
        if not self.in_body or self.skip:
            return
        key = "title" if self.heading else "text"
        self.sections[-1][key] += data


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_sections(page: Path, title: str) -> list[dict[str, str]]:
    """The searchable sections of one written page."""
    parser = _Sections(title)
    parser.feed(page.read_text(encoding="utf-8"))
    sections = []
    for section in parser.sections:
        entry = {
            "page": page.name,
            "anchor": section["anchor"],
            "title": _squash(section["title"].replace("¶", "")) or title,
            "text": _squash(section["text"]),
        }
        if entry["text"] or entry["anchor"]:
            sections.append(entry)
    return sections


def with_anchor_links(text: str, label: str = "Link to this section") -> str:
    """Each `h2`/`h3` with an id gets a link to itself, shown on hover (CSS); `label` is
    what a screen reader says of it, in the page's language."""
    spoken = html.escape(label)
    return HEADING.sub(
        lambda m: (
            f'{m.group(1)}{m.group(4)}<a class="anchor" href="#{m.group(3)}" '
            f'aria-label="{spoken}">¶</a>{m.group(5)}'
        ),
        text,
    )


def finish_site(
    pages: list[tuple[Path, str]], out_dir: Path, anchor_label: str = "Link to this section"
) -> Path:
    """Add heading anchors to every (page, title) and write the search index script."""
    entries = []
    for page, title in pages:
        text = with_anchor_links(page.read_text(encoding="utf-8"), anchor_label)
        page.write_text(text, encoding="utf-8")
        entries += page_sections(page, title)
    target = out_dir / "assets" / INDEX_SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    target.write_text(f"window.VOLREPORT_SEARCH = {payload};\n", encoding="utf-8")
    return target
