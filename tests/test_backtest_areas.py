"""Back-test of chapter 3 on data/2022: the published figures, within the report's rounding."""

from __future__ import annotations

import pytest

from volreport.chapters import areas

# Hours and shares of hours by area, as the 2022 report prints them (shares to 0.01 points).
PUBLISHED_AREAS = [
    ("other_social", 417_399, 38.35),
    ("umit", 316_158, 29.05),
    ("qamqor", 153_850, 14.14),
    ("taza_alem", 105_224, 9.67),
    ("culture_art", 49_242, 4.52),
    ("ayala", 28_453, 2.61),
    ("sabaqtastyq", 5_879, 0.54),
    ("saylyq", 5_272, 0.48),
    ("bilim", 3_925, 0.36),
    ("asyl_mura", 2_819, 0.26),
    ("media", 166, 0.02),
]
# "The largest proportion across the country": region with its share of the area's hours.
PUBLISHED_NATIONAL_LEADERS = [
    ("other_social", "Astana", 49.9),
    ("umit", "Kostanay region", 46.52),
    ("qamqor", "Astana", 25.23),
    ("taza_alem", "Karagandy region", 19.7),
    ("culture_art", "Almaty city", 35.69),
    ("ayala", "Astana", 95.07),
    ("sabaqtastyq", "Almaty city", 34.68),
    ("saylyq", "Zhambyl region", 37.8),
    ("bilim", "Zhambyl region", 24.13),
    ("asyl_mura", "Zhambyl region", 33.57),
    ("media", "Kyzylorda region", 33),
    ("media", "Almaty city", 31),
]
# "The largest proportion of events in the region".
PUBLISHED_EVENT_LEADERS = [
    ("umit", "Kostanay region", 89.5),
    ("taza_alem", "Astana", 63.9),
    ("culture_art", "Mangystau region", 32.4),
    ("ayala", "Astana", 7),
    ("sabaqtastyq", "Shymkent", 6.3),
    ("saylyq", "Atyrau region", 9.4),
    ("bilim", "Shymkent", 3.2),
    ("asyl_mura", "Kyzylorda region", 2.8),
    ("media", "Kyzylorda region", 1.5),
]


@pytest.fixture(scope="module")
def result(ds2022):
    return areas.compute(ds2022)


@pytest.fixture(scope="module")
def discrepancies(ds2022):
    """The chapter's discrepancies with the published report (computed once: each call
    computes the chapter again)."""
    return areas.discrepancies(ds2022, areas.compute(ds2022))


def test_total_hours(result):
    assert result.hours_total == 1_088_387


def test_areas_add_up_to_the_total(result):
    assert result.hours_by_area["hours"].sum() == 1_088_387


@pytest.mark.parametrize(("area", "hours", "share"), PUBLISHED_AREAS)
def test_hours_and_recomputed_share_by_area(result, area, hours, share):
    row = result.hours_by_area.set_index("area").loc[area]
    assert row["hours"] == hours
    assert row["share_recomputed_pct"] == pytest.approx(share, abs=0.005)


@pytest.mark.parametrize(("area", "region", "share"), PUBLISHED_NATIONAL_LEADERS)
def test_leading_region_by_share_of_national_hours(result, area, region, share):
    leaders = result.leaders
    rows = leaders[
        (leaders["measure"] == "hours_share_of_area_national")
        & (leaders["area"] == area)
        & (leaders["region_name"] == region)
    ]
    assert rows["value"].tolist() == [pytest.approx(share)]


@pytest.mark.parametrize(("area", "region", "share"), PUBLISHED_EVENT_LEADERS)
def test_leading_region_by_share_of_events(result, area, region, share):
    leaders = result.leaders
    rows = leaders[
        (leaders["measure"] == "events_share_in_region")
        & (leaders["area"] == area)
        & (leaders["region_name"] == region)
    ]
    assert rows["value"].tolist() == [pytest.approx(share)]


def test_other_social_over_half_of_events_in_four_regions(result):
    leaders = result.leaders
    rows = leaders[
        (leaders["measure"] == "events_share_in_region") & (leaders["area"] == "other_social")
    ]
    assert set(rows["region_name"]) == {"Aktobe region", "Akmola region", "Astana", "Almaty city"}
    assert set(zip(rows["value"], rows["qualifier"], strict=True)) == {(50, "at_least")}


def test_qamqor_32_to_35_percent_of_events_in_five_regions(result):
    leaders = result.leaders
    rows = leaders[(leaders["measure"] == "events_share_in_region") & (leaders["area"] == "qamqor")]
    assert set(rows["region_name"]) == {
        "Turkistan region", "West Kazakhstan region", "Almaty region", "Kostanay region",
        "Pavlodar region",
    }  # fmt: skip
    assert (rows["value"] >= 32).all() and (rows["value"] <= 35).all()


def test_development_totals(result):
    totals = result.development_totals
    assert totals["development_events"][0] == 259
    assert totals["development_volunteers"][0] == 11_283
    assert totals["development_hours"][0] == 1_387


def test_development_leaders_and_laggards(result):
    table = result.development
    events = table[table["measure"] == "events"]
    most = events[events["rank"] == "most"]
    fewest = events[events["rank"] == "fewest"]
    assert dict(zip(most["region_name"], most["value"], strict=True)) == {
        "Astana": 54, "Karagandy region": 40
    }  # fmt: skip
    assert dict(zip(fewest["region_name"], fewest["value"], strict=True)) == {
        "Almaty city": 2, "Almaty region": 3, "West Kazakhstan region": 3, "Zhambyl region": 5
    }  # fmt: skip
    hours = table[table["measure"] == "hours"].set_index("rank")["region_name"]
    assert hours["most"] == "Astana" and hours["fewest"] == "Almaty region"


def test_development_hours_contradict_the_regional_maximum(discrepancies):
    # 17 regions at most 49 hours each cannot make 1,387 hours.
    found = [d for d in discrepancies if d.topic == "Development activities: hours"]
    assert len(found) == 1 and "833" in found[0].recomputed


def test_event_formats_are_not_published(result):
    assert result.formats["share_pct"].isna().all()


def test_rfo_support_levels(result):
    levels = result.rfo_support.groupby("level")["region_name"].apply(set).to_dict()
    assert levels["regular"] == {"Astana", "East Kazakhstan region", "Zhambyl region"}
    assert levels["none"] == {"West Kazakhstan region", "Turkistan region"}
    assert len(levels["references"]) == 4 and len(levels["one_time"]) == 8


def test_representation_matrix_covers_17_regions_and_11_areas(result):
    matrix = result.representation
    assert matrix["region"].nunique() == 17 and matrix["area"].nunique() == 11
    assert len(matrix) == 17 * 11


def test_indicators_are_exact_as_published(ds2022):
    found = {i.id: i for i in areas.indicators(ds2022, areas.compute(ds2022))}
    assert (found["hours_total"].value, found["hours_total"].qualifier) == (1_088_387, "exact")
    assert {i.qualifier for i in found.values()} == {"exact"}


def test_the_published_report_is_named_and_its_six_discrepancies_listed(discrepancies, result):
    topics = [d.topic for d in discrepancies]
    assert len(topics) == 6
    assert "Representation matrix: Culture and art in Mangystau region" in topics
    leaders = " ".join(areas.leaders_text(result).split())
    assert "the report names the region with the largest share" in leaders
    assert areas.leaders_text(result).count("\n- **") == 11
    assert "Kyzylorda region (33%) and Almaty city (31%)" in leaders
    hours = " ".join(areas.hours_text(result).split())
    assert "no more than 10% to 15% of the work of such organizations" in hours
    assert "The report shows hours by region only as a chart without values" in hours


def test_variables_give_the_published_shares(ds2022):
    shares = areas.variables(ds2022, areas.compute(ds2022))
    assert shares["areas_share_other_social"] == "38.35%"
    assert shares["areas_share_media"] == "0.02%"
