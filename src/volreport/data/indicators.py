"""Headline indicators: the machine-readable summary of a year's report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from volreport.data.contract import QUALIFIERS, STATUSES


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


def write_json(
    indicators: list[Indicator],
    path: Path,
    *,
    year: int,
    synthetic: bool,
    labels: dict[str, dict[str, str]] | None = None,
) -> None:
    """Write indicators as `{"year", "synthetic", "indicators": [...]}`, ids unique.

    The file is the same in every language of the edition: values, sources and `label` as
    the data and English give them, and `labels`, the label in each language built
    (`labels[id][language]`), when given."""
    ids = [i.id for i in indicators]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate indicator ids: {duplicates}")
    entries = [asdict(i) for i in indicators]
    if labels:
        for entry in entries:
            entry["labels"] = dict(labels.get(entry["id"], {}))
    payload = {"year": year, "synthetic": synthetic, "indicators": entries}
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


# --- one precision for every headline figure ---------------------------------------------


def decimals(indicator: Indicator) -> int:
    """The decimals a headline figure is shown with, everywhere outside the chapters' tables:
    percentages to a tenth (19.7%), tenge in billions to a hundredth (2.56 billion KZT),
    ratios ('persons per volunteer') to a tenth, counts of anything as whole numbers
    (687 full-time equivalents, not 687.4)."""
    if indicator.unit == "percent" or "_per_" in indicator.id:
        return 1
    if is_billions(indicator):
        return 2
    return 0


def is_change(indicator: Indicator) -> bool:
    """True for a change in percent ('..._change_pct'), written with its sign: +19.7%."""
    return indicator.unit == "percent" and indicator.id.endswith("_change_pct")


def is_billions(indicator: Indicator) -> bool:
    """True for tenge from a billion up, written '2.56 billion KZT'."""
    return indicator.unit == "KZT" and indicator.value is not None and abs(indicator.value) >= 1e9


def format_value(indicator: Indicator) -> str:
    """The indicator's value as the key figures and `{{< var >}}` give it, by unit and at
    the precision of `decimals`, without its qualifier: '139,671', '54.0%', '+19.7%',
    '2.56 billion KZT'; 'not available' (in the current language) when there is none."""
    from volreport.core import fmt
    from volreport.core.i18n import term

    if indicator.value is None:
        return term("not available")
    places = decimals(indicator)
    if is_change(indicator):
        return fmt.signed_percent(indicator.value, places)
    if indicator.unit == "percent":
        return fmt.percent(indicator.value, places)
    if is_billions(indicator):
        return fmt.billions(indicator.value, places)
    return fmt.number(indicator.value, places)


def variables(indicators: list[Indicator], year: int) -> dict[str, str]:
    """Quarto `_variables.yml` content: `{{< var id >}}` in editorial pages gives the value."""
    values = {"year": str(year), "prev_year": str(year - 1), "next_year": str(year + 1)}
    values.update({indicator.id: format_value(indicator) for indicator in indicators})
    return values
