"""Unit tests of chapter 4 (grant projects) on tiny hand-built datasets."""

from __future__ import annotations

import dataclasses
import re

import matplotlib
import pandas as pd
import pytest
from builders import make_dataset

from volreport.chapters import grants
from volreport.data.edition import Edition, PublishedSource

matplotlib.use("Agg")

REPORT = Edition(published_source=PublishedSource("Report 2022", "The report", "r.txt"))
# Wording that belongs only to a vintage transcribed from a published report.
REPORT_WORDS = re.compile(r"\breport\b|\bpublished\b", re.IGNORECASE)


def project(id_, hours, status="reported", qualifier="at_least", area="umit", cooperation="",
            volunteers=None, events=None):  # fmt: skip
    return {
        "id": id_, "area": area, "project": f"Project {id_}", "operator": f"Operator {id_}",
        "hours": hours, "hours_qualifier": qualifier, "volunteers": volunteers,
        "events": events, "cooperation": cooperation or None, "status": status,
        "source": "test", "note": None,
    }  # fmt: skip


def totals(hours=1000, volunteers=300, events=40):
    return [
        {"indicator": "grant_hours_total", "value": hours, "qualifier": "at_least"},
        {"indicator": "grant_volunteers_total", "value": volunteers},
        {"indicator": "grant_events_total", "value": events, "qualifier": "at_least"},
    ]


def feedback(kinds=("difficulty", "recommendation")):
    rows = {
        "difficulty": [
            {"kind": "difficulty", "number": 2, "text": "Late funding", "source": "test"},
            {"kind": "difficulty", "number": 1, "text": "Repeated forms", "source": "test"},
        ],
        "positive": [{"kind": "positive", "number": 1, "text": "Press office", "source": "test"}],
        "recommendation": [
            {"kind": "recommendation", "number": 1, "text": "A register", "source": "test"}
        ],
        "supporter": [{"kind": "supporter", "number": 1, "text": "A ministry", "source": "test"}],
    }
    return [row for kind in kinds for row in rows[kind]]


def dataset(projects=None, total_hours=1000, published=False, **tables):
    projects = projects or [
        project("a", 600),
        project("b", 300),
        project("silver", 100, status="derived", area=None),
        project("bilim", None, status="missing", qualifier="exact"),
    ]
    ds = make_dataset(
        totals(hours=total_hours),
        {"grant_projects": projects, "grantee_feedback": feedback(), **tables},
    )
    return dataclasses.replace(ds, edition=REPORT) if published else ds


def complete_dataset(published=False):
    """A vintage where every project has hours, volunteers, events and cooperation, the
    projects add up to the totals and the grantees' feedback has every kind."""
    projects = [
        project("a", 700, qualifier="exact", area="umit", cooperation="shared its figures",
                volunteers=200, events=30),
        project("b", 300, qualifier="exact", area="ayala", cooperation="shared its figures",
                volunteers=100, events=10),
    ]  # fmt: skip
    kinds = ("supporter", "difficulty", "positive", "recommendation")
    ds = make_dataset(
        totals(hours=1000, volunteers=300, events=40),
        {"grant_projects": projects, "grantee_feedback": feedback(kinds)},
        year=2094,
    )
    return dataclasses.replace(ds, edition=REPORT) if published else ds


def statements(result) -> str:
    """Every computed statement of the chapter, in order."""
    return "\n\n".join(
        render(result)
        for render in (
            grants.headline,
            grants.hours_text,
            grants.cooperation_text,
            grants.regions_text,
            grants.initiatives_text,
            grants.feedback_text,
        )
    )


# --- values ------------------------------------------------------------------------------


def test_listed_hours_counts_reported_projects_only():
    frame = grants.projects_table(dataset())
    assert grants.listed_hours(frame) == 900


@pytest.mark.parametrize(
    ("silver", "expected"),
    [
        (project("silver", 100, status="derived"), "silver"),
        (project("silver", None, status="missing", qualifier="at_least"), "silver"),
        (project("silver", None, status="missing", qualifier="exact"), None),
    ],
)
def test_blank_project_is_the_qualified_blank_or_derived_one(silver, expected):
    frame = grants.projects_table(dataset([project("a", 600), silver]))
    found = grants.blank_project(frame)
    assert (None if found is None else found["id"]) == expected


def test_blank_hours_are_the_total_minus_the_listed_projects():
    projects = [project("a", 600), project("silver", None, status="missing")]
    frame = grants.hours_by_project(dataset(projects, total_hours=1000))
    silver = frame.set_index("id").loc["silver"]
    assert silver["hours_shown"] == 400 and silver["hours_status"] == "derived"


def test_display_says_derivations_in_words_and_leaves_gaps_as_gaps():
    display = grants.projects_display(grants.hours_by_project(dataset()))
    assert display["Hours"].tolist()[:3] == [600, 300, 100]
    assert pd.isna(display["Hours"].iloc[3])
    assert display["Hours: basis"].tolist()[:3] == [
        "at least", "at least", "derived: total less the listed projects",
    ]  # fmt: skip
    assert pd.isna(display["Hours: basis"].iloc[3])  # shown as the gap mark, no words
    assert display["Volunteers"].isna().all()


def bar_labels(figure) -> list[str]:
    return [text.get_text() for text in figure.axes[0].texts]


def test_plot_labels_each_bar_with_its_bound_hatches_derived_bars_and_skips_gaps():
    figure = grants.plot_project_hours(grants.hours_by_project(dataset()))
    bars = figure.axes[0].patches
    assert len(bars) == 3
    assert [bar.get_hatch() for bar in bars] == [None, None, "//"]
    assert bar_labels(figure) == ["at least 600", "at least 300", "100 (derived)"]
    assert figure.axes[0].get_title() == ""  # the caption names the chart


def test_plot_of_exact_hours_claims_no_bound_and_no_hatching():
    figure = grants.plot_project_hours(grants.hours_by_project(complete_dataset()))
    assert not any("at least" in label or "derived" in label for label in bar_labels(figure))
    assert all(bar.get_hatch() is None for bar in figure.axes[0].patches)


def test_indicators_keep_published_values_and_status():
    found = {i.id: i for i in grants.indicators(dataset(), grants.compute(dataset()))}
    assert found["grant_hours_total"].value == 1000
    assert found["grant_hours_total"].status == "reported"
    assert found["grant_volunteers_total"].value == 300
    assert found["grant_hours_total"].qualifier == "at_least"
    assert found["grant_volunteers_total"].qualifier == "exact"
    assert found["grant_events_total"].qualifier == "at_least"


# --- headline ----------------------------------------------------------------------------


def test_headline_uses_qualified_totals_and_counts_the_projects():
    text = grants.headline(grants.compute(dataset()))
    assert text.startswith("The 4 volunteer grant projects of 2022 account for ")
    assert "**at least 1,000 volunteer hours**" in text
    assert "300 volunteers" in text and "at least 40 events" in text


def test_headline_names_a_missing_total_and_never_prints_a_dash():
    ds = make_dataset(
        totals(events=None), {"grant_projects": [project("a", 600)], "grantee_feedback": []}
    )
    text = grants.headline(grants.compute(ds))
    assert "The one volunteer grant project of 2022 accounts for" in text
    assert "The number of events is not available." in text
    assert "—" not in text


def test_headline_sums_the_listed_projects_where_a_total_is_not_available():
    projects = [
        project("a", 600, qualifier="exact", volunteers=20, events=3),
        project("b", 300, qualifier="exact", volunteers=10),
    ]
    ds = make_dataset(totals(hours=None, volunteers=None, events=None), {
        "grant_projects": projects, "grantee_feedback": []})  # fmt: skip
    text = grants.headline(grants.compute(ds))
    assert text.startswith(
        "The 2 volunteer grant projects of 2022 account for **900 volunteer hours** and 30 "
        "volunteers; these figures are kept separate"
    )
    assert (
        "The programme's totals of the volunteer hours and the number of volunteers are not "
        "available; the figures given are the sums of the listed projects."
    ) in text
    assert "The number of events is not available." in text  # project b gives none
    hours = grants.hours_text(grants.compute(ds))
    assert "together they come to 900 hours. The programme's total of hours, against which to " in (
        hours
    )
    assert "—" not in text + hours


def test_headline_without_any_total():
    ds = make_dataset(totals(hours=None, volunteers=None, events=None), {
        "grant_projects": [], "grantee_feedback": []})  # fmt: skip
    text = grants.headline(grants.compute(ds))
    assert text == (
        "The volunteer hours, the number of volunteers and the number of events of the "
        "grant projects of 2022 are not available."
    )


# --- hours by project --------------------------------------------------------------------


def test_hours_text_gives_listed_sum_difference_and_gaps():
    text = grants.hours_text(grants.compute(dataset(total_hours=1000)))
    assert (
        "The hours of 2 of the 4 projects are given one by one; together they come to at "
        "least 900 hours, against a total of at least 1,000 hours for all the projects."
    ) in text
    assert (
        "The hours of Project silver are not given separately; as the total less the listed "
        "projects, they come to 100 hours."
    ) in text
    assert "The hours of Project bilim are not available." in text
    assert "Volunteers and events per project are not available" in text


def test_hours_text_speaks_of_the_report_only_when_the_vintage_has_one():
    published = grants.hours_text(grants.compute(dataset(published=True)))
    assert "The report gives the hours of 2 of the 4 projects one by one" in published
    assert "against a published total of at least 1,000 hours" in published
    assert "The report does not give the hours of Project silver separately" in published
    own = grants.hours_text(grants.compute(dataset()))
    assert not REPORT_WORDS.search(own)


def test_hours_text_moves_with_the_total():
    before = grants.hours_text(grants.compute(dataset(total_hours=1000)))
    after = grants.hours_text(grants.compute(dataset(total_hours=1250)))
    assert "they come to 100 hours" in before and "they come to 350 hours" in after


def test_a_difference_no_project_accounts_for_is_said_and_not_attributed():
    listed = [project("a", 600), project("b", 300)]
    text = grants.hours_text(grants.compute(dataset(listed, total_hours=1000)))
    assert "The listed hours fall 100 hours short of the total" in text
    assert "not given separately" not in text


def test_missing_volunteers_of_one_project_name_exactly_that_project():
    projects = [
        project("a", 600, volunteers=100, events=10),
        project("b", 400, volunteers=None, events=5),
    ]
    text = grants.hours_text(grants.compute(dataset(projects, total_hours=1000)))
    assert "The number of volunteers of Project b is not available." in text
    assert "Project a" not in text and "events" not in text


def test_without_listed_projects_only_the_totals_are_given():
    ds = make_dataset(totals(), {"grant_projects": [], "grantee_feedback": []})
    text = grants.hours_text(grants.compute(ds))
    assert text == (
        "Figures for the individual grant projects are not available; only the totals above "
        "are given."
    )


# --- cooperation, regions, areas, feedback -----------------------------------------------


def test_cooperation_groups_projects_by_the_data_words_and_names_unknowns():
    projects = [
        project("a", 600, cooperation="answered in detail"),
        project("b", 200, cooperation="sent copies only"),
        project("c", 100, cooperation="answered in detail"),
        project("d", 100),
    ]
    text = grants.cooperation_text(grants.compute(dataset(projects)))
    assert "- Project a and Project c: answered in detail." in text
    assert "- Project b: sent copies only." in text
    assert text.endswith("How the operator of Project d worked with the network is not available.")
    assert "as the report describes it" not in text
    published = grants.cooperation_text(grants.compute(dataset(projects, published=True)))
    assert "as the report describes it" in published


def test_regions_list_the_supporters_and_say_nothing_about_engagement_without_data():
    ds = dataset(grantee_feedback=feedback(("supporter", "difficulty")))
    text = grants.regions_text(grants.compute(ds))
    assert text == (
        "The grantees name these organizations and groups as supporting their projects:"
        "\n\n- A ministry"
    )


def test_regions_without_supporters_say_they_are_not_available():
    text = grants.regions_text(grants.compute(dataset()))
    assert text == ("The organizations and groups that support the grantees are not available.")


def test_engagement_statements_are_listed_in_order_when_the_data_hold_them():
    engagement = [
        {"number": 2, "projects": "Civil-sector projects", "engagement": "low involvement",
         "regions": "Turkistan region", "source": "test"},
        {"number": 1, "projects": "Institutional projects", "engagement": "active",
         "regions": "Zhambyl and Kyzylorda regions", "source": "test"},
    ]  # fmt: skip
    text = grants.regions_text(grants.compute(dataset(grant_regional_engagement=engagement)))
    assert text.endswith(
        "- Institutional projects: active (Zhambyl and Kyzylorda regions).\n"
        "- Civil-sector projects: low involvement (Turkistan region)."
    )


def test_initiatives_name_the_areas_without_a_project_and_projects_outside_them():
    text = grants.initiatives_text(grants.compute(dataset()))
    assert text.startswith(
        "The grant projects work in 1 of the 11 areas of volunteering: *emergencies*."
    )
    assert text.endswith("Project silver works outside these areas.")


def test_initiatives_name_the_areas_without_a_project_when_most_are_covered():
    areas = ["umit", "qamqor", "taza_alem", "ayala", "sabaqtastyq", "saylyq", "bilim"]
    projects = [project(area, 100, area=area) for area in areas]
    text = grants.initiatives_text(grants.compute(dataset(projects, total_hours=700)))
    assert text == (
        "The grant projects work in 7 of the 11 areas of volunteering; no project works in "
        "*other social volunteering*, *culture and art*, *historical and cultural heritage* "
        "and *media*."
    )


def test_feedback_lists_are_ordered_by_number_and_gaps_named():
    result = grants.compute(dataset())
    assert result.feedback["difficulty"] == ["Repeated forms", "Late funding"]
    text = grants.feedback_text(result)
    assert "**Difficulties**\n\n1. Repeated forms\n2. Late funding" in text
    assert "**Recommendations**\n\n1. A register" in text
    assert text.endswith(
        "The grantees' statements on positive aspects of cooperation are not available."
    )


def test_feedback_without_any_statement():
    ds = make_dataset(totals(), {"grant_projects": [project("a", 600)], "grantee_feedback": []})
    text = grants.feedback_text(grants.compute(ds))
    assert text == "The grantees' comments and recommendations are not available."


# --- any vintage -------------------------------------------------------------------------


def test_a_complete_vintage_states_no_gaps_and_no_report_wording():
    text = statements(grants.compute(complete_dataset()))
    assert "not available" not in text
    assert "—" not in text
    assert not REPORT_WORDS.search(text)
    assert "The hours of every project are given; together they come to 1,000 hours" in text
    assert "the same as the total." in text


def test_a_vintage_with_only_the_totals_leaves_no_section_empty():
    """As `volreport ingest` writes it: the totals from the national form, the project and
    feedback tables with their header only."""
    ds = make_dataset(totals(), {"grant_projects": [], "grantee_feedback": []}, year=2094)
    result = grants.compute(ds)
    assert grants.cooperation_text(result) == (
        "How the operators of the grant projects worked with the network is not available."
    )
    assert grants.regions_text(result) == (
        "The organizations and groups that support the grantees are not available."
    )
    assert grants.initiatives_text(result) == (
        "The areas of volunteering the grant projects work in are not available."
    )
    assert "not available" not in grants.headline(result)
    assert grants.discrepancies(ds, grants.compute(ds)) == []


def test_no_published_source_means_no_discrepancies():
    assert grants.discrepancies(dataset(), grants.compute(dataset())) == []
    assert grants.discrepancies(complete_dataset(), grants.compute(complete_dataset())) == []


def test_a_published_vintage_lists_the_total_hours_discrepancy():
    (found,) = grants.discrepancies(
        dataset(published=True), grants.compute(dataset(published=True))
    )
    assert found.topic == "Grant projects: total hours"
    assert found.published == "at least 1,000 hours in total"
    assert found.recomputed == "at least 900 hours listed project by project"
    assert found.explanation == (
        "The difference of 100 hours most likely belongs to Project silver, whose figure "
        "the report leaves out."
    )
    complete = [project("a", 600), project("b", 400)]
    assert (
        grants.discrepancies(
            dataset(complete, total_hours=1000, published=True),
            grants.compute(dataset(complete, total_hours=1000, published=True)),
        )
        == []
    )


def test_discrepancy_without_a_blank_project_attributes_the_difference_to_none():
    listed = [project("a", 600), project("b", 300)]
    (found,) = grants.discrepancies(
        dataset(listed, total_hours=1000, published=True),
        grants.compute(dataset(listed, total_hours=1000, published=True)),
    )
    assert found.explanation == "The difference of 100 hours is not attributed to any project."


def test_variables_are_computed_from_the_data():
    found = grants.variables(dataset(), grants.compute(dataset()))
    assert found == {
        "grants_projects": "4",
        "grants_projects_with_hours": "3",
        "grants_listed_hours": "at least 900",
        "grants_derived_hours": "100",
        "grants_hours_per_volunteer": "at least 3.3",
    }
    assert all(name.startswith("grants_") for name in found)
    changed = grants.variables(dataset(total_hours=1500), grants.compute(dataset(total_hours=1500)))
    assert changed["grants_derived_hours"] == "600"
    assert changed["grants_hours_per_volunteer"] == "at least 5.0"
    listed = grants.variables(
        dataset([project("a", 600)], total_hours=600),
        grants.compute(dataset([project("a", 600)], total_hours=600)),
    )
    assert listed["grants_derived_hours"] == "not available"


def test_projects_table_in_russian():
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking("ru"):
        ds = dataset.load_year(2022)
        result = grants.compute(ds)
        shown = grants.projects_display(result.projects)
        labels = [indicator.label for indicator in grants.indicators(ds, grants.compute(ds))]
    bases = set(shown["Hours: basis"].dropna())
    assert bases <= {
        "не менее", "точное значение", "вычислено: общий итог за вычетом перечисленных проектов"
    }  # fmt: skip
    assert "вычислено: общий итог за вычетом перечисленных проектов" in bases
    assert labels[0] == "Часы волонтерской работы в грантовых проектах"
    assert "Серебряное волонтерство" in " ".join(shown["Project"])  # the data's own texts
