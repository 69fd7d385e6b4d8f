"""Back-test of chapter 4 on data/2022: the published figures of the grant projects."""

from __future__ import annotations

import pytest

from volreport.chapters import grants

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
    found = {i.id: i for i in grants.indicators(ds2022, grants.compute(ds2022))}
    hours = found["grant_hours_total"]
    assert (hours.value, hours.qualifier) == (45_182, "at_least")
    assert found["grant_volunteers_total"].qualifier == "exact"
    assert found["grant_events_total"].qualifier == "at_least"


def test_headline_states_the_published_totals(result):
    assert grants.headline(result) == (
        "The 9 volunteer grant projects of 2022 account for **at least 45,182 volunteer "
        "hours**, 21,235 volunteers and at least 800 events; these figures are kept separate "
        "from those of the regional front offices."
    )


def test_hours_text_states_the_listed_sum_silver_and_bilim(result):
    text = grants.hours_text(result)
    assert (
        "The report gives the hours of 7 of the 9 projects one by one; together they come to "
        "at least 41,782 hours, against a published total of at least 45,182 hours."
    ) in text
    assert "«Silver Volunteering» separately; as the total less the listed projects, they " in text
    assert "they come to 3,400 hours." in text
    assert "The hours of «Birgemiz: Bilim» are not available." in text


def test_cooperation_groups_the_operators_as_published(result):
    text = grants.cooperation_text(result)
    assert "as the report describes it" in text
    assert (
        "- «Birgemiz: Ayala», «Birgemiz: Qamqor», «Birgemiz: Sabaqtastyq» and «Birgemiz: Asyl "
        "Mura»: gave detailed responses to the network."
    ) in text


def test_the_2022_vintage_has_no_engagement_data_and_no_sentence_about_it(result):
    assert result.engagement is None
    assert "engagement" not in grants.regions_text(result)


def test_initiatives_name_the_areas_without_grants(result):
    assert grants.initiatives_text(result) == (
        "The grant projects work in 8 of the 11 areas of volunteering; no project works in "
        "*other social volunteering*, *culture and art* and *media*.\n"
        "«Silver Volunteering» works outside these areas."
    )


def test_the_total_hours_discrepancy(ds2022):
    (found,) = grants.discrepancies(ds2022, grants.compute(ds2022))
    assert found.published == "at least 45,182 hours in total"
    assert found.recomputed == "at least 41,782 hours listed project by project"
    assert "3,400 hours most likely belongs to «Silver Volunteering»" in found.explanation


def test_commentary_variables(ds2022):
    assert grants.variables(ds2022, grants.compute(ds2022)) == {
        "grants_projects": "9",
        "grants_projects_with_hours": "8",
        "grants_listed_hours": "at least 41,782",
        "grants_derived_hours": "3,400",
        "grants_hours_per_volunteer": "at least 2.1",
    }
