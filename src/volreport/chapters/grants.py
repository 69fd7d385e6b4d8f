"""Chapter 4: the Birgemiz grant projects, their hours, cooperation and the grantees' feedback.

Python computes the values; every sentence is a template under `templates/en/grants/`,
conditioned on what the data hold (a gap, a project whose hours are derived, a published
source declared in the vintage's `edition.yml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from volreport.chapters.common import area_names
from volreport.core import fmt, prose
from volreport.core.i18n import SOURCE_LANGUAGE, term
from volreport.data.contract import HALF_UNIT
from volreport.data.dataset import Dataset, text_column
from volreport.data.indicators import Discrepancy, Indicator
from volreport.data.published import (
    Published,
    published,
    qualifier_of,
    ratio_qualifier,
    sum_qualifier,
)

CHAPTER = "grants"
# A shown table's headers stay English in its frame (they are its CSV's header);
# `display.show_table` shows them in the reader's language.
HEADER = SOURCE_LANGUAGE
# The grant projects' totals and their units.
TOTALS = {
    "grant_hours_total": "hours",
    "grant_volunteers_total": "persons",
    "grant_events_total": "events",
}
# Kinds of the grantees' statements (grantee_feedback.csv): who supports them, then the
# feedback proper, in the order the chapter shows them.
SUPPORTER = "supporter"
FEEDBACK_KINDS = ("difficulty", "positive", "recommendation")
# Optional record table with statements on the regions' engagement in the projects
# (number, projects, engagement, regions); not every vintage has it.
ENGAGEMENT_TABLE = "grant_regional_engagement"


def total_names() -> dict[str, str]:
    """The totals (TOTALS) as the headline figures name them, in the current language."""
    return {
        "grant_hours_total": term("Volunteer hours of the grant projects"),
        "grant_volunteers_total": term("Volunteers of the grant projects"),
        "grant_events_total": term("Events of the grant projects"),
    }


def hours_basis_names() -> dict[str, str]:
    """How a project's hours were obtained, for the projects table (labels, not sentences)."""
    return {
        "missing": term("not available"),
        "derived": term("derived: total less the listed projects"),
        "exact": term("exact"),
    }


def projects_table(ds: Dataset) -> pd.DataFrame:
    """The grant projects as the data hold them: hours (with qualifier and status),
    volunteers, events.

    Columns: id, project, area, area_name, operator, hours, hours_qualifier, status,
    volunteers, events, cooperation. In the data's order.
    """
    table = ds.table("grant_projects")
    names = area_names(ds)
    return pd.DataFrame(
        {
            "id": table["id"].astype(str),
            "project": text_column(table, "project").astype(str),
            "area": table["area"],
            "area_name": table["area"].map(names),
            "operator": text_column(table, "operator"),
            "hours": table["hours"].astype("Float64"),
            "hours_qualifier": table["hours_qualifier"].map(qualifier_of),
            "status": table["status"].astype(str),
            "volunteers": table["volunteers"].astype("Float64"),
            "events": table["events"].astype("Float64"),
            "cooperation": text_column(table, "cooperation"),
        }
    ).reset_index(drop=True)


def listed_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects whose hours are given one by one (reported values only)."""
    return projects[(projects["status"] == "reported") & projects["hours"].notna()]


def listed_hours(projects: pd.DataFrame) -> float:
    """Sum of the hours given project by project (reported values only)."""
    return float(listed_projects(projects)["hours"].sum())


def blank_project(projects: pd.DataFrame) -> pd.Series | None:
    """The project whose hours are qualified but blank ("at least  hours"), or derived.

    That project's hours are the difference between the total and the listed projects; a
    project with no data at all has an exact, empty cell. Returns None unless exactly one
    project is in that position (blank or derived).
    """
    qualified_blank = projects["hours"].isna() & (projects["hours_qualifier"] != "exact")
    candidates = projects[qualified_blank | (projects["status"] == "derived")]
    return candidates.iloc[0] if len(candidates) == 1 else None


def hours_by_project(ds: Dataset) -> pd.DataFrame:
    """Hours per project with the blank project's hours derived by difference from the total.

    Adds columns hours_shown (reported, or derived = total - listed) and hours_status.
    """
    projects = projects_table(ds)
    total = published(ds, "grant_hours_total")
    blank = blank_project(projects)
    frame = projects.assign(hours_shown=projects["hours"], hours_status=projects["status"])
    if blank is not None and total.value is not None:
        position = frame.index[frame["id"] == blank["id"]][0]
        frame.loc[position, "hours_shown"] = total.value - listed_hours(projects)
        frame.loc[position, "hours_status"] = "derived"
    return frame


def hours_basis(row) -> str:
    """How one project's hours were obtained: its qualifier, derived, or not available."""
    names = hours_basis_names()
    if pd.isna(row.hours_shown):
        return names["missing"]
    if row.hours_status == "derived":
        return names["derived"]
    return fmt.qualifier_words().get(row.hours_qualifier, "").strip() or names["exact"]


def projects_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `hours_by_project`; how each figure was obtained, in words."""
    return pd.DataFrame(
        {
            term("Project", HEADER): frame["project"],
            term("Operator", HEADER): frame["operator"],
            term("Hours", HEADER): frame["hours_shown"].round(0).astype("Int64"),
            term("Hours: basis", HEADER): [
                None if pd.isna(row.hours_shown) else hours_basis(row) for row in frame.itertuples()
            ],
            term("Volunteers", HEADER): frame["volunteers"].round(0).astype("Int64"),
            term("Events", HEADER): frame["events"].round(0).astype("Int64"),
        }
    )


def plot_project_hours(frame: pd.DataFrame):
    """Horizontal bars of hours per project (from `hours_by_project`), largest first, each
    labelled with its hours and their qualifier; a derived bar is hatched and says so."""
    from volreport.chapters import display

    data = frame.dropna(subset=["hours_shown"]).astype({"hours_shown": "float64"})
    data = data.sort_values("hours_shown", ascending=False).reset_index(drop=True)
    colour = display.PALETTE[0]
    names = [display.fit_label(name) for name in data["project"]]
    wrapped = any("\n" in name for name in names)
    figure, axis = display.bar_chart(len(data), per_row=0.5 if wrapped else 0.42)
    bars = axis.barh(range(len(data)), data["hours_shown"], height=0.7, color=colour)
    labels = []
    for bar, row in zip(bars, data.itertuples(), strict=True):
        if row.hours_status == "derived":
            bar.set_hatch("//")
            bar.set_facecolor("white")
            bar.set_edgecolor(colour)
            bar.set_linewidth(1)
            labels.append(term("{hours} (derived)").format(hours=display.number(row.hours_shown)))
        else:
            labels.append(fmt.qualified(display.number(row.hours_shown), row.hours_qualifier))
    display.label_bars(axis, bars, labels)
    axis.set_yticks(range(len(data)), names)
    axis.set_ylim(len(data) - 0.5, -0.5)
    axis.set_xlim(0, data["hours_shown"].max() * 1.5)
    display.values_only(axis)
    figure.tight_layout()
    return figure


def cooperation_groups(projects: pd.DataFrame) -> list[dict]:
    """The projects grouped by how they cooperated with the network, in the data's order.

    Each group: {"cooperation": the data's words, "projects": [project names]}; the
    projects without a stated cooperation are left out (see `cooperation_unknown`).
    """
    stated = projects.dropna(subset=["cooperation"])
    groups: dict[str, list[str]] = {}
    for cooperation, project in zip(stated["cooperation"], stated["project"], strict=True):
        groups.setdefault(str(cooperation), []).append(str(project))
    return [{"cooperation": text, "projects": names} for text, names in groups.items()]


def cooperation_unknown(projects: pd.DataFrame) -> list[str]:
    """Projects whose cooperation with the network the data do not state."""
    return projects.loc[projects["cooperation"].isna(), "project"].astype(str).tolist()


def feedback_lists(ds: Dataset) -> dict[str, list[str]]:
    """The grantees' statements by kind (supporter, difficulty, positive, recommendation)."""
    table = ds.table("grantee_feedback").sort_values(["kind", "number"])
    texts = text_column(table, "text").astype(str)
    return {kind: texts[table["kind"] == kind].tolist() for kind in (SUPPORTER, *FEEDBACK_KINDS)}


def engagement_table(ds: Dataset) -> pd.DataFrame | None:
    """Statements on the regions' engagement in the projects, when the vintage has them."""
    return ds.tables.get(ENGAGEMENT_TABLE)


def area_coverage(ds: Dataset, projects: pd.DataFrame) -> dict:
    """Which areas of volunteering the grant projects work in.

    Returns {"areas": number of areas in the reference, "covered": names of the areas with
    a project, "uncovered": names of those without one (both in reference order),
    "outside": projects listed without an area}.
    """
    areas = ds.reference["areas"].sort_values("order")
    with_project = set(projects["area"].dropna().astype(str))
    names = text_column(areas, "name_en").astype(str)
    covered = areas["id"].isin(with_project)
    return {
        "areas": len(areas),
        "covered": names[covered].tolist(),
        "uncovered": names[~covered].tolist(),
        "outside": projects.loc[projects["area"].isna(), "project"].astype(str).tolist(),
    }


@dataclass(frozen=True)
class GrantsResult:
    """Everything chapter 4 shows, computed from one year's data."""

    year: int
    published: bool  # the vintage declares a published report it was transcribed from
    projects: pd.DataFrame
    totals: dict[str, Published]
    listed_hours: float
    listed_qualifier: str
    blank_project: str | None
    feedback: dict[str, list[str]]
    engagement: pd.DataFrame | None
    coverage: dict


def compute(ds: Dataset) -> GrantsResult:
    """Compute chapter 4 from a dataset."""
    projects = hours_by_project(ds)
    blank = blank_project(projects)
    listed = listed_projects(projects)
    return GrantsResult(
        year=ds.year,
        published=ds.edition.published,
        projects=projects,
        totals={indicator: published(ds, indicator) for indicator in TOTALS},
        listed_hours=listed_hours(projects),
        listed_qualifier=sum_qualifier(listed["hours_qualifier"]),
        blank_project=None if blank is None else str(blank["project"]),
        feedback=feedback_lists(ds),
        engagement=engagement_table(ds),
        coverage=area_coverage(ds, projects),
    )


# --- computed statements (templates/en/grants/) ------------------------------------------


def _difference(result: GrantsResult) -> float | None:
    """Total hours less the listed projects' hours; None without a total."""
    total = result.totals["grant_hours_total"].value
    return None if total is None else total - result.listed_hours


def listed_sums(result: GrantsResult) -> dict[str, dict | None]:
    """Hours, volunteers and events summed over the listed projects, where every project
    gives the figure ({value, qualifier}); None where some project lacks it."""
    frame = result.projects
    sums: dict[str, dict | None] = {"hours": None, "volunteers": None, "events": None}
    if frame.empty:
        return sums
    if len(listed_projects(frame)) == len(frame):
        sums["hours"] = {"value": result.listed_hours, "qualifier": result.listed_qualifier}
    for column in ("volunteers", "events"):
        if frame[column].notna().all():
            sums[column] = {"value": float(frame[column].sum()), "qualifier": "exact"}
    return sums


def headline(result: GrantsResult) -> str:
    """Key numbers of the chapter as a Markdown paragraph."""
    return prose.render(
        "grants/headline",
        year=result.year,
        projects=len(result.projects),
        hours=result.totals["grant_hours_total"],
        volunteers=result.totals["grant_volunteers_total"],
        events=result.totals["grant_events_total"],
        listed=listed_sums(result),
    )


def hours_text(result: GrantsResult) -> str:
    """Hours per project: the listed sum against the total, derived hours and gaps."""
    frame = result.projects
    difference = _difference(result)
    blank = result.blank_project if difference else None
    unattributed = (
        difference if blank is None and difference and abs(difference) >= HALF_UNIT else 0
    )

    def without(column: str) -> list[str]:
        return frame.loc[frame[column].isna(), "project"].astype(str).tolist()

    return prose.render(
        "grants/hours",
        published=result.published,
        projects=len(frame),
        listed=len(listed_projects(frame)),
        listed_hours=result.listed_hours,
        listed_qualifier=result.listed_qualifier,
        total=result.totals["grant_hours_total"],
        blank=blank,
        blank_hours=difference if blank else None,
        unattributed=unattributed,
        no_hours=frame.loc[frame["hours_shown"].isna(), "project"].astype(str).tolist(),
        no_volunteers=without("volunteers"),
        no_events=without("events"),
    )


def cooperation_text(result: GrantsResult) -> str:
    """How the operators cooperated with the network's data collection, grouped."""
    frame = result.projects
    return prose.render(
        "grants/cooperation",
        published=result.published,
        projects=len(frame),
        groups=cooperation_groups(frame),
        unknown=cooperation_unknown(frame),
    )


def regions_text(result: GrantsResult) -> str:
    """The grantees' supporters, and the regions' engagement when the data hold it."""
    statements = []
    if result.engagement is not None:
        statements = [
            {"projects": row.projects, "engagement": row.engagement, "regions": row.regions}
            for row in result.engagement.sort_values("number").itertuples()
        ]
    return prose.render(
        "grants/regions", supporters=result.feedback.get(SUPPORTER, []), engagement=statements
    )


def initiatives_text(result: GrantsResult) -> str:
    """The areas of volunteering the projects work in, and those no project covers."""
    return prose.render("grants/initiatives", projects=len(result.projects), **result.coverage)


def feedback_text(result: GrantsResult) -> str:
    """The grantees' difficulties, positives and recommendations as Markdown lists."""
    lists: dict[str, Any] = {kind: result.feedback.get(kind, []) for kind in FEEDBACK_KINDS}
    return prose.render("grants/feedback", **lists)


# --- what the build collects -------------------------------------------------------------


def indicators(ds: Dataset, result: GrantsResult) -> list[Indicator]:
    """Headline indicators of chapter 4: the grant projects' hours, volunteers and events
    (from `compute(ds)`)."""
    found = []
    names = total_names()
    for indicator, unit in TOTALS.items():
        value = result.totals[indicator]
        found.append(
            Indicator(
                indicator,
                names[indicator],
                value.value,
                unit,
                value.status,
                value.source,
                value.qualifier,
            )
        )
    return found


def variables(ds: Dataset, result: GrantsResult) -> dict[str, str]:
    """`{{< var >}}` values for the chapter's commentary and method notes.

    - grants_projects: number of grant projects listed;
    - grants_projects_with_hours: projects whose hours are known (given or derived);
    - grants_listed_hours: the hours given project by project, with their qualifier;
    - grants_derived_hours: the hours derived as the total less the listed projects;
    - grants_hours_per_volunteer: total hours per volunteer of the grant projects, with
      the qualifier that follows from the totals' ('at least 2.1').
    Each is 'not available' when the data do not allow it.
    """
    frame = result.projects
    hours = result.totals["grant_hours_total"]
    volunteers = result.totals["grant_volunteers_total"]
    difference = _difference(result) if result.blank_project else None
    per_volunteer = None
    if hours.value is not None and volunteers.value:
        per_volunteer = fmt.qualified(
            hours.value / volunteers.value,
            ratio_qualifier(hours.qualifier, volunteers.qualifier),
            decimals=1,
        )

    def text(value: str | None) -> str:
        return term("not available") if value is None else value

    return {
        "grants_projects": fmt.number(len(frame)),
        "grants_projects_with_hours": fmt.number(int(frame["hours_shown"].notna().sum())),
        "grants_listed_hours": fmt.qualified(result.listed_hours, result.listed_qualifier),
        "grants_derived_hours": text(None if difference is None else fmt.number(difference)),
        "grants_hours_per_volunteer": text(per_volunteer),
    }


def discrepancies(ds: Dataset, result: GrantsResult) -> list[Discrepancy]:
    """Where chapter 4 of the published report disagrees with itself (none without one)."""
    if not ds.edition.published:
        return []
    difference = _difference(result)
    if difference is None or abs(difference) < HALF_UNIT:
        return []
    context: dict[str, Any] = {
        "total": result.totals["grant_hours_total"],
        "listed_hours": result.listed_hours,
        "listed_qualifier": result.listed_qualifier,
        "difference": difference,
        "blank": result.blank_project,
    }
    return [
        Discrepancy(
            CHAPTER,
            term("Grant projects: total hours"),
            prose.render("grants/discrepancy_published", **context),
            prose.render("grants/discrepancy_recomputed", **context),
            prose.render("grants/discrepancy_explanation", **context),
        )
    ]
