"""Chapter 4: the Birgemiz grant projects, their hours, cooperation and the grantees' feedback."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from volreport import fmt
from volreport.areas import area_names, qualifier_words
from volreport.dataset import Dataset
from volreport.indicators import Discrepancy, Indicator
from volreport.published import Published, published, qualifier_of

CHAPTER = "grants"
TOTALS = {
    "grant_hours_total": ("Volunteer hours of the grant projects", "hours"),
    "grant_volunteers_total": ("Volunteers of the grant projects", "persons"),
    "grant_events_total": ("Events of the grant projects", "events"),
}
FEEDBACK_KINDS = {
    "supporter": "Organizations and groups the grantees name as supporting them",
    "difficulty": "Difficulties",
    "positive": "Positive aspects of cooperation",
    "recommendation": "Recommendations",
}
# Optional record table with the report's qualitative statements on regional engagement.
ENGAGEMENT_TABLE = "grant_regional_engagement"


def projects_table(ds: Dataset) -> pd.DataFrame:
    """The grant projects as published: hours (with qualifier and status), volunteers, events.

    Columns: id, project, area, area_name, operator, hours, hours_qualifier, status,
    volunteers, events, cooperation. In the source's order.
    """
    table = ds.table("grant_projects")
    names = area_names(ds)
    return pd.DataFrame(
        {
            "id": table["id"].astype(str),
            "project": table["project"].astype(str),
            "area": table["area"],
            "area_name": table["area"].map(names),
            "operator": table["operator"],
            "hours": table["hours"].astype("Float64"),
            "hours_qualifier": table["hours_qualifier"].map(qualifier_of),
            "status": table["status"].astype(str),
            "volunteers": table["volunteers"].astype("Float64"),
            "events": table["events"].astype("Float64"),
            "cooperation": table["cooperation"],
        }
    ).reset_index(drop=True)


def listed_hours(projects: pd.DataFrame) -> float:
    """Sum of the hours the report lists project by project (reported values only)."""
    reported = projects[projects["status"] == "reported"]
    return float(reported["hours"].sum())


def blank_project(projects: pd.DataFrame) -> pd.Series | None:
    """The project whose hours the text qualifies but leaves blank ("at least  hours").

    That project's hours are the difference between the published total and the listed
    projects; a project with no data at all ("data not provided") has an exact, empty cell.
    Returns None unless exactly one project is in that position (blank or derived).
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


def projects_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Human headers for `hours_by_project`; how each figure was obtained, in words."""

    def basis(row) -> str:
        if pd.isna(row.hours_shown):
            return "not published"
        if row.hours_status == "derived":
            return "derived: published total less the listed projects"
        return qualifier_words(row.hours_qualifier) or "exact"

    return pd.DataFrame(
        {
            "Project": frame["project"],
            "Operator": frame["operator"],
            "Hours": frame["hours_shown"].round(0).astype("Int64"),
            "Hours as published": [basis(row) for row in frame.itertuples()],
            "Volunteers": frame["volunteers"].round(0).astype("Int64"),
            "Events": frame["events"].round(0).astype("Int64"),
        }
    )


def plot_project_hours(frame: pd.DataFrame):
    """Horizontal bars of hours per project (from `hours_by_project`); derived bars hatched."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = frame.dropna(subset=["hours_shown"]).astype({"hours_shown": "float64"})
    data = data.sort_values("hours_shown", ascending=False)
    colour = sns.color_palette()[0]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    bars = ax.barh(data["project"], data["hours_shown"], color=colour)
    for bar, status in zip(bars, data["hours_status"], strict=True):
        if status == "derived":
            bar.set_hatch("//")
            bar.set_facecolor("white")
            bar.set_edgecolor(colour)
    ax.invert_yaxis()
    ax.set_title("Volunteer hours by grant project (at least)")
    ax.set_xlabel("Hours; hatched: derived from the published total")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: fmt.number(x)))
    sns.despine(ax=ax, left=True)
    fig.tight_layout()
    return fig


def cooperation_table(ds: Dataset) -> pd.DataFrame:
    """Each operator's cooperation with the network's data collection, as published."""
    projects = projects_table(ds)
    return pd.DataFrame(
        {
            "Project": projects["project"],
            "Operator": projects["operator"],
            "Cooperation with the network": projects["cooperation"],
        }
    )


def feedback_lists(ds: Dataset) -> dict[str, list[str]]:
    """The grantees' statements by kind (supporter, difficulty, positive, recommendation)."""
    table = ds.table("grantee_feedback").sort_values(["kind", "number"])
    return {
        kind: table.loc[table["kind"] == kind, "text"].astype(str).tolist()
        for kind in FEEDBACK_KINDS
    }


def engagement_table(ds: Dataset) -> pd.DataFrame | None:
    """The report's statements on regional engagement, when the vintage has them as a table."""
    return ds.tables.get(ENGAGEMENT_TABLE)


@dataclass(frozen=True)
class GrantsResult:
    """Everything chapter 4 shows, computed from one year's data."""

    year: int
    projects: pd.DataFrame
    totals: dict[str, Published]
    listed_hours: float
    blank_project: str | None
    feedback: dict[str, list[str]]
    engagement: pd.DataFrame | None


def compute(ds: Dataset) -> GrantsResult:
    """Compute chapter 4 from a dataset."""
    projects = hours_by_project(ds)
    blank = blank_project(projects)
    return GrantsResult(
        year=ds.year,
        projects=projects,
        totals={indicator: published(ds, indicator) for indicator in TOTALS},
        listed_hours=listed_hours(projects),
        blank_project=None if blank is None else str(blank["project"]),
        feedback=feedback_lists(ds),
        engagement=engagement_table(ds),
    )


def headline(result: GrantsResult) -> str:
    """Key numbers of the chapter as a Markdown paragraph."""
    hours = result.totals["grant_hours_total"]
    volunteers = result.totals["grant_volunteers_total"]
    events = result.totals["grant_events_total"]
    return (
        f"The {fmt.number(len(result.projects))} volunteer grant projects of {result.year} "
        f"report **{hours.text()} volunteer hours**, {volunteers.text()} volunteers and "
        f"{events.text()} events, almost all of it outside the regional front offices' "
        f"figures."
    )


def hours_text(result: GrantsResult) -> str:
    """Hours per project: the listed sum, the published total and the gaps."""
    frame = result.projects
    total = result.totals["grant_hours_total"]
    listed = frame[frame["status"] == "reported"]
    gaps = frame[frame["hours_shown"].isna()]["project"].tolist()
    text = (
        f"The report lists hours for {fmt.number(len(listed))} projects; they add up to "
        f"{fmt.number(result.listed_hours)} hours, against a published total of "
        f"{total.text()} hours."
    )
    difference = None if total.value is None else total.value - result.listed_hours
    if result.blank_project is not None and difference:
        text += (
            f" The text leaves the hours of {result.blank_project} blank; by difference "
            f"they are {fmt.number(difference)} hours."
        )
    elif difference and abs(difference) >= 0.5:
        text += (
            f" The projects' hours fall {fmt.number(abs(difference))} hours "
            f"{'short of' if difference > 0 else 'above'} the total; the data do not say where "
            "the difference lies."
        )
    if gaps:
        text += f" No hours are published for {fmt.join_words(gaps)}."
    if frame["volunteers"].isna().all() and frame["events"].isna().all():
        text += (
            " Volunteers and events are published only for all projects together, not per "
            "project; this edition therefore cannot give them per project."
        )
    return text


def cooperation_text(result: GrantsResult) -> str:
    """How the operators cooperated with the network's data collection, counted."""
    frame = result.projects
    given = frame["hours"].notna().sum()
    return (
        f"The network asks grant operators for their statistics. "
        f"{fmt.number(int(given))} of {fmt.number(len(frame))} projects gave the "
        f"network their hours; the table shows each operator's cooperation as the report "
        f"describes it."
    )


def engagement_text(result: GrantsResult) -> str:
    """Regional engagement as the grantees describe it, from the record table when present.

    The table (`grant_regional_engagement`) has, per statement, the projects that make it,
    the engagement they describe and the regions, all as published.
    """
    frame = result.engagement
    if frame is None or frame.empty:
        return (
            "The report describes the regions' engagement in the grant projects in words "
            "only (which regions took part actively, moderately or hardly at all); this "
            "edition does not yet hold those statements as data."
        )
    lines = [
        f"- {row.projects} — {row.engagement}: {row.regions}."
        for row in frame.sort_values("number").itertuples()
    ]
    return "As the grantees describe the regions' engagement:\n\n" + "\n".join(lines)


def feedback_text(result: GrantsResult) -> str:
    """The grantees' supporters, difficulties, positives and recommendations as Markdown lists."""
    blocks = []
    for kind, title in FEEDBACK_KINDS.items():
        items = result.feedback.get(kind, [])
        if items:
            numbered = "\n".join(f"{i}. {text}" for i, text in enumerate(items, start=1))
            blocks.append(f"**{title}**\n\n{numbered}")
    if not blocks:
        return "The report gives no feedback from the grantees."
    return "\n\n".join(blocks)


def indicators(ds: Dataset) -> list[Indicator]:
    """Headline indicators of chapter 4: the grant projects' hours, volunteers and events."""
    result = []
    for indicator, (label, unit) in TOTALS.items():
        value = published(ds, indicator)
        result.append(
            Indicator(
                indicator, label, value.value, unit, value.status, value.source, value.qualifier
            )
        )
    return result


def discrepancies(ds: Dataset) -> list[Discrepancy]:
    """Where chapter 4 of the report disagrees with itself."""
    result = compute(ds)
    total = result.totals["grant_hours_total"]
    if total.value is None or abs(total.value - result.listed_hours) < 0.5:
        return []
    difference = fmt.number(total.value - result.listed_hours)
    explanation = (
        f"The difference of {difference} hours is most likely the hours of "
        f"{result.blank_project}, left blank in the text."
        if result.blank_project
        else f"The difference of {difference} hours is not attributed to any project."
    )
    return [
        Discrepancy(
            CHAPTER,
            "Grant projects: total hours",
            f"{total.text()} hours in total",
            f"{fmt.number(result.listed_hours)} hours listed project by project",
            explanation,
        )
    ]
