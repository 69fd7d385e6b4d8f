"""Chapter 5: the economic contribution of volunteers (replacement cost and full-time equivalents).

Method (ILO Manual on the Measurement of Volunteer Work, replacement cost): value =
hours x average monthly wage / monthly working-time norm; full-time equivalents =
hours / annual working-time norm. The parameters come from data/<year>/params.yml.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from volreport import areas, display, fmt
from volreport.dataset import NATIONAL, Dataset
from volreport.indicators import Discrepancy, Indicator
from volreport.published import Published, published, region_names, sum_qualifier

CHAPTER = "economics"
BILLION = 1e9
# Id of the grant projects' row among the unrecorded initiatives (chapter 4's total).
GRANT_INITIATIVE = "grant_projects"
WEIGHTED_BASIS = "Regional, weighted by each region's hours"
# Two values in KZT closer than this are the same figure (the data store whole tenge).
SAME_KZT = 0.5
HOURS_BASES = {
    "as_counted": "Hours as the report counts them",
    "net": "Without the double-counted hours",
}


# --- pure arithmetic ---------------------------------------------------------------------


def replacement_value(hours: float, monthly_wage: float, monthly_norm_hours: float) -> float:
    """Replacement-cost value in KZT: hours paid at the hourly rate of a monthly wage."""
    return hours * monthly_wage / monthly_norm_hours


def full_time_equivalents(hours: float, annual_norm_hours: float) -> float:
    """How many people working full time for a year the hours correspond to."""
    return hours / annual_norm_hours


def implied_monthly_norm(hours: float, monthly_wage: float, value: float) -> float:
    """The monthly working-time norm that turns `hours` at `monthly_wage` into `value`."""
    return hours * monthly_wage / value


def implied_monthly_wage(hours: float, monthly_norm_hours: float, value: float) -> float:
    """The monthly wage that turns `hours` at `monthly_norm_hours` into `value`."""
    return value * monthly_norm_hours / hours


def implied_hours_per_person_year(hours: float, persons: float) -> float:
    """Hours per full-time person-year implied by stating `hours` as `persons` full-time."""
    return hours / persons


def rounds_to(value: float, published: float | None, scale: float, decimals: int) -> bool:
    """True when `value` in units of `scale` rounds to `published` at `decimals` places."""
    if published is None:
        return False
    return abs(value / scale - published / scale) <= 0.5 * 10**-decimals + 1e-9


def billions(value: float | None, decimals: int = 2) -> str:
    """KZT in billions for prose: 2_555_290_413 -> '2.56 billion KZT'."""
    if value is None:
        return "—"
    return f"{fmt.number(value / BILLION, decimals)} billion KZT"


# --- parameters --------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodParameters:
    """Parameters of the replacement-cost method, each with its source."""

    wage_kzt: float
    wage_label: str
    wage_source: str
    monthly_norm_hours: float
    annual_norm_hours: float
    norm_source: str


def parameter(ds: Dataset, name: str) -> tuple[object, str]:
    """A params.yml entry as (value, source); entries are `{value: ..., source: ...}`."""
    if name not in ds.params:
        raise KeyError(f"params.yml ({ds.path}): no entry {name!r}")
    entry = ds.params[name]
    if isinstance(entry, dict):
        return entry.get("value"), str(entry.get("source", ""))
    return entry, ""


def method_parameters(ds: Dataset) -> MethodParameters:
    """The method's parameters: the norms and the wage basis from params.yml."""
    monthly, monthly_source = parameter(ds, "monthly_hours_norm")
    annual, _ = parameter(ds, "annual_hours_norm")
    wage = default_wage(ds)
    return MethodParameters(
        wage_kzt=wage["wage_kzt"],
        wage_label=wage["label"],
        wage_source=wage["source"],
        monthly_norm_hours=float(monthly),
        annual_norm_hours=float(annual),
        norm_source=monthly_source,
    )


def default_wage(ds: Dataset) -> dict:
    """The wage params.yml names as the default (table, region, boundaries), with its source.

    Without a `default_wage` entry, the national average of wages.csv (current boundaries).
    """
    spec = ds.params.get("default_wage") or {}
    table_name = spec.get("table", "wages")
    region = spec.get("region", NATIONAL)
    boundaries = spec.get("boundaries", "current")
    wages = ds.table(table_name)
    rows = wages[(wages["region"] == region) & (wages["boundaries"] == boundaries)]
    if len(rows) != 1 or pd.isna(rows["wage_kzt"].iloc[0]):
        raise KeyError(
            f"{table_name}.csv: no wage_kzt for region {region}, boundaries {boundaries} "
            f"(params.yml default_wage)"
        )
    name = "national" if region == NATIONAL else region_names(ds).get(region, region)
    return {
        "wage_kzt": float(rows["wage_kzt"].iloc[0]),
        "label": f"{name} average monthly wage",
        "source": str(rows["source"].iloc[0]),
    }


# --- hours -------------------------------------------------------------------------------


def unrecorded_table(ds: Dataset) -> pd.DataFrame:
    """Initiatives outside the RFO figures, with hours and the part already counted.

    Columns: id, name, organization, volunteers, volunteers_qualifier, hours,
    hours_qualifier, hours_already_in_rfo, status. The grant projects' total joins as a
    row of its own when the record table does not list it.
    """
    table = ds.table("unrecorded_initiatives")
    frame = pd.DataFrame(
        {
            "id": table["id"].astype(str),
            "name": table["name"].astype(str),
            "organization": table["organization"],
            "volunteers": table["volunteers"].astype("Float64"),
            "volunteers_qualifier": table["volunteers_qualifier"].fillna("exact").astype(str),
            "hours": table["hours"].astype("Float64"),
            "hours_qualifier": table["hours_qualifier"].fillna("exact").astype(str),
            "hours_already_in_rfo": table["hours_already_in_rfo"].astype("Float64").fillna(0),
            "status": table["status"].astype(str),
        }
    )
    if GRANT_INITIATIVE not in set(frame["id"]):
        hours = published(ds, "grant_hours_total")
        volunteers = published(ds, "grant_volunteers_total")
        grant_row = {
            "id": GRANT_INITIATIVE,
            "name": "Grant volunteer projects",
            "organization": pd.NA,
            "volunteers": volunteers.value,
            "volunteers_qualifier": volunteers.qualifier,
            "hours": hours.value,
            "hours_qualifier": hours.qualifier,
            "hours_already_in_rfo": 0.0,
            "status": hours.status,
        }
        frame = pd.concat([frame, pd.DataFrame([grant_row])], ignore_index=True)
        frame = frame.astype({"volunteers": "Float64", "hours": "Float64"})
    return frame


RFO_HOURS_COLUMN = "Of which already in the RFO figures, hours"


def unrecorded_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `unrecorded_table`, each qualifier in its number's cell.

    Volunteers and hours are text as published ("at least 16,155"), so the table stays
    four columns wide; `unrecorded_data` is the CSV with numbers and qualifiers apart.
    """
    return pd.DataFrame(
        {
            "Initiative": frame["name"],
            "Volunteers": display.qualified_cells(
                frame["volunteers"].round(0), frame["volunteers_qualifier"]
            ),
            "Hours": display.qualified_cells(frame["hours"].round(0), frame["hours_qualifier"]),
            RFO_HOURS_COLUMN: frame["hours_already_in_rfo"].round(0).astype("Int64"),
        }
    )


def unrecorded_data(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV behind `unrecorded_display`: numbers, with the qualifiers in columns of their
    own ("at least"; empty when exact)."""
    return pd.DataFrame(
        {
            "Initiative": frame["name"],
            "Volunteers": frame["volunteers"].round(0).astype("Int64"),
            "Volunteers as published": frame["volunteers_qualifier"].map(areas.qualifier_words),
            "Hours": frame["hours"].round(0).astype("Int64"),
            "Hours as published": frame["hours_qualifier"].map(areas.qualifier_words),
            RFO_HOURS_COLUMN: frame["hours_already_in_rfo"].round(0).astype("Int64"),
        }
    )


@dataclass(frozen=True)
class HoursBasis:
    """Recorded hours, the additions and the adjusted totals, with and without double count.

    The qualifiers say how the source words the recorded hours and the sum of the added
    ones (see `sum_qualifier`); exact unless given.
    """

    recorded: float
    added: float
    double_counted: float
    recorded_qualifier: str = "exact"
    added_qualifier: str = "exact"

    @property
    def adjusted_qualifier(self) -> str:
        """The qualifier of the adjusted total: of the sum of recorded and added hours."""
        return sum_qualifier([self.recorded_qualifier, self.added_qualifier])

    @property
    def adjusted(self) -> float:
        """Recorded plus unrecorded hours, as the report adds them."""
        return self.recorded + self.added

    @property
    def adjusted_net(self) -> float:
        """Adjusted total without the hours already in the RFO figures."""
        return self.adjusted - self.double_counted

    @property
    def added_pct(self) -> float:
        """Unrecorded hours as a percentage of the recorded hours."""
        return 100 * self.added / self.recorded

    @property
    def added_net_pct(self) -> float:
        """Unrecorded hours without the double count, as a percentage of recorded hours."""
        return 100 * (self.added - self.double_counted) / self.recorded

    def total(self, basis: str) -> float:
        """The adjusted total on a basis of HOURS_BASES."""
        return {"as_counted": self.adjusted, "net": self.adjusted_net}[basis]


def hours_basis(ds: Dataset) -> HoursBasis:
    """Recorded hours (chapter 3) and the unrecorded initiatives' hours."""
    recorded = areas.national_hours(ds)
    if recorded.value is None:
        raise ValueError("observations.csv: national hours are missing; no economic value")
    unrecorded = unrecorded_table(ds)
    return HoursBasis(
        recorded=recorded.value,
        added=float(unrecorded["hours"].sum()),
        double_counted=float(unrecorded["hours_already_in_rfo"].sum()),
        recorded_qualifier=recorded.qualifier,
        added_qualifier=sum_qualifier(
            unrecorded.loc[unrecorded["hours"].notna(), "hours_qualifier"]
        ),
    )


def plot_hours(basis: HoursBasis):
    """Stacked bar: recorded hours, unrecorded hours, and the part counted twice."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    palette = sns.color_palette()
    fig, ax = plt.subplots(figsize=(8, 3))
    segments = [
        ("Recorded by the regional front offices", basis.recorded, palette[0]),
        ("Added: unrecorded initiatives", basis.added - basis.double_counted, palette[1]),
        ("Added, but already recorded", basis.double_counted, palette[5]),
    ]
    left = 0.0
    for label, width, colour in segments:
        ax.barh([""], [width / 1000], left=left / 1000, color=colour, label=label)
        left += width
    ax.set_title("Volunteer hours: recorded and added")
    ax.set_xlabel("Thousand hours")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: fmt.number(x)))
    fig.legend(loc="lower center", ncol=2, frameon=False)
    sns.despine(ax=ax, left=True)
    fig.tight_layout(rect=(0, 0.18, 1, 1))
    return fig


def hours_frame(basis: HoursBasis) -> pd.DataFrame:
    """The data behind `plot_hours` and the adjusted-hours table."""
    return pd.DataFrame(
        {
            "measure": [
                "recorded",
                "unrecorded",
                "double_counted",
                "adjusted",
                "adjusted_net",
                "added_pct",
                "added_net_pct",
            ],
            "value": [
                basis.recorded,
                basis.added,
                basis.double_counted,
                basis.adjusted,
                basis.adjusted_net,
                basis.added_pct,
                basis.added_net_pct,
            ],
        }
    )


# --- sensitivity ---------------------------------------------------------------------------


def regional_hours(ds: Dataset) -> pd.DataFrame:
    """The regions' total hours (all areas), one row per region."""
    hours = ds.obs("hours")
    return hours[(hours["region"] != NATIONAL) & hours["category"].isna()]


def regional_hours_charted(ds: Dataset) -> bool:
    """True when the regions' hours are shown only as a chart: no values, sources name a chart."""
    hours = regional_hours(ds)
    return bool(
        len(hours)
        and hours["value"].isna().all()
        and hours["source"].astype(str).str.contains("chart").all()
    )


def regional_hours_gap(ds: Dataset) -> str:
    """Why regional hours cannot weight the wages, in words; '' when every region has hours."""
    hours = regional_hours(ds)
    if hours.empty:
        return "the data hold no hours by region"
    if regional_hours_charted(ds):
        return "the report shows hours by region only as a chart without values"
    missing = int(hours["value"].isna().sum())
    if not missing:
        return ""
    return f"hours are missing for {fmt.number(missing)} of {fmt.number(len(hours))} regions"


def hours_weighted_wage(ds: Dataset) -> float | None:
    """Regional wages weighted by each region's recorded hours, as the report describes.

    None when any reporting region's hours or wage is missing (the 2022 report gives hours
    by region only as a chart). Regions split since the reporting year use the wage of
    their pre-split unit (boundaries reporting_2022) when the hours are in the old units.
    """
    hours = ds.obs("hours")
    hours = hours[(hours["region"] != NATIONAL) & hours["category"].isna()]
    if hours.empty or hours["value"].isna().any():
        return None
    regions = ds.reference["regions"].set_index("code")
    old_units = not hours["region"].map(~regions["reporting_2022"].astype(bool)).any()
    wages = ds.table("wages")
    wanted = "reporting_2022" if old_units else "current"
    chosen = wages.assign(_rank=(wages["boundaries"] != wanted).astype(int))
    chosen = chosen.sort_values("_rank").drop_duplicates("region").set_index("region")
    regional_wages = hours["region"].map(chosen["wage_kzt"]).astype("Float64")
    if regional_wages.isna().any():
        return None
    weights = hours["value"].astype(float)
    return float((regional_wages.astype(float) * weights).sum() / weights.sum())


def wage_bases(ds: Dataset, params: MethodParameters) -> pd.DataFrame:
    """Monthly wages to value the hours with: national, regional, occupation range.

    Columns: basis, wage_kzt, note. The regional extremes are official wages (reported
    rows); the hours-weighted regional wage has no value when hours by region are not
    published.
    """
    names = region_names(ds)
    wages = ds.table("wages")
    regional = wages[(wages["region"] != NATIONAL) & (wages["status"] == "reported")]
    lowest = regional.loc[regional["wage_kzt"].astype(float).idxmin()]
    highest = regional.loc[regional["wage_kzt"].astype(float).idxmax()]
    occupations = ds.table("wages_by_occupation")
    low_occ = occupations.loc[occupations["wage_kzt"].astype(float).idxmin()]
    high_occ = occupations.loc[occupations["wage_kzt"].astype(float).idxmax()]
    weighted = hours_weighted_wage(ds)
    gap = regional_hours_gap(ds) or "a region's wage is missing"
    weighted_note = (
        "official regional wages weighted by the regions' recorded hours"
        if weighted is not None
        else f"not possible: {gap}"
    )
    rows = [
        ("National average", params.wage_kzt, "official national average"),
        (f"Lowest regional ({names.get(lowest['region'])})", lowest["wage_kzt"], "official"),
        (f"Highest regional ({names.get(highest['region'])})", highest["wage_kzt"], "official"),
        (WEIGHTED_BASIS, weighted, weighted_note),
        (f"Lowest occupation group ({low_occ['occupation']})", low_occ["wage_kzt"], "official"),
        (f"Highest occupation group ({high_occ['occupation']})", high_occ["wage_kzt"], "official"),
    ]
    frame = pd.DataFrame(rows, columns=["basis", "wage_kzt", "note"])
    frame["wage_kzt"] = frame["wage_kzt"].astype("Float64")
    return frame


def sensitivity_table(bases: pd.DataFrame, basis: HoursBasis, monthly_norm: float) -> pd.DataFrame:
    """Replacement value for each wage basis, with and without the double-counted hours.

    Columns: basis, wage_kzt, value_as_counted_kzt, value_net_kzt, note.
    """
    frame = bases.copy()
    for key in HOURS_BASES:
        frame[f"value_{key}_kzt"] = (
            frame["wage_kzt"]
            .map(
                lambda wage, key=key: (
                    pd.NA
                    if pd.isna(wage)
                    else replacement_value(basis.total(key), float(wage), monthly_norm)
                )
            )
            .astype("Float64")
        )
    return frame[["basis", "wage_kzt", "value_as_counted_kzt", "value_net_kzt", "note"]]


def sensitivity_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `sensitivity_table`, values in billions of KZT."""
    return pd.DataFrame(
        {
            "Wage basis": frame["basis"],
            "Monthly wage, KZT": frame["wage_kzt"].round(0).astype("Int64"),
            "Value, hours as counted, billion KZT": (frame["value_as_counted_kzt"] / BILLION)
            .astype("Float64")
            .round(2),
            "Value without double count, billion KZT": (frame["value_net_kzt"] / BILLION)
            .astype("Float64")
            .round(2),
        }
    )


def plot_sensitivity(frame: pd.DataFrame, published_value: float | None):
    """Horizontal bars of the value per wage basis, the published figure as a line."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = frame.dropna(subset=["value_as_counted_kzt"])
    long = pd.DataFrame(
        {
            "basis": list(data["basis"]) * 2,
            "hours": [HOURS_BASES["as_counted"]] * len(data) + [HOURS_BASES["net"]] * len(data),
            "billion": list((data["value_as_counted_kzt"] / BILLION).astype(float))
            + list((data["value_net_kzt"] / BILLION).astype(float)),
        }
    )
    fig, ax = plt.subplots(figsize=(8, 4.8))
    sns.barplot(data=long, y="basis", x="billion", hue="hours", ax=ax)
    if published_value is not None:
        ax.axvline(published_value / BILLION, color="black", linestyle="--", linewidth=1)
        ax.annotate(
            "published",
            xy=(published_value / BILLION, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=9,
        )
    fig.suptitle("Value of volunteer hours by wage basis")
    ax.set_xlabel("Replacement value, billion KZT")
    ax.set_ylabel("")
    handles, labels = ax.get_legend_handles_labels()
    ax.get_legend().remove()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    sns.despine(ax=ax, left=True)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


# --- chapter result ------------------------------------------------------------------------


@dataclass(frozen=True)
class EconomicsResult:
    """Everything chapter 5 shows, computed from one year's data."""

    year: int
    unrecorded: pd.DataFrame
    hours: HoursBasis
    params: MethodParameters
    economic_value_kzt: float
    economic_value_net_kzt: float
    fte_equivalent: float
    fte_equivalent_net: float
    sensitivity: pd.DataFrame
    published_added: Published
    published_added_pct: Published
    published_value: Published
    published_value_low: Published
    published_value_high: Published
    published_fte: Published
    implied_monthly_norm: float | None
    implied_wage: float | None
    implied_hours_per_fte: float | None
    regional_hours_charted: bool


def compute(ds: Dataset) -> EconomicsResult:
    """Compute chapter 5 from a dataset."""
    params = method_parameters(ds)
    basis = hours_basis(ds)
    value = published(ds, "economic_value_kzt")
    fte = published(ds, "fte_equivalent")
    adjusted = basis.adjusted
    return EconomicsResult(
        year=ds.year,
        unrecorded=unrecorded_table(ds),
        hours=basis,
        params=params,
        economic_value_kzt=replacement_value(adjusted, params.wage_kzt, params.monthly_norm_hours),
        economic_value_net_kzt=replacement_value(
            basis.adjusted_net, params.wage_kzt, params.monthly_norm_hours
        ),
        fte_equivalent=full_time_equivalents(adjusted, params.annual_norm_hours),
        fte_equivalent_net=full_time_equivalents(basis.adjusted_net, params.annual_norm_hours),
        sensitivity=sensitivity_table(wage_bases(ds, params), basis, params.monthly_norm_hours),
        published_added=published(ds, "unrecorded_hours_added"),
        published_added_pct=published(ds, "unrecorded_hours_added_pct"),
        published_value=value,
        published_value_low=published(ds, "economic_value_kzt_sector_low"),
        published_value_high=published(ds, "economic_value_kzt_sector_high"),
        published_fte=fte,
        implied_monthly_norm=None
        if value.missing
        else implied_monthly_norm(adjusted, params.wage_kzt, value.value),
        implied_wage=None
        if value.missing
        else implied_monthly_wage(adjusted, params.monthly_norm_hours, value.value),
        implied_hours_per_fte=None
        if fte.missing
        else implied_hours_per_person_year(adjusted, fte.value),
        regional_hours_charted=regional_hours_charted(ds),
    )


# --- prose ---------------------------------------------------------------------------------


def headline(result: EconomicsResult) -> str:
    """Key numbers of the chapter as a Markdown paragraph."""
    hours = result.hours
    text = (
        f"With {fmt.number(hours.added)} hours of initiatives outside the regional front "
        f"offices' figures, volunteers worked **{fmt.number(hours.adjusted)} hours** in "
        f"{result.year}. Valued at the {result.params.wage_label} "
        f"({fmt.number(result.params.wage_kzt)} KZT), that is "
        f"**{billions(result.economic_value_kzt)}**, or the work of "
        f"{fmt.number(result.fte_equivalent)} people employed full time for a year."
    )
    if hours.double_counted:
        text += (
            f" Without the {fmt.number(hours.double_counted)} hours the report counts twice: "
            f"{billions(result.economic_value_net_kzt)} and "
            f"{fmt.number(result.fte_equivalent_net)} people."
        )
    return text


def unrecorded_text(result: EconomicsResult) -> str:
    """The unrecorded initiatives, the adjusted total and the double count."""
    hours = result.hours
    published_added = result.published_added
    text = (
        f"The regional front offices' figures leave out many initiatives. The report adds "
        f"{fmt.number(len(result.unrecorded))} of them to the {fmt.number(hours.recorded)} "
        f"recorded hours: together {fmt.number(hours.added)} hours "
        f"({fmt.percent(hours.added_pct, 1)} of the recorded hours"
    )
    if not published_added.missing:
        text += (
            f"; the report says {published_added.text()} hours, "
            f"{fmt.percent(result.published_added_pct.value, 0)}"
        )
    text += f"), an adjusted total of {fmt.number(hours.adjusted)} hours."
    if hours.double_counted:
        text += (
            f" But {fmt.number(hours.double_counted)} of these hours are already in the "
            f"regional figures, as the report itself notes, so they are counted twice. "
            f"Without them the addition is {fmt.number(hours.added - hours.double_counted)} "
            f"hours ({fmt.percent(hours.added_net_pct, 1)}) and the adjusted total "
            f"{fmt.number(hours.adjusted_net)} hours."
        )
    return text


def same_value(result: EconomicsResult) -> bool:
    """True when the computed value and the published one are the same to the tenge."""
    stated = result.published_value.value
    return stated is not None and abs(result.economic_value_kzt - stated) < SAME_KZT


def same_fte(result: EconomicsResult) -> bool:
    """True when the computed full-time equivalents round to the published number."""
    stated = result.published_fte.value
    return stated is not None and round(result.fte_equivalent) == round(stated)


def value_text(result: EconomicsResult) -> str:
    """The replacement value and the parameters the published figure implies."""
    params = result.params
    published_value = result.published_value
    text = (
        f"The replacement cost values each hour at the pay of a paid worker: the "
        f"{params.wage_label} ({fmt.number(params.wage_kzt)} KZT) divided by the monthly "
        f"working-time norm ({fmt.number(params.monthly_norm_hours, 1)} hours). For "
        f"{fmt.number(result.hours.adjusted)} hours that gives "
        f"{billions(result.economic_value_kzt)}"
    )
    if published_value.missing:
        text += "; the data give no value of their own."
    elif same_value(result):
        text += ", the value the data give."
    else:
        text += (
            f"; the report says {fmt.QUALIFIER_WORDS.get(published_value.qualifier, '')}"
            f"{billions(published_value.value, 1)}."
        )
    if not same_value(result) and rounds_to(
        result.economic_value_kzt, published_value.value, BILLION, 1
    ):
        text += (
            " Rounded to a tenth of a billion, as the report rounds, the two agree; but the "
            "computed value is below the published one, not above it."
            if result.economic_value_kzt < published_value.value
            else " Rounded to a tenth of a billion, as the report rounds, the two agree."
        )
    if result.implied_monthly_norm is not None and not same_value(result):
        text += (
            f" To reach the published figure exactly, the hours would have to be paid at "
            f"a monthly wage of {fmt.number(result.implied_wage)} KZT, or the month would "
            f"have to have {fmt.number(result.implied_monthly_norm, 1)} working hours."
        )
    low, high = result.published_value_low, result.published_value_high
    if not low.missing and not high.missing and "reported" not in (low.status, high.status):
        text += (
            f" The data also give a second estimate, {fmt.number(low.value / BILLION, 1)} to "
            f"{billions(high.value, 1)} (status derived; the method is in the data's notes)."
        )
    elif not low.missing and not high.missing:
        text += (
            f" The report's second estimate, {fmt.number(low.value / BILLION, 1)} to "
            f"{billions(high.value, 1)} with wages by type of economic activity, cannot be "
            f"recomputed: it does not say which activities it uses, and official average "
            f"wages by activity are not in this edition's data."
        )
    return text


def sensitivity_text(result: EconomicsResult) -> str:
    """How much the value depends on the wage, and whether the regional weighting is possible."""
    frame = result.sensitivity.dropna(subset=["value_as_counted_kzt"])
    lowest = frame["value_net_kzt"].astype(float).min()
    highest = frame["value_as_counted_kzt"].astype(float).max()
    text = (
        f"The value depends above all on the wage. Across the official wages in the table "
        f"it ranges from {billions(lowest)} to {billions(highest)}."
    )
    weighted = result.sensitivity.set_index("basis")["value_as_counted_kzt"].get(WEIGHTED_BASIS)
    if weighted is None or pd.isna(weighted):
        note = result.sensitivity.set_index("basis")["note"].get(WEIGHTED_BASIS, "")
        if result.regional_hours_charted:
            return text + (
                " The report says it weighted regional wages by each region's hours; it "
                "publishes hours by region only as a chart without values, so this edition "
                "cannot repeat that weighting."
            )
        return text + f" Weighting the regional wages by each region's hours is {note}."
    return text + (
        f" Weighted by each region's recorded hours, the regional wages give "
        f"{billions(float(weighted))}."
    )


def fte_text(result: EconomicsResult) -> str:
    """Full-time equivalents and the hours per person-year the published figure implies."""
    params = result.params
    fte = result.published_fte
    text = (
        f"A full-time year has {fmt.number(params.annual_norm_hours)} working hours under "
        f"the official norm, so {fmt.number(result.hours.adjusted)} hours equal the work "
        f"of {fmt.number(result.fte_equivalent)} people employed full time"
    )
    if result.hours.double_counted:
        text += f" ({fmt.number(result.fte_equivalent_net)} without the double count)"
    text += "."
    if same_fte(result):
        text += f" The report gives the same number, {fte.text()}."
    elif result.implied_hours_per_fte is not None:
        text += (
            f" The report's {fte.text()} people imply "
            f"{fmt.number(result.implied_hours_per_fte)} hours per person-year instead of "
            f"{fmt.number(params.annual_norm_hours)}."
        )
    return text


# --- indicators and discrepancies --------------------------------------------------------------


def indicators(ds: Dataset) -> list[Indicator]:
    """Headline indicators of chapter 5, computed by the documented method (status derived).

    Each carries the qualifier of the hours it is computed from: the sum of the
    initiatives' hours is qualified by its parts (`sum_qualifier`), and the value and the
    full-time equivalents scale the adjusted hours by exact parameters, keeping its qualifier.
    """
    result = compute(ds)
    source = f"Report {ds.year}, §Economic contribution; computed (replacement cost)"
    hours = result.hours
    return [
        Indicator(
            "unrecorded_hours_total",
            "Hours of initiatives outside the RFO figures",
            hours.added,
            "hours",
            "derived",
            source,
            hours.added_qualifier,
        ),
        Indicator(
            "hours_adjusted_total",
            "Recorded and unrecorded volunteer hours",
            hours.adjusted,
            "hours",
            "derived",
            source,
            hours.adjusted_qualifier,
        ),
        Indicator(
            "economic_value_kzt",
            "Replacement value of volunteer hours",
            result.economic_value_kzt,
            "KZT",
            "derived",
            source,
            hours.adjusted_qualifier,
        ),
        Indicator(
            "fte_equivalent",
            "Full-time equivalent of volunteer hours",
            result.fte_equivalent,
            "persons",
            "derived",
            source,
            hours.adjusted_qualifier,
        ),
    ]


def discrepancies(ds: Dataset) -> list[Discrepancy]:
    """Where chapter 5 of the report disagrees with itself or with official statistics."""
    result = compute(ds)
    hours, params = result.hours, result.params
    found = []
    if hours.double_counted:
        found.append(
            Discrepancy(
                CHAPTER,
                "Unrecorded hours counted twice",
                f"+{result.published_added.text()} hours "
                f"({fmt.percent(result.published_added_pct.value, 0)})",
                f"+{fmt.number(hours.added - hours.double_counted)} hours "
                f"({fmt.percent(hours.added_net_pct, 1)}) without the double count",
                f"{fmt.number(hours.double_counted)} hours of the addition are, as the report "
                f"notes, already in the regional front offices' figures.",
            )
        )
    if not result.published_value.missing and not same_value(result):
        found.append(
            Discrepancy(
                CHAPTER,
                "Economic value",
                f"{fmt.QUALIFIER_WORDS.get(result.published_value.qualifier, '')}"
                f"{billions(result.published_value.value, 1)}",
                f"{billions(result.economic_value_kzt)} with the {params.wage_label} and "
                f"{fmt.number(params.monthly_norm_hours, 1)} hours a month",
                f"The published figure implies a wage of {fmt.number(result.implied_wage)} KZT "
                f"or a month of {fmt.number(result.implied_monthly_norm, 1)} hours.",
            )
        )
    if not result.published_fte.missing and not same_fte(result):
        found.append(
            Discrepancy(
                CHAPTER,
                "Full-time equivalents",
                f"{result.published_fte.text()} people",
                f"{fmt.number(result.fte_equivalent)} people at "
                f"{fmt.number(params.annual_norm_hours)} hours a year",
                f"The published figure implies {fmt.number(result.implied_hours_per_fte)} "
                f"hours per person-year instead of the official "
                f"{fmt.number(params.annual_norm_hours)}.",
            )
        )
    return found
