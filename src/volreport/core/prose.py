"""Computed statements: the report's sentences, rendered from templates beside the package.

Python computes values and decides nothing about wording: every sentence lives in a
Jinja2 template under `templates/<language>/<chapter>/<statement>.md`, conditioned on
what the data hold (a gap, a bound, a published source), so the text is true for any
vintage. Shared phrasing (how a gap is named, how a list of regions reads) is in
`templates/<language>/_macros.md`, imported by the statements that need it.

Templates receive numbers, never preformatted numbers: the filters below are the one
number convention of the whole report (`volreport.core.fmt`), each language's environment
formatting by that language's conventions ('139,671' in English, '139 671' in Russian).

Every value a template prints is escaped as literal Markdown (`volreport.core.markdown`):
names and texts from data files cannot act as links, HTML or shortcodes. What templates
and macros write themselves is Markdown as written; analysts' own Markdown (method notes
of edition.yml) is printed with `|safe`.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup

from volreport.core import fmt, i18n, markdown

TEMPLATES_DIR = i18n.TEMPLATES_DIR
DEFAULT_LANGUAGE = i18n.SOURCE_LANGUAGE
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


def plural(count: float | int, **forms: str) -> str:
    """The form agreeing with `count`: {{ n|plural(one="волонтер", few="волонтера",
    many="волонтеров", other="волонтера") }} (CLDR plural categories of the language)."""
    return fmt.plural(count, **forms)


FILTERS: dict[str, Callable[..., object]] = {
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
    "plural": plural,
}


def spoken_in(language: str, function: Callable[..., object]) -> Callable[..., object]:
    """`function` run in `language`, whatever the current language is."""

    def bound(*args: object, **kwargs: object) -> object:
        with i18n.speaking(language):
            return function(*args, **kwargs)

    return bound


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once per machine rather than once per process (every chapter's
    kernel renders a score of them): Jinja's cache in the user's temporary folder, each
    template kept under its path and the digest of its text. The file names also carry the
    digest of this module, which sets how templates compile (`environment`). A cache that
    cannot be written is no cache, not an error."""

    def __init__(self) -> None:
        digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
        super().__init__(pattern=f"__volreport_{digest}_%s.cache")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates() -> jinja2.BytecodeCache | None:
    """The machine's `CompiledTemplates`; None where there is no safe temporary folder."""
    try:
        return CompiledTemplates()
    except (OSError, RuntimeError):
        return None


@cache
def environment(language: str = DEFAULT_LANGUAGE) -> jinja2.Environment:
    """The template environment of one language, its filters formatting in that language;
    an undefined name is an error, not ''."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / i18n.check(language)),
        bytecode_cache=compiled_templates(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # Printed values pass through `literal`; autoescape keeps macro output as Markup.
        autoescape=True,
        finalize=literal,
    )
    env.filters.update({name: spoken_in(language, f) for name, f in FILTERS.items()})
    # The language's labels (labels.yml), one home for words such as the data statuses:
    # {{ label("statuses", c.status) }}.
    env.globals["label"] = partial(i18n.label, language=language)
    return env


def tidy(text: str) -> str:
    """Whitespace left by template conditions: no doubled spaces, no space before a stop,
    at most one blank line between paragraphs. Indentation at a line's start is kept."""
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def render(name: str, language: str | None = None, **context: Any) -> str:
    """The statement `name` ('portrait/headline') rendered with `context`, as Markdown, in
    `language` (default: the current language, `i18n.current()`).

    The context's values are whatever the template prints or tests (numbers, texts, lists,
    records, None), hence `Any`; a name the template uses and `context` lacks is an error."""
    template = environment(language or i18n.current()).get_template(f"{name}.md")
    # Joining template text to Markup HTML-escapes it ("grantees&#39;"); Markdown needs
    # none of that, and data text is Markdown-escaped already, so it stays literal.
    return tidy(html.unescape(template.render(**context)))
