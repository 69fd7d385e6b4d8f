"""Change on the previous year, nationally and by region, with where each earlier figure came from.

The previous year's figures come, for each value, from the previous vintage
(`<this vintage's parent folder>/<year-1>/`, so `--data-dir` works too) when it holds the
figure; else from this vintage's own rows for year-1 (the 2022 report publishes 2021's
national counts); else they are missing. A published regional change in percent (2022:
four regions' growth in volunteers) stands in when the figures behind it are not published.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from volreport import contract, fmt
from volreport.dataset import NATIONAL, Dataset, load_year
from volreport.published import (
    Published,
    current_boundaries,
    percent_change,
    published,
    reporting_regions,
    split_units,
)

# Where a previous figure came from (column `previous_from`).
FROM_VINTAGE = "previous vintage"
FROM_OWN_ROWS = "this vintage"
# How a change was obtained (column `basis`).
BASIS_COMPUTED = "computed from both years"
BASIS_PUBLISHED = "published change"
BASIS_BOUNDARIES = "boundaries changed"
BASIS_NONE = "not available"

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
LABELS = {
    "volunteers": "volunteers",
    "npo": "volunteer NPOs",
    "initiative_groups": "initiative groups",
    "hours": "volunteer hours",
    "development_events": "activities developing volunteering",
    "development_volunteers": "volunteers at activities developing volunteering",
    "development_hours": "hours of activities developing volunteering",
    "inquiries": "inquiries",
}
INQUIRY_TOPICS = {"volunteering": "about volunteering", "other": "on other matters"}
COLUMNS = [
    "indicator", "category", "label", "value_prev", "value", "change", "change_pct",
    "status", "basis", "previous_from", "note",
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


def known(value: Published | None) -> bool:
    """True when there is a row and it has a value."""
    return value is not None and not value.missing


def measure_label(ds: Dataset, indicator: str, category: str) -> str:
    """What a row measures, for tables and prose: 'volunteer hours: Birgemiz: Úmit (...)'."""
    from volreport.areas import area_names

    label = LABELS.get(indicator, indicator)
    if not category:
        return label
    if indicator == "inquiries":
        return f"{label} {INQUIRY_TOPICS.get(category, category)}"
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
    if known(before):
        note = ""
        if known(own) and abs(own.value - before.value) > 1e-9:
            note = f"the {ds.year} data give {own.text()} for {year}"
        return before, FROM_VINTAGE, note
    if known(own):
        return own, FROM_OWN_ROWS, ""
    return None, "", ""


def disagrees(change_pct: float | None, published_change: Published | None) -> bool:
    """True when a computed change does not round to the published one (at its decimals)."""
    if change_pct is None or not known(published_change):
        return False
    stated = published_change.value
    half_unit = 0.5 if float(stated).is_integer() else 0.05
    return abs(change_pct - stated) > half_unit + 1e-9


def previous_count(ds: Dataset, previous: Dataset | None, indicator: str) -> Published:
    """Last year's national figure as `previous_figure` finds it; a missing one when none is."""
    found, _, _ = previous_figure(ds, previous, indicator, NATIONAL, "")
    return found or Published(None, "exact", "missing", f"no {ds.year - 1} figure in the data")


def change_row(
    current: Published | None,
    previous: Published | None,
    published_change: Published | None = None,
) -> dict:
    """Previous value, value, absolute and percent change, status and basis of one row.

    Computed (status derived) when both years have a value; else the published change in
    percent, as published; else missing.
    """
    value = current.value if known(current) else None
    value_prev = previous.value if known(previous) else None
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


def as_frame(rows: list[dict], key_columns: list[str]) -> pd.DataFrame:
    """Rows as a frame with the comparison columns, numbers as floats (NaN for gaps)."""
    frame = pd.DataFrame(rows, columns=key_columns + COLUMNS)
    numbers = ["value_prev", "value", "change", "change_pct"]
    return frame.astype({column: "float64" for column in numbers})


def national_changes(
    ds: Dataset, previous: Dataset | None, measures: tuple[tuple[str, str], ...]
) -> pd.DataFrame:
    """National change on the previous year for each (indicator, category) in `measures`."""
    rows = []
    for indicator, category in measures:
        before, source, note = previous_figure(ds, previous, indicator, NATIONAL, category)
        current = lookup(ds, indicator, NATIONAL, category, ds.year)
        rows.append(
            {
                "indicator": indicator,
                "category": category,
                "label": measure_label(ds, indicator, category),
                **change_row(current, before),
                "previous_from": source,
                "note": note,
            }
        )
    return as_frame(rows, [])


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
                row |= {"previous_from": "", "note": "boundaries changed between the two years"}
            else:
                before, source, note = previous_figure(ds, previous, indicator, region, "")
                row |= change_row(current, before, published_change)
                if row["basis"] == BASIS_COMPUTED and disagrees(
                    row["change_pct"], published_change
                ):
                    note = f"the {ds.year} data give a change of {published_change.text(1)}%"
                row |= {"previous_from": source, "note": note}
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


def labels_phrase(labels: list[str], most: int = 4) -> str:
    """A list of measures for prose, counted when long: 'volunteers and volunteer NPOs'."""
    if len(labels) > most:
        return f"{len(labels)} measures"
    return fmt.join_words(labels)


def source_text(
    year: int, previous_vintage: bool, national: pd.DataFrame, regional: pd.DataFrame
) -> str:
    """Which source gave the previous year's figures, what is missing, and where sources differ."""
    before = year - 1
    regional_totals = regional.drop_duplicates("region")
    sentences = []
    if previous_vintage:
        sentences.append(f"Figures for {before} come from the {before} edition's data.")
    else:
        sentences.append(f"No {before} data set is available beside this year's.")
    own = national[national["previous_from"] == FROM_OWN_ROWS]["label"].tolist()
    own += [
        f"{label} by region"
        for label in regional[regional["previous_from"] == FROM_OWN_ROWS]["label"].unique()
    ]
    if own:
        sentences.append(
            f"The {year} data themselves give {before} figures for {fmt.join_words(own)}."
        )
    published_changes = regional[regional["basis"] == BASIS_PUBLISHED]
    for label, rows in published_changes.groupby("label", sort=False):
        sentences.append(
            f"For {label} by region, the change on {before} is published for "
            f"{len(rows)} of the {len(regional_totals)} regions, without the figures behind it."
        )
    missing = national[national["basis"] == BASIS_NONE]["label"].tolist()
    if missing and len(missing) == len(national):
        sentences.append(f"No national figure for {before} is published, so none is compared.")
    elif missing:
        sentences.append(f"No {before} figure is published for {labels_phrase(missing)}.")
    regional_gaps = regional[regional["basis"] == BASIS_NONE]
    if len(regional):
        if len(regional_gaps) == len(regional):
            sentences.append(f"No regional figure for {before} is published.")
        elif len(regional_gaps):
            regions = regional_gaps["region"].nunique()
            sentences.append(
                f"By region, {before} figures are not published for {regions} regions."
            )
    changed = regional[regional["basis"] == BASIS_BOUNDARIES].drop_duplicates("region")
    if len(changed):
        sentences.append(
            f"{fmt.join_words(changed['region_name'].tolist())} cannot be compared: their "
            f"boundaries changed between {before} and {year}."
        )
    disagreements = pd.concat([national, regional], ignore_index=True)
    disagreements = disagreements[disagreements["note"].str.startswith(f"the {year} data")]
    if len(disagreements):
        count = len(disagreements)
        sentences.append(
            f"For {fmt.number(count)} {'figure' if count == 1 else 'figures'} the {year} data "
            f"themselves give a different {before} figure or change than the {before} edition's "
            f"data; the tables use the {before} edition's (the CSV's note gives the other)."
        )
    return " ".join(sentences)


def changes(ds: Dataset, previous: Dataset | None, chapter: str) -> Changes:
    """A chapter's national and regional changes on the previous year, with their sentence."""
    national = national_changes(ds, previous, NATIONAL_MEASURES[chapter])
    regional = regional_changes(ds, previous, REGIONAL_MEASURES[chapter])
    return Changes(
        year=ds.year,
        previous_vintage=previous is not None,
        national=national,
        regional=regional,
        text=source_text(ds.year, previous is not None, national, regional),
    )


def sentence_case(text: str) -> str:
    """First letter upper case: 'volunteer NPOs' -> 'Volunteer NPOs'."""
    return text[:1].upper() + text[1:]


def national_display(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Human headers for `national_changes`: measure, both years, change, basis."""
    return pd.DataFrame(
        {
            "Measure": frame["label"].map(sentence_case),
            str(year - 1): frame["value_prev"],
            str(year): frame["value"],
            "Change": frame["change"],
            "Change, %": frame["change_pct"].round(1),
            "Basis": frame["basis"],
        }
    )


def regional_display(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Human headers for `regional_changes`; largest rise first within each measure."""
    order = {indicator: i for i, indicator in enumerate(dict.fromkeys(frame["indicator"]))}
    frame = frame.assign(_order=frame["indicator"].map(order))
    frame = frame.sort_values(["_order", "change_pct"], ascending=[True, False], na_position="last")
    shown = {
        "Region": frame["region_name"],
        str(year - 1): frame["value_prev"],
        str(year): frame["value"],
        "Change": frame["change"],
        "Change, %": frame["change_pct"].round(1),
        "Basis": frame["basis"],
    }
    if frame["indicator"].nunique() > 1:
        shown = {"Measure": frame["label"].map(sentence_case), **shown}
    return pd.DataFrame(shown).reset_index(drop=True)
