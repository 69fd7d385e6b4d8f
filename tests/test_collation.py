"""Alphabetical order of names in each language (volreport.core.i18n.sort_key)."""

from __future__ import annotations

import pandas as pd

from volreport.core import i18n


def test_kazakh_letters_sort_in_the_kazakh_alphabet_not_after_the_russian_ones():
    names = ["Қызылорда облысы", "Ақтөбе облысы", "Астана", "Шығыс Қазақстан облысы",
             "Ұлытау облысы", "Абай облысы", "Әлем", "Өскемен", "Іле", "Ыстық"]  # fmt: skip
    ordered = sorted(names, key=lambda name: i18n.sort_key(name, "kk"))
    assert ordered == [
        "Абай облысы", "Ақтөбе облысы", "Астана", "Әлем", "Қызылорда облысы", "Өскемен",
        "Ұлытау облысы", "Шығыс Қазақстан облысы", "Ыстық", "Іле",
    ]  # fmt: skip


def test_russian_puts_yo_after_ye_and_ignores_case():
    ordered = sorted(
        ["Ёлка", "ель", "Яблоко", "абай", "Ежевика"], key=lambda t: i18n.sort_key(t, "ru")
    )
    assert ordered == ["абай", "Ежевика", "ель", "Ёлка", "Яблоко"]


def test_the_current_language_decides_and_letters_of_other_scripts_follow_its_own():
    with i18n.speaking("ru"):
        assert sorted(["Birgemiz", "Яблоко"], key=i18n.sort_key) == ["Яблоко", "Birgemiz"]
    assert sorted(["Úmit", "Zeta", "Umbrella"], key=i18n.sort_key) == ["Umbrella", "Úmit", "Zeta"]
    assert sorted(["Almaty region", "Almaty city"], key=i18n.sort_key) == [
        "Almaty city",
        "Almaty region",
    ]


def test_a_frame_sorts_by_the_key():
    frame = pd.DataFrame({"name": ["Қостанай облысы", "Павлодар облысы", "Ақмола облысы"]})
    with i18n.speaking("kk"):
        ordered = frame.sort_values("name", key=lambda column: column.map(i18n.sort_key))
    assert ordered["name"].tolist() == ["Ақмола облысы", "Қостанай облысы", "Павлодар облысы"]
