"""The report's languages: which one is being written, and its words beside the code.

English is the source language: code, notebooks and `templates/en/` are written in it.
Every other language is a set of files beside them, under `templates/<language>/`:

- `labels.yml`: the furniture of the book (`book`, `site`), the notebooks' headings, leads,
  captions and alt texts by their ids, qualifier words, data statuses, and the names and
  units of the economic method's parameters. English has one
  too, the single source of the English furniture.
- `terms.yml`: a flat mapping from a reader-visible English literal of the code (a table
  header, a chart's axis or legend, a band label) to its translation. Code writes such a
  literal as `term("Volunteers")`, always with a string literal, so `code_terms()` finds
  every one of them by reading the package.

The current language is a context variable: `use("ru")` sets it (a notebook's setup does),
`with speaking("kk"): ...` sets it for a block. A word that a language lacks is an error
(`MissingTranslation`), never a silent English fallback.
"""

from __future__ import annotations

import ast
import string
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("en", "ru", "kk")  # in switcher order
SOURCE_LANGUAGE = "en"
LABEL_KINDS = (
    "book",
    "site",
    "headings",
    "leads",
    "captions",
    "alt",
    "qualifiers",
    "statuses",
    "parameters",  # the economic method's parameters (params.yml) by id
    "units",  # their units
    "parameter_values",  # how a parameter names a row of a data file
)

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = PACKAGE_DIR / "templates"

# The language of this context; None until `use` or `speaking` sets it here, then
# `_chosen` (the last `use`) applies, so a language chosen in one notebook cell holds in
# the next even where the kernel runs each cell in a fresh copy of the context.
_language: ContextVar[str | None] = ContextVar("volreport_language", default=None)
_chosen = SOURCE_LANGUAGE


class MissingTranslation(LookupError):
    """A reader-visible text that `language` lacks: `kind` ('terms', 'headings', a
    reference column...) and `key` (the English text or the id) say which."""

    def __init__(self, language: str, kind: str, key: str) -> None:
        super().__init__(language, kind, key)
        self.language = language
        self.kind = kind
        self.key = key

    def __str__(self) -> str:
        return f"no {self.language} translation of {self.kind} {self.key!r}"


def check(language: str) -> str:
    """`language` if it is one of the report's languages, else a ValueError."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
    return language


def use(language: str) -> None:
    """Write in `language` from now on (in this context and as the default elsewhere)."""
    global _chosen
    _chosen = check(language)
    _language.set(language)


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Write in `language` for the block: `with i18n.speaking("ru"): ...`."""
    token = _language.set(check(language))
    try:
        yield language
    finally:
        _language.reset(token)


def current() -> str:
    """The language being written (default: English)."""
    return _language.get() or _chosen


# libyaml's parser where PyYAML has it (the wheels do): the values of `yaml.safe_load`,
# ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """YAML text as `yaml.safe_load` reads it (the catalogues, the data's YAML files)."""
    return yaml.load(text, Loader=_YAML_LOADER)


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping")
    return data


@cache
def _catalogue(language: str, stamp: int) -> dict[str, Any]:
    return _read_yaml(TEMPLATES_DIR / language / "labels.yml")


@cache
def _terms(language: str, stamp: int) -> dict[str, str]:
    return {str(k): str(v) for k, v in _read_yaml(TEMPLATES_DIR / language / "terms.yml").items()}


def _stamp(path: Path) -> int:
    """The file's modification time: an edited catalogue is read again."""
    return path.stat().st_mtime_ns if path.exists() else 0


def catalogue(language: str | None = None) -> dict[str, Any]:
    """The parsed `templates/<language>/labels.yml` (cached); {} when there is none."""
    language = check(language or current())
    return _catalogue(language, _stamp(TEMPLATES_DIR / language / "labels.yml"))


def term_catalogue(language: str | None = None) -> dict[str, str]:
    """The parsed `templates/<language>/terms.yml` (cached); {} when there is none."""
    language = check(language or current())
    return _terms(language, _stamp(TEMPLATES_DIR / language / "terms.yml"))


def term(text: str, language: str | None = None) -> str:
    """A reader-visible literal of the code in the current language (or `language`).

    Called with a string literal, always: `term("Volunteers")`. English gives the text
    itself; another language its entry in `terms.yml`, or MissingTranslation.
    """
    language = check(language or current())
    if language == SOURCE_LANGUAGE:
        return text
    try:
        return term_catalogue(language)[text]
    except KeyError:
        raise MissingTranslation(language, "terms", text) from None


def label(kind: str, key: str, language: str | None = None) -> str:
    """A text of labels.yml in the current language (or `language`): `label("headings",
    "sec-portrait-count")`, `label("site", "download_pdf")`; MissingTranslation if absent."""
    language = check(language or current())
    value = catalogue(language).get(kind, {}) or {}
    if not isinstance(value, dict) or value.get(key) is None:
        raise MissingTranslation(language, kind, key)
    return str(value[key])


# --- alphabetical order ------------------------------------------------------------------
# Each language's alphabet, in its order (Babel has no collation): names sort by it, so
# that in Kazakh Қ follows К and Ә follows А rather than coming after Я.
ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
}
_OTHER_LETTERS = 0xF0000  # above every non-letter; a language's own letters come first


@cache
def _weights(language: str) -> dict[str, str]:
    return {
        letter: chr(_OTHER_LETTERS - 0x1000 + i) for i, letter in enumerate(ALPHABETS[language])
    }


def sort_key(text: object, language: str | None = None) -> str:
    """A key that puts texts in the alphabetical order of the current language (or
    `language`): `sorted(names, key=i18n.sort_key)`, `frame.sort_values("name",
    key=lambda column: column.map(i18n.sort_key))`.

    Letters compare by their place in the language's alphabet (ALPHABETS), whatever their
    case, before letters of other scripts (compared by their base letter: 'Ú' as 'u');
    spaces, digits and punctuation come before letters. Texts that differ only in case or
    accents keep a fixed order (the text itself decides).
    """
    weights = _weights(check(language or current()))
    primary = []
    for character in str(text).lower():
        weight = weights.get(character)
        if weight is None:
            base = unicodedata.normalize("NFKD", character)
            base = "".join(c for c in base if not unicodedata.combining(c)) or character
            weight = weights.get(base[0]) or (
                chr(_OTHER_LETTERS + min(ord(base[0]), 0xFFFF)) if base[0].isalpha() else base[0]
            )
        primary.append(weight)
    return "".join(primary) + "\0" + str(text)


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a label: 'at least {n}' -> {'n'}."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """labels.yml as dotted keys: {'site.download_pdf': 'Download PDF', ...}."""
    found: dict[str, str] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(flatten(value, f"{name}."))
        else:
            found[name] = "" if value is None else str(value)
    return found


def _term_literals(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        argument = node.args[0]
        if (
            name == "term"
            and isinstance(argument, ast.Constant)
            and isinstance(argument.value, str)
        ):
            yield argument.value


def code_terms(package_dir: Path | None = None) -> set[str]:
    """Every literal passed to `term("...")` in the package: the words each language's
    terms.yml must have."""
    found: set[str] = set()
    for path in sorted(Path(package_dir or PACKAGE_DIR).rglob("*.py")):
        found.update(_term_literals(ast.parse(path.read_text(encoding="utf-8"), str(path))))
    return found
