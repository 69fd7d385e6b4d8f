"""Unit tests of chapter 4 (grant projects) on tiny hand-built datasets."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from builders import make_dataset

from volreport import grants

matplotlib.use("Agg")


def project(id_, hours, status="reported", qualifier="at_least", area="umit", cooperation=""):
    return {
        "id": id_, "area": area, "project": f"Project {id_}", "operator": f"Operator {id_}",
        "hours": hours, "hours_qualifier": qualifier, "volunteers": None, "events": None,
        "cooperation": cooperation or None, "status": status, "source": "test", "note": None,
    }  # fmt: skip


def totals(hours=1000, volunteers=300, events=40):
    return [
        {"indicator": "grant_hours_total", "value": hours, "qualifier": "at_least"},
        {"indicator": "grant_volunteers_total", "value": volunteers},
        {"indicator": "grant_events_total", "value": events, "qualifier": "at_least"},
    ]


def feedback():
    return [
        {"kind": "difficulty", "number": 2, "text": "Late funding", "source": "test"},
        {"kind": "difficulty", "number": 1, "text": "Repeated forms", "source": "test"},
        {"kind": "recommendation", "number": 1, "text": "A register", "source": "test"},
    ]


def dataset(projects=None, total_hours=1000):
    projects = projects or [
        project("a", 600),
        project("b", 300),
        project("silver", 100, status="derived", area=None),
        project("bilim", None, status="missing", qualifier="exact"),
    ]
    return make_dataset(
        totals(hours=total_hours),
        {"grant_projects": projects, "grantee_feedback": feedback()},
    )


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


def test_hours_text_gives_listed_sum_difference_and_gaps():
    text = grants.hours_text(grants.compute(dataset(total_hours=1000)))
    assert "add up to 900 hours" in text and "at least 1,000 hours" in text
    assert "Project silver blank; by difference they are 100 hours" in text
    assert "No hours are published for Project bilim." in text
    assert "not per project" in text


def test_discrepancy_only_when_the_listed_projects_miss_the_total():
    assert [d.topic for d in grants.discrepancies(dataset())] == ["Grant projects: total hours"]
    complete = [project("a", 600), project("b", 400)]
    assert grants.discrepancies(dataset(complete, total_hours=1000)) == []


def test_display_says_gaps_and_derivations_in_words():
    display = grants.projects_display(grants.hours_by_project(dataset()))
    assert display["Hours"].tolist()[:3] == [600, 300, 100]
    assert pd.isna(display["Hours"].iloc[3])
    assert display["Hours as published"].tolist() == [
        "at least", "at least", "derived: published total less the listed projects",
        "not published",
    ]  # fmt: skip
    assert display["Volunteers"].isna().all()


def test_plot_hatches_derived_bars_and_skips_gaps():
    figure = grants.plot_project_hours(grants.hours_by_project(dataset()))
    bars = figure.axes[0].patches
    assert len(bars) == 3
    assert [bar.get_hatch() for bar in bars] == [None, None, "//"]


def test_feedback_lists_are_ordered_by_number():
    result = grants.compute(dataset())
    assert result.feedback["difficulty"] == ["Repeated forms", "Late funding"]
    text = grants.feedback_text(result)
    assert "**Difficulties**\n\n1. Repeated forms\n2. Late funding" in text
    assert "Positive aspects" not in text and "supporting them" not in text


def test_engagement_text_without_a_table_says_so():
    assert "does not yet hold" in grants.engagement_text(grants.compute(dataset()))


def test_engagement_text_lists_the_statements_in_order():
    engagement = [
        {"number": 2, "projects": "Civil-sector projects", "engagement": "low involvement",
         "regions": "Turkistan region", "source": "test"},
        {"number": 1, "projects": "Institutional projects", "engagement": "active",
         "regions": "Zhambyl and Kyzylorda regions", "source": "test"},
    ]  # fmt: skip
    ds = make_dataset(
        totals(),
        {
            "grant_projects": [project("a", 600)],
            "grantee_feedback": feedback(),
            "grant_regional_engagement": engagement,
        },
    )
    text = grants.engagement_text(grants.compute(ds))
    assert text.endswith(
        "- Institutional projects — active: Zhambyl and Kyzylorda regions.\n"
        "- Civil-sector projects — low involvement: Turkistan region."
    )


def test_indicators_keep_published_values_and_status():
    found = {i.id: i for i in grants.indicators(dataset())}
    assert found["grant_hours_total"].value == 1000
    assert found["grant_hours_total"].status == "reported"
    assert found["grant_volunteers_total"].value == 300
    assert found["grant_hours_total"].qualifier == "at_least"
    assert found["grant_volunteers_total"].qualifier == "exact"
    assert found["grant_events_total"].qualifier == "at_least"


def test_headline_uses_qualified_totals():
    text = grants.headline(grants.compute(dataset()))
    assert "**at least 1,000 volunteer hours**" in text
    assert "300 volunteers" in text and "at least 40 events" in text


def test_discrepancy_without_a_blank_project_attributes_the_difference_to_none():
    listed = [project("a", 600), project("b", 300)]
    (found,) = grants.discrepancies(dataset(listed, total_hours=1000))
    assert found.explanation == "The difference of 100 hours is not attributed to any project."
    text = grants.hours_text(grants.compute(dataset(listed, total_hours=1000)))
    assert "fall 100 hours short of the total; the data do not say where" in text
