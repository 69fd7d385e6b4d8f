"""Number formatting for prose and tables, one convention for the whole report.

Every function writes in the current language (`volreport.core.i18n.current()`), by its
CLDR conventions through Babel: '139,671', '54.0%', '1 January 2023' in English;
'139 671', '19,7 %', '1 января 2023 г.' in Russian (the spaces are no-break spaces, as
CLDR has them). A negative number has the minus sign of print, '−46' (MINUS; CLDR has an
ASCII hyphen-minus in these languages); the number columns of the CSV downloads and the
data files keep a plain '-46' (they are not written here). Rounding is Python's, the same
in every language, so a figure never differs between two editions by its last digit. The
words around numbers (qualifiers, 'billion KZT', 'and') are in
`templates/<language>/labels.yml`: all number wording of the report is here, no other
module formats billions or qualifier words.
"""

from __future__ import annotations

import datetime
import re
import string
from functools import cache

from babel import Locale, dates

from volreport.core import i18n

GAP = "—"  # a missing value: an em dash, so gaps stay visible
MINUS = "\u2212"
QUALIFIERS = ("exact", "at_least", "at_most", "approx")
# Long dates: English keeps the report's '1 January 2023' (CLDR en has 'January 1, 2023').
LONG_DATE_FORMAT = {"en": "d MMMM y"}


def locale(language: str | None = None) -> Locale:
    """The Babel locale of `language` (default: the current one)."""
    return _locale(language or i18n.current())


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def separators() -> tuple[str, str]:
    """The current language's (thousands, decimal) separators: (',', '.') in English,
    (no-break space, ',') in Russian and Kazakh."""
    symbols = locale(i18n.current()).number_symbols["latn"]
    return symbols["group"], symbols["decimal"]


def _localize(text: str) -> str:
    """Python's '1,234.5' in the current language's separators ('1 234,5' in Russian)."""
    group, decimal = separators()
    return text.translate({ord(","): "\0", ord("."): decimal}).replace("\0", group)


def _missing(value: object) -> bool:
    """None, NaN, or pandas' NA (a missing value of a nullable column, as data frames give
    them): the values that are not equal to themselves."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas' NA: its comparisons are NA, which has no truth value
        return True


def _signed(text: str) -> str:
    """A formatted number with the minus sign of print: '-46' -> '−46'. CLDR's en, ru and
    kk have the ASCII hyphen-minus; the report prints U+2212 in every language."""
    return text.replace("-", MINUS, 1) if text.startswith("-") else text


def _rounded(value: float | int, decimals: int) -> float | int:
    """`value`, or 0 when it rounds to zero at `decimals` places: never '−0' or '−0.0'."""
    return 0 if round(value, decimals) == 0 else value


def number(value: float | int | None, decimals: int = 0, *, grouped: bool = True) -> str:
    """Thousands grouped, `decimals` places: 139671 -> '139,671' ('139 671' in Russian);
    `grouped=False` without separators (a year). A negative number has a minus sign:
    -46 -> '−46'.

    A missing value is written as an em dash, so gaps stay visible.
    """
    if value is None or _missing(value):
        return GAP
    group = "," if grouped else ""
    return _signed(_localize(f"{_rounded(value, decimals):{group}.{decimals}f}"))


def _percent_sign(text: str) -> str:
    """A number's text with the language's percent sign: '54.0%', '19,7 %'."""
    pattern = locale(i18n.current()).percent_formats[None]
    return pattern.prefix[0] + text + pattern.suffix[0]


def percent(value: float | None, decimals: int = 1) -> str:
    """A percentage already on the 0-100 scale: 54.0 -> '54.0%' ('54,0 %' in Russian),
    -5.2 -> '−5.2%'."""
    if value is None or _missing(value):
        return GAP
    return _percent_sign(_signed(_localize(f"{_rounded(value, decimals):.{decimals}f}")))


def signed_percent(value: float | None, decimals: int = 0) -> str:
    """A change in percent with its sign: 19.7 -> '+20%', -46 -> '−46%'."""
    if _missing(value):
        return GAP
    return _percent_sign(_signed(_localize(f"{value:+.{decimals}f}")))


def words(key: str) -> str:
    """A number word of the current language's labels (`numbers` section)."""
    return i18n.label("numbers", key)


def qualifier_template(qualifier: object) -> str:
    """The current language's pattern of a qualified figure: 'at least {n}', '{n}'."""
    key = "exact" if qualifier is None or qualifier != qualifier else str(qualifier or "exact")
    if key not in QUALIFIERS:
        return "{n}"
    return i18n.label("qualifiers", key)


def qualify(text: str, qualifier: object) -> str:
    """A formatted figure with its qualifier's words: ('174,000', 'at_least') ->
    'at least 174,000'; in Kazakh the words may follow it ('174 000-ға дейін')."""
    return string.Formatter().vformat(qualifier_template(qualifier), (), {"n": Spoken(text)})


def qualified(value: float | str | None, qualifier: str = "exact", decimals: int = 0) -> str:
    """A number with its published qualifier: ('at_least', 174000) -> 'at least 174,000'.

    A text (a figure formatted already, '2.6 billion KZT') takes the words as it is.
    """
    text = value if isinstance(value, str) else number(value, decimals)
    return qualify(text, qualifier)


def qualifier_words() -> dict[str, str]:
    """Each qualifier's words alone, with a space after them: {'at_least': 'at least ',
    ..., 'exact': ''} (in Kazakh 'up to' is 'дейін ', which follows the figure)."""
    found = {}
    for key in QUALIFIERS:
        fields = string.Formatter().parse(qualifier_template(key))
        text = " ".join("".join(part for part, *_ in fields).split())
        found[key] = f"{text} " if text else ""
    return found


def ordinal(value: int) -> str:
    """An ordinal with thousands separators: 141 -> '141st' ('141-й', '141-ші')."""
    language = i18n.current()
    if language == "ru":
        return f"{number(value)}-й"
    if language == "kk":
        return f"{number(value)}-{'ші' if kk_last_word(value)[0] else 'шы'}"
    suffix = (
        "th" if value % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    )
    return f"{value:,}{suffix}"


def join_words(items: list[str]) -> str:
    """Items as prose: '', 'a', 'a and b', 'a, b and c' ('a, b и c', 'a, b және c')."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {words('and')} " + items[-1]


def shown_decimals(value: float, most: int = 3) -> int:
    """The decimals a round figure is written with, up to `most`: 2.6 -> 1, 7.0 -> 0,
    0.71 -> 2, 2.5552904 -> 3 (a published figure keeps the decimals it has)."""
    return next(d for d in range(most + 1) if round(value, d) == round(value, most))


def billions(value: float | None, decimals: int | None = 2) -> str:
    """Tenge in billions: 2_555_290_413 -> '2.56 billion KZT' ('2,56 млрд тенге').

    `decimals=None` keeps only the decimals the value has, up to three (`shown_decimals`):
    2.6e9 -> '2.6 billion KZT', as a published round figure is written.
    """
    if value is None or _missing(value):
        return GAP
    scaled = value / 1e9
    return words("billions").format(
        n=number(scaled, shown_decimals(scaled) if decimals is None else decimals)
    )


def long_date(iso_date: str | datetime.date) -> str:
    """'2023-01-01' -> '1 January 2023' ('1 января 2023 г.', '2023 ж. 1 қаңтар')."""
    year, month, day = (int(part) for part in str(iso_date)[:10].split("-"))
    language = i18n.current()
    pattern = LONG_DATE_FORMAT.get(language, "long")
    text = dates.format_date(datetime.date(year, month, day), pattern, locale=locale(language))
    return text.replace("\u202f", "\u00a0")  # a no-break space every font has


def capitalize_first(text: str) -> str:
    """'the report' -> 'The report': only the first letter changes."""
    return text[:1].upper() + text[1:]


def plural(count: float | int, **forms: str) -> str:
    """The form of a word agreeing with `count` by the current language's CLDR plural
    category: plural(3, one="волонтер", few="волонтера", many="волонтеров") -> 'волонтера'.
    A category without its form takes `other`."""
    category = locale(i18n.current()).plural_form(abs(count))
    if category in forms:
        return forms[category]
    if "other" in forms:
        return forms["other"]
    raise KeyError(f"plural: no form {category!r} (nor 'other') among {sorted(forms)}")


# --- Kazakh: the last word a number is read with -----------------------------------------
# (front vowels?, ends in a voiceless sound?) of the word a number's reading ends with;
# it chooses the suffixes that follow the figure: '6-шы', '5-ші', '40-қа', '50-ге'.
_KK_UNITS = {
    0: (True, False), 1: (True, False), 2: (True, False), 3: (True, True), 4: (True, True),
    5: (True, True), 6: (False, False), 7: (True, False), 8: (True, False), 9: (False, False),
}  # fmt: skip
_KK_TENS = {
    1: (False, False), 2: (False, False), 3: (False, False), 4: (False, True),
    5: (True, False), 6: (False, True), 7: (True, True), 8: (True, False), 9: (False, False),
}  # fmt: skip
_KK_HUNDRED = (True, False)  # жүз
_KK_POWERS = ((10**9, (False, True)), (10**6, (False, False)), (10**3, (False, False)))
_KK_BACK_VOWELS = set("аоұыя")
_KK_FRONT_VOWELS = set("әеөүіэи")
_KK_VOICELESS = set("кқпстфхцчшщбгд")
_KK_FIGURE = re.compile(r"\d[\d\u00a0\u202f]*(?:,\d+)?$")


def kk_last_word(value: int) -> tuple[bool, bool]:
    """(front?, voiceless end?) of the word a whole number is read with in Kazakh:
    6 'алты' -> (False, False), 40 'қырық' -> (False, True), 174000 'мың' -> (False, False)."""
    value = abs(int(value))
    if value == 0:
        return _KK_UNITS[0]
    if value % 10:
        return _KK_UNITS[value % 10]
    if value % 100:
        return _KK_TENS[value % 100 // 10]
    if value % 1000:
        return _KK_HUNDRED
    for power, word in _KK_POWERS:
        if value % (power * 1000) and value % power == 0:
            return word
    return _KK_POWERS[0][1]


def kk_dative(text: str) -> str:
    """A figure or word in the Kazakh dative: '174 000' -> '174 000-ға', '19,7 %' ->
    '19,7 %-ға', '2,56 млрд теңге' -> '2,56 млрд теңгеге'."""
    stripped = text.rstrip()
    if not stripped:
        return text
    last = stripped[-1]
    if last.isdigit():
        figure = _KK_FIGURE.search(stripped)
        whole, _, fraction = (figure.group(0) if figure else last).partition(",")
        digits = fraction.rstrip("0") or whole
        front, voiceless = kk_last_word(int(re.sub(r"\D", "", digits) or 0))
        return f"{stripped}-{_kk_dative_suffix(front, voiceless)}"
    if last == "%":
        return f"{stripped}-ға"  # пайызға
    lower = stripped.lower()
    vowels = [ch for ch in lower if ch in _KK_BACK_VOWELS | _KK_FRONT_VOWELS]
    front = not vowels or vowels[-1] in _KK_FRONT_VOWELS
    return stripped + _kk_dative_suffix(front, lower[-1] in _KK_VOICELESS)


def _kk_dative_suffix(front: bool, voiceless: bool) -> str:
    return ("ке" if front else "қа") if voiceless else ("ге" if front else "ға")


class Spoken(str):
    """A formatted figure in a qualifier pattern: '{n}' prints it, '{n:dative}' prints it
    in the Kazakh dative ('{n:dative} дейін' -> '174 000-ға дейін')."""

    def __format__(self, spec: str) -> str:
        if spec == "dative":
            return kk_dative(str(self))
        return format(str(self), spec)
