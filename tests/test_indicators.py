"""Headline indicators: provenance rules, the JSON file, and values for editorial pages."""

from __future__ import annotations

import json

import pytest

from volreport.core import fmt
from volreport.data.indicators import Indicator, format_value, variables, write_json


def indicator(**changes) -> Indicator:
    fields = dict(
        id="hours_total",
        label="Hours",
        value=1088387.0,
        unit="hours",
        status="reported",
        source="Report, §Areas",
    )
    return Indicator(**(fields | changes))


def test_missing_value_exactly_when_status_missing():
    assert indicator(value=None, status="missing").value is None
    with pytest.raises(ValueError, match="hours_total"):
        indicator(value=None)
    with pytest.raises(ValueError, match="hours_total"):
        indicator(status="missing")


def test_unknown_status_or_qualifier_is_refused():
    with pytest.raises(ValueError, match="status"):
        indicator(status="guessed")
    with pytest.raises(ValueError, match="qualifier"):
        indicator(qualifier="roughly")


def test_write_json_keeps_provenance_and_refuses_duplicate_ids(tmp_path):
    path = tmp_path / "indicators.json"
    write_json([indicator(qualifier="at_least")], path, year=2022, synthetic=False)
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["year"] == 2022 and payload["synthetic"] is False
    assert payload["indicators"][0] | {} == {
        "id": "hours_total",
        "label": "Hours",
        "value": 1088387.0,
        "unit": "hours",
        "status": "reported",
        "source": "Report, §Areas",
        "qualifier": "at_least",
    }
    with pytest.raises(ValueError, match="duplicate indicator ids"):
        write_json([indicator(), indicator()], path, year=2022, synthetic=False)


def test_format_value_by_unit_at_the_headline_precision():
    assert format_value(indicator()) == "1,088,387"
    assert format_value(indicator(unit="percent", value=54.0)) == "54.0%"
    assert format_value(indicator(id="x_change_pct", unit="percent", value=19.66)) == "+19.7%"
    assert format_value(indicator(unit="KZT", value=2_555_290_413.1)) == "2.56 billion KZT"
    # A count is whole wherever it is shown (the key figures say 687 too), a ratio a tenth.
    assert format_value(indicator(unit="persons", value=687.44)) == "687"
    assert format_value(indicator(id="persons_per_volunteer", unit="persons", value=8)) == "8.0"
    assert format_value(indicator(value=None, status="missing")) == "not available"


def test_variables_hold_years_and_every_indicator():
    values = variables([indicator(), indicator(id="npo_total", value=660.0)], 2022)
    assert values == {
        "year": "2022",
        "prev_year": "2021",
        "next_year": "2023",
        "hours_total": "1,088,387",
        "npo_total": "660",
    }


def test_fmt_writes_gaps_as_dashes_and_keeps_qualifiers():
    assert fmt.number(139671) == "139,671"
    assert fmt.number(float("nan")) == "—"
    assert fmt.percent(38.3502, 2) == "38.35%"
    assert fmt.signed_percent(-46) == "\u221246%"
    assert fmt.qualified(174000, "at_least") == "at least 174,000"
    assert fmt.qualified(2500, "approx") == "about 2,500"


def test_join_words_reads_as_prose():
    assert [fmt.join_words(items) for items in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "", "a", "a and b", "a, b and c",
    ]  # fmt: skip
