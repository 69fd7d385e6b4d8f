"""Headline indicators: the machine-readable summary of a year's report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

STATUSES = ("reported", "derived", "missing")
QUALIFIERS = ("exact", "at_least", "at_most", "approx")


@dataclass(frozen=True)
class Indicator:
    """One headline figure with its provenance.

    `status` is "reported" when the value is published as such, "derived" when it is
    computed from published figures (the method is in the methodology appendix), and
    "missing" when the data do not give it (then `value` is None). `qualifier` keeps the
    source's wording of the value: exact, at_least, at_most or approx.
    """

    id: str
    label: str
    value: float | None
    unit: str
    status: str
    source: str
    qualifier: str = "exact"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"indicator {self.id}: status {self.status!r} not in {STATUSES}")
        if self.qualifier not in QUALIFIERS:
            raise ValueError(
                f"indicator {self.id}: qualifier {self.qualifier!r} not in {QUALIFIERS}"
            )
        if (self.value is None) != (self.status == "missing"):
            raise ValueError(f"indicator {self.id}: value must be None exactly when missing")


def write_json(indicators: list[Indicator], path: Path, *, year: int, synthetic: bool) -> None:
    """Write indicators as `{"year", "synthetic", "indicators": [...]}`, ids unique."""
    ids = [i.id for i in indicators]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate indicator ids: {duplicates}")
    payload = {
        "year": year,
        "synthetic": synthetic,
        "indicators": [asdict(i) for i in indicators],
    }
    # Strict JSON: a non-finite value is an error here, never `Infinity` in the file.
    text = json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Discrepancy:
    """A place where the published report disagrees with itself or with official statistics.

    `published` is the figure as the report states it, `recomputed` what its own inputs
    give, `explanation` the likely reason (for example a different divisor).
    """

    chapter: str
    topic: str
    published: str
    recomputed: str
    explanation: str


def format_value(indicator: Indicator) -> str:
    """The indicator's value as prose quotes it, by unit: '139,671', '54.0%', '2.56 billion KZT'."""
    from volreport.core import fmt

    if indicator.value is None:
        return "not published"
    if indicator.unit == "percent":
        return fmt.percent(indicator.value)
    if indicator.unit == "KZT" and abs(indicator.value) >= 1e9:
        return f"{fmt.number(indicator.value / 1e9, 2)} billion KZT"
    decimals = 0 if float(indicator.value).is_integer() else 1
    return fmt.number(indicator.value, decimals)


def variables(indicators: list[Indicator], year: int) -> dict[str, str]:
    """Quarto `_variables.yml` content: `{{< var id >}}` in editorial pages gives the value."""
    values = {"year": str(year), "prev_year": str(year - 1), "next_year": str(year + 1)}
    values.update({indicator.id: format_value(indicator) for indicator in indicators})
    return values
