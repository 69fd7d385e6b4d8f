"""Change on the previous year, nationally and by region, with where each earlier figure came from.

The previous year's figures come, for each value, from the previous vintage
(`<this vintage's parent folder>/<year-1>/`, so `--data-dir` works too) when it holds the
figure; else from this vintage's own rows for year-1 (a vintage transcribed from a
report that quotes the year before's national counts has such rows); else they are
missing. A regional change in percent stored without the figures behind it (an indicator
in PUBLISHED_CHANGES) stands in when the figures are missing. Regions whose territory
differs between the two vintages (region_mapping.csv) are not compared.

A national change compares like with like: when either national total covers only part
of the country (a lower bound summed over the regions with a figure), the change is the
one over the regions with a figure in both years, and says so; with no such region it is
not comparable (`same_regions_change`). The rule reads the data, never the year.

The sentence saying all this is a template (`templates/en/compare/sources.md`): this
module computes what it needs, and words nothing itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeGuard

import pandas as pd

from volreport.core import fmt, prose
from volreport.core.i18n import SOURCE_LANGUAGE, term
from volreport.data import contract
from volreport.data.contract import NATIONAL
from volreport.data.dataset import Dataset, load_year
from volreport.data.derive import matches_rounded, same_number
from volreport.data.published import (
    Published,
    current_boundaries,
    percent_change,
    published,
    reporting_regions,
    split_units,
)

SOFT_BREAK = re.compile(r"(?<=\S)\n(?=\S)")
# A shown table's headers stay English in its frame (they are its CSV's header);
# `display.show_table` shows them in the reader's language.
HEADER = SOURCE_LANGUAGE
# Where a previous figure came from (column `previous_from`).
FROM_VINTAGE = "previous vintage"
FROM_OWN_ROWS = "this vintage"
# How a change was obtained (column `basis`).
BASIS_COMPUTED = "computed from both years"
BASIS_PUBLISHED = "published change"
BASIS_BOUNDARIES = "boundaries changed"
BASIS_NONE = "not available"
# A national change when the two national totals do not cover the same regions: computed
# over the regions with a figure in both years, or not comparable when there are none.
BASIS_SAME_REGIONS = "regions reported in both years"
BASIS_NOT_COMPARABLE = "not comparable"
# The qualifier of a national total that is a lower bound (a sum over the regions with a
# value when some have none).
LOWER_BOUND = "at_least"

DEVELOPMENT = ("development_events", "development_volunteers", "development_hours")
NATIONAL_MEASURES = {
    "portrait": (("volunteers", ""),),
    "organizations": (("npo", ""), ("initiative_groups", "")),
    "areas": (
        ("hours", ""),
        *(("hours", area) for area in contract.CATEGORY_SETS["area"]),
        *((indicator, "") for indicator in DEVELOPMENT),
    ),
    "public_interest": (("inquiries", "volunteering"), ("inquiries", "other")),
}
REGIONAL_MEASURES = {
    "portrait": ("volunteers",),
    "organizations": ("npo", "initiative_groups"),
    "areas": ("hours",),
    "public_interest": (),
}
# Published regional changes in percent, by the count they describe.
PUBLISHED_CHANGES = {"volunteers": "volunteers_change_pct"}


def measure_names() -> dict[str, str]:
    """What each compared count measures, in the current language, for tables and prose."""
    return {
        "volunteers": term("volunteers"),
        "npo": term("volunteer NPOs"),
        "initiative_groups": term("initiative groups"),
        "hours": term("volunteer hours"),
        "development_events": term("activities developing volunteering"),
        "development_volunteers": term("volunteers at activities developing volunteering"),
        "development_hours": term("hours of activities developing volunteering"),
        "inquiries": term("inquiries"),
    }


def inquiry_measure_names() -> dict[str, str]:
    """Inquiries by topic as a measure: 'inquiries about volunteering'."""
    return {
        "volunteering": term("inquiries about volunteering"),
        "other": term("inquiries on other matters"),
    }


COLUMNS = [
    "indicator", "category", "label", "value_prev", "value", "change", "change_pct",
    "status", "basis", "previous_from", "note", "differs",
]  # fmt: skip
# A national row's coverage when its two totals do not cover the same regions: regions
# with this year's / last year's figure, regions compared (with a figure in both years),
# reporting regions, and the sums over the regions compared.
COVERAGE_COLUMNS = [
    "regions_now", "regions_before", "regions_compared", "regions_total",
    "value_prev_compared", "value_compared",
]  # fmt: skip


def previous_vintage(ds: Dataset) -> Dataset | None:
    """The vintage of the year before, next to this one (`<parent>/<year-1>/`), if it exists."""
    folder = ds.path.parent / str(ds.year - 1)
    if not (folder / "datapackage.json").is_file():
        return None
    return load_year(ds.year - 1, folder)


def lookup(ds: Dataset, indicator: str, region: str, category: str, year: int) -> Published | None:
    """The observation for a key, None when the vintage has no such row."""
    if ds.obs(indicator, region=region, category=category, year=year).empty:
        return None
    return published(ds, indicator, region=region, category=category, year=year)


def known(value: Published | None) -> TypeGuard[Published]:
    """True when there is a row and it has a value."""
    return value is not None and not value.missing


def measure_label(ds: Dataset, indicator: str, category: str) -> str:
    """What a row measures, for tables and prose: 'volunteer hours: Birgemiz: Úmit (...)'."""
    from volreport.chapters.common import area_names

    label = measure_names().get(indicator, indicator)
    if not category:
        return label
    if indicator == "inquiries":
        return inquiry_measure_names().get(category, f"{label} {category}")
    return f"{label}: {area_names(ds).get(category, category)}"


def previous_figure(
    ds: Dataset, previous: Dataset | None, indicator: str, region: str, category: str
) -> tuple[Published | None, str, str]:
    """The previous year's figure, where it came from, and a note when the sources disagree.

    The previous vintage wins; this vintage's own year-1 row fills in when the previous
    vintage has no value. A disagreement between the two is kept in the note.
    """
    year = ds.year - 1
    own = lookup(ds, indicator, region, category, year)
    before = lookup(previous, indicator, region, category, year) if previous else None
    if before is not None and before.value is not None:
        note = ""
        if own is not None and own.value is not None and not same_number(own.value, before.value):
            note = f"the {ds.year} data give {own.text()} for {year}"
        return before, FROM_VINTAGE, note
    if known(own):
        return own, FROM_OWN_ROWS, ""
    return None, "", ""


def disagrees(change_pct: float | None, published_change: Published | None) -> bool:
    """True when a computed change does not round to the published one (published as a
    whole percent or to a tenth)."""
    if change_pct is None or published_change is None or published_change.value is None:
        return False
    stated = published_change.value
    return not matches_rounded(change_pct, stated, 0 if float(stated).is_integer() else 1)


def previous_count(ds: Dataset, previous: Dataset | None, indicator: str) -> Published:
    """Last year's national figure as `previous_figure` finds it; a missing one when none is."""
    found, _, _ = previous_figure(ds, previous, indicator, NATIONAL, "")
    source = term("no {year} figure in the data").format(year=ds.year - 1)
    return found or Published(None, "exact", "missing", source)


def change_row(
    current: Published | None,
    previous: Published | None,
    published_change: Published | None = None,
) -> dict:
    """Previous value, value, absolute and percent change, status and basis of one row.

    Computed (status derived) when both years have a value; else the published change in
    percent, as published; else missing.
    """
    value = None if current is None else current.value
    value_prev = None if previous is None else previous.value
    if value is not None and value_prev is not None:
        return {
            "value_prev": value_prev, "value": value, "change": value - value_prev,
            "change_pct": percent_change(value, value_prev), "status": "derived",
            "basis": BASIS_COMPUTED,
        }  # fmt: skip
    if known(published_change):
        return {
            "value_prev": value_prev, "value": value, "change": None,
            "change_pct": published_change.value, "status": published_change.status,
            "basis": BASIS_PUBLISHED,
        }  # fmt: skip
    return {
        "value_prev": value_prev, "value": value, "change": None, "change_pct": None,
        "status": "missing", "basis": BASIS_NONE,
    }  # fmt: skip


def as_frame(
    rows: list[dict], key_columns: list[str], extra: list[str] | None = None
) -> pd.DataFrame:
    """Rows as a frame with the comparison columns, numbers as floats (NaN for gaps)."""
    frame = pd.DataFrame(rows, columns=key_columns + COLUMNS + (extra or []))
    numbers = ["value_prev", "value", "change", "change_pct", *(extra or [])]
    return frame.astype({column: "float64" for column in numbers})


def partial(figure: Published | None, regions: int, total: int) -> bool:
    """True when a national total covers only part of the country: a lower bound while
    some reporting regions have no figure (a sum over the regions with one)."""
    return known(figure) and figure.qualifier == LOWER_BOUND and regions < total


def same_regions_change(
    ds: Dataset,
    previous: Dataset | None,
    indicator: str,
    category: str,
    current: Published | None,
    before: Published | None,
) -> dict | None:
    """The national change over the same regions, when the two totals cover different ones.

    None when both national totals cover the same regions (neither is `partial`), and
    the change of the totals stands. Else the change of the sums over the regions with a
    figure in both years (boundaries unchanged), basis BASIS_SAME_REGIONS; or no change,
    basis BASIS_NOT_COMPARABLE, when no region has both figures (a year without figures by
    region). Either way the totals themselves stay in the row.
    """
    if not (known(current) and known(before)) or LOWER_BOUND not in (
        current.qualifier,
        before.qualifier,
    ):
        return None
    codes = reporting_regions(ds)["region"].tolist()
    now: dict[str, float] = {}
    then: dict[str, float] = {}
    for region in codes:
        found = lookup(ds, indicator, region, category, ds.year)
        if known(found) and found.value is not None:
            now[region] = found.value
        earlier, _, _ = previous_figure(ds, previous, indicator, region, category)
        if known(earlier) and earlier.value is not None:
            then[region] = earlier.value
    total = len(codes)
    if not (partial(current, len(now), total) or partial(before, len(then), total)):
        return None
    changed = not_comparable(ds, previous)
    common = [r for r in codes if r in now and r in then and r not in changed]
    coverage = {"regions_now": len(now), "regions_before": len(then), "regions_total": total}
    if not common:
        return coverage | {
            "change": None, "change_pct": None, "status": "missing",
            "basis": BASIS_NOT_COMPARABLE, "regions_compared": 0,
        }  # fmt: skip
    value_now = sum(now[r] for r in common)
    value_before = sum(then[r] for r in common)
    return coverage | {
        "change": value_now - value_before,
        "change_pct": percent_change(value_now, value_before),
        "status": "derived",
        "basis": BASIS_SAME_REGIONS,
        "regions_compared": len(common),
        "value_prev_compared": value_before,
        "value_compared": value_now,
    }


def national_changes(
    ds: Dataset, previous: Dataset | None, measures: tuple[tuple[str, str], ...]
) -> pd.DataFrame:
    """National change on the previous year for each (indicator, category) in `measures`.

    When the two national totals do not cover the same regions, the change is the one
    over the regions with a figure in both years (`same_regions_change`, coverage in
    COVERAGE_COLUMNS), or not comparable.
    """
    rows = []
    for indicator, category in measures:
        before, source, note = previous_figure(ds, previous, indicator, NATIONAL, category)
        current = lookup(ds, indicator, NATIONAL, category, ds.year)
        row = change_row(current, before)
        row |= same_regions_change(ds, previous, indicator, category, current, before) or {}
        rows.append(
            {
                "indicator": indicator,
                "category": category,
                "label": measure_label(ds, indicator, category),
                **row,
                "previous_from": source,
                "note": note,
                "differs": bool(note),
            }
        )
    return as_frame(rows, [], COVERAGE_COLUMNS)


def not_comparable(ds: Dataset, previous: Dataset | None) -> set[str]:
    """Regions whose territory differs between the two vintages (a split in between)."""
    if previous is None or current_boundaries(ds) == current_boundaries(previous):
        return set()
    return split_units(ds)


def regional_changes(
    ds: Dataset, previous: Dataset | None, indicators: tuple[str, ...]
) -> pd.DataFrame:
    """Change on the previous year by reporting region for each count in `indicators`.

    One row per indicator and region, regions in reference order. Regions whose boundaries
    changed between the two vintages have no change (basis "boundaries changed").
    """
    changed = not_comparable(ds, previous)
    rows = []
    for indicator in indicators:
        change_indicator = PUBLISHED_CHANGES.get(indicator)
        for region, name in reporting_regions(ds).itertuples(index=False):
            current = lookup(ds, indicator, region, "", ds.year)
            published_change = (
                lookup(ds, change_indicator, region, "", ds.year) if change_indicator else None
            )
            row = {"region": region, "region_name": name, "indicator": indicator, "category": ""}
            row["label"] = measure_label(ds, indicator, "")
            if region in changed:
                row |= change_row(current, None) | {"basis": BASIS_BOUNDARIES}
                row |= {
                    "previous_from": "", "note": "boundaries changed between the two years",
                    "differs": False,
                }  # fmt: skip
            else:
                before, source, note = previous_figure(ds, previous, indicator, region, "")
                row |= change_row(current, before, published_change)
                computed = row["basis"] == BASIS_COMPUTED
                if computed and published_change and disagrees(row["change_pct"], published_change):
                    note = f"the {ds.year} data give a change of {published_change.text(1)}%"
                row |= {"previous_from": source, "note": note, "differs": bool(note)}
            rows.append(row)
    return as_frame(rows, ["region", "region_name"])


@dataclass(frozen=True)
class Changes:
    """A chapter's changes on the previous year and the sentence saying where they come from."""

    year: int
    previous_vintage: bool
    national: pd.DataFrame
    regional: pd.DataFrame
    text: str


def signed_change(change_pct: float | None) -> str:
    """A change in percent for prose: whole percent, a tenth below 1% ('−0.5%' not '−0%')."""
    small = change_pct is not None and abs(change_pct) < 1
    return fmt.signed_percent(change_pct, 1 if small else 0)


def render(name: str, **context: Any) -> str:
    """A statement rendered by `prose.render`, each paragraph on one line (the template's
    line wrapping is layout, not text)."""
    return prose.tidy(SOFT_BREAK.sub(" ", prose.render(name, **context)))


def missing_side(rows: pd.DataFrame) -> str:
    """Which figures of `rows` are missing: 'both', 'before' (the previous year's only),
    'now' (this year's only) or 'mixed'."""
    before, now = rows["value_prev"].isna(), rows["value"].isna()
    for side, missing in (
        ("both", before & now),
        ("before", before & ~now),
        ("now", now & ~before),
    ):
        if missing.all():
            return side
    return "mixed"


def regional_gaps(regional: pd.DataFrame, regions: int) -> list[dict]:
    """The regional gaps of the changes, one item per group of measures with the same gaps.

    Each item: labels; published (regions whose change is only a stored percentage) and
    published_missing (which of their figures are missing, see `missing_side`); missing_before
    (regions without the previous figure and without a change) and missing_now (regions
    with the previous figure but not this year's); total (regions); rest (True when
    `published` and `missing_before` together are every region). Measures without gaps
    are left out.
    """
    groups: dict[tuple, dict] = {}
    for label, rows in regional.groupby("label", sort=False):
        stored = rows[rows["basis"] == BASIS_PUBLISHED]
        none = rows[rows["basis"] == BASIS_NONE]
        item = {
            "published": stored["region_name"].tolist(),
            "published_missing": missing_side(stored),
            "missing_before": none.loc[none["value_prev"].isna(), "region_name"].tolist(),
            "missing_now": none.loc[none["value_prev"].notna(), "region_name"].tolist(),
        }
        if not (item["published"] or item["missing_before"] or item["missing_now"]):
            continue
        key = tuple(tuple(v) if isinstance(v, list) else v for v in item.values())
        group = groups.setdefault(
            key,
            {
                "labels": [], **item, "total": regions,
                "rest": len(item["published"]) + len(item["missing_before"]) == regions,
            },
        )  # fmt: skip
        group["labels"].append(label)
    return list(groups.values())


def no_previous_figures(
    previous_vintage: bool, national: pd.DataFrame, regional: pd.DataFrame
) -> bool:
    """True when there is no previous vintage and no figure or change for the previous year
    at all: nothing is compared, and the sources sentence says so once."""
    before = pd.concat([national["value_prev"], regional["value_prev"]], ignore_index=True)
    return (
        not previous_vintage
        and before.isna().all()
        and not regional["basis"].eq(BASIS_PUBLISHED).any()
    )


def same_regions_groups(national: pd.DataFrame) -> list[dict]:
    """The national changes computed over the regions reported in both years, one item per
    group of measures with the same coverage: labels, now / before (regions with this
    year's / last year's figure), compared, total, and for a single measure the sums over
    the regions compared (value_prev, value)."""
    rows = national[national["basis"] == BASIS_SAME_REGIONS]
    keys = ["regions_now", "regions_before", "regions_compared", "regions_total"]
    groups = []
    for key, group in rows.groupby(keys, sort=False):
        now, before, compared, total = (int(v) for v in key)
        single = len(group) == 1
        groups.append(
            {
                "labels": group["label"].tolist(),
                "now": now,
                "before": before,
                "compared": compared,
                "total": total,
                "value_prev": float(group["value_prev_compared"].iloc[0]) if single else None,
                "value": float(group["value_compared"].iloc[0]) if single else None,
            }
        )
    return groups


def source_context(
    year: int,
    previous_vintage: bool,
    national: pd.DataFrame,
    regional: pd.DataFrame,
    published_source: str | None = None,
) -> dict:
    """What the sentence on the previous year's figures says, as values for its template."""
    regions = regional["region"].nunique()
    changed = regional[regional["basis"] == BASIS_BOUNDARIES].drop_duplicates("region")
    compared = pd.concat([national, regional], ignore_index=True)
    none = national[national["basis"] == BASIS_NONE]
    return {
        "nothing_before": no_previous_figures(previous_vintage, national, regional),
        "same_regions": same_regions_groups(national),
        "not_comparable": national.loc[national["basis"] == BASIS_NOT_COMPARABLE, "label"].tolist(),
        "year": year,
        "prev_year": year - 1,
        "previous_vintage": previous_vintage,
        "source": published_source,
        "own_national": national.loc[national["previous_from"] == FROM_OWN_ROWS, "label"].tolist(),
        "own_regional": list(
            regional.loc[regional["previous_from"] == FROM_OWN_ROWS, "label"].unique()
        ),
        "national_measures": len(national),
        "national_missing": none.loc[none["value_prev"].isna(), "label"].tolist(),
        "national_missing_now": none.loc[none["value_prev"].notna(), "label"].tolist(),
        "regional_gaps": regional_gaps(regional, regions),
        "boundaries_changed": changed["region_name"].tolist(),
        "differing": int(compared["differs"].fillna(False).astype(bool).sum()),
    }


def source_text(
    year: int,
    previous_vintage: bool,
    national: pd.DataFrame,
    regional: pd.DataFrame,
    published_source: str | None = None,
) -> str:
    """Which source gave the previous year's figures, what is missing, and where sources differ.

    `published_source` names the published report the vintage was transcribed from
    ('Report 2022'), None when the vintage is the report itself.
    """
    context = source_context(year, previous_vintage, national, regional, published_source)
    return render("compare/sources", **context)


def changes(ds: Dataset, previous: Dataset | None, chapter: str) -> Changes:
    """A chapter's national and regional changes on the previous year, with their sentence."""
    national = national_changes(ds, previous, NATIONAL_MEASURES[chapter])
    regional = regional_changes(ds, previous, REGIONAL_MEASURES[chapter])
    source = ds.edition.published_source
    return Changes(
        year=ds.year,
        previous_vintage=previous is not None,
        national=national,
        regional=regional,
        text=source_text(
            ds.year, previous is not None, national, regional, source.cite_as if source else None
        ),
    )


def sentence_case(text: str) -> str:
    """First letter upper case: 'volunteer NPOs' -> 'Volunteer NPOs'."""
    return text[:1].upper() + text[1:]


def basis_names() -> dict[str, str]:
    """How a change was obtained, in the current language (the BASIS_* values in English)."""
    return {
        BASIS_COMPUTED: term("computed from both years"),
        BASIS_PUBLISHED: term("published change"),
        BASIS_BOUNDARIES: term("boundaries changed"),
    }


def shown_basis(basis: pd.Series) -> pd.Series:
    """How each change was obtained, as a table shows it: a gap where there is no change."""
    return basis.where(basis != BASIS_NONE).map(basis_names(), na_action="ignore")


def national_basis(frame: pd.DataFrame) -> pd.Series:
    """How each national change was obtained, as the table shows it: `shown_basis`, and for
    a change over the regions reported in both years or one not comparable, how many
    regions it covers or why there is none (`templates/en/compare/basis.md`)."""
    shown = shown_basis(frame["basis"])
    for index, row in frame.iterrows():
        if row["basis"] in (BASIS_SAME_REGIONS, BASIS_NOT_COMPARABLE):
            shown[index] = render(
                "compare/basis",
                basis="same regions" if row["basis"] == BASIS_SAME_REGIONS else "not comparable",
                compared=int(row["regions_compared"]),
                total=int(row["regions_total"]),
            )
    return shown


def with_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` when at least one of its rows has a change or a change that is not
    comparable; else no rows (a table of changes without any change is not shown, and the
    chapter's text says why)."""
    shown = frame["change_pct"].notna() | frame["basis"].eq(BASIS_NOT_COMPARABLE)
    return frame if shown.any() else frame.iloc[0:0]


def national_display(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Human headers for `national_changes`: measure, both years, change, basis."""
    frame = with_changes(frame)
    return pd.DataFrame(
        {
            term("Measure", HEADER): frame["label"].map(sentence_case),
            str(year - 1): frame["value_prev"],
            str(year): frame["value"],
            term("Change", HEADER): frame["change"],
            term("Change, %", HEADER): frame["change_pct"].round(1),
            term("Basis", HEADER): national_basis(frame),
        }
    )


def regional_display(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Human headers for `regional_changes`; largest rise first within each measure."""
    frame = with_changes(frame)
    order = {indicator: i for i, indicator in enumerate(dict.fromkeys(frame["indicator"]))}
    frame = frame.assign(_order=frame["indicator"].map(order))
    frame = frame.sort_values(["_order", "change_pct"], ascending=[True, False], na_position="last")
    shown = {
        term("Region", HEADER): frame["region_name"],
        str(year - 1): frame["value_prev"],
        str(year): frame["value"],
        term("Change", HEADER): frame["change"],
        term("Change, %", HEADER): frame["change_pct"].round(1),
        term("Basis", HEADER): shown_basis(frame["basis"]),
    }
    if frame["indicator"].nunique() > 1:
        shown = {term("Measure", HEADER): frame["label"].map(sentence_case), **shown}
    return pd.DataFrame(shown).reset_index(drop=True)
