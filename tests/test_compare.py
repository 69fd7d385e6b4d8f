"""Unit tests of volreport.chapters.compare: change on the previous year, and the sources."""

import dataclasses
import json

import pandas as pd
import pytest
from builders import make_dataset

from volreport.chapters import compare
from volreport.data.edition import Edition, PublishedSource
from volreport.data.published import Published

REPORT = Edition(published_source=PublishedSource("Report 2022", "The report", "report.txt"))

CURRENT_20 = [
    "KZ-71", "KZ-75", "KZ-79", "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31",
    "KZ-33", "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63",
]  # fmt: skip
ORGANIZATIONS = (("npo", ""), ("initiative_groups", ""))


def test_change_row_computes_when_both_years_have_a_value():
    row = compare.change_row(
        Published(120.0, "exact", "reported", "a"), Published(100.0, "exact", "reported", "b")
    )
    assert (row["value_prev"], row["value"], row["change"]) == (100.0, 120.0, 20.0)
    assert row["change_pct"] == pytest.approx(20)
    assert (row["status"], row["basis"]) == ("derived", compare.BASIS_COMPUTED)


def test_change_row_falls_back_to_a_published_change_then_to_missing():
    published_change = Published(201.0, "exact", "reported", "Report, text")
    row = compare.change_row(None, None, published_change)
    assert (row["change"], row["change_pct"], row["status"]) == (None, 201.0, "reported")
    assert row["basis"] == compare.BASIS_PUBLISHED
    gap = compare.change_row(Published(5.0, "exact", "reported", "a"), None)
    assert (gap["value"], gap["change_pct"], gap["status"]) == (5.0, None, "missing")


def test_national_changes_prefer_the_previous_vintage_and_keep_the_other_figure_in_a_note():
    ds = make_dataset(
        [{"indicator": "npo", "value": 120}, {"indicator": "npo", "year": 2021, "value": 90},
         {"indicator": "initiative_groups", "value": 50},
         {"indicator": "initiative_groups", "year": 2021, "value": 40}]
    )  # fmt: skip
    previous = make_dataset(
        [{"indicator": "npo", "year": 2021, "value": 100},
         {"indicator": "initiative_groups", "year": 2021, "value": None}],
        year=2021,
    )  # fmt: skip
    frame = compare.national_changes(ds, previous, ORGANIZATIONS).set_index("indicator")
    assert frame.loc["npo", "value_prev"] == 100
    assert frame.loc["npo", "change_pct"] == pytest.approx(20)
    assert frame.loc["npo", "previous_from"] == compare.FROM_VINTAGE
    assert frame.loc["npo", "note"] == "the 2022 data give 90 for 2021"
    # The previous vintage has no value: this vintage's own 2021 row fills in.
    assert frame.loc["initiative_groups", "value_prev"] == 40
    assert frame.loc["initiative_groups", "previous_from"] == compare.FROM_OWN_ROWS


def test_national_changes_from_the_vintages_own_prior_year_rows_only():
    ds = make_dataset([{"indicator": "npo", "value": 120}, {"indicator": "npo", "year": 2021,
                                                              "value": 100}])  # fmt: skip
    changes = compare.changes(ds, None, "organizations")
    npo = changes.national.set_index("indicator").loc["npo"]
    assert npo["change_pct"] == pytest.approx(20) and npo["previous_from"] == compare.FROM_OWN_ROWS
    groups = changes.national.set_index("indicator").loc["initiative_groups"]
    assert groups["basis"] == compare.BASIS_NONE and groups["status"] == "missing"
    assert changes.text.startswith("The data of the 2021 edition are not available.")
    assert "The 2022 data themselves give 2021 figures for volunteer NPOs." in changes.text
    assert "The 2021 figure is not available for initiative groups." in changes.text
    # A vintage transcribed from a published report names it as the source.
    published = compare.changes(dataclasses.replace(ds, edition=REPORT), None, "organizations")
    assert "Report 2022 itself gives 2021 figures for volunteer NPOs." in published.text


def test_without_any_earlier_figure_everything_is_missing_and_said_so():
    ds = make_dataset([{"indicator": "volunteers", "value": 10}])
    # A previous vintage without any figure (with no previous vintage at all, the gap is
    # said in one sentence: test_without_any_earlier_figure_the_gap_is_said_once).
    changes = compare.changes(ds, make_dataset([], year=2021), "portrait")
    assert changes.national["change_pct"].isna().all()
    assert len(changes.regional) == 17 and changes.regional["status"].eq("missing").all()
    assert "No national figure for 2021 is available, so no national change is shown." in (
        changes.text
    )
    assert "For volunteers, no 2021 figure by region is available." in changes.text


def test_regional_changes_use_a_published_change_when_the_counts_are_not_published():
    ds = make_dataset(
        [{"indicator": "volunteers", "region": "KZ-47", "value": None},
         {"indicator": "volunteers_change_pct", "region": "KZ-47", "value": 201}]
    )  # fmt: skip
    frame = compare.regional_changes(ds, None, ("volunteers",)).set_index("region")
    assert frame.loc["KZ-47", "change_pct"] == 201
    assert frame.loc["KZ-47", "basis"] == compare.BASIS_PUBLISHED
    assert frame.loc["KZ-71", "basis"] == compare.BASIS_NONE
    text = compare.changes(dataclasses.replace(ds, edition=REPORT), None, "portrait").text
    assert (
        "Report 2022 gives the change in volunteers since 2021 by region only as a "
        "percentage, for 1 of the 17 regions (Mangystau region): the figures behind it are not "
        "available. For the other 16 regions neither the figures nor the change is available."
    ) in text
    unpublished = compare.changes(ds, None, "portrait").text
    assert "The 2022 data give the change in volunteers since 2021" in unpublished
    assert "Report" not in unpublished and "published" not in unpublished


def test_regional_changes_against_a_previous_vintage_flag_a_different_published_change():
    ds = make_dataset(
        [{"indicator": "volunteers", "region": "KZ-47", "value": 300},
         {"indicator": "volunteers_change_pct", "region": "KZ-47", "value": 10}]
    )  # fmt: skip
    previous = make_dataset(
        [{"indicator": "volunteers", "region": "KZ-47", "year": 2021, "value": 200}], year=2021
    )
    frame = compare.regional_changes(ds, previous, ("volunteers",)).set_index("region")
    assert frame.loc["KZ-47", "change_pct"] == pytest.approx(50)
    assert frame.loc["KZ-47", "note"] == "the 2022 data give a change of 10.0%"
    assert frame.loc["KZ-47", "differs"]
    text = compare.changes(ds, previous, "portrait").text
    assert "For 1 figure the 2022 data give a different 2021 figure or change" in text


def test_regions_split_between_the_vintages_are_not_compared():
    ds = make_dataset(
        [{"indicator": "volunteers", "region": code, "value": 100, "year": 2023}
         for code in CURRENT_20],
        year=2023,
    )  # fmt: skip
    previous = make_dataset(
        [{"indicator": "volunteers", "region": code, "value": 80}
         for code in CURRENT_20 if code not in ("KZ-10", "KZ-33", "KZ-62")]
    )  # fmt: skip
    changes = compare.changes(ds, previous, "portrait")
    frame = changes.regional.set_index("region")
    assert len(frame) == 20
    split = {"KZ-10", "KZ-33", "KZ-62", "KZ-19", "KZ-35", "KZ-63"}
    assert set(frame.index[frame["basis"] == compare.BASIS_BOUNDARIES]) == split
    assert frame.loc["KZ-71", "change_pct"] == pytest.approx(25)
    assert "cannot be compared: their boundaries changed between 2022 and 2023" in changes.text


def test_previous_vintage_is_found_next_to_this_one(tmp_path):
    ds = dataclasses.replace(make_dataset([]), path=tmp_path / "2022")
    assert compare.previous_vintage(ds) is None
    folder = tmp_path / "2021"
    folder.mkdir()
    (folder / "observations.csv").write_text(
        "indicator,year,region,category,value,qualifier,unit,status,source,note\n"
        "npo,2021,KZ,,7,exact,organizations,reported,test,\n"
        "inquiries,2021,KZ,other,3,exact,inquiries,reported,test,\n",
        encoding="utf-8",
    )
    descriptor = {"resources": [{"name": "observations", "path": "observations.csv"}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    previous = compare.previous_vintage(ds)
    assert previous.year == 2021 and previous.value("npo") == 7


def test_displays_name_the_years_and_sort_regions_by_change():
    ds = make_dataset(
        [{"indicator": "npo", "region": "KZ-71", "value": 10},
         {"indicator": "npo", "region": "KZ-75", "value": 30}]
    )  # fmt: skip
    previous = make_dataset(
        [{"indicator": "npo", "region": "KZ-71", "value": 20},
         {"indicator": "npo", "region": "KZ-75", "value": 20}],
        year=2021,
    )  # fmt: skip
    changes = compare.changes(ds, previous, "organizations")
    shown = compare.regional_display(changes.regional, 2022)
    assert list(shown.columns[:4]) == ["Measure", "Region", "2021", "2022"]
    assert list(shown["Change, %"][:2]) == [50.0, -50.0]
    # No national figure in either year: no change to show, so the table has no rows.
    assert compare.national_display(changes.national, 2022).empty
    assert changes.text.startswith("The 2021 figures come from the data of the 2021 edition.")


def test_a_change_table_shows_gaps_as_gaps_and_nothing_without_any_change():
    ds = make_dataset(
        [{"indicator": "npo", "region": "KZ-71", "value": 10},
         {"indicator": "npo", "region": "KZ-75", "value": 30},
         {"indicator": "npo", "value": 40}]
    )  # fmt: skip
    previous = make_dataset(
        [{"indicator": "npo", "region": "KZ-71", "value": 20}, {"indicator": "npo", "value": 30}],
        year=2021,
    )  # fmt: skip
    changes = compare.changes(ds, previous, "organizations")
    shown = compare.regional_display(changes.regional, 2022).set_index(["Measure", "Region"])
    assert shown.loc[("Volunteer NPOs", "Astana"), "Basis"] == compare.BASIS_COMPUTED
    assert pd.isna(shown.loc[("Volunteer NPOs", "Almaty city"), "Basis"])  # a gap, no words
    national = compare.national_display(changes.national, 2022)
    assert list(national["Measure"]) == ["Volunteer NPOs", "Initiative groups"]
    assert pd.isna(national.set_index("Measure").loc["Initiative groups", "Basis"])
    without = compare.changes(ds, None, "organizations")
    assert compare.regional_display(without.regional, 2022).empty
    assert compare.national_display(without.national, 2022).empty


def test_a_complete_comparison_has_no_gap_statements_and_no_report_wording():
    current = [
        {"indicator": "npo", "region": code, "value": 12, "year": 2023} for code in CURRENT_20
    ]
    current += [{"indicator": "initiative_groups", "region": code, "value": 30, "year": 2023}
                for code in CURRENT_20]  # fmt: skip
    current += [{"indicator": "npo", "value": 240, "year": 2023},
                {"indicator": "initiative_groups", "value": 600, "year": 2023}]  # fmt: skip
    before = [{**row, "year": 2022, "value": row["value"] - 2} for row in current]
    ds = make_dataset(current, year=2023)
    previous = make_dataset(before, year=2022)
    changes = compare.changes(ds, previous, "organizations")
    assert changes.text == "The 2022 figures come from the data of the 2022 edition."
    assert changes.regional["basis"].eq(compare.BASIS_COMPUTED).all()


def test_regional_gaps_name_exactly_the_regions_and_which_year_is_missing():
    current = [
        {"indicator": "npo", "region": code, "value": 12, "year": 2023} for code in CURRENT_20
    ]
    current += [{"indicator": "npo", "value": 240, "year": 2023},
                {"indicator": "initiative_groups", "value": None, "year": 2023}]  # fmt: skip
    current[2]["value"] = None  # Shymkent has no count this year
    before = [{"indicator": "npo", "region": code, "value": 10, "year": 2022}
              for code in CURRENT_20 if code not in ("KZ-11", "KZ-15")]  # fmt: skip
    before += [{"indicator": "npo", "value": 200, "year": 2022},
               {"indicator": "initiative_groups", "value": 500, "year": 2022}]  # fmt: skip
    changes = compare.changes(
        make_dataset(current, year=2023), make_dataset(before, year=2022), "organizations"
    )
    text = changes.text
    assert (
        "For volunteer NPOs, the 2022 figures by region are not available for 2 of the 20 "
        "regions (Akmola region and Aktobe region)."
    ) in text
    assert (
        "For volunteer NPOs, the 2023 figures by region are not available for 1 of the 20 "
        "regions (Shymkent), so no change is shown there."
    ) in text
    assert (
        "The 2023 figure is not available for initiative groups, so no national change is "
        "shown for it."
    ) in text
    assert "For initiative groups, no 2022 figure by region is available." in text


def test_signed_change_shows_a_tenth_below_one_percent():
    assert compare.signed_change(-0.45) == "\u22120.5%"
    assert compare.signed_change(19.7) == "+20%"
    assert compare.signed_change(None) == "—"


def test_measures_and_bases_are_worded_in_the_current_language():
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking("ru"):
        ds = dataset.load_year(2022)
        changes = compare.changes(ds, compare.previous_vintage(ds), "organizations")
        shown = compare.national_display(changes.national, 2022)
    # Headers stay English in the frame (display.show_table shows them translated).
    assert list(shown.columns) == ["Measure", "2021", "2022", "Change", "Change, %", "Basis"]
    assert list(shown["Measure"]) == ["Волонтерские НКО", "Инициативные группы"]
    assert set(shown["Basis"]) == {"вычислено по данным обоих лет"}
    assert set(changes.national["basis"]) == {compare.BASIS_COMPUTED}  # ids stay English


def partial_vintages(current_regions, previous_regions=None):
    """A 2022 vintage whose national volunteers are the sum of `current_regions` (a lower
    bound when some of the 17 regions lack a figure) and a 2021 vintage with every region."""
    regions = compare.reporting_regions(make_dataset([]))["region"].tolist()
    now = {code: 100 + i for i, code in enumerate(regions) if code in current_regions}
    rows = [{"indicator": "volunteers", "region": code, "value": v} for code, v in now.items()]
    rows += [{"indicator": "volunteers", "region": code, "value": None}
             for code in regions if code not in now]  # fmt: skip
    qualifier = "exact" if len(now) == len(regions) else "at_least"
    rows.append({"indicator": "volunteers", "value": sum(now.values()), "qualifier": qualifier})
    before_regions = regions if previous_regions is None else previous_regions
    then = {code: 100 for code in before_regions}
    earlier = [{"indicator": "volunteers", "region": code, "year": 2021, "value": v}
               for code, v in then.items()]  # fmt: skip
    earlier.append({"indicator": "volunteers", "year": 2021, "value": 100 * len(regions)})
    return make_dataset(rows), make_dataset(earlier, year=2021), regions, now


def test_partial_total_change_is_over_the_same_regions_and_says_so():
    regions = compare.reporting_regions(make_dataset([]))["region"].tolist()
    ds, previous, regions, now = partial_vintages(set(regions[:-2]))
    changes = compare.changes(ds, previous, "portrait")
    row = changes.national.iloc[0]
    # The totals stay as they are: 15 regions this year, all 17 last year.
    assert row["value"] == sum(now.values()) and row["value_prev"] == 1700
    # The change is over the 15 regions with both figures, not total against total.
    assert row["basis"] == compare.BASIS_SAME_REGIONS
    assert row["change_pct"] == pytest.approx((sum(now.values()) / 1500 - 1) * 100)
    assert (row["regions_compared"], row["regions_total"]) == (15, 17)
    assert (
        "The national totals of volunteers do not cover the same regions: the 2022 figures "
        "cover 15 of the 17 regions, the 2021 figures all 17 regions. The change is therefore "
        "computed for the 15 regions that reported in both years (1,500 in 2021, "
    ) in changes.text
    shown = compare.national_display(changes.national, 2022)
    assert shown["Basis"].tolist() == ["computed for the 15 of 17 regions reported in both years"]
    assert shown["Change, %"].iloc[0] == pytest.approx(row["change_pct"], abs=0.05)


def test_full_totals_on_both_sides_keep_the_change_of_the_totals():
    regions = compare.reporting_regions(make_dataset([]))["region"].tolist()
    ds, previous, _, now = partial_vintages(set(regions))
    row = compare.changes(ds, previous, "portrait").national.iloc[0]
    assert row["basis"] == compare.BASIS_COMPUTED
    assert row["change_pct"] == pytest.approx((sum(now.values()) / 1700 - 1) * 100)
    assert pd.isna(row["regions_compared"])
    # An exact national total (a published one) covers the country even when regions lack
    # figures: its change stands as computed.
    exact = make_dataset(
        [{"indicator": "volunteers", "value": 2000},
         {"indicator": "volunteers", "region": "KZ-71", "value": None},
         {"indicator": "volunteers", "year": 2021, "value": 1600}]
    )  # fmt: skip
    row = compare.changes(exact, None, "portrait").national.iloc[0]
    assert row["basis"] == compare.BASIS_COMPUTED and row["change_pct"] == pytest.approx(25)


def test_partial_totals_without_figures_by_region_last_year_are_not_comparable():
    regions = compare.reporting_regions(make_dataset([]))["region"].tolist()
    ds, _, _, _ = partial_vintages(set(regions[:-1]))
    # Last year's national figure only, no figures by region: nothing to compare.
    previous = make_dataset([{"indicator": "volunteers", "year": 2021, "value": 1700}], year=2021)
    changes = compare.changes(ds, previous, "portrait")
    row = changes.national.iloc[0]
    assert row["basis"] == compare.BASIS_NOT_COMPARABLE
    assert pd.isna(row["change"]) and pd.isna(row["change_pct"])
    assert row["value_prev"] == 1700 and row["value"] > 0
    assert (
        "The national totals of volunteers do not cover the same regions in 2021 and 2022, "
        "and no figures by region allow comparing the same regions: the change is not "
        "comparable."
    ) in changes.text
    shown = compare.national_display(changes.national, 2022)
    assert len(shown) == 1
    assert shown["Basis"].tolist() == ["not comparable: the totals cover different regions"]


def test_without_any_earlier_figure_the_gap_is_said_once():
    ds = make_dataset([{"indicator": "volunteers", "value": 10}])
    text = compare.changes(ds, None, "portrait").text
    assert text == (
        "The data of the 2021 edition are not available, and the 2022 data give no 2021 "
        "figure for any measure of this section: no change on 2021 is shown."
    )


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_same_regions_sentences_render_in_every_language(language):
    from volreport.core import i18n

    regions = compare.reporting_regions(make_dataset([]))["region"].tolist()
    ds, previous, _, _ = partial_vintages(set(regions[:-2]))
    with i18n.speaking(language):
        changes = compare.changes(ds, previous, "portrait")
        shown = compare.national_display(changes.national, 2022)
    assert "15" in changes.text and "17" in changes.text
    assert "15" in shown.iloc[0, -1]
    with i18n.speaking(language):
        alone = compare.changes(make_dataset([{"indicator": "volunteers", "value": 10}]), None,
                                "portrait").text  # fmt: skip
    assert alone.count("2021") == 3 and "\n" not in alone


def test_a_key_figure_card_states_no_change_of_totals_covering_different_regions():
    from volreport.data.indicators import Indicator
    from volreport.publish import landing

    regions = compare.reporting_regions(make_dataset([]))["region"].tolist()
    ds, previous, _, now = partial_vintages(set(regions[:-2]))
    spec = landing.KeyFigure("volunteers_total", "sec-portrait", "volunteers")
    value = float(sum(now.values()))
    indicator = Indicator("volunteers_total", "Volunteers", value, "persons", "derived", "s",
                          "at_least")  # fmt: skip
    card = landing.card(ds, spec, indicator, previous)
    assert card["change_pct"] is None and card["previous"]["value"] == 1700
    assert card["same_regions"]["change_pct"] == pytest.approx((value / 1500 - 1) * 100)
    assert (card["same_regions"]["compared"], card["same_regions"]["total"]) == (15, 17)
    # Totals that cover the same regions keep their change.
    full, previous, _, now = partial_vintages(set(regions))
    whole = dataclasses.replace(indicator, value=float(sum(now.values())), qualifier="exact")
    card = landing.card(full, spec, whole, previous)
    assert card["change_pct"] == pytest.approx((sum(now.values()) / 1700 - 1) * 100)
    assert card["same_regions"] is None
