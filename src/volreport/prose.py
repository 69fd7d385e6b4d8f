"""Computed statements: the report's sentences, rendered from templates beside the package.

Python computes values and decides nothing about wording: every sentence lives in a
Jinja2 template under `templates/<language>/<chapter>/<statement>.md`, conditioned on
what the data hold (a gap, a bound, a published source), so the text is true for any
vintage. Shared phrasing (how a gap is named, how a list of regions reads) is in
`templates/<language>/_macros.md`, imported by the statements that need it.

Templates receive numbers, never preformatted numbers: the filters below are the one
number convention of the whole report (`volreport.fmt`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2

from volreport import fmt

TEMPLATES_DIR = Path(__file__).with_name("templates")
DEFAULT_LANGUAGE = "en"
_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<=\S)[ \t]+(?=[.,;:)])")
_BLANK_LINES = re.compile(r"\n{3,}")

FILTERS = {
    "number": fmt.number,
    "percent": fmt.percent,
    "signed_percent": fmt.signed_percent,
    "qualified": fmt.qualified,
    "ordinal": fmt.ordinal,
    "join_words": fmt.join_words,
    "long_date": fmt.long_date,
    "billions": fmt.billions,
    "capitalize_first": fmt.capitalize_first,
}


@cache
def environment(language: str = DEFAULT_LANGUAGE) -> jinja2.Environment:
    """The template environment of one language; an undefined name is an error, not ''."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / language),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    return env


def tidy(text: str) -> str:
    """Whitespace left by template conditions: no doubled spaces, no space before a stop,
    at most one blank line between paragraphs. Indentation at a line's start is kept."""
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def render(name: str, language: str = DEFAULT_LANGUAGE, **context: object) -> str:
    """The statement `name` ('portrait/headline') rendered with `context`, as Markdown."""
    template = environment(language).get_template(f"{name}.md")
    return tidy(template.render(**context))
