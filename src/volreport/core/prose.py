"""Computed statements: the report's sentences, rendered from templates beside the package.

Python computes values and decides nothing about wording: every sentence lives in a
Jinja2 template under `templates/<language>/<chapter>/<statement>.md`, conditioned on
what the data hold (a gap, a bound, a published source), so the text is true for any
vintage. Shared phrasing (how a gap is named, how a list of regions reads) is in
`templates/<language>/_macros.md`, imported by the statements that need it.

Templates receive numbers, never preformatted numbers: the filters below are the one
number convention of the whole report (`volreport.core.fmt`).

Every value a template prints is escaped as literal Markdown (`volreport.core.markdown`):
names and texts from data files cannot act as links, HTML or shortcodes. What templates
and macros write themselves is Markdown as written; analysts' own Markdown (method notes
of edition.yml) is printed with `|safe`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from volreport.core import fmt, markdown

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
DEFAULT_LANGUAGE = "en"
_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<=\S)[ \t]+(?=[.,;:)])")
_BLANK_LINES = re.compile(r"\n{3,}")


def literal(value: object) -> object:
    """A printed value as literal Markdown, unless it is template-made Markup already."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return Markup(markdown.escape(value))


def join_words(items: list[object]) -> Markup:
    """`fmt.join_words` of values escaped one by one (Markup items stay as they are)."""
    return Markup(fmt.join_words([str(literal(item)) for item in items]))


def strong(text: object) -> Markup:
    """**text**, its content escaped."""
    return Markup(f"**{literal(text)}**")


def emphasis(text: object) -> Markup:
    """*text*, its content escaped."""
    return Markup(f"*{literal(text)}*")


def computed(function: Callable[..., str]) -> Callable[..., Markup]:
    """A number formatter whose output (digits, signs, units) is printed as it is."""
    return lambda *args, **kwargs: Markup(function(*args, **kwargs))


FILTERS = {
    "number": computed(fmt.number),
    "percent": computed(fmt.percent),
    "signed_percent": computed(fmt.signed_percent),
    "qualified": computed(fmt.qualified),
    "ordinal": computed(fmt.ordinal),
    "long_date": computed(fmt.long_date),
    "billions": computed(fmt.billions),
    "join_words": join_words,
    "capitalize_first": fmt.capitalize_first,
    "strong": strong,
    "emphasis": emphasis,
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
        # Printed values pass through `literal`; autoescape keeps macro output as Markup.
        autoescape=True,
        finalize=literal,
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
    # Joining template text to Markup HTML-escapes it ("grantees&#39;"); Markdown needs
    # none of that, and data text is Markdown-escaped already, so it stays literal.
    return tidy(html.unescape(template.render(**context)))
