"""Back-test of chapter 4 on data/2022: the published figures of the grant projects."""

from __future__ import annotations

import pytest

from volreport import grants

PUBLISHED_PROJECT_HOURS = [
    ("saylyq", 4500, "at_least"),
    ("taza_alem", 8500, "at_least"),
    ("ayala", 4200, "at_least"),
    ("qamqor", 4000, "at_least"),
    ("umit", 8400, "at_least"),
    ("sabaqtastyq", 7460, "exact"),
    ("asyl_mura", 4722, "at_least"),
]


@pytest.fixture(scope="module")
def result(ds2022):
    return grants.compute(ds2022)


def test_totals(result):
    hours = result.totals["grant_hours_total"]
    assert (hours.value, hours.qualifier) == (45_182, "at_least")
    assert result.totals["grant_volunteers_total"].value == 21_235
    events = result.totals["grant_events_total"]
    assert (events.value, events.qualifier) == (800, "at_least")


@pytest.mark.parametrize(("project", "hours", "qualifier"), PUBLISHED_PROJECT_HOURS)
def test_project_hours(result, project, hours, qualifier):
    row = result.projects.set_index("id").loc[project]
    assert (row["hours_shown"], row["hours_qualifier"]) == (hours, qualifier)


def test_silver_volunteering_is_the_total_less_the_listed_projects(result):
    listed = sum(hours for _, hours, _ in PUBLISHED_PROJECT_HOURS)
    assert result.listed_hours == listed
    silver = result.projects.set_index("id").loc["silver"]
    assert silver["hours_shown"] == 45_182 - listed
    assert silver["hours_status"] == "derived"
    assert result.blank_project == "«Silver Volunteering»"


def test_bilim_gave_no_data(result):
    bilim = result.projects.set_index("id").loc["bilim"]
    assert bilim.isna()["hours_shown"]


def test_volunteers_and_events_per_project_are_not_published(result):
    assert result.projects["volunteers"].isna().all()
    assert result.projects["events"].isna().all()


def test_grantee_feedback_lists(result):
    assert len(result.feedback["supporter"]) == 6
    assert len(result.feedback["difficulty"]) >= 2
    assert len(result.feedback["positive"]) == 4
    assert len(result.feedback["recommendation"]) >= 3


def test_indicators_carry_the_published_qualifiers(ds2022):
    found = {i.id: i for i in grants.indicators(ds2022)}
    hours = found["grant_hours_total"]
    assert (hours.value, hours.qualifier) == (45_182, "at_least")
    assert found["grant_volunteers_total"].qualifier == "exact"
    assert found["grant_events_total"].qualifier == "at_least"
