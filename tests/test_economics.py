"""Unit tests of chapter 5 (economic contribution) on tiny hand-built datasets."""

from __future__ import annotations

import dataclasses
import json
import re

import matplotlib
import pandas as pd
import pytest
from builders import make_dataset

from volreport.chapters import economics
from volreport.core import fmt, paths
from volreport.data.edition import Edition, PublishedSource
from volreport.publish import commentary

matplotlib.use("Agg")

PARAMS = {
    "monthly_hours_norm": {"value": 160.0, "source": "test calendar"},
    "annual_hours_norm": {"value": 1920.0, "source": "test calendar"},
}


def observations(recorded=10_000, value=2_000_000, fte=6, added=2500):
    return [
        {"indicator": "hours", "value": recorded, "unit": "hours"},
        {"indicator": "grant_hours_total", "value": 500, "qualifier": "at_least"},
        {"indicator": "grant_volunteers_total", "value": 50},
        {"indicator": "unrecorded_hours_added", "value": added},
        {"indicator": "unrecorded_hours_added_pct", "value": 25},
        {"indicator": "economic_value_kzt", "value": value, "qualifier": "at_least"},
        {"indicator": "economic_value_kzt_sector_low", "value": 15_000_000},
        {"indicator": "economic_value_kzt_sector_high", "value": 20_000_000},
        {"indicator": "fte_equivalent", "value": fte},
    ]


def initiatives(with_grants=False):
    rows = [
        {"id": "loops", "name": "Knitting", "organization": "PF", "volunteers": 10,
         "volunteers_qualifier": "exact", "hours": 800, "hours_qualifier": "at_least",
         "hours_already_in_rfo": None, "status": "reported", "source": "test", "note": None},
        {"id": "hq", "name": "Headquarters", "organization": None, "volunteers": 5,
         "volunteers_qualifier": "at_least", "hours": 1200, "hours_qualifier": "at_least",
         "hours_already_in_rfo": 300, "status": "reported", "source": "Report T, §x",
         "note": None},
    ]  # fmt: skip
    if with_grants:
        rows.append({**rows[0], "id": "grant_projects", "name": "Grant projects", "hours": 500})
    return rows


def wages():
    return [
        {"region": "KZ", "boundaries": "current", "wage_kzt": 320_000, "status": "reported",
         "source": "BNS"},
        {"region": "KZ-71", "boundaries": "current", "wage_kzt": 400_000, "status": "reported",
         "source": "BNS"},
        {"region": "KZ-59", "boundaries": "current", "wage_kzt": 200_000, "status": "reported",
         "source": "BNS"},
        {"region": "KZ-19", "boundaries": "reporting_2022", "wage_kzt": 100_000,
         "status": "derived", "source": "weighted"},
    ]  # fmt: skip


def occupations():
    return [
        {"occupation": "Managers", "wage_kzt": 500_000, "status": "reported", "source": "BNS"},
        {"occupation": "Elementary", "wage_kzt": 120_000, "status": "reported", "source": "BNS"},
    ]


def dataset(with_grants=False, params=PARAMS, **obs):
    """A vintage of its own (no published source): the pipeline is the report."""
    return make_dataset(
        observations(**obs),
        {
            "unrecorded_initiatives": initiatives(with_grants),
            "wages": wages(),
            "wages_by_occupation": occupations(),
        },
        params=params,
    )


SOURCE = PublishedSource(cite_as="Report T", title="A published report", path="report.txt")


def as_published(ds):
    """`ds` transcribed from a published report (edition.yml declares it)."""
    return dataclasses.replace(ds, edition=Edition(published_source=SOURCE))


def published_dataset(**obs):
    return as_published(dataset(**obs))


def all_text(result):
    return "\n".join(
        render(result)
        for render in (
            economics.headline,
            economics.unrecorded_text,
            economics.value_text,
            economics.sensitivity_text,
            economics.fte_text,
        )
    )


def regional_hours(values):
    """Regional total hours rows: {code: hours or None}."""
    return [{"indicator": "hours", "region": code, "value": v} for code, v in values.items()]


def with_regions(rows, ds_wages=None, unrecorded=None):
    tables = {
        "wages": ds_wages or wages(),
        "wages_by_occupation": occupations(),
        "unrecorded_initiatives": initiatives() if unrecorded is None else unrecorded,
    }
    return make_dataset(observations() + rows, tables, params=PARAMS)


def test_replacement_value_and_full_time_equivalents():
    assert economics.replacement_value(320, 32_000, 160) == 64_000
    assert economics.full_time_equivalents(3840, 1920) == 2


def test_implied_parameters_invert_the_method():
    value = economics.replacement_value(1000, 300_000, 150)
    assert economics.implied_monthly_norm(1000, 300_000, value) == pytest.approx(150)
    assert economics.implied_monthly_wage(1000, 150, value) == pytest.approx(300_000)
    assert economics.implied_hours_per_person_year(3600, 2) == 1800


def test_rounds_to_compares_at_the_published_precision():
    assert economics.rounds_to(2_555_290_413, 2.6e9, economics.BILLION, 1)
    assert not economics.rounds_to(2_549_000_000, 2.6e9, economics.BILLION, 1)
    assert not economics.rounds_to(2_555_290_413, None, economics.BILLION, 1)


def test_default_wage_follows_params():
    params = {
        **PARAMS,
        "default_wage": {"table": "wages", "region": "KZ-71", "boundaries": "current"},
    }
    wage = economics.default_wage(dataset(params=params))
    assert wage["wage_kzt"] == 400_000 and wage["label"] == "Astana average monthly wage"
    absent = {**PARAMS, "default_wage": {"region": "KZ-99", "boundaries": "current"}}
    with pytest.raises(KeyError, match="wages.csv: no wage_kzt for region KZ-99"):
        economics.default_wage(dataset(params=absent))


def test_published_decimals_are_those_of_the_round_figure():
    assert economics.published_decimals(2.6e9) == 1
    assert economics.published_decimals(3e9) == 0
    assert economics.published_decimals(2.25e9) == 2


def test_parameters_read_from_params_and_the_national_wage():
    params = economics.method_parameters(dataset())
    assert params.monthly_norm_hours == 160 and params.annual_norm_hours == 1920
    assert params.wage_kzt == 320_000 and params.norm_source == "test calendar"


def test_missing_parameter_names_the_file_and_entry():
    with pytest.raises(KeyError, match="params.yml.*annual_hours_norm"):
        economics.method_parameters(dataset(params={"monthly_hours_norm": 160}))


def test_grant_projects_join_the_unrecorded_initiatives_once():
    added = economics.unrecorded_table(dataset())
    assert added["id"].tolist() == ["loops", "hq", "grant_projects"]
    assert added["hours"].sum() == 2500
    listed = economics.unrecorded_table(dataset(with_grants=True))
    assert listed["id"].tolist() == ["loops", "hq", "grant_projects"]
    assert listed["hours"].sum() == 2500


def test_unrecorded_display_puts_each_qualifier_in_its_number_and_the_data_keeps_them_apart():
    frame = economics.unrecorded_table(dataset())
    frame.loc[frame["id"] == "loops", "volunteers"] = pd.NA
    shown = economics.unrecorded_display(frame)
    assert shown.columns.tolist() == [
        "Initiative", "Volunteers", "Hours", "Of which already in the RFO figures, hours"
    ]  # fmt: skip
    assert shown["Volunteers"].tolist() == ["—", "at least 5", "50"]
    assert shown["Hours"].tolist() == ["at least 800", "at least 1,200", "at least 500"]
    # Where the source does not say, the table shows a gap, never a 0.
    already = shown["Of which already in the RFO figures, hours"]
    assert already.isna().tolist() == [True, False, True] and already.iloc[1] == 300
    data = economics.unrecorded_data(frame)
    assert data.columns.tolist() == [
        "Initiative", "Volunteers", "Volunteers as published", "Hours", "Hours as published",
        "Of which already in the RFO figures, hours",
    ]  # fmt: skip
    assert data["Hours"].tolist() == [800, 1200, 500]
    assert data["Hours as published"].tolist() == ["at least"] * 3
    assert data["Volunteers as published"].tolist() == ["", "at least", ""]


def test_hours_basis_with_and_without_the_double_count():
    basis = economics.hours_basis(dataset())
    assert (basis.recorded, basis.added, basis.double_counted) == (10_000, 2500, 300)
    assert basis.adjusted == 12_500 and basis.adjusted_net == 12_200
    assert basis.added_pct == 25 and basis.added_net_pct == 22


def test_compute_values_the_adjusted_hours():
    result = economics.compute(published_dataset())
    assert result.economic_value_kzt == pytest.approx(12_500 * 320_000 / 160)
    assert result.economic_value_net_kzt == pytest.approx(12_200 * 320_000 / 160)
    assert result.fte_equivalent == pytest.approx(12_500 / 1920)
    assert result.implied_hours_per_fte == pytest.approx(12_500 / 6)
    assert result.implied_wage == pytest.approx(2_000_000 * 160 / 12_500)


def test_wage_bases_use_official_regional_wages_and_occupation_extremes():
    ds = dataset()
    bases = economics.wage_bases(ds, economics.method_parameters(ds))
    assert bases["basis"].tolist() == [
        "National average",
        "Lowest regional (North Kazakhstan region)",
        "Highest regional (Astana)",
        "Regional, weighted by each region's hours",
        "Lowest occupation group (Elementary)",
        "Highest occupation group (Managers)",
    ]
    assert pd.isna(bases.loc[3, "wage_kzt"])  # the derived pre-split wage is not an extreme
    assert bases.loc[3, "note"] == "not computed: no region has both recorded hours and a wage"


def test_hours_weighted_wage_weights_the_regions_with_hours():
    complete = with_regions(regional_hours({"KZ-71": 100, "KZ-59": 300}))
    assert economics.hours_weighted_wage(complete) == (100 * 400_000 + 300 * 200_000) / 400
    text = economics.sensitivity_text(economics.compute(complete))
    value = fmt.billions(12_500 * ((100 * 400_000 + 300 * 200_000) / 400) / 160)
    assert f"Weighted by each region's recorded hours, the regional wages give {value}." in text
    assert "not available" not in text
    # A region without hours is left out, and named; the others still weigh the wages.
    gap = with_regions(regional_hours({"KZ-71": 100, "KZ-59": None}))
    assert economics.hours_weighted_wage(gap) == 400_000
    # The national total is exact: the hours section has no gap to name.
    assert "not available" not in economics.unrecorded_text(economics.compute(gap))
    text = economics.sensitivity_text(economics.compute(gap))
    assert (
        "; recorded hours are not available for 1 of the 2 regions (North Kazakhstan region), "
        "so the weighting leaves it out." in text
    )
    assert "Astana" not in text
    assert economics.hours_weighted_wage(dataset()) is None


def test_a_region_without_a_wage_is_named():
    no_wage = [row for row in wages() if row["region"] != "KZ-59"]
    ds = with_regions(regional_hours({"KZ-71": 100, "KZ-59": 300}), ds_wages=no_wage)
    text = economics.sensitivity_text(economics.compute(ds))
    assert (
        "; the average wage is not available for North Kazakhstan region, so the weighting "
        "leaves it out." in text
    )
    assert economics.hours_weighted_wage(ds) == 400_000


def test_without_double_count_the_prose_does_not_mention_it():
    def none_twice():
        return [{**row, "hours_already_in_rfo": None} for row in initiatives()]

    ds = make_dataset(
        observations(),
        {"unrecorded_initiatives": none_twice(), "wages": wages(),
         "wages_by_occupation": occupations()},
        params=PARAMS,
    )  # fmt: skip
    for vintage in (ds, as_published(ds)):
        text = all_text(economics.compute(vintage))
        assert "twice" not in text and "already in the regional" not in text
    topics = [
        d.topic
        for d in economics.discrepancies(as_published(ds), economics.compute(as_published(ds)))
    ]
    assert "Unrecorded hours counted twice" not in topics


def test_sensitivity_table_values_each_wage_on_both_hours_bases():
    bases = pd.DataFrame({"basis": ["a", "b"], "wage_kzt": [160.0, None], "note": ["", ""]})
    bases["wage_kzt"] = bases["wage_kzt"].astype("Float64")
    basis = economics.HoursBasis(recorded=100, added=20, double_counted=10)
    frame = economics.sensitivity_table(bases, basis, monthly_norm=160)
    assert frame.loc[0, "value_as_counted_kzt"] == 120 and frame.loc[0, "value_net_kzt"] == 110
    assert pd.isna(frame.loc[1, "value_as_counted_kzt"])
    assert len(economics.sensitivity_display(frame).columns) == 4
    assert len(economics.sensitivity_display(frame, with_net=False).columns) == 3


def test_texts_against_a_published_source_state_double_count_and_implied_parameters():
    result = economics.compute(published_dataset())
    unrecorded = economics.unrecorded_text(result)
    assert "Adding the hours of 3 such initiatives" in unrecorded
    assert "2,500 hours more, or 25.0% of the recorded hours" in unrecorded
    assert "(the original report gives the same 2,500 hours, rounded to 25%)" in unrecorded
    assert (
        "But 300 of the added hours are already in the regional front offices' figures "
        "(Headquarters), as the original report itself notes, so the total counts them twice."
    ) in unrecorded
    assert "the addition is 2,200 hours (22.0%) and the total 12,200 hours." in unrecorded
    fte = economics.fte_text(result)
    assert (
        "The original report's 6 people imply 2,083 hours per full-time year instead of 1,920."
        in fte
    )
    value = economics.value_text(result)
    assert "the original report gives at least 0.002 billion KZT." in value
    assert "monthly wage of 25,600 KZT" in value and "would have to be 2,000.0 hours long" in value
    assert "The original report's second estimate, 0.015 to 0.020 billion KZT at wages" in value
    assert "cannot be recomputed: the data hold no official wages" in value
    headline = economics.headline(result)
    assert "Without the 300 hours the original report counts twice" in headline


def test_the_double_count_is_the_sources_only_when_its_addition_includes_it():
    # A published addition without the 300 hours: the source did not count them twice.
    result = economics.compute(published_dataset(added=2200))
    assert "the original report counts twice" not in economics.headline(result)
    assert "Without the 300 hours counted twice" in economics.headline(result)
    assert "the original report says 2,200 hours, 25%" in economics.unrecorded_text(result)


def test_a_chart_without_values_is_named_as_the_reason_the_weighting_is_impossible():
    charted = [{"indicator": "hours", "region": "KZ-71", "value": None, "source": "Report, chart"}]
    result = economics.compute(as_published(with_regions(charted)))
    assert (
        "not possible: hours by region are shown only as a chart without values in the "
        "original report." in economics.sensitivity_text(result)
    )
    text = economics.sensitivity_text(economics.compute(dataset()))
    assert "is not possible: the data hold no hours by region." in text


def test_missing_regional_hours_are_named_exactly_and_bound_the_total():
    rows = regional_hours({"KZ-71": 100, "KZ-59": None, "KZ-75": None})
    rows.append({"indicator": "hours", "value": 10_000, "qualifier": "at_least"})
    ds = with_regions(rows)
    ds = dataclasses.replace(
        ds,
        observations=ds.observations.drop(
            ds.observations.index[
                (ds.observations["indicator"] == "hours")
                & (ds.observations["region"] == "KZ")
                & (ds.observations["qualifier"] == "exact")
            ]
        ),
    )
    text = economics.unrecorded_text(economics.compute(ds))
    assert text.startswith(
        "Recorded hours are not available for 2 of the 3 regions (Almaty city and North "
        "Kazakhstan region), so the recorded total of 10,000 hours is a lower bound"
    )
    assert "Astana" not in text.split(".")[0]


def test_initiatives_without_hours_are_named():
    rows = initiatives()
    rows[0] = {**rows[0], "hours": None, "hours_qualifier": None}
    ds = make_dataset(
        observations(),
        {"unrecorded_initiatives": rows, "wages": wages(), "wages_by_occupation": occupations()},
        params=PARAMS,
    )
    text = economics.unrecorded_text(economics.compute(ds))
    assert (
        "Hours are not available for one initiative in the table, Knitting, so the total "
        "leaves it out." in text
    )
    assert "Adding the hours of 2 such initiatives" in text


def test_without_a_grant_total_the_listed_projects_give_a_lower_bound():
    rows = [
        {**row, "value": None} if row["indicator"].startswith("grant_") else row
        for row in observations()
    ]
    projects = [
        {"id": id_, "area": "umit", "project": id_, "operator": "O", "hours": hours,
         "hours_qualifier": "exact", "volunteers": 7, "events": 1, "cooperation": None,
         "status": "reported", "source": "test", "note": None}
        for id_, hours in (("p", 150), ("q", 250))
    ]  # fmt: skip
    tables = {"unrecorded_initiatives": initiatives(), "wages": wages(),
              "wages_by_occupation": occupations()}  # fmt: skip
    ds = make_dataset(rows, {**tables, "grant_projects": projects}, params=PARAMS)
    grant = economics.unrecorded_table(ds).set_index("id").loc[economics.GRANT_INITIATIVE]
    assert (grant["hours"], grant["hours_qualifier"]) == (400, "at_least")
    assert (grant["volunteers"], grant["status"]) == (14, "derived")
    assert "not available" not in economics.unrecorded_text(economics.compute(ds))
    # Without the projects either, the grant hours are a gap the text names.
    ds = make_dataset(rows, tables, params=PARAMS)
    assert "for one initiative in the table, Grant volunteer projects" in (
        economics.unrecorded_text(economics.compute(ds))
    )


def test_a_complete_vintage_of_its_own_has_no_gap_and_no_report_wording():
    ds = with_regions(regional_hours({"KZ-71": 4_000, "KZ-59": 6_000}))
    result = economics.compute(ds)
    text = all_text(result)
    assert "not available" not in text and "not possible" not in text
    assert not re.search(r"\b(report|published|publishes)\b", text, re.IGNORECASE)
    assert "the total counts them twice" in text  # the data's own double count, stated
    assert economics.discrepancies(ds, economics.compute(ds)) == []
    assert result.implied_wage is None and result.implied_hours_per_fte is None
    assert "second estimate of 0.01 to 0.02 billion KZT." in economics.value_text(result)


def test_every_number_of_the_statements_follows_the_data():
    base = all_text(economics.compute(published_dataset()))
    for changed in (
        published_dataset(recorded=11_000),
        published_dataset(value=3_000_000),
        published_dataset(fte=8),
    ):
        assert all_text(economics.compute(changed)) != base
    more_wage = as_published(
        make_dataset(
            observations(),
            {
                "unrecorded_initiatives": initiatives(),
                "wages": [{**w, "wage_kzt": w["wage_kzt"] + 1} for w in wages()],
                "wages_by_occupation": occupations(),
            },
            params=PARAMS,
        )
    )
    assert "(320,001 KZT)" in economics.headline(economics.compute(more_wage))


def test_headline_has_value_and_full_time_equivalents():
    text = economics.headline(economics.compute(dataset()))
    assert text.startswith(
        "With 2,500 hours of initiatives outside the regional front offices' figures, "
        "volunteers worked **12,500 hours** in 2022."
    )
    assert "national average monthly wage (320,000 KZT)" in text
    assert "**0.03 billion KZT**" in text and "the work of 7 people" in text
    assert "Without the 300 hours counted twice, the value is 0.02 billion KZT" in text


def test_discrepancies_cover_double_count_value_and_fte():
    found = economics.discrepancies(published_dataset(), economics.compute(published_dataset()))
    assert [d.topic for d in found] == [
        "Unrecorded hours counted twice",
        "Economic value",
        "Full-time equivalents",
    ]
    twice, value, fte = found
    assert (twice.published, twice.recomputed) == (
        "+2,500 hours (25%)",
        "+2,200 hours (22.0%) without the hours counted twice",
    )
    assert twice.explanation == (
        "300 hours of the addition are already in the regional front offices' figures "
        "(Headquarters), as the original report itself notes."
    )
    assert value.published == "at least 0.002 billion KZT"
    assert value.recomputed == (
        "0.03 billion KZT with the national average monthly wage and 160.0 hours a month"
    )
    assert fte.explanation == (
        "The published figure implies 2,083 hours per person-year instead of the 1,920 of "
        "the annual working-time norm."
    )


def test_without_a_published_source_there_are_no_discrepancies():
    assert economics.discrepancies(dataset(), economics.compute(dataset())) == []


def test_variables_are_display_text_of_the_chapter():
    values = economics.variables(published_dataset(), economics.compute(published_dataset()))
    assert all(name.startswith("economics_") for name in values)
    assert values["economics_double_counted_hours"] == "300"
    assert values["economics_added_net_pct"] == "22.0%"
    assert values["economics_implied_hours_per_fte"] == "2,083"
    assert values["economics_undercount"] == "not available"
    own = economics.variables(dataset(), economics.compute(dataset()))
    assert own["economics_published_fte"] == "not available"
    assert own["economics_implied_wage"] == "not available"


def test_indicators_are_derived_by_the_method():
    found = {i.id: i for i in economics.indicators(dataset(), economics.compute(dataset()))}
    assert set(found) == {
        "unrecorded_hours_total", "hours_adjusted_total", "economic_value_kzt", "fte_equivalent"
    }  # fmt: skip
    assert found["hours_adjusted_total"].value == 12_500
    assert {i.status for i in found.values()} == {"derived"}
    # Exact recorded hours plus "at least" initiatives: every figure is a lower bound.
    assert {i.qualifier for i in found.values()} == {"at_least"}


def test_indicators_are_only_approximate_when_an_added_part_is_about():
    ds = dataset()
    table = ds.tables["unrecorded_initiatives"]
    table.loc[table["id"] == "loops", "hours_qualifier"] = "approx"
    found = {i.id: i for i in economics.indicators(ds, economics.compute(ds))}
    assert found["unrecorded_hours_total"].qualifier == "approx"
    assert found["economic_value_kzt"].qualifier == "approx"


def test_plots_return_figures():
    result = economics.compute(dataset())
    assert len(economics.plot_hours(economics.hours_frame(result.hours)).axes[0].patches) == 3
    figure = economics.plot_sensitivity(result.sensitivity, result.published_value.value)
    assert len(figure.axes[0].patches) >= 2 * 5  # five wages with values, two hours bases
    single = economics.plot_sensitivity(result.sensitivity, None, with_net=False)
    assert 5 <= len(single.axes[0].patches) < 2 * 5
    nothing_twice = economics.HoursBasis(recorded=100, added=20, double_counted=0)
    assert len(economics.plot_hours(economics.hours_frame(nothing_twice)).axes[0].patches) == 2


def test_the_bar_of_hours_draws_the_rows_of_its_data():
    # The CSV saved beside the figure holds exactly the drawn segments: net of the double
    # count, which has a segment of its own.
    basis = economics.HoursBasis(recorded=1000, added=300, double_counted=60)
    frame = economics.hours_frame(basis)
    assert frame.to_dict("list") == {
        "segment": ["recorded", "added_unrecorded", "added_already_recorded"],
        "hours": [1000.0, 240.0, 60.0],
    }
    bars = economics.plot_hours(frame).axes[0].patches
    assert [bar.get_width() for bar in bars] == frame["hours"].tolist()
    assert sum(frame["hours"]) == basis.adjusted
    nothing_twice = economics.hours_frame(economics.HoursBasis(100, 20, 0))
    assert nothing_twice["segment"].tolist() == ["recorded", "added_unrecorded"]


def test_a_value_and_fte_equal_to_the_computed_ones_are_no_discrepancy():
    # 12,500 hours x 320,000 KZT / 160 hours = 25,000,000 KZT; 12,500 / 1,920 = 6.5 -> 7 people.
    ds = published_dataset(value=25_000_000, fte=7)
    result = economics.compute(ds)
    assert "25,000,000" not in economics.value_text(result)
    assert "0.03 billion KZT, the figure of the original report." in economics.value_text(result)
    assert "monthly wage of" not in economics.value_text(result)
    assert economics.fte_text(result).endswith("The original report gives the same number, 7.")
    topics = [d.topic for d in economics.discrepancies(ds, economics.compute(ds))]
    assert "Economic value" not in topics and "Full-time equivalents" not in topics


def test_a_published_value_met_only_to_its_rounding_says_so():
    # 25,000,000 KZT computed; a published "at least 30 million" = 0.03 billion at 2 decimals.
    result = economics.compute(published_dataset(value=30_000_000))
    text = economics.value_text(result)
    assert "Rounded to a hundredth of a billion, as the original report rounds" in text
    assert 'so its "at least" is not borne out' in text


def test_commentary_files_follow_the_chapter_sections():
    notebook = json.loads((paths.NOTEBOOKS_DIR / "05_economic.ipynb").read_text("utf-8"))
    sections = set(commentary.section_starts(notebook["cells"])) - {"sec-economic"}
    template = paths.REPORT_DIR / "template" / "commentary" / "05_economic.md"
    headings = re.findall(r"^## .*\{#([\w-]+)\}", template.read_text("utf-8"), re.MULTILINE)
    assert set(headings) == sections
    assert commentary.read_parts(template) == []  # an untouched template adds nothing
    edition = commentary.read_parts(paths.REPORT_DIR / "2022" / "commentary" / "05_economic.md")
    assert {part.section for part in edition} == sections | {None}
    placed = commentary.place(notebook, edition, template)
    assert len(placed["cells"]) == len(notebook["cells"]) + len(edition)


def test_russian_edition_words_bases_and_keeps_the_plot_wide():
    from volreport.chapters import display
    from volreport.core import i18n
    from volreport.data import dataset

    english = economics.compute(dataset.load_year(2022))
    with i18n.speaking("ru"), matplotlib.rc_context(display.chart_style()):
        result = economics.compute(dataset.load_year(2022))
        figure = economics.plot_hours(economics.hours_frame(result.hours))
        shown = economics.sensitivity_display(result.sensitivity)
        values = economics.variables(
            dataset.load_year(2022), economics.compute(dataset.load_year(2022))
        )
    # The rows' sources cite the report in English: the double count is noted either way.
    noted = [item["noted"] for item in economics.counted_twice(english)]
    assert noted == [True]
    assert [item["noted"] for item in economics.counted_twice(result)] == noted
    assert shown["Wage basis"].iloc[0] == "Средняя по стране"
    assert values["economics_wage"] == "309\u00a0697 тенге"
    legend = figure.axes[0].get_legend()
    renderer = figure.canvas.get_renderer()
    assert legend.get_window_extent(renderer).width <= figure.bbox.width
    assert any("\n" in text.get_text() for text in legend.get_texts())  # wrapped to fit
    matplotlib.pyplot.close(figure)


def test_english_legend_is_not_wrapped():
    from volreport.chapters import display
    from volreport.data.dataset import load_year

    with matplotlib.rc_context(display.chart_style()):
        figure = economics.plot_hours(economics.hours_frame(economics.hours_basis(load_year(2022))))
    assert not any("\n" in t.get_text() for t in figure.axes[0].get_legend().get_texts())
    matplotlib.pyplot.close(figure)


def test_the_published_value_is_a_line_named_in_the_legend_not_text_over_the_bars():
    from volreport.chapters import display
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking("ru"), matplotlib.rc_context(display.chart_style()):
        result = economics.compute(dataset.load_year(2022))
        figure = economics.plot_sensitivity(result.sensitivity, result.stated_value)
    axis = figure.axes[0]
    entries = [text.get_text() for text in axis.get_legend().get_texts()]
    assert entries[-1] == "Опубликовано: 2,6"
    assert not any(t.get_text().rpartition(" ")[2] == "2,6" for t in axis.texts)
    names = [label.get_text() for label in axis.get_yticklabels()]
    assert "Самая низкая\nпо регионам\n(Северо-Казахстанская\nобласть)" in names
    matplotlib.pyplot.close(figure)


def test_a_legend_entry_keeps_its_figure_whole_on_its_last_line():
    from volreport.chapters import display
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking("ru"), matplotlib.rc_context(display.chart_style()):
        basis = economics.hours_basis(dataset.load_year(2022))
        figure = economics.plot_hours(economics.hours_frame(basis))
    entries = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert "Добавлено: неучтенные\nинициативы: 197\u00a0991" in entries
    assert "Добавлено, но уже учтено: 61\u00a0000" in entries  # short enough for one line
    matplotlib.pyplot.close(figure)


def lower_bound_dataset(unrecorded=None):
    """Regions without hours: the recorded total is "at least" its sum (as ingest sums it)."""
    rows = regional_hours({"KZ-71": 100, "KZ-59": None, "KZ-75": None})
    rows.append({"indicator": "hours", "value": 10_000, "qualifier": "at_least"})
    ds = with_regions(rows, unrecorded=unrecorded)
    national = ds.observations
    exact = (
        (national["indicator"] == "hours")
        & (national["region"] == "KZ")
        & (national["qualifier"] == "exact")
    )
    return dataclasses.replace(ds, observations=national.drop(national.index[exact]))


def test_the_headline_carries_the_lower_bound_the_unrecorded_section_states():
    result = economics.compute(lower_bound_dataset())
    assert "is a lower bound, and so is every value computed from it" in (
        economics.unrecorded_text(result)
    )
    headline = economics.headline(result)
    assert "volunteers worked **at least 12,500 hours** in 2022." in headline
    assert "that is **at least 0.03 billion KZT**, or the work of at least 7 people" in headline
    assert "the value is at least 0.02 billion KZT and the work of at least 6 people." in (headline)


def test_one_initiative_is_one_in_every_language():
    from volreport.core import i18n

    # The grant projects' row alone: no other row joins it.
    one = [{**initiatives()[0], "id": "grant_projects", "name": "Grant projects"}]
    result = economics.compute(lower_bound_dataset(unrecorded=one))
    text = economics.unrecorded_text(result)
    assert "Adding the hours of 1 such initiative, listed in the table below" in text
    with i18n.speaking("ru"):  # the statements of the values computed in English
        russian = economics.unrecorded_text(result)
        headline = economics.headline(result)
    assert "часов одной такой инициативы (она указана в таблице ниже) получается" in russian
    assert "их число" not in russian
    assert "составил **не менее " in headline
