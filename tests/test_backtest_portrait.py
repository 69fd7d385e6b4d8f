"""Back-test of chapter 1 against the figures published in the 2022 report (data/2022).

The only place where published figures are typed: each test locks one of them.
"""

import pytest

from volreport.chapters import portrait
from volreport.data.published import region_names


@pytest.fixture(scope="module")
def result(ds2022):
    return portrait.compute(ds2022)


@pytest.fixture(scope="module")
def discrepancies(ds2022):
    """The chapter's discrepancies with the published report (computed once: each call
    computes the chapter again)."""
    return portrait.discrepancies(ds2022, portrait.compute(ds2022))


def test_recorded_volunteers_and_the_earlier_years(result):
    assert result.volunteers.value == 139_671
    assert result.volunteers_previous.value == 116_694
    assert list(result.volunteers_by_year["As published"]) == [
        "at least 120,000", "116,694", "139,671",
    ]  # fmt: skip


def test_network_estimate_and_systematic_core(result):
    assert result.estimate.text() == "at least 174,000"
    assert result.systematic.text() == "about 90,000"


def test_women_54_men_46(result):
    assert (result.female.value, result.male.value) == (54, 46)


def test_one_percent_of_the_population_rounds_from_the_recorded_count(result):
    assert result.published_share_of_population.value == 1
    assert round(result.recorded_per_capita.share_pct) == 1


def test_every_110th_person_is_not_reproduced_by_either_count(result, discrepancies):
    """Published 'every 110th'; the recorded count gives every 141st, the estimate every 113th."""
    assert result.published_persons_per_volunteer.value == 110
    assert result.recorded_per_capita.population == 19_765_004
    assert portrait.every_nth(result.recorded_per_capita.persons_per_volunteer) == 141
    assert portrait.every_nth(result.estimate_per_capita.persons_per_volunteer) == 113
    (found,) = [d for d in discrepancies if d.topic == "Persons per volunteer"]
    assert "179,682 volunteers" in found.explanation


GENDER_TABLE = {  # region: (male %, female %), as in the report's table
    "KZ-47": (42.4, 57.6), "KZ-15": (42.5, 57.5), "KZ-31": (42.7, 57.3), "KZ-71": (44.2, 55.8),
    "KZ-35": (44.3, 55.7), "KZ-59": (45.3, 54.7), "KZ-79": (46.3, 53.7), "KZ-55": (46.4, 53.6),
    "KZ-27": (47.0, 53.0), "KZ-39": (47.2, 52.8), "KZ-19": (47.4, 52.6), "KZ-75": (47.5, 52.5),
    "KZ-11": (47.9, 52.1), "KZ-63": (48.1, 51.9), "KZ-23": (53.2, 46.8), "KZ-61": (55.7, 44.3),
    "KZ-43": (56.6, 43.4),
}  # fmt: skip


def test_gender_table_by_region_in_the_reports_order(result, ds2022, discrepancies):
    names = region_names(ds2022)
    table = result.sex_by_region
    assert list(table["Region"]) == [names[code] for code in GENDER_TABLE]
    assert list(zip(table["Male volunteers, %"], table["Female volunteers, %"], strict=True)) == [
        *GENDER_TABLE.values()
    ]
    assert not [d for d in discrepancies if d.topic.startswith("Sex ratio")]


def test_growth_by_region_four_published_values(result, ds2022):
    names = region_names(ds2022)
    column = "Change in volunteers on 2021, %"
    published = result.change_by_region.dropna(subset=[column])
    assert dict(zip(published["Region"], published[column], strict=True)) == {
        names["KZ-47"]: 201, names["KZ-59"]: 193, names["KZ-75"]: -46, names["KZ-39"]: -47,
    }  # fmt: skip
    assert result.change_by_region[column].isna().sum() == 13


AGE_EXTREMES = [  # (group, region, share %, as published)
    ("Under 18", "KZ-75", 72, "72%"), ("Under 18", "KZ-43", 0.9, "0.9%"),
    ("18 to 29", "KZ-43", 90, "90%"), ("18 to 29", "KZ-75", 26.9, "26.9%"),
    ("30 to retirement age", "KZ-23", 22.1, "22.1%"),
    ("30 to retirement age", "KZ-71", 21.3, "21.3%"),
    ("30 to retirement age", "KZ-75", 0.9, "0.9%"),
    ("Retirement age", "KZ-47", 7.7, "7.7%"), ("Retirement age", "KZ-31", 0, "0%"),
]  # fmt: skip
UP_TO_ONE_PERCENT_RETIRED = {"KZ-19", "KZ-55", "KZ-35", "KZ-75"}


def test_age_extremes(result, ds2022):
    names = region_names(ds2022)
    table = result.age_extremes
    rows = set(zip(table["Group"], table["Region"], table["Share of the region's volunteers, %"],
                   table["As published"], strict=True))  # fmt: skip
    assert {(g, names[r], v, p) for g, r, v, p in AGE_EXTREMES} <= rows
    up_to_one = table[table["As published"] == "up to 1%"]
    assert set(up_to_one["Region"]) == {names[c] for c in UP_TO_ONE_PERCENT_RETIRED}
    assert len(table) == len(AGE_EXTREMES) + len(UP_TO_ONE_PERCENT_RETIRED)


EMPLOYMENT_EXTREMES = [
    ("School pupils", "KZ-75", 63.2), ("School pupils", "KZ-43", 0.6),
    ("Students", "KZ-11", 67.1), ("Students", "KZ-19", 14.8),
    ("Not in employment, education or training", "KZ-19", 33.7),
    ("Employed", "KZ-43", 41.5), ("Employed", "KZ-75", 1),
    ("Unemployed", "KZ-19", 15.2),
]  # fmt: skip
UP_TO_ONE_PERCENT = {
    "Not in employment, education or training": {"KZ-43", "KZ-35", "KZ-15", "KZ-75", "KZ-71"},
    "Unemployed": {"KZ-59", "KZ-71", "KZ-75"},
}


def test_employment_extremes(result, ds2022):
    names = region_names(ds2022)
    table = result.employment_extremes
    rows = set(zip(table["Group"], table["Region"], table["Share of the region's volunteers, %"],
                   strict=True))  # fmt: skip
    assert {(g, names[r], v) for g, r, v in EMPLOYMENT_EXTREMES} <= rows
    for group, codes in UP_TO_ONE_PERCENT.items():
        rows = table[(table["Group"] == group) & (table["As published"] == "up to 1%")]
        assert set(rows["Region"]) == {names[c] for c in codes}
    assert result.nationally_unpublished == ["age", "employment"]
    assert result.extremes_only


def test_cohorts_seven_categories_composition_not_published(result):
    assert len(result.cohorts) == 7
    assert result.cohorts["Share of volunteers at events, %"].isna().all()
    assert not result.regional_distribution_published


def test_indicators_carry_the_published_qualifiers(ds2022):
    found = {i.id: i for i in portrait.indicators(ds2022, portrait.compute(ds2022))}
    assert (found["volunteers_total"].value, found["volunteers_total"].qualifier) == (
        139_671,
        "exact",
    )
    assert found["volunteers_prev_year"].qualifier == "exact"
    assert found["volunteers_change_pct"].qualifier == "exact"
    # "At least 174,000" volunteers: at most about 114 persons per volunteer.
    estimate = found["persons_per_volunteer_estimate"]
    assert (round(estimate.value), estimate.qualifier) == (114, "at_most")
    assert "most" not in estimate.label
