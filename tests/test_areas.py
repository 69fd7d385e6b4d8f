"""Unit tests of chapter 3 (areas) on tiny hand-built datasets, through the rendered text."""

from __future__ import annotations

import dataclasses

import matplotlib
import pandas as pd
import pytest
from builders import make_dataset

from volreport.chapters import areas
from volreport.data.edition import Edition, PublishedSource

matplotlib.use("Agg")

REPORT = "Report 2022, §Volunteering areas and the format of events, text"
REPORTING_2022 = [
    "KZ-71", "KZ-75", "KZ-79", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31",
    "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-63",
]  # fmt: skip
AREAS = [
    "other_social", "umit", "qamqor", "taza_alem", "culture_art", "ayala", "sabaqtastyq",
    "saylyq", "bilim", "asyl_mura", "media",
]  # fmt: skip
# Words that belong only to a vintage transcribed from a published report.
REPORT_WORDS = ("the report", "report's", "published")


def flat(text: str) -> str:
    """`text` with its line breaks as spaces, as Markdown renders a paragraph."""
    return " ".join(text.split())


# Every area with hours: the two of the default and none in the others.
ALL_PARTS = {"other_social": 600, "umit": 400} | {area: 0 for area in AREAS[2:]}


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


def published(ds):
    """`ds` as a vintage transcribed from a published report (edition.yml declares it)."""
    source = PublishedSource("Report 2022", "The 2022 report", "sources/report.txt")
    return dataclasses.replace(ds, edition=Edition(published_source=source))


def from_report(rows):
    """`rows` with the published report as their source."""
    return [{**row, "source": REPORT} for row in rows]


def all_texts(result) -> dict[str, str]:
    return {
        "headline": flat(areas.headline(result)),
        "hours": flat(areas.hours_text(result)),
        "leaders": flat(areas.leaders_text(result)),
        "representation": flat(areas.representation_text(result)),
        "development": flat(areas.development_text(result)),
        "formats": flat(areas.formats_text(result)),
        "support": flat(areas.rfo_support_text(result)),
    }


def complete_rows(skip=()):
    """A vintage in which every region reports everything; `skip` leaves out
    (indicator, region, category) values as missing."""
    rows = hours_rows(
        total=17_000 + 136,
        parts={area: 1000 + i for i, area in enumerate(AREAS[:-1])} | {"media": 17_136 - 10_045},
    )
    rows += [
        {"indicator": "hours", "region": code, "value": 1000 + i * 2}
        for i, code in enumerate(REPORTING_2022)
    ]
    for measure in areas.LEADER_MEASURES:
        rows += [
            {"indicator": measure, "region": code, "category": area, "value": 1.0 + i + j / 10}
            for i, code in enumerate(REPORTING_2022)
            for j, area in enumerate(AREAS)
        ]
    for indicator in areas.DEVELOPMENT_MEASURES:
        rows.append({"indicator": indicator, "value": 500})
        rows += [
            {"indicator": indicator, "region": code, "value": 10 + i}
            for i, code in enumerate(REPORTING_2022)
        ]
    rows += [
        {"indicator": "events_share_by_format", "category": fmt_id, "value": share}
        for fmt_id, share in (("auto", 10.0), ("online", 30.0), ("offline", 60.0))
    ]
    for row in rows:
        if (row["indicator"], row.get("region", "KZ"), row.get("category", "")) in skip:
            row["value"] = None
    return rows


def complete_tables():
    representation = [
        {"region": code, "area": area, "band": "over_25" if area == "other_social" else "5_to_25"}
        for code in REPORTING_2022
        for area in AREAS
    ]
    support = [{"region": code, "level": "references"} for code in REPORTING_2022]
    return {"representation": representation, "support": support}


def test_hours_total_prefers_the_published_total():
    ds = dataset(hours_rows(total=999))
    assert areas.hours_total(ds) == (999.0, "reported")


def test_hours_total_falls_back_to_the_sum_of_areas_when_the_total_is_missing():
    ds = dataset(hours_rows(total=None))
    assert areas.hours_total(ds) == (1000.0, "derived")
    text = flat(areas.hours_text(areas.compute(ds)))
    assert "the total above is the sum of the areas' hours" in text


def test_hours_total_is_missing_when_total_and_a_part_are_missing():
    ds = dataset(hours_rows(total=None, parts={"umit": 400, "ayala": None}))
    assert areas.hours_total(ds) == (None, "missing")
    result = areas.compute(ds)
    text = flat(areas.hours_text(result))
    assert text.startswith(
        "The national total of volunteer hours is not available, and neither are the hours of "
        "Other social volunteering, Birgemiz: Qamqor"
    )
    assert "Úmit" not in text and "Ayala (animal welfare)" in text
    headline = flat(areas.headline(result))
    assert "is not available" in headline and "—" not in headline + text


def test_hours_by_area_recomputes_shares_and_sorts_by_hours():
    ds = dataset(hours_rows(parts={"umit": 400, "other_social": 600}, shares={"umit": 41.0}))
    frame = areas.hours_by_area_table(ds)
    assert frame["area"].tolist() == ["other_social", "umit"]
    assert frame["share_recomputed_pct"].tolist() == pytest.approx([60.0, 40.0])
    assert frame.loc[1, "difference_pp"] == pytest.approx(-1.0)
    assert pd.isna(frame.loc[0, "share_published_pct"])


def test_hours_display_shows_the_published_share_only_for_a_published_vintage():
    frame = areas.hours_by_area_table(dataset(hours_rows(shares={"umit": 40.0})))
    assert "Share of national hours (published), %" in areas.hours_by_area_display(frame)
    own = areas.hours_by_area_display(frame, published=False)
    assert own.columns.tolist() == ["Area", "Hours", "Share of national hours, %"]


def test_hours_text_says_when_shares_match_and_when_they_do_not():
    shares = {"umit": 40.0, "other_social": 60.0}
    matching = areas.compute(published(dataset(hours_rows(parts=ALL_PARTS, shares=shares))))
    assert "matches the share published in the report" in flat(areas.hours_text(matching))
    assert "add up exactly to the national total" in flat(areas.hours_text(matching))
    rows = hours_rows(total=1100, parts=ALL_PARTS, shares={"umit": 40.0})
    differing = areas.compute(published(dataset(rows)))
    text = flat(areas.hours_text(differing))
    assert "1,000 against a national total of 1,100: they do not match." in text
    assert "the shares of Birgemiz: Úmit (emergencies), Other social volunteering" not in text
    assert "shares of Birgemiz: Úmit (emergencies) differ from those published" in text


def test_a_missing_area_is_named_with_what_the_others_add_up_to():
    ds = dataset(hours_rows(total=1100, parts=ALL_PARTS | {"media": None}))
    text = flat(areas.hours_text(areas.compute(ds)))
    assert text.startswith(
        "Hours are not available for Media; the other 10 areas add up to 1,000 of the national "
        "1,100 hours."
    )
    assert "across" not in flat(areas.headline(areas.compute(ds)))
    assert "across 11 areas" in flat(
        areas.headline(areas.compute(dataset(hours_rows(parts=ALL_PARTS))))
    )
    # An area without any row is as missing as one with an empty value.
    absent = flat(areas.hours_text(areas.compute(dataset())))
    assert absent.startswith("Hours are not available for Birgemiz: Qamqor (care for the elderly")
    assert "and Media; the other 2 areas add up to 1,000 of the national 1,000 hours." in absent


def test_hours_text_states_the_regional_gap_as_a_chart_only_when_the_report_has_one():
    chart = {"indicator": "hours", "region": "KZ-71", "value": None, "source": "Report 2022, chart"}
    result = areas.compute(published(dataset(hours_rows() + [chart])))
    assert result.regional_hours_charted
    assert "only as a chart without values" in flat(areas.hours_text(result))
    # The same gap in a vintage that declares no published report: a plain gap.
    gap = flat(areas.hours_text(areas.compute(dataset(hours_rows() + [chart]))))
    assert "chart" not in gap
    assert gap.endswith(
        "The breakdown of hours by region is not available for any of the 17 regions."
    )


def test_hours_by_region_names_the_extremes_and_exactly_the_missing_regions():
    rows = complete_rows(skip={("hours", "KZ-11", ""), ("hours", "KZ-63", "")})
    result = areas.compute(dataset(rows, **complete_tables()))
    assert len(result.regional_hours) == 15
    text = flat(areas.hours_text(result))
    assert "By region, Turkistan region recorded the most hours (1,030, 6.0% of" in text
    assert "and Astana the fewest (1,000, 5.8%)." in text
    assert text.endswith(
        "The breakdown of hours by region is not available for 2 of the 17 regions (Akmola "
        "region and East Kazakhstan region); the table shows the other regions."
    )
    shown = areas.regional_hours_display(result.regional_hours)
    assert shown["Region"].iloc[0] == "Turkistan region" and shown["Hours"].iloc[0] == "1,030"


def test_regions_with_total_hours_but_none_by_area_are_named_as_such():
    # Astana and Almaty city gave their hours only by format: their totals are known (in the
    # national total of 1,300) but not their hours by area (in the areas' 1,000).
    rows = hours_rows(total=1300, parts=ALL_PARTS)
    for code, total in (("KZ-71", 100), ("KZ-75", 200), ("KZ-79", 1000)):
        rows.append({"indicator": "hours", "region": code, "value": total})
        rows += [
            {
                "indicator": "hours",
                "region": code,
                "category": area,
                "value": None if code != "KZ-79" else ALL_PARTS[area],
            }
            for area in AREAS
        ]
    result = areas.compute(dataset(rows))
    assert result.regional_area_hours_missing == ["Astana", "Almaty city"]
    text = flat(areas.hours_text(result))
    assert text.startswith(
        "Hours by area are not available for 2 of the 17 regions (Astana and Almaty city), only "
        "their total hours; the areas' hours add up to 1,000 of the national 1,300 hours, and "
        "each area's share is of that sum."
    )
    assert "do not match" not in text
    # The areas' shares are of the hours they cover, not of a total with more regions.
    shares = result.hours_by_area.set_index("area")["share_recomputed_pct"]
    assert shares["other_social"] == pytest.approx(60.0)
    # Regions that give both, or neither, are not named: 2022 gives no hours by region.
    assert areas.compute(dataset(complete_rows())).regional_area_hours_missing == []


def test_systematic_coverage_is_stated_only_when_the_data_give_it():
    assert "work of such organizations" not in flat(areas.hours_text(areas.compute(dataset())))
    rows = hours_rows() + [
        {"indicator": "systematic_org_coverage_pct", "category": bound, "value": value,
         "qualifier": "at_most"}
        for bound, value in (("low", 10), ("high", 15))
    ]  # fmt: skip
    text = flat(areas.hours_text(areas.compute(dataset(rows))))
    assert "cover no more than 10% to 15% of the work of such organizations." in text


def test_share_discrepancy_reported_beyond_rounding_only():
    # 400 / 1000 = 40.0%: 40.004 is within rounding of two decimals, 40.01 is not.
    within = published(dataset(hours_rows(shares={"umit": 40.004})))
    beyond = published(dataset(hours_rows(shares={"umit": 40.01})))
    assert areas.discrepancies(within, areas.compute(within)) == []
    found = areas.discrepancies(beyond, areas.compute(beyond))
    assert [d.topic for d in found] == ["Share of hours: Birgemiz: Úmit (emergencies)"]
    assert (found[0].published, found[0].recomputed) == ("40.01%", "40.00%")
    assert found[0].explanation == "The share does not follow from the hours."


def test_area_leaders_table_keeps_the_regions_a_report_names_and_their_qualifiers():
    rows = hours_rows() + from_report([
        {"indicator": "hours_share_of_area_national", "region": "KZ-71",
         "category": "other_social", "value": 49.9},
        {"indicator": "events_share_in_region", "region": "KZ-75", "category": "other_social",
         "value": 50, "qualifier": "at_least"},
        {"indicator": "events_share_in_region", "region": "KZ-79", "category": "other_social",
         "value": 50, "qualifier": "at_least"},
    ])  # fmt: skip
    frame = areas.area_leaders_table(published(dataset(rows)))
    assert frame["region_name"].tolist() == ["Astana", "Almaty city", "Shymkent"]
    assert frame["qualifier"].tolist() == ["exact", "at_least", "at_least"]
    assert set(frame["basis"]) == {"named"}
    data = areas.area_leaders_data(frame)
    assert data["Qualifier"].tolist() == ["", "at least", "at least"]
    assert data["Share, %"].tolist() == [49.9, 50.0, 50.0]
    text = flat(areas.leaders_text(areas.compute(published(dataset(rows)))))
    assert "the report names the region" in text
    assert (
        "- **Other social volunteering**: the largest share of its hours in Astana (49.9%); the "
        "largest share of a region's events in Almaty city and Shymkent (at least 50% each)."
    ) in text
    assert (
        "The region with the largest share of the area's hours in the country is not available "
        "for Birgemiz: Úmit (emergencies),"
    ) in text
    assert text.endswith(
        "Asyl Mura (historical and cultural heritage) and Media. - **Other social "
        "volunteering**: the largest share of its hours in Astana (49.9%); the largest share "
        "of a region's events in Almaty city and Shymkent (at least 50% each)."
    )
    assert "- **Media**" not in text  # an area with no leader at all gets no item


def test_partial_leaders_without_a_published_report_name_exactly_the_missing_regions():
    rows = hours_rows() + [
        {"indicator": "hours_share_of_area_national", "region": code, "category": "umit",
         "value": float(i)}
        for i, code in enumerate(REPORTING_2022)
        if code not in ("KZ-11", "KZ-15")
    ]  # fmt: skip
    result = areas.compute(dataset(rows))
    frame = result.leaders
    assert frame["region"].tolist() == ["KZ-63"] and frame["basis"].tolist() == ["given"]
    text = flat(areas.leaders_text(result))
    assert "report" not in text
    assert (
        "Each region's share of the area's hours in the country is not available for 2 of the "
        "17 regions (Akmola region and Aktobe region); the leaders below are among the other 15 "
        "regions."
    ) in text
    assert (
        "- **Birgemiz: Úmit (emergencies)**: the largest share of its hours in East "
        "Kazakhstan region (16%)."
    ) in text
    assert (
        "The region where the area makes up the largest share of its events is not "
        "available for any area."
    ) in text


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


def test_a_band_conflict_is_the_report_contradicting_itself_only_in_a_published_vintage():
    rows = hours_rows() + [
        {"indicator": "events_share_in_region", "region": "KZ-71", "category": "taza_alem",
         "value": 63.9},
    ]  # fmt: skip
    representation = [{"region": "KZ-71", "area": "taza_alem", "band": "under_5"}]
    report = published(dataset(rows, representation=representation))
    text = flat(areas.representation_text(areas.compute(report)))
    assert "In 1 case the matrix contradicts the share of events the report" in text
    assert (
        "- Birgemiz: Taza Álem (environment) in Astana: 63.9% in the text, under 5% in the matrix."
    ) in text
    (found,) = areas.discrepancies(report, areas.compute(report))
    assert found.topic == "Representation matrix: Birgemiz: Taza Álem (environment) in Astana"
    assert found.published == "63.9% of the region's events (text)"
    own = dataset(rows, representation=representation)
    text = flat(areas.representation_text(areas.compute(own)))
    assert "In 1 case the band disagrees with the area's share of events in the data" in text
    assert "report" not in text and areas.discrepancies(own, areas.compute(own)) == []


def test_representation_text_counts_the_bands_and_names_missing_regions():
    text = flat(areas.representation_text(areas.compute(dataset())))
    assert "for each of 2 regions and 3 areas" in text
    assert "1 of the 3 cells is over 25%: Other social volunteering in 1 region." in text
    assert "Birgemiz: Taza Álem (environment) makes up under 5% of the events" in text
    assert "The breakdown of events by area is not available for 15 of the 17 regions" in text
    assert "For Astana, the shares of Birgemiz: Úmit (emergencies)," in text


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
    return hours_rows() + from_report([
        {"indicator": "development_events", "value": 20},
        {"indicator": "development_volunteers", "value": 300},
        {"indicator": "development_hours", "value": national_hours},
        {"indicator": "development_hours", "region": "KZ-71", "value": 10},
        {"indicator": "development_hours", "region": "KZ-75", "value": 1},
        {"indicator": "development_events", "region": "KZ-71", "value": 9},
    ])  # fmt: skip


def test_development_text_names_the_reports_extremes_and_flags_an_impossible_total():
    units = len(areas.reporting_regions(dataset()))
    impossible = published(dataset(development_rows(national_hours=10 * units + 1)))
    text = flat(areas.development_text(areas.compute(impossible)))
    assert "The report names only the regions with the most and the fewest" in text
    assert "- Hours: most in Astana (10); fewest in Almaty city (1)." in text
    assert "- Volunteers by region: not available." in text
    assert "no region is named with more than 10 hours, so the 17 regions" in text
    (found,) = [
        d
        for d in areas.discrepancies(impossible, areas.compute(impossible))
        if d.topic.startswith("Development")
    ]
    assert found.published == "171 hours nationally, at most 10 in any region"
    assert found.recomputed == "at most 170 hours over 17 regions"
    possible = published(dataset(development_rows(national_hours=10 * units)))
    assert "cannot all be right" not in flat(areas.development_text(areas.compute(possible)))


def test_development_extremes_without_a_published_report_are_among_the_regions_given():
    ds = dataset(development_rows(national_hours=10_000))
    text = flat(areas.development_text(areas.compute(ds)))
    assert "report" not in text and "cannot all be right" not in text
    assert (
        "The regional figure for hours is not available for 15 of the 17 regions (Shymkent, "
        "Akmola region,"
    ) in text
    assert "the extremes below are among the other 2 regions." in text
    assert "the figure below is that of the one other region." in text  # events: Astana only
    assert "- Hours: most in Astana (10); fewest in Almaty city (1)." in text
    assert areas.discrepancies(ds, areas.compute(ds)) == []


def test_formats_text_says_plainly_when_only_a_chart_exists():
    rows = hours_rows() + [
        {"indicator": "events_share_by_format", "category": f, "value": None,
         "source": "Report 2022, §Formats, chart"}
        for f in ("auto", "online", "offline")
    ]  # fmt: skip
    result = areas.compute(published(dataset(rows)))
    assert result.formats["share_pct"].isna().all()
    text = flat(areas.formats_text(result))
    assert text.startswith(
        "Events are counted in 3 formats: Auto volunteering, Online (remote activity, via the "
        "Internet and/or telephone) and Offline (face-to-face activity, presence at the event)."
    )
    assert "only as a chart without values" in text
    assert areas.formats_display(result.formats).empty
    unpublished = flat(areas.formats_text(areas.compute(dataset(rows))))
    assert unpublished.endswith("Their shares of events are not available.")


def test_formats_text_gives_the_shares_and_names_a_missing_one():
    rows = hours_rows() + [
        {"indicator": "events_share_by_format", "category": "online", "value": 12.5},
        {"indicator": "events_share_by_format", "category": "offline", "value": 87.5},
        {"indicator": "events_share_by_format", "category": "auto", "value": None},
    ]
    text = flat(areas.formats_text(areas.compute(dataset(rows))))
    assert text.endswith(
        "Shares of events by format: Online 12.5% and Offline 87.5%; the share of "
        "Auto volunteering is not available."
    )


def test_rfo_support_ordered_by_level_and_regions_without_a_level_named():
    frame = areas.rfo_support_table(dataset())
    assert frame["level"].dropna().tolist() == ["regular", "one_time", "none"]
    assert frame["region_name"].tolist()[:3] == ["Astana", "Shymkent", "Almaty city"]
    assert len(frame) == 17 and frame["level_label"].tolist()[3:] == ["not available"] * 14
    text = flat(areas.rfo_support_text(areas.compute(dataset())))
    assert (
        "mentioned regularly in 1 region, mentioned only once or twice in 1 and not mentioned "
        "at all in 1."
    ) in text
    assert "The level of this support is not available for 14 of the 17 regions (Akmola" in text


def test_rfo_support_rejects_unknown_levels():
    with pytest.raises(ValueError, match=r"rfo_support.csv: column level.*weekly"):
        areas.rfo_support_table(dataset(support=[{"region": "KZ-71", "level": "weekly"}]))


def test_indicators_carry_status_and_gaps():
    ds = dataset(hours_rows(parts={"umit": 400, "other_social": 600}))
    found = {i.id: i for i in areas.indicators(ds, areas.compute(ds))}
    assert found["hours_total"].value == 1000 and found["hours_total"].status == "reported"
    assert found["hours_umit"].value == 400
    assert found["hours_media"].value is None and found["hours_media"].status == "missing"
    assert found["development_events"].status == "missing"
    assert len(found) == 1 + 11 + 3
    assert {i.qualifier for i in found.values()} == {"exact"}
    assert found["hours_total"].source == "test"  # the row's source, not a report's


def test_indicators_keep_the_published_qualifier_and_a_sum_of_bounds_is_a_bound():
    rows = hours_rows(parts={"umit": 400, "other_social": 600})
    for row in rows:
        if row.get("category") == "umit":
            row["qualifier"] = "at_least"
    rows.append({"indicator": "development_hours", "value": 50, "qualifier": "approx"})
    found = {i.id: i for i in areas.indicators(dataset(rows), areas.compute(dataset(rows)))}
    assert found["hours_umit"].qualifier == "at_least"
    assert found["hours_other_social"].qualifier == "exact"
    assert found["hours_total"].qualifier == "exact"  # published total, as the report words it
    assert found["development_hours"].qualifier == "approx"
    no_total = [r for r in rows if not (r["indicator"] == "hours" and not r.get("category"))]
    total = {
        i.id: i for i in areas.indicators(dataset(no_total), areas.compute(dataset(no_total)))
    }["hours_total"]
    assert (total.value, total.status, total.qualifier) == (1000, "derived", "at_least")


def test_headline_formats_the_computed_numbers():
    ds = dataset(hours_rows(total=12345, parts={"umit": 12000, "media": 345}))
    text = flat(areas.headline(areas.compute(ds)))
    assert "**12,345 hours**" in text
    assert (
        "The largest area was Birgemiz: Úmit (emergencies), with 12,000 hours (97.21%), "
        "followed by Media, with 345 hours (2.79%)."
    ) in text
    changed = dataset(hours_rows(total=12346, parts={"umit": 12001, "media": 345}))
    assert flat(areas.headline(areas.compute(changed))) != text


def test_variables_give_each_areas_share_and_follow_the_data():
    shares = areas.variables(dataset(), areas.compute(dataset()))
    assert shares["areas_share_other_social"] == "60.00%"
    assert shares["areas_share_media"] == "not available"
    assert all(name.startswith("areas_") for name in shares) and len(shares) == 11
    changed = areas.variables(
        dataset(hours_rows(parts={"other_social": 700, "umit": 300})),
        areas.compute(dataset(hours_rows(parts={"other_social": 700, "umit": 300}))),
    )
    assert changed["areas_share_other_social"] == "70.00%"


def test_plot_hours_by_area_draws_one_bar_per_area():
    frame = areas.hours_by_area_table(dataset())
    figure = areas.plot_hours_by_area(frame)
    assert len(figure.axes[0].patches) == 2


def test_leaders_are_computed_when_every_region_has_a_share():
    rows = hours_rows()
    for measure in areas.LEADER_MEASURES:
        rows += [
            {"indicator": measure, "region": code, "category": "umit", "value": float(i)}
            for i, code in enumerate(REPORTING_2022)
        ]
    result = areas.compute(dataset(rows))
    assert list(result.leaders["region"]) == ["KZ-63", "KZ-63"]  # one leader per measure
    assert set(result.leaders["basis"]) == {"all"}
    text = flat(areas.leaders_text(result))
    assert (
        "- **Birgemiz: Úmit (emergencies)**: the largest share of its hours in East Kazakhstan "
        "region (16%); the largest share of a region's events in East Kazakhstan region (16%)."
    ) in text


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
    text = flat(areas.development_text(areas.compute(dataset(rows))))
    assert "- Events: most in Astana (6); fewest in East Kazakhstan region (1)." in text
    assert "the numbers of volunteers and hours are not available" in text


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


def test_a_complete_vintage_has_no_gap_statements_and_no_report_wording():
    ds = dataset(complete_rows(), **complete_tables())
    texts = all_texts(areas.compute(ds))
    for name, text in texts.items():
        assert "not available" not in text, name
        assert "—" not in text, name
        assert not any(word in text.lower() for word in REPORT_WORDS), name
    assert "computed from the figures of all 17 regions" in texts["leaders"]
    assert "Other social volunteering in every region" in texts["representation"]
    assert "in some references" not in texts["support"]
    assert "referred to in 17 regions" in texts["support"]
    assert areas.discrepancies(ds, areas.compute(ds)) == []


def test_a_vintage_without_a_published_report_has_no_discrepancies_even_when_inconsistent():
    rows = complete_rows() + [
        {"indicator": "hours_share", "category": "umit", "value": 99.0},
    ]
    rows[0]["value"] = 99_999  # the areas no longer add up to the total
    own = dataset(rows, **complete_tables())
    assert areas.discrepancies(own, areas.compute(own)) == []
    texts = all_texts(areas.compute(own))
    assert "they do not match" in texts["hours"]
    assert not any(word in texts["hours"].lower() for word in REPORT_WORDS)
    topics = {d.topic for d in areas.discrepancies(published(own), areas.compute(published(own)))}
    assert {"Hours by area vs total", "Share of hours: Birgemiz: Úmit (emergencies)"} <= topics


def test_gaps_in_a_new_vintage_name_exactly_the_regions_missing():
    skip = {
        ("hours", "KZ-79", ""),
        ("hours_share_of_area_national", "KZ-15", "media"),
        ("development_volunteers", "KZ-47", ""),
        ("events_share_by_format", "KZ", "auto"),
    }
    tables = complete_tables()
    tables["support"] = [row for row in tables["support"] if row["region"] != "KZ-23"]
    texts = all_texts(areas.compute(dataset(complete_rows(skip=skip), **tables)))
    assert "not available for 1 of the 17 regions (Shymkent)" in texts["hours"]
    assert (
        "For Media, each region's share of the area's hours in the country is not available "
        "for 1 of the 17 regions (Aktobe region); the leaders below are among the other 16 "
        "regions."
    ) in texts["leaders"]
    assert texts["leaders"].count("not available") == 1
    assert (
        "The regional figure for volunteers is not available for 1 of the 17 regions "
        "(Mangystau region); the extremes below are among the other 16 regions."
    ) in texts["development"]
    assert "the share of Auto volunteering is not available" in texts["formats"]
    assert "not available for 1 of the 17 regions (Atyrau region)" in texts["support"]
    assert all("—" not in text for text in texts.values())


def region_hours_rows(missing=()) -> list[dict]:
    """Hours by area of every reporting region (region i: i + 1 hours in each area), the
    regions in `missing` without any; no shares of the national hours by region."""
    rows = [
        {"indicator": "hours", "region": code, "category": area,
         "value": None if code in missing else float(i + 1)}
        for i, code in enumerate(REPORTING_2022)
        for area in AREAS
    ]  # fmt: skip
    return rows + [
        {"indicator": "hours_share_of_area_national", "region": code, "category": area,
         "value": None}
        for code in REPORTING_2022
        for area in AREAS
    ]  # fmt: skip


def test_leaders_by_hours_come_from_the_regions_hours_when_no_share_is_given():
    complete = areas.compute(dataset(hours_rows() + region_hours_rows()))
    hours = complete.leaders[complete.leaders["measure"] == "hours_share_of_area_national"]
    assert set(hours["region"]) == {"KZ-63"} and set(hours["qualifier"]) == {"exact"}
    assert hours["value"].iloc[0] == pytest.approx(round(17 / 153 * 100, 2))
    text = flat(areas.leaders_text(complete))
    assert "not available for Media" not in text
    assert "the largest share of its hours in East Kazakhstan region (11.11%)" in text
    # Without East Kazakhstan region, the national hours are at least the others' sum.
    partial = areas.compute(dataset(hours_rows() + region_hours_rows(missing={"KZ-63"})))
    hours = partial.leaders[partial.leaders["measure"] == "hours_share_of_area_national"]
    assert set(hours["region"]) == {"KZ-61"} and set(hours["qualifier"]) == {"at_most"}
    text = flat(areas.leaders_text(partial))
    assert (
        "Each region's share of the area's hours in the country is not available for 1 of the "
        "17 regions (East Kazakhstan region); the leaders below are among the other 16 regions."
    ) in text
    assert "the largest share of its hours in Turkistan region (up to 11.76%)" in text


def test_shares_of_events_by_format_come_from_the_regions_when_not_given_nationally():
    rows = hours_rows() + [
        {"indicator": "events_by_format", "region": code, "category": fmt_id,
         "value": None if code == "KZ-23" else value}
        for code in REPORTING_2022
        for fmt_id, value in (("auto", 1), ("online", 1), ("offline", 2))
    ]  # fmt: skip
    result = areas.compute(dataset(rows))
    assert result.formats["share_pct"].tolist() == [25.0, 25.0, 50.0]
    assert set(result.formats["status"]) == {"derived"}
    assert result.formats_missing == ["Atyrau region"]
    text = flat(areas.formats_text(result))
    assert (
        "The breakdown of events by format is not available for 1 of the 17 regions (Atyrau "
        "region); from the other 16 regions, the shares of events by format are Auto "
        "volunteering 25.0%, Online 25.0% and Offline 50.0%."
    ) in text
    complete = [row | {"value": row["value"] or 1} for row in rows]
    result = areas.compute(dataset(complete))
    assert result.formats_missing == []
    assert "not available" not in flat(areas.formats_text(result))


def test_a_regions_share_of_a_national_total_that_is_a_bound_is_a_bound_too():
    rows = complete_rows(skip={("hours", "KZ-79", "")})
    rows[0]["qualifier"] = "at_least"  # the national total: the sum of the other regions
    text = flat(areas.hours_text(areas.compute(dataset(rows, **complete_tables()))))
    assert "recorded the most hours (1,032, up to 6.0% of the national total)" in text
    assert "the fewest (1,000, up to 5.8%)" in text


def test_leaders_are_known_the_same_way_in_every_language():
    """Rows' sources name the published report in English whatever the language written:
    the Russian edition (whose edition.ru.yml cites «Отчет 2022») finds the same bases."""
    from volreport.core import i18n
    from volreport.data import dataset

    english = areas.compute(dataset.load_year(2022))
    with i18n.speaking("ru"):
        russian = areas.compute(dataset.load_year(2022))
        shown = areas.development_display(russian.development)
        support = areas.rfo_support_display(russian.rfo_support)
        bands = areas.band_names()
    assert "named" in set(english.leader_coverage["basis"])
    assert list(russian.leader_coverage["basis"]) == list(english.leader_coverage["basis"])
    assert list(russian.development["basis"]) == list(english.development["basis"])
    assert set(shown["Measure"]) <= {"Мероприятия", "Волонтеры", "Часы"}
    assert set(shown["Position"]) <= {
        "больше всего", "меньше всего", "среди наибольших", "среди наименьших"
    }  # fmt: skip
    assert "упоминается регулярно" in set(support["Support of the RFO in event reports"])
    assert bands["under_5"] == "менее 5\u00a0%"


def test_regions_of_a_level_of_support_follow_the_alphabet_of_the_language():
    """In Kazakh, Қостанай comes after Қарағанды and before Павлодар, not after every
    Russian letter."""
    from volreport.core import i18n
    from volreport.data import dataset as datasets

    with i18n.speaking("kk"):
        frame = areas.rfo_support_table(datasets.load_year(2022))
        for _, group in frame.groupby("level", sort=False, dropna=False):
            names = group["region_name"].tolist()
            assert names == sorted(names, key=i18n.sort_key)
        names = frame["region_name"].tolist()
    assert any(name.startswith(("Қ", "Ә", "Ө", "Ұ", "Ү", "І")) for name in names)


def _column_label_texts(figure):
    axis = figure.axes[0]
    return [text for text in axis.texts if text.get_text()]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_matrixs_column_labels_never_run_into_each_other(language):
    from matplotlib.lines import Line2D

    from volreport.core import i18n
    from volreport.data import dataset as datasets

    with i18n.speaking(language):
        frame = areas.representation_matrix(datasets.load_year(2022))
        figure = areas.plot_representation(frame)
    texts = _column_label_texts(figure)
    leaders = [line for line in figure.axes[0].lines if isinstance(line, Line2D)]
    assert len(texts) == frame["area"].nunique()
    assert not areas.labels_collide(figure, figure.axes[0], [*texts, *leaders])
    upright = {text.get_rotation() for text in texts} == {90.0}
    # English keeps its two tiers of horizontal labels; the longer names turn upright.
    assert upright == (language != "en")
    top = max(t.get_window_extent(figure.canvas.get_renderer()).y1 for t in texts)
    assert top <= figure.bbox.height  # inside the figure


def test_the_matrix_is_no_wider_in_any_language_than_in_english():
    from volreport.core import i18n
    from volreport.data import dataset as datasets

    widths = {}
    for language in ("en", "ru", "kk"):
        with i18n.speaking(language):
            figure = areas.plot_representation(
                areas.representation_matrix(datasets.load_year(2022))
            )
        widths[language] = figure.get_tightbbox(figure.canvas.get_renderer()).width
    assert max(widths["ru"], widths["kk"]) <= widths["en"] + 0.05


def zero_development_rows(hours_value=0, missing="KZ-63"):
    """Development figures every region gave as zero (but `missing`, which gave none), the
    national totals "at least" zero as ingest sums them; the hours `hours_value` where not
    zero."""
    rows = hours_rows()
    for indicator in ("development_events", "development_volunteers", "development_hours"):
        value = hours_value if indicator == "development_hours" else 0
        rows.append({"indicator": indicator, "value": value, "qualifier": "at_least"})
        rows += [
            {
                "indicator": indicator,
                "region": code,
                "value": None if code == missing else (value and 5 + (code == "KZ-71")),
            }
            for code in REPORTING_2022
        ]
    return rows


def test_development_no_region_recorded_any_is_said_plainly_and_names_no_extremes():
    result = areas.compute(dataset(zero_development_rows()))
    assert result.development.empty  # no region leads a measure no region recorded
    text = flat(areas.development_text(result))
    assert text.startswith(
        "No region recorded any activities that develop volunteering itself, such as "
        "training, team building and motivation."
    )
    assert "The regional figure for events, volunteers and hours is not available for 1 of " \
        "the 17 regions (East Kazakhstan region)." in text  # fmt: skip
    headline = flat(areas.headline(result))
    assert "No region recorded any activities to develop volunteering." in headline
    for said in (text, headline):
        assert "most" not in said.replace("most hours", "") and "fewest" not in said
        assert "at least 0" not in said and "(0)" not in said and "extremes" not in said


def test_development_a_measure_no_region_recorded_is_said_and_left_out_of_the_table():
    result = areas.compute(dataset(zero_development_rows(hours_value=80)))
    assert set(result.development["measure"]) == {"hours"}
    text = flat(areas.development_text(result))
    assert "0 activities, 0 volunteers and at least 80 hours" in text
    assert "- Events: no region recorded any events." in text
    assert "- Volunteers: no region recorded any volunteers." in text
    assert "- Hours: most in Astana (6); fewest in " in text
    assert "at least 0" not in text


@pytest.mark.parametrize(
    ("language", "lead", "bullet"),
    [
        ("ru", "Ни один регион не зафиксировал мероприятий по развитию самого волонтерства",
         "- Мероприятия: ни один регион не зафиксировал мероприятий."),
        ("kk", "Бірде-бір өңір волонтерліктің өзін дамытуға арналған іс-шараларды",
         "- Іс-шаралар саны: бірде-бір өңір іс-шараларды тіркемеді."),
    ],
)  # fmt: skip
def test_development_none_recorded_in_every_language(language, lead, bullet):
    from volreport.core import i18n

    with i18n.speaking(language):
        nothing = areas.compute(dataset(zero_development_rows()))
        some = areas.compute(dataset(zero_development_rows(hours_value=80)))
        texts = [flat(areas.development_text(r)) for r in (nothing, some)]
        headline = flat(areas.headline(nothing))
    assert texts[0].startswith(lead) and bullet not in texts[0]
    assert bullet in texts[1]
    assert headline.count(lead.split(" ")[0]) == 1
    assert not any(" 0 " in t for t in (texts[0], headline))


def test_hours_by_region_names_every_region_tied_at_an_extreme_in_the_reference_order():
    values = {"KZ-61": 2_000, "KZ-75": 2_000, "KZ-79": 990, "KZ-71": 990}
    rows = [
        {**row, "value": values[row["region"]]}
        if row["indicator"] == "hours" and row.get("region") in values and not row.get("category")
        else row
        for row in complete_rows()
    ]
    text = flat(areas.hours_text(areas.compute(dataset(rows, **complete_tables()))))
    assert "Almaty city and Turkistan region recorded the most hours (2,000 each," in text
    assert "and Astana and Shymkent the fewest (990 each," in text
