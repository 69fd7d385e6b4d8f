"""Number formats of every language (volreport.core.fmt through Babel/CLDR)."""

from __future__ import annotations

import math

import pytest

from volreport.core import fmt, i18n

NBSP = "\u00a0"


def test_shown_decimals_are_those_a_round_figure_has():
    assert [fmt.shown_decimals(v) for v in (7.0, 2.6, 0.71, 38.35, 2.5552904)] == [0, 1, 2, 2, 3]
    assert fmt.shown_decimals(2.5552904, most=1) == 1


def test_english_formats_are_the_reports():
    with i18n.speaking("en"):
        assert fmt.number(139671) == "139,671"
        assert fmt.number(2.25, 1) == "2.2"  # Python's rounding, in every language
        assert fmt.number(None) == "—" and fmt.number(math.nan) == "—"
        assert fmt.percent(54.0) == "54.0%"
        assert fmt.signed_percent(19.7) == "+20%"
        assert fmt.signed_percent(-46) == "−46%"
        assert fmt.qualified(174000, "at_least") == "at least 174,000"
        assert fmt.qualified(174000, "at_most") == "up to 174,000"
        assert fmt.qualified(174000, None) == "174,000"
        assert fmt.qualified("2.6 billion KZT", "approx") == "about 2.6 billion KZT"
        assert fmt.ordinal(141) == "141st" and fmt.ordinal(112) == "112th"
        assert fmt.ordinal(1222) == "1,222nd"
        assert fmt.billions(2_555_290_413) == "2.56 billion KZT"
        assert fmt.billions(2.6e9, None) == "2.6 billion KZT"
        assert fmt.long_date("2023-01-01") == "1 January 2023"
        assert fmt.join_words(["a", "b", "c"]) == "a, b and c"
        assert fmt.join_words(["a", "b"]) == "a and b"
        assert fmt.qualifier_words() == {
            "exact": "",
            "at_least": "at least ",
            "at_most": "up to ",
            "approx": "about ",
        }


def test_russian_formats():
    with i18n.speaking("ru"):
        assert fmt.number(139671) == f"139{NBSP}671"
        assert fmt.number(2.25, 1) == "2,2"
        assert fmt.percent(19.7) == f"19,7{NBSP}%"
        assert fmt.signed_percent(-46) == f"−46{NBSP}%"
        assert fmt.long_date("2023-01-01") == f"1 января 2023{NBSP}г."
        assert fmt.billions(2_555_290_413) == "2,56 млрд тенге"
        assert fmt.qualified(174000, "at_least") == f"не менее 174{NBSP}000"
        assert fmt.qualified(174000, "at_most") == f"до 174{NBSP}000"
        assert fmt.qualified(174000, "approx") == f"около 174{NBSP}000"
        assert fmt.ordinal(141) == "141-й"
        assert fmt.join_words(["а", "б", "в"]) == "а, б и в"


def test_kazakh_formats():
    with i18n.speaking("kk"):
        assert fmt.number(139671) == f"139{NBSP}671"
        assert fmt.long_date("2023-01-01") == f"2023{NBSP}ж. 1 қаңтар"
        assert fmt.billions(2_555_290_413) == "2,56 млрд теңге"
        assert fmt.qualified(174000, "at_least") == f"кемінде 174{NBSP}000"
        assert fmt.qualified(174000, "approx") == f"шамамен 174{NBSP}000"
        assert fmt.join_words(["а", "б", "в"]) == "а, б және в"
        assert fmt.ordinal(141) == "141-ші" and fmt.ordinal(6) == "6-шы"
        assert fmt.ordinal(10) == "10-шы" and fmt.ordinal(50) == "50-ші"
        assert fmt.qualifier_words()["at_most"] == "дейін "


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("−1,234", "−5.2%", "−12.5 billion KZT")),
        ("ru", (f"−1{NBSP}234", f"−5,2{NBSP}%", "−12,5 млрд тенге")),
        ("kk", (f"−1{NBSP}234", "−5,2%", "−12,5 млрд теңге")),
    ],
)
def test_a_negative_number_has_the_minus_sign_of_print_in_every_language(language, expected):
    """CLDR writes an ASCII hyphen-minus in en, ru and kk; the report prints U+2212."""
    number, percent, billions = expected
    with i18n.speaking(language):
        assert fmt.number(-1234) == number
        assert fmt.percent(-5.2) == percent
        assert fmt.billions(-12.5e9, None) == billions
        assert fmt.qualified(-1234, "approx").endswith(number)
        assert fmt.number(-2022, grouped=False) == "−2022"
        texts = [fmt.number(-1234), fmt.percent(-5.2), fmt.signed_percent(-46)]
        assert not any("-" in text for text in texts)


def test_a_missing_value_of_a_data_frame_is_a_gap():
    import pandas as pd

    assert fmt.number(pd.NA) == fmt.GAP and fmt.percent(pd.NA) == fmt.GAP
    assert fmt.qualified(pd.Series([None], dtype="Float64")[0], "exact") == fmt.GAP


def test_a_value_that_rounds_to_zero_has_no_sign():
    assert fmt.number(-0.04) == "0" and fmt.number(-0.04, 1) == "0.0"
    assert fmt.percent(-0.04) == "0.0%" and fmt.number(-0.06, 1) == "−0.1"


@pytest.mark.parametrize(
    ("text", "dative"),
    [
        (f"174{NBSP}000", f"174{NBSP}000-ға дейін"),
        ("45", "45-ке дейін"),
        ("40", "40-қа дейін"),
        ("50", "50-ге дейін"),
        ("2,56", "2,56-ға дейін"),
        ("19,7%", "19,7%-ға дейін"),
        ("2,6 млрд теңге", "2,6 млрд теңгеге дейін"),
    ],
)
def test_kazakh_up_to_takes_the_dative(text, dative):
    with i18n.speaking("kk"):
        assert fmt.qualify(text, "at_most") == dative


def test_plural_follows_the_cldr_category():
    forms = {"one": "волонтер", "few": "волонтера", "many": "волонтеров", "other": "волонтера"}
    with i18n.speaking("ru"):
        assert [fmt.plural(n, **forms) for n in (1, 3, 5, 21, 11, 1.5)] == [
            "волонтер", "волонтера", "волонтеров", "волонтер", "волонтеров", "волонтера",
        ]  # fmt: skip
    with i18n.speaking("kk"):
        assert fmt.plural(5, one="волонтер", other="волонтер") == "волонтер"
    with i18n.speaking("en"):
        assert fmt.plural(1, one="volunteer", other="volunteers") == "volunteer"
        assert fmt.plural(2, one="volunteer", other="volunteers") == "volunteers"
        with pytest.raises(KeyError):
            fmt.plural(2, one="volunteer")
