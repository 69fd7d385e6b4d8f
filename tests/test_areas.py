"""Unit tests of chapter 3 (areas) on tiny hand-built datasets."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from builders import make_dataset

from volreport import areas

matplotlib.use("Agg")


def hours_rows(total=1000, parts=None, shares=None):
    """National hours: a total and parts by area, with published shares."""
    parts = {"other_social": 600, "umit": 400} if parts is None else parts
    rows = [{"indicator": "hours", "value": total, "unit": "hours"}]
    rows += [
        {"indicator": "hours", "category": area, "value": value, "unit": "hours"}
        for area, value in parts.items()
    ]
    for area, share in (shares or {}).items():
        rows.append({"indicator": "hours_share", "category": area, "value": share})
    return rows


def tables(representation=None, support=None):
    """Minimal record tables of chapter 3."""
    return {
        "area_representation": representation
        or [
            {"region": "KZ-71", "area": "taza_alem", "band": "under_5"},
            {"region": "KZ-71", "area": "other_social", "band": "over_25"},
            {"region": "KZ-75", "area": "ayala", "band": "5_to_25"},
        ],
        "rfo_support": support
        or [
            {"region": "KZ-75", "level": "none"},
            {"region": "KZ-71", "level": "regular"},
            {"region": "KZ-79", "level": "one_time"},
        ],
    }


def dataset(rows=None, **table_args):
    return make_dataset(hours_rows() if rows is None else rows, tables(**table_args))


def test_hours_total_prefers_the_published_total():
    ds = dataset(hours_rows(total=999))
    assert areas.hours_total(ds) == (999.0, "reported")


def test_hours_total_falls_back_to_the_sum_of_areas_when_the_total_is_missing():
    ds = dataset(hours_rows(total=None))
    assert areas.hours_total(ds) == (1000.0, "derived")


def test_hours_total_is_missing_when_total_and_a_part_are_missing():
    ds = dataset(hours_rows(total=None, parts={"umit": 400, "ayala": None}))
    assert areas.hours_total(ds) == (None, "missing")


def test_hours_by_area_recomputes_shares_and_sorts_by_hours():
    ds = dataset(hours_rows(parts={"umit": 400, "other_social": 600}, shares={"umit": 41.0}))
    frame = areas.hours_by_area_table(ds)
    assert frame["area"].tolist() == ["other_social", "umit"]
    assert frame["share_recomputed_pct"].tolist() == pytest.approx([60.0, 40.0])
    assert frame.loc[1, "difference_pp"] == pytest.approx(-1.0)
    assert pd.isna(frame.loc[0, "share_published_pct"])


def test_hours_text_says_when_shares_match_and_when_they_do_not():
    matching = areas.compute(dataset(hours_rows(shares={"umit": 40.0, "other_social": 60.0})))
    assert "matches the published share" in areas.hours_text(matching)
    assert "the same figure" in areas.hours_text(matching)
    differing = areas.compute(dataset(hours_rows(total=1100, shares={"umit": 40.0})))
    text = areas.hours_text(differing)
    assert "they do not match" in text
    assert "differ from the published" in text and "Úmit" in text


def test_hours_text_states_the_regional_gap_as_a_chart_only_when_the_source_is_one():
    chart = {"indicator": "hours", "region": "KZ-71", "value": None, "source": "Report, chart"}
    result = areas.compute(dataset(hours_rows() + [chart]))
    assert result.regional_hours_missing == 1
    assert "only as a chart without values" in areas.hours_text(result)
    gap = areas.hours_text(areas.compute(dataset(hours_rows() + [{**chart, "source": "form"}])))
    assert "chart" not in gap and gap.endswith("1 regional figures of hours are not in the data.")


def test_share_discrepancy_reported_beyond_rounding_only():
    # 400 / 1000 = 40.0%: 40.004 is within rounding of two decimals, 40.01 is not.
    within = dataset(hours_rows(shares={"umit": 40.004}))
    beyond = dataset(hours_rows(shares={"umit": 40.01}))
    assert areas.discrepancies(within) == []
    assert [d.topic for d in areas.discrepancies(beyond)] == [
        "Share of hours: Birgemiz: Úmit (emergencies)"
    ]


def test_area_leaders_table_names_regions_and_keeps_qualifiers():
    rows = hours_rows() + [
        {"indicator": "hours_share_of_area_national", "region": "KZ-71",
         "category": "other_social", "value": 49.9},
        {"indicator": "events_share_in_region", "region": "KZ-75", "category": "other_social",
         "value": 50, "qualifier": "at_least"},
    ]  # fmt: skip
    frame = areas.area_leaders_table(dataset(rows))
    assert frame["region_name"].tolist() == ["Astana", "Almaty city"]
    assert frame["qualifier"].tolist() == ["exact", "at_least"]
    shown = areas.area_leaders_display(frame)
    assert shown.columns.tolist() == ["Area", "Measure", "Region", "Share, %"]
    assert shown["Share, %"].tolist() == ["49.9", "at least 50"]
    data = areas.area_leaders_data(frame)
    assert data["As published"].tolist() == ["", "at least"]
    assert data["Share, %"].tolist() == [49.9, 50.0]


@pytest.mark.parametrize(
    ("value", "qualifier", "band", "conflict"),
    [
        (63.9, "exact", "under_5", True),
        (7.0, "exact", "5_to_25", False),
        (32.4, "exact", "5_to_25", True),
        (50.0, "at_least", "over_25", False),
        (50.0, "at_least", "under_5", True),
        (1.0, "at_most", "under_5", False),
        (1.0, "at_most", "over_25", True),
    ],
)
def test_band_conflicts(value, qualifier, band, conflict):
    rows = hours_rows() + [
        {"indicator": "events_share_in_region", "region": "KZ-71", "category": "taza_alem",
         "value": value, "qualifier": qualifier},
    ]  # fmt: skip
    representation = [{"region": "KZ-71", "area": "taza_alem", "band": band}]
    found = areas.band_conflicts(dataset(rows, representation=representation))
    assert len(found) == int(conflict)


def test_representation_matrix_rejects_unknown_bands():
    representation = [{"region": "KZ-71", "area": "umit", "band": "over_50"}]
    with pytest.raises(ValueError, match=r"area_representation.csv: column band.*over_50"):
        areas.representation_matrix(dataset(representation=representation))


def test_representation_plot_has_one_cell_per_region_and_area():
    frame = areas.representation_matrix(dataset())
    figure = areas.plot_representation(frame)
    mesh = figure.axes[0].collections[0]
    assert mesh.get_array().size == 2 * 3  # two regions x three areas (NaN where unlisted)


def test_split_extremes_cuts_at_the_widest_gap():
    values = pd.Series([54.0, 40.0, 2.0, 3.0, 3.0, 5.0])
    assert areas.split_extremes(values).tolist() == [
        "most", "most", "fewest", "fewest", "fewest", "fewest"
    ]  # fmt: skip
    assert areas.split_extremes(pd.Series([7.0])).tolist() == ["most"]


def development_rows(national_hours):
    return hours_rows() + [
        {"indicator": "development_events", "value": 20},
        {"indicator": "development_volunteers", "value": 300},
        {"indicator": "development_hours", "value": national_hours},
        {"indicator": "development_hours", "region": "KZ-71", "value": 10},
        {"indicator": "development_hours", "region": "KZ-75", "value": 1},
        {"indicator": "development_events", "region": "KZ-71", "value": 9},
    ]


def test_development_text_names_leaders_laggards_and_flags_an_impossible_total():
    units = len(areas.reporting_regions(dataset()))
    impossible = areas.compute(dataset(development_rows(national_hours=10 * units + 1)))
    text = areas.development_text(impossible)
    assert "Most hours: Astana (10); fewest: Almaty city (1)." in text
    assert "cannot all be right" in text
    assert any(
        d.topic == "Development activities: hours"
        for d in areas.discrepancies(dataset(development_rows(10 * units + 1)))
    )
    possible = areas.compute(dataset(development_rows(national_hours=10 * units)))
    assert "cannot all be right" not in areas.development_text(possible)


def test_formats_text_says_plainly_when_only_a_chart_exists():
    rows = hours_rows() + [
        {"indicator": "events_share_by_format", "category": f, "value": None,
         "source": "Report, §Formats, chart"}
        for f in ("auto", "online", "offline")
    ]  # fmt: skip
    result = areas.compute(dataset(rows))
    assert result.formats["share_pct"].isna().all()
    assert "only as a chart without values" in areas.formats_text(result)
    assert areas.formats_display(result.formats)["Share of events, %"].isna().all()
    unsourced = [{**row, "source": "form"} for row in rows]
    assert areas.formats_text(areas.compute(dataset(unsourced))).startswith(
        "The data give no shares of auto-volunteering"
    )


def test_formats_text_gives_shares_when_published():
    rows = hours_rows() + [
        {"indicator": "events_share_by_format", "category": "online", "value": 12.5}
    ]
    assert "Online 12.5%" in areas.formats_text(areas.compute(dataset(rows)))


def test_rfo_support_ordered_by_level():
    frame = areas.rfo_support_table(dataset())
    assert frame["level"].tolist() == ["regular", "one_time", "none"]
    assert frame["region_name"].tolist() == ["Astana", "Shymkent", "Almaty city"]
    text = areas.rfo_support_text(areas.compute(dataset()))
    assert "mention it regularly in 1 regions, refer to it in 0" in text
    assert "do not mention it at all in 1." in text


def test_rfo_support_rejects_unknown_levels():
    with pytest.raises(ValueError, match=r"rfo_support.csv: column level.*weekly"):
        areas.rfo_support_table(dataset(support=[{"region": "KZ-71", "level": "weekly"}]))


def test_indicators_carry_status_and_gaps():
    ds = dataset(hours_rows(parts={"umit": 400, "other_social": 600}))
    found = {i.id: i for i in areas.indicators(ds)}
    assert found["hours_total"].value == 1000 and found["hours_total"].status == "reported"
    assert found["hours_umit"].value == 400
    assert found["hours_media"].value is None and found["hours_media"].status == "missing"
    assert found["development_events"].status == "missing"
    assert len(found) == 1 + 11 + 3
    assert {i.qualifier for i in found.values()} == {"exact"}


def test_indicators_keep_the_published_qualifier_and_a_sum_of_bounds_is_a_bound():
    rows = hours_rows(parts={"umit": 400, "other_social": 600})
    for row in rows:
        if row.get("category") == "umit":
            row["qualifier"] = "at_least"
    rows.append({"indicator": "development_hours", "value": 50, "qualifier": "approx"})
    found = {i.id: i for i in areas.indicators(dataset(rows))}
    assert found["hours_umit"].qualifier == "at_least"
    assert found["hours_other_social"].qualifier == "exact"
    assert found["hours_total"].qualifier == "exact"  # published total, as the report words it
    assert found["development_hours"].qualifier == "approx"
    no_total = [r for r in rows if not (r["indicator"] == "hours" and not r.get("category"))]
    total = {i.id: i for i in areas.indicators(dataset(no_total))}["hours_total"]
    assert (total.value, total.status, total.qualifier) == (1000, "derived", "at_least")


def test_headline_formats_the_computed_numbers():
    ds = dataset(hours_rows(total=12345, parts={"umit": 12000, "media": 345}))
    text = areas.headline(areas.compute(ds))
    assert "**12,345 hours**" in text
    assert "Birgemiz: Úmit (emergencies) (12,000 hours, 97.21%)" in text


def test_plot_hours_by_area_draws_one_bar_per_area():
    frame = areas.hours_by_area_table(dataset())
    figure = areas.plot_hours_by_area(frame)
    assert len(figure.axes[0].patches) == 2


REPORTING_2022 = [
    "KZ-71", "KZ-75", "KZ-79", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31",
    "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-63",
]  # fmt: skip


def test_leaders_are_computed_when_every_region_has_a_share():
    rows = hours_rows()
    for measure in areas.LEADER_MEASURES:
        rows += [
            {"indicator": measure, "region": code, "category": "umit", "value": float(i)}
            for i, code in enumerate(REPORTING_2022)
        ]
    result = areas.compute(dataset(rows))
    assert result.leaders_computed
    assert list(result.leaders["region"]) == ["KZ-63", "KZ-63"]  # one leader per measure
    text = areas.leaders_text(result)
    assert "computed from every region's figures" in text
    assert text.endswith("Birgemiz: Úmit (emergencies): East Kazakhstan region (16.0%).")


def test_development_names_only_the_most_and_fewest_when_every_region_is_given():
    rows = hours_rows() + [{"indicator": "development_events", "value": 200}]
    rows += [
        {"indicator": "development_events", "region": code, "value": 5 + (code == "KZ-71")}
        for code in REPORTING_2022
    ]
    rows[-1]["value"] = 1  # East Kazakhstan has the fewest
    table = areas.development_table(dataset(rows))
    assert list(zip(table["region"], table["rank"], strict=True)) == [
        ("KZ-71", "most"), ("KZ-63", "fewest"),
    ]  # fmt: skip
    text = areas.development_text(areas.compute(dataset(rows)))
    assert "Most events: Astana (6); fewest: East Kazakhstan region (1)." in text


def test_development_position_is_singular_for_a_region_alone_plural_for_several():
    frame = pd.DataFrame(
        {
            "measure": ["events", "events", "events", "hours", "hours"],
            "region": ["KZ-71", "KZ-75", "KZ-79", "KZ-71", "KZ-75"],
            "region_name": ["Astana", "Almaty city", "Shymkent", "Astana", "Almaty city"],
            "value": [9.0, 8.0, 1.0, 10.0, 1.0],
            "rank": ["most", "most", "fewest", "most", "fewest"],
        }
    )
    assert list(areas.development_display(frame)["Position"]) == [
        "among the most", "among the most", "the fewest", "the most", "the fewest",
    ]  # fmt: skip
    empty = areas.development_display(areas.development_table(dataset()))
    assert list(empty.columns) == ["Measure", "Region", "Value", "Position"] and empty.empty
