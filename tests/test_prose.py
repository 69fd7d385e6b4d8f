"""Computed statements: templates render with the report's number convention."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from volreport.core import i18n, prose


def render(source: str, **context) -> str:
    return prose.tidy(prose.environment().from_string(source).render(**context))


def test_filters_are_the_report_number_convention():
    assert render("{{ 139671 | number }}") == "139,671"
    assert render("{{ 19.66 | signed_percent(1) }}") == "+19.7%"
    assert render("{{ 174000 | qualified('at_least') }}") == "at least 174,000"
    assert render("{{ '2023-01-01' | long_date }}") == "1 January 2023"
    assert render("{{ 2.6e9 | billions(None) }}") == "2.6 billion KZT"


def test_each_language_environment_formats_in_its_language_whatever_is_current():
    nbsp = "\u00a0"
    source = "{{ 139671 | number }}; {{ 19.7 | percent }}; {{ '2023-01-01' | long_date }}"
    with i18n.speaking("en"):
        ru = prose.tidy(prose.environment("ru").from_string(source).render())
    assert ru == f"139{nbsp}671; 19,7{nbsp}%; 1 января 2023{nbsp}г."
    kk = prose.environment("kk").from_string("{{ ['а', 'б', 'в'] | join_words }}").render()
    assert kk == "а, б және в"
    assert render(source) == "139,671; 19.7%; 1 January 2023"


def test_plural_filter_agrees_a_word_with_a_number():
    source = '{{ n }} {{ n|plural(one="волонтер", few="волонтера", many="волонтеров") }}'
    template = prose.environment("ru").from_string(source)
    assert [template.render(n=n) for n in (1, 2, 5)] == [
        "1 волонтер", "2 волонтера", "5 волонтеров",
    ]  # fmt: skip
    assert render('{{ 2|plural(one="volunteer", other="volunteers") }}') == "volunteers"


def test_render_defaults_to_the_current_language(monkeypatch):
    seen = []
    monkeypatch.setattr(prose, "environment", lambda language: seen.append(language) or _Env())
    with i18n.speaking("kk"):
        prose.render("portrait/headline")
    prose.render("portrait/headline", language="ru")
    assert seen == ["kk", "ru"]


class _Env:
    def get_template(self, name):
        return jinja2.Template("x")


def test_conditions_leave_no_stray_spaces_or_blank_runs():
    text = render("A {% if x %}  x {% endif %} b .\n\n\n\nNext.", x=False)
    assert text == "A b.\n\nNext."


def test_an_undefined_value_is_an_error_not_an_empty_string():
    with pytest.raises(jinja2.UndefinedError):
        render("{{ missing_value }}")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], ""),
        (
            ["Abai region"],
            "The age breakdown is not available for 1 of the 20 regions (Abai region); "
            "national shares are computed from the other regions.",
        ),
    ],
)
def test_regional_gap_names_exactly_the_missing_regions(names, expected):
    source = (
        '{% import "_macros.md" as say %}'
        "{{ say.regional_gap('The age breakdown', names, 20, "
        "'national shares are computed from the other regions') }}"
    )
    assert render(source, names=names) == expected


HOSTILE = [
    "[click](javascript:alert(3))",
    "{{< var volunteers_total >}}",
    "<script>x</script>",
    "*a*",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_data_text_stays_text_in_any_statement(text):
    from volreport.publish import builtin

    rendered = render(
        "{{ name }} and {{ names | join_words }}: {{ name | strong }}", name=text, names=[text, "b"]
    )
    assert not builtin.SHORTCODE.search(rendered)
    page = builtin._run_pandoc(["--from=markdown", "--to=html"], rendered, what="t", cwd=Path("."))
    assert "<script>" not in page and "<em>a</em>" not in page
    assert "href=" not in page


def test_template_markup_and_phrase_edges_survive():
    text = render(
        "{{ 'at least ' }}{{ 5 | number }} {{ ['x', 'y'] | join_words }} {{ 'w' | emphasis }}"
    )
    assert text == "at least 5 x and y *w*"


def test_a_bounded_change_is_not_rounded_past_its_bound():
    # At least 678 NPOs against 660: a rise of at least 2.7%, which "at least 3%" overstates.
    pct = (678 - 660) / 660 * 100
    for language, shown in [("en", "up at least 2.7%"), ("ru", "2,7"), ("kk", "2,7")]:
        source = '{% import "_macros.md" as say %}{{ say.bounded_change(pct, "at_least") }}'
        text = prose.environment(language).from_string(source).render(pct=pct)
        assert shown in text, (language, text)
    exact = '{% import "_macros.md" as say %}{{ say.bounded_change(pct, "exact") }}'
    assert prose.environment("en").from_string(exact).render(pct=pct).strip() == "+3%"
    # A whole number that stays within the bound is kept: a fall of at most 6.6% is "at most 7%".
    fall = '{% import "_macros.md" as say %}{{ say.bounded_change(-6.6, "at_least") }}'
    assert prose.environment("en").from_string(fall).render().strip() == "down at most 7%"
