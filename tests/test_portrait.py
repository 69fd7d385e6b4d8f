"""Unit tests of chapter 1 (portrait of a volunteer) on tiny hand-built datasets."""

import dataclasses

import matplotlib.pyplot as plt
import pytest
from builders import make_dataset

from volreport.chapters import portrait
from volreport.core import fmt
from volreport.data.edition import Edition, PublishedSource
from volreport.data.published import region_names

POPULATION = [
    {"region": "KZ", "boundaries": "current", "date": "2022-01-01", "population": 140_000,
     "status": "reported", "source": "BNS 2022"},
    {"region": "KZ", "boundaries": "current", "date": "2023-01-01", "population": 141_500,
     "status": "reported", "source": "BNS 2023"},
]  # fmt: skip
REPORTING_2022 = [
    "KZ-71", "KZ-75", "KZ-79", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31",
    "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-63",
]  # fmt: skip
COHORTS = ["child", "inclusive", "corporate", "international", "silver", "pro_bono", "general"]


def portrait_rows(**overrides) -> list[dict]:
    """The observations chapter 1 needs; `overrides` replaces values by indicator id."""
    rows = [
        {"indicator": "volunteers", "value": 1_000},
        {"indicator": "volunteers", "year": 2021, "value": 800},
        {"indicator": "volunteers", "year": 2020, "value": 700, "qualifier": "at_least"},
        {"indicator": "volunteers_estimate", "value": 1_250, "qualifier": "at_least"},
        {"indicator": "volunteers_systematic", "value": 600, "qualifier": "approx"},
        {"indicator": "persons_per_volunteer", "value": 110},
        {"indicator": "volunteers_share_of_population", "value": 1},
        {"indicator": "volunteers_share_by_sex", "category": "female", "value": 54},
        {"indicator": "volunteers_share_by_sex", "category": "male", "value": 46},
        {"indicator": "volunteers_share_by_sex", "region": "KZ-47", "category": "female",
         "value": 57.6},
        {"indicator": "volunteers_share_by_sex", "region": "KZ-47", "category": "male",
         "value": 42.4},
        {"indicator": "volunteers_share_by_sex", "region": "KZ-43", "category": "female",
         "value": 43.4},
        {"indicator": "volunteers_share_by_sex", "region": "KZ-43", "category": "male",
         "value": 56.6},
        {"indicator": "volunteers_share_by_age", "region": "KZ-75", "category": "under_18",
         "value": 72},
        {"indicator": "volunteers_share_by_age", "region": "KZ-43", "category": "under_18",
         "value": 0.9},
        {"indicator": "volunteers_share_by_age", "region": "KZ-47", "category": "retired",
         "value": 7.7},
        {"indicator": "volunteers_share_by_age", "region": "KZ-55", "category": "retired",
         "value": 1, "qualifier": "at_most"},
        {"indicator": "volunteers_share_by_age", "region": "KZ-71", "category": "retired",
         "value": None},
        {"indicator": "volunteers_share_by_employment", "region": "KZ-75", "category": "school",
         "value": 63.2},
        {"indicator": "volunteers_share_by_employment", "category": "school", "value": None},
        {"indicator": "volunteers_share_by_region", "region": "KZ-71", "value": None},
        {"indicator": "volunteers_change_pct", "region": "KZ-47", "value": 201},
        {"indicator": "volunteers_change_pct", "region": "KZ-39", "value": -47},
        {"indicator": "volunteers_change_pct", "region": "KZ-71", "value": None},
    ]  # fmt: skip
    rows += [
        {"indicator": "volunteers_share_by_cohort", "category": c, "value": None,
         "source": "Report, §Cohorts, chart"}
        for c in COHORTS
    ]  # fmt: skip
    for indicator, value in overrides.items():
        for row in rows:
            if row["indicator"] == indicator and row.get("year", 2022) == 2022:
                row["value"] = value
    return rows


def portrait_dataset(population=POPULATION, **overrides):
    return make_dataset(portrait_rows(**overrides), tables={"population": population})


@pytest.fixture(scope="module")
def result():
    return portrait.compute(portrait_dataset())


def test_every_nth_truncates_the_ratio():
    assert portrait.every_nth(141.5) == 141
    assert portrait.every_nth(110.0) == 110


def test_per_capita_uses_the_end_of_year_population(result):
    rate = result.recorded_per_capita
    assert rate.population_date == "2023-01-01"
    assert rate.persons_per_volunteer == pytest.approx(141.5)
    assert rate.share_pct == pytest.approx(1_000 / 141_500 * 100)


def test_per_capita_falls_back_to_the_latest_earlier_count_and_fails_without_one():
    assert portrait.per_capita_date(portrait_dataset(POPULATION[:1])) == "2022-01-01"
    later = [{**POPULATION[0], "date": "2024-01-01"}]
    with pytest.raises(KeyError, match="population.csv"):
        portrait.per_capita_date(portrait_dataset(later))


def test_an_estimate_at_least_n_gives_at_most_m_persons_per_volunteer(result):
    assert result.estimate_per_capita.ratio_qualifier == "at_most"
    assert result.recorded_per_capita.ratio_qualifier == "exact"


def test_change_on_previous_year(result):
    assert result.change_pct == pytest.approx(25)


def test_volunteers_by_year_keeps_each_years_wording(result):
    table = result.volunteers_by_year
    assert list(table["Year"]) == [2020, 2021, 2022]
    assert list(table["As published"]) == ["at least 700", "800", "1,000"]
    shown = portrait.volunteers_by_year_display(table)
    assert shown.columns.tolist() == ["Year", "Volunteers"]
    assert list(shown["Volunteers"]) == ["at least 700", "800", "1,000"]


def test_per_capita_table_has_both_counts_on_both_dates_and_the_published_row(result):
    table = result.per_capita
    assert len(table) == 5
    last = table.iloc[-1]
    assert last["Persons per volunteer"] == 110 and last["Share of population, %"] == 1
    estimate_2023 = table[
        table["Volunteers"].str.startswith("Estimate")
        & (table["Population date"] == "1 January 2023")
    ]
    assert estimate_2023["Persons per volunteer"].item() == pytest.approx(113.2)


def test_sex_by_region_lists_all_reporting_regions_most_female_first(result):
    table = result.sex_by_region
    names = region_names(portrait_dataset())
    assert len(table) == 17
    assert list(table["Region"][:2]) == [names["KZ-47"], names["KZ-43"]]
    assert table["Female volunteers, %"][2:].isna().all()


def test_extremes_table_groups_in_category_order_and_words_qualifiers(result):
    table = result.age_extremes
    assert list(table["Group"]) == ["Under 18", "Under 18", "Retirement age", "Retirement age"]
    assert list(table["Share of the region's volunteers, %"]) == [72, 0.9, 7.7, 1]
    assert list(table["As published"]) == ["72%", "0.9%", "7.7%", "up to 1%"]
    shown = portrait.extremes_display(table)
    assert shown.columns.tolist() == ["Group", "Region", "Share of the region's volunteers"]
    assert list(shown["Share of the region's volunteers"]) == [
        "72.0%", "0.9%", "7.7%", "up to 1.0%",
    ]  # fmt: skip


def test_cohorts_show_definitions_and_missing_shares(result):
    table = result.cohorts
    assert len(table) == len(COHORTS)
    assert table["Definition"].str.len().gt(0).all()
    assert table["Share of volunteers at events, %"].isna().all()


def test_change_by_region_keeps_unpublished_regions_last(result):
    table = result.change_by_region
    column = "Change in volunteers on 2021, %"
    assert len(table) == 17
    assert list(table[column][:2]) == [201, -47]
    assert table[column][2:].isna().all()


def test_headline_computes_every_number(result):
    text = portrait.headline(result)
    assert "**1,000 volunteers**" in text
    assert "+25.0% on 2021 (800)" in text
    assert "at least 1,250" in text
    assert "every **141st person**" in text
    assert "1 January 2023 (141,500)" in text


def test_sex_text_names_the_male_majority_regions(result):
    text = portrait.sex_text(result)
    names = region_names(portrait_dataset())
    assert f"men are the majority in {names['KZ-43']}" in text
    assert "Women are the majority in 1 of the 2 regions" in text


def test_indicators_carry_status_and_provenance():
    ds = portrait_dataset()
    found = {i.id: i for i in portrait.indicators(ds, portrait.compute(ds))}
    assert found["volunteers_total"].status == "reported"
    assert found["volunteers_change_pct"].status == "derived"
    assert found["persons_per_volunteer"].value == pytest.approx(141.5)
    assert found["population"].source == "BNS 2023"


def test_indicators_carry_the_qualifier_not_in_the_label():
    found = {
        i.id: i
        for i in portrait.indicators(portrait_dataset(), portrait.compute(portrait_dataset()))
    }
    assert found["volunteers_total"].qualifier == "exact"
    assert found["persons_per_volunteer"].qualifier == "exact"
    # "at least 1,250 volunteers" gives "at most population / 1,250 persons per volunteer".
    estimate = found["persons_per_volunteer_estimate"]
    assert estimate.qualifier == "at_most"
    assert not any(word in estimate.label for word in ("at most", "at_most", "at least", "about"))


def test_change_is_qualified_when_the_previous_count_is_a_bound():
    rows = [r for r in portrait_rows() if r.get("year") != 2021]
    rows.append({"indicator": "volunteers", "year": 2021, "value": 800, "qualifier": "at_least"})
    found = {
        i.id: i
        for i in portrait.indicators(
            make_dataset(rows, tables={"population": POPULATION}),
            portrait.compute(make_dataset(rows, tables={"population": POPULATION})),
        )
    }
    assert found["volunteers_prev_year"].qualifier == "at_least"
    # At least 800 the year before: the rise to 1,000 is at most 25%.
    assert (found["volunteers_change_pct"].value, found["volunteers_change_pct"].qualifier) == (
        pytest.approx(25.0),
        "at_most",
    )


def test_change_is_missing_when_the_previous_year_is():
    rows = [r for r in portrait_rows() if r.get("year") != 2021]
    rows.append({"indicator": "volunteers", "year": 2021, "value": None})
    ds = make_dataset(rows, tables={"population": POPULATION})
    found = {i.id: i for i in portrait.indicators(ds, portrait.compute(ds))}
    assert found["volunteers_change_pct"].status == "missing"
    assert found["volunteers_change_pct"].value is None


def test_plot_sex_by_region_marks_each_region_on_an_axis_that_fits_the_shares(result):
    figure = portrait.plot_sex_by_region(result.sex_by_region)
    axis = figure.axes[0]
    dots = axis.collections[-1].get_offsets()
    assert sorted(float(x) for x, _ in dots) == [43.4, 57.6]
    assert [line.get_xdata()[0] for line in axis.lines] == [50]  # parity
    labels = [text.get_text() for text in axis.texts]
    assert "57.6%" in labels and "43.4%" in labels
    assert labels.count("not available") == 15  # every region without the share, named
    low, high = axis.get_xlim()
    assert 30 <= low < 43.4 and 57.6 < high <= 70  # not a 0-100 scale
    assert axis.get_title() == ""
    plt.close(figure)


def test_ordinal_suffixes():
    assert [fmt.ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 110, 141, 1_002)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "110th", "141st", "1,002nd",
    ]  # fmt: skip


def test_per_capita_text_when_the_stated_rate_matches():
    text = portrait.per_capita_text(portrait.compute(portrait_dataset(persons_per_volunteer=141)))
    assert text.endswith("as the recorded count gives.")


def test_rounds_to_uses_the_published_precision():
    assert fmt.shown_decimals(1.0) == 0 and fmt.shown_decimals(0.71) == 2
    assert portrait.rounds_to(0.707, 1) and not portrait.rounds_to(0.707, 0.8)
    assert portrait.rounds_to(0.75, 0.8) and not portrait.rounds_to(0.74, 0.8)


def test_extremes_table_keeps_only_the_extremes_when_every_region_is_given():
    rows = [
        {"indicator": "volunteers_share_by_age", "region": code, "category": "under_18",
         "value": float(i)}
        for i, code in enumerate(REPORTING_2022)
    ]  # fmt: skip
    table = portrait.age_extremes_table(make_dataset(rows))
    names = region_names(make_dataset([]))
    assert list(table["Region"]) == [names[REPORTING_2022[-1]], names[REPORTING_2022[0]]]


def test_extremes_table_shows_every_share_at_the_columns_decimals():
    """A computed share (16.96) and a whole one (36) read '17.0%' and '36.0%' in the table;
    the wording as published, which the text quotes, keeps each value's own ('36%')."""
    rows = [
        {"indicator": "volunteers_share_by_age", "region": "KZ-71", "category": "under_18",
         "value": 36.0},
        {"indicator": "volunteers_share_by_age", "region": "KZ-75", "category": "under_18",
         "value": 16.96, "qualifier": "approx"},
    ]  # fmt: skip
    table = portrait.age_extremes_table(make_dataset(rows))
    assert list(table["As published"]) == ["36%", "about 17.0%"]
    assert list(table["qualifier"]) == ["exact", "approx"]
    shown = portrait.extremes_display(table)
    assert list(shown["Share of the region's volunteers"]) == ["36.0%", "about 17.0%"]


def test_volunteers_by_year_takes_the_previous_count_the_chapter_uses():
    from volreport.data.published import Published

    previous = Published(850.0, "exact", "reported", "data/2021")
    table = portrait.volunteers_by_year_table(portrait_dataset(), previous)
    assert list(table["Year"]) == [2020, 2021, 2022]
    assert list(table["As published"]) == ["at least 700", "850", "1,000"]


def test_volunteers_by_region_with_counts_shares_and_rates_per_1000():
    rows = [r for r in portrait_rows() if r["indicator"] != "volunteers_share_by_region"]
    rows += [
        {"indicator": "volunteers", "region": "KZ-71", "value": 600},
        {"indicator": "volunteers", "region": "KZ-75", "value": 400, "qualifier": "at_least"},
        {"indicator": "volunteers_share_by_region", "region": "KZ-71", "value": 60},
        {"indicator": "volunteers_share_by_region", "region": "KZ-75", "value": 40},
    ]
    population = POPULATION + [
        {"region": code, "boundaries": "current", "date": "2023-01-01", "population": people,
         "status": "reported", "source": "BNS 2023"}
        for code, people in (("KZ-71", 100_000), ("KZ-75", 20_000))
    ]  # fmt: skip
    result = portrait.compute(make_dataset(rows, tables={"population": population}))
    table = result.volunteers_by_region
    names = region_names(portrait_dataset())
    assert list(table["Region"]) == [names["KZ-71"], names["KZ-75"]]
    assert list(table["Share of all volunteers, %"]) == [60, 40]
    assert list(table["Population"]) == [100_000, 20_000]
    assert list(table["Volunteers per 1,000 population"]) == [6.0, 20.0]
    shown = portrait.volunteers_by_region_display(table)
    assert list(shown["Volunteers"]) == ["600", "at least 400"] and "qualifier" not in shown
    text = " ".join(portrait.regions_text(result).split())
    assert "Regional counts of volunteers are not available" not in text
    assert "The count of volunteers is not available for 15 of the 17 regions" in text
    assert (
        f"the most volunteers in {names['KZ-71']} (600, 60.0% of all) and the fewest in "
        f"{names['KZ-75']} (at least 400, 40.0% of all). Per 1,000 population they range "
        f"from 6.0 in {names['KZ-71']} to at least 20.0 in {names['KZ-75']}." in text
    )


# --- statements: published source, complete vintages, gaps ---------------------------------

CITE = "Report 2022"
TEXTS = (
    "headline", "totals_text", "per_capita_text", "sex_text", "age_employment_text",
    "cohorts_text", "regions_text",
)  # fmt: skip


def as_published(ds):
    """`ds` declared as transcribed from a published report (edition.yml)."""
    source = PublishedSource(cite_as=CITE, title="Analytical report", path="report.txt")
    return dataclasses.replace(ds, edition=Edition(published_source=source))


def all_text(result) -> str:
    return "\n".join(getattr(portrait, name)(result) for name in TEXTS)


# Shares of each group in the i-th reporting region (each adds up to 100).
SPLITS = {
    "sex": lambda i: {"female": 45 + i, "male": 55 - i},
    "age": lambda i: {"under_18": 20 + i, "18_29": 40, "30_retirement": 35 - i, "retired": 5},
    "employment": lambda i: {"school": 20 + i, "student": 30, "neet": 10, "employed": 35 - i,
                             "unemployed": 5},
    "cohort": lambda i: {"child": 10 + i, "inclusive": 5, "corporate": 10, "international": 5,
                         "silver": 10, "pro_bono": 10, "general": 50 - i},
}  # fmt: skip


def volunteers_in(i: int) -> int:
    return 100 * (i + 1)


def complete_rows(blank=(), volunteers=volunteers_in) -> list[dict]:
    """A vintage from return forms: every region gives its count and every breakdown, as
    counts and shares; no national shares (they are computed). `blank` lists (name, region
    code, category) cells left empty: that region's shares of the breakdown are then gaps."""
    rows = [
        r for r in portrait_rows()
        if r["indicator"] not in (*portrait.SHARE_INDICATORS.values(), "volunteers_change_pct",
                                  "volunteers_share_by_region")
    ]  # fmt: skip
    gaps = {(name, code) for name, code, _ in blank}
    rows += [
        {"indicator": portrait.SHARE_INDICATORS[name], "category": category, "value": None}
        for name, split in SPLITS.items()
        for category in split(0)
    ]
    for i, code in enumerate(REPORTING_2022):
        rows.append({"indicator": "volunteers", "region": code, "value": volunteers(i)})
        rows.append({"indicator": "volunteers_change_pct", "region": code, "value": i - 8.0})
        for name, split in SPLITS.items():
            for category, share in split(i).items():
                count = share * volunteers(i) / 100
                empty = (name, code, category) in blank
                rows.append(
                    {
                        "indicator": portrait.COUNT_INDICATORS[name],
                        "region": code,
                        "category": category,
                        "value": None if empty else count,
                    }
                )
                rows.append({"indicator": portrait.SHARE_INDICATORS[name], "region": code,
                             "category": category,
                             "value": None if (name, code) in gaps else float(share)})  # fmt: skip
    return rows


def complete_result(**kwargs):
    return portrait.compute(
        make_dataset(complete_rows(**kwargs), tables={"population": POPULATION})
    )


def national_share(name: str, category: str, without=()) -> float:
    """The national share the regions' counts give, leaving out the regions `without`."""
    regions = [(i, c) for i, c in enumerate(REPORTING_2022) if c not in without]
    part = sum(SPLITS[name](i)[category] * volunteers_in(i) / 100 for i, _ in regions)
    return part / sum(volunteers_in(i) for i, _ in regions) * 100


def test_a_complete_vintage_states_full_national_distributions_and_no_gaps():
    result = complete_result()
    text = all_text(result)
    assert "not available" not in text and "—" not in text
    assert "report" not in text.lower() and "published" not in text.lower()
    ages = portrait.age_employment_text(result)
    assert (
        f"By age, nationally {fmt.percent(national_share('age', 'under_18'))} of volunteers are "
        f"under 18, 40.0% are aged 18 to 29, "
        f"{fmt.percent(national_share('age', '30_retirement'))} are aged from 30 to retirement "
        "age and 5.0% are of retirement age." in ages
    )
    assert "By employment, nationally" in ages and "By region, each age group's share" in ages
    cohorts = portrait.cohorts_text(result)
    assert f"Child volunteering ({fmt.percent(national_share('cohort', 'child'))})" in cohorts
    female = national_share("sex", "female")
    assert f"Women make up **{fmt.percent(female)}** of volunteers" in portrait.headline(result)
    assert result.breakdowns["age"].from_regions and not result.extremes_only


def test_the_national_distribution_follows_the_regions_counts():
    before = portrait.age_employment_text(complete_result())
    after = portrait.age_employment_text(complete_result(volunteers=lambda i: 100 * (i + 1) ** 2))
    assert before != after


def test_one_empty_age_cell_names_that_region_and_shows_the_others():
    result = complete_result(blank=[("age", "KZ-23", "under_18")])
    text = portrait.age_employment_text(result)
    names = region_names(portrait_dataset())
    expected = fmt.percent(national_share("age", "under_18", without=("KZ-23",)))
    assert (
        f"The breakdown by age is not available for 1 of the 17 regions ({names['KZ-23']}); "
        f"from the other 16 regions, {expected} of volunteers are under 18," in text
    )
    assert "By employment, nationally" in text  # the other breakdown is untouched
    assert text.count("not available") == 1


def test_empty_cells_in_sex_and_cohort_name_their_regions():
    result = complete_result(blank=[("sex", "KZ-47", "female"), ("cohort", "KZ-11", "silver")])
    names = region_names(portrait_dataset())
    assert f"for 1 of the 17 regions ({names['KZ-47']}); from the other 16 regions" in (
        portrait.sex_text(result)
    )
    assert f"(without {names['KZ-47']})" in portrait.headline(result)
    assert f"for 1 of the 17 regions ({names['KZ-11']}); from the other 16 regions" in (
        portrait.cohorts_text(result)
    )


def test_a_region_without_a_count_is_named():
    rows = [r for r in complete_rows() if not (r["indicator"] == "volunteers" and
                                               r.get("region") == "KZ-61")]  # fmt: skip
    rows.append({"indicator": "volunteers", "region": "KZ-61", "value": None})
    text = portrait.regions_text(
        portrait.compute(make_dataset(rows, tables={"population": POPULATION}))
    )
    names = region_names(portrait_dataset())
    assert (
        f"The count of volunteers is not available for 1 of the 17 regions ({names['KZ-61']})"
        in text
    )


def test_published_source_words_the_gaps_and_the_stated_rate():
    result = portrait.compute(as_published(portrait_dataset()))
    assert (
        "Report 2022 itself states that every 110th person is a volunteer and that volunteers "
        "are 1% of the population; the recorded count does not give that rate, which needs "
        "about 1,286 volunteers" in portrait.per_capita_text(result)
    )
    assert "one in every 141.5 people, or every 141st person" in portrait.per_capita_text(result)
    assert "at least 0.88% of the population volunteers: at least one in every 113.2 people" in (
        portrait.per_capita_text(result)
    )
    assert portrait.cohorts_text(result).endswith(
        "not available: Report 2022 shows the composition only as a chart without values."
    )
    ages = portrait.age_employment_text(result)
    assert "National shares by age are not available." in ages
    assert "National shares by employment are not available." in ages
    names = region_names(portrait_dataset())
    assert "The full breakdown by age is not available for any of the 17 regions" in ages
    assert (
        f"- Retirement age: highest in {names['KZ-47']} (7.7%), lowest in {names['KZ-55']} "
        "(up to 1%)." in ages
    )
    regions = portrait.regions_text(result)
    assert "Regional counts of volunteers are not available." in regions
    assert (
        f"The change in volunteers on 2021 is available only for {names['KZ-47']} (+201%) and "
        f"{names['KZ-39']} (−47%)." in regions
    )


def test_without_a_published_source_no_report_wording_and_no_discrepancies():
    ds = portrait_dataset()
    text = all_text(portrait.compute(ds))
    assert "report" not in text.lower() and "published" not in text.lower()
    assert "The data state that every 110th person is a volunteer" in text
    assert portrait.discrepancies(ds, portrait.compute(ds)) == []
    assert portrait.compute(ds).per_capita["Volunteers"].iloc[-1] == "As stated in the data"
    published = portrait.compute(as_published(ds)).per_capita["Volunteers"].iloc[-1]
    assert published == "As stated in Report 2022"


def test_discrepancies_flag_every_nth_only_when_it_disagrees():
    found = portrait.discrepancies(
        as_published(portrait_dataset()), portrait.compute(as_published(portrait_dataset()))
    )
    assert [d.topic for d in found] == ["Persons per volunteer"]
    assert found[0].published == "every 110th person is a volunteer"
    assert "141st" in found[0].recomputed and "1,286" in found[0].explanation
    assert (
        portrait.discrepancies(
            as_published(portrait_dataset(persons_per_volunteer=141)),
            portrait.compute(as_published(portrait_dataset(persons_per_volunteer=141))),
        )
        == []
    )


def test_discrepancies_flag_sex_shares_not_adding_to_100():
    rows = portrait_rows()
    rows[9]["value"] = 60
    ds = as_published(make_dataset(rows, tables={"population": POPULATION}))
    found = portrait.discrepancies(ds, portrait.compute(ds))
    assert [d.topic for d in found][-1].startswith("Sex ratio in Mangystau")
    assert found[-1].recomputed == "they add up to 102.4%"


def test_discrepancies_flag_a_share_that_does_not_round_from_the_count():
    found = portrait.discrepancies(
        as_published(portrait_dataset(volunteers_share_of_population=2)),
        portrait.compute(as_published(portrait_dataset(volunteers_share_of_population=2))),
    )
    assert [d.topic for d in found][-1] == "Volunteers as a share of the population"
    assert (found[-1].published, found[-1].recomputed) == (
        "2% of the population", "0.71% with the recorded count",
    )  # fmt: skip


def test_per_capita_text_words_the_stated_rate_by_its_status():
    derived = portrait_rows()
    for row in derived:
        if row["indicator"] in ("persons_per_volunteer", "volunteers_share_of_population"):
            row["status"] = "derived"
    ds = as_published(make_dataset(derived, tables={"population": POPULATION}))
    result = portrait.compute(ds)
    text = portrait.per_capita_text(result)
    assert "itself states" not in text
    assert "The rate derived in the data is every 110th person (1% of the population)" in text
    assert result.per_capita["Volunteers"].iloc[-1] == "Derived in the data"
    missing = as_published(
        portrait_dataset(persons_per_volunteer=None, volunteers_share_of_population=None)
    )
    assert portrait.per_capita_text(portrait.compute(missing)).endswith(
        "Report 2022 states no rate per head of its own."
    )
    assert len(portrait.compute(missing).per_capita) == 4  # no row for a rate not given
    assert portrait.discrepancies(missing, portrait.compute(missing)) == []
    unpublished = portrait_dataset(persons_per_volunteer=None, volunteers_share_of_population=None)
    assert "rate per head of its own" not in portrait.per_capita_text(portrait.compute(unpublished))


def test_headline_and_totals_say_so_without_a_previous_count():
    rows = [r for r in portrait_rows() if r.get("year") != 2021]
    result = portrait.compute(make_dataset(rows, tables={"population": POPULATION}))
    assert result.volunteers_previous.status == "missing" and result.change_pct is None
    assert "the count for 2021 is not available for comparison" in portrait.headline(result)
    assert (
        "The count for 2021 is not available; in 2020 the count was at least 700."
        in portrait.totals_text(result)
    )


def test_a_lower_bound_count_words_every_rate_as_a_bound():
    rows = portrait_rows()
    rows[0]["qualifier"] = "at_least"
    result = portrait.compute(make_dataset(rows, tables={"population": POPULATION}))
    assert "**at least one in every 141.5 people** is a recorded volunteer" in (
        portrait.headline(result)
    )
    assert "up at least 25.0% on 2021" in portrait.headline(result)
    assert "so the recorded count is up at least 25.0%" in portrait.totals_text(result)
    assert "The recorded count, at least 1,000 volunteers, is at least 0.71%" in (
        portrait.per_capita_text(result)
    )


def test_regions_text_names_the_extremes_when_every_region_is_given():
    rows = [r for r in portrait_rows() if r["indicator"] != "volunteers_change_pct"]
    rows += [
        {"indicator": "volunteers_change_pct", "region": code, "value": change}
        for code, change in zip(REPORTING_2022, range(-8, 9), strict=True)
    ]
    text = portrait.regions_text(
        portrait.compute(make_dataset(rows, tables={"population": POPULATION}))
    )
    names = region_names(portrait_dataset())
    assert (
        f"Compared with 2021, the number of volunteers rose most in {names[REPORTING_2022[-1]]} "
        f"(+8%) and fell most in {names[REPORTING_2022[0]]} (−8%)." in text
    )
    assert "not available for" not in text


def test_regions_text_without_any_change():
    rows = [r for r in portrait_rows() if r["indicator"] != "volunteers_change_pct"]
    text = portrait.regions_text(
        portrait.compute(make_dataset(rows, tables={"population": POPULATION}))
    )
    assert text.endswith("The change in volunteers on 2021 by region is not available.")


def test_extremes_table_keeps_the_extremes_despite_a_few_gaps():
    rows = [
        {"indicator": "volunteers_share_by_age", "region": code, "category": "under_18",
         "value": None if i == 3 else float(i)}
        for i, code in enumerate(REPORTING_2022)
    ]  # fmt: skip
    table = portrait.age_extremes_table(make_dataset(rows))
    names = region_names(make_dataset([]))
    assert list(table["Region"]) == [names[REPORTING_2022[-1]], names[REPORTING_2022[0]]]


def test_a_missing_estimate_gives_no_rate_and_says_so_in_words():
    ds = portrait_dataset(volunteers_estimate=None)
    result = portrait.compute(ds)
    assert result.estimate_per_capita.persons_per_volunteer is None
    assert set(result.per_capita["Volunteers"]) == {
        "Recorded by the regional front offices",
        "As stated in the data",
    }
    text = all_text(result)
    assert "The National Volunteer Network's estimate is not available, so no rate" in text
    assert "the National Volunteer Network's estimate is not available." in text
    assert "—" not in text
    rates = [
        i
        for i in portrait.indicators(ds, portrait.compute(ds))
        if i.id == "persons_per_volunteer_estimate"
    ]
    assert [(i.value, i.status) for i in rates] == [(None, "missing")]


def test_a_missing_recorded_count_is_said_in_words_without_a_dash():
    result = portrait.compute(portrait_dataset(volunteers=None))
    text = portrait.headline(result) + portrait.totals_text(result)
    text += portrait.per_capita_text(result)
    assert "the count of volunteers recorded by the regional front offices is not available" in (
        text
    )
    assert "The recorded count of volunteers is not available, so no rate is given for it." in (
        text
    )
    assert "In 2021 the offices recorded 800; in 2020 the count was at least 700." in text
    assert "—" not in text and "comparison" not in text


def test_missing_estimate_and_systematic_core_share_one_sentence():
    result = portrait.compute(
        portrait_dataset(volunteers_estimate=None, volunteers_systematic=None)
    )
    assert (
        "The National Volunteer Network's estimate and the number of people who can be "
        "recruited for volunteer work on a systematic basis are not available."
    ) in portrait.totals_text(result)


# --- the chapter in another language ------------------------------------------------------


def test_russian_tables_word_their_rows_and_keep_english_headers_for_the_csv():
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking("ru"):
        ds = dataset.load_year(2022)
        result = portrait.compute(ds)
        table = result.per_capita
        assert table.columns[0] == "Volunteers"  # the CSV's header; show_table translates it
        assert table["Volunteers"].iloc[0] == "Учтены региональными фронт-офисами"
        assert "До 18 лет" in set(result.age_extremes["Group"])
        assert portrait.extremes_display(result.age_extremes)["Share of the region's volunteers"][
            0
        ].endswith("\u00a0%")
        labels = [indicator.label for indicator in portrait.indicators(ds, portrait.compute(ds))]
    assert labels[0] == "Волонтеры, учтенные региональными фронт-офисами"


def test_the_sex_chart_keeps_its_labels_clear_of_long_region_names():
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking("ru"):
        frame = portrait.compute(dataset.load_year(2022)).sex_by_region
        figure = portrait.plot_sex_by_region(frame)
    axis = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    names = axis.get_yticklabels()
    assert any("\n" in name.get_text() for name in names)  # the longest names wrap
    assert axis.get_xlabel() == "Женщины среди волонтеров"
    below = [t for t in axis.texts if getattr(t, "xy", (100,))[0] < portrait.PARITY]
    assert below
    for label in below:
        name = names[int(label.xy[1])]
        assert label.get_window_extent(renderer).x0 > name.get_window_extent(renderer).x1
    plt.close(figure)


def test_every_region_tied_at_the_most_or_the_fewest_is_named_in_the_reference_order():
    # Turkistan (KZ-61, 16th) and Almaty city (KZ-75, 2nd) tie at the most, Astana and
    # Akmola (KZ-11) at the fewest.
    counts = {15: 5_000, 1: 5_000, 0: 100, 3: 100}
    result = complete_result(volunteers=lambda i: counts.get(i, 100 * (i + 1)))
    text = " ".join(portrait.regions_text(result).split())
    assert "the most volunteers in Almaty city and Turkistan region (5,000 each" in text
    assert "and the fewest in Astana and Akmola region (100 each" in text


def test_regions_tied_at_the_most_in_russian_and_kazakh():
    from volreport.core import i18n

    counts = {15: 5_000, 1: 5_000}
    said = {
        "ru": "наибольшее число волонтеров — Алматы и Туркестанская область (по 5 000",
        "kk": "ең көп волонтерді Алматы қаласы және Түркістан облысы бойынша (әрқайсысында 5 000",
    }
    for language, words in said.items():
        with i18n.speaking(language):
            result = complete_result(volunteers=lambda i: counts.get(i, 100 * (i + 1)))
            text = " ".join(portrait.regions_text(result).split())
        assert words in text, text
