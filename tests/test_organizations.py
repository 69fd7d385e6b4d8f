"""Unit tests of chapter 2 (organizations and initiative groups) on small hand-built datasets.

The statements are tested through their rendered text: what they say for a complete
vintage, for one with gaps, and with and without a published source.
"""

import dataclasses
import math

import matplotlib.pyplot as plt
import pytest
from builders import make_dataset

from volreport.chapters import organizations
from volreport.data.edition import Edition, PublishedSource

REPORT = Edition(published_source=PublishedSource("Report 2022", "The report", "report.txt"))
# The 17 reporting units of a 2022-boundaries vintage, in reference order.
CODES = [
    "KZ-71", "KZ-75", "KZ-79", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31",
    "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-63",
]  # fmt: skip
# Astana and Shymkent have more NPOs than groups, Akmola as many; the rest more groups.
NPO = {code: 10 for code in CODES} | {"KZ-71": 30, "KZ-79": 20, "KZ-11": 15}
GROUPS = {code: 30 for code in CODES} | {"KZ-71": 10, "KZ-79": 5, "KZ-11": 15, "KZ-55": 90}


def organization_rows(
    npo=None, groups=None, *, previous=(164, 425), status="reported", share_published=None
) -> list[dict]:
    """National totals (the regions' sums) and the previous year's, regional counts and the
    shares they imply. A region's count None is a gap; so are its shares then."""
    npo, groups = {**NPO, **(npo or {})}, {**GROUPS, **(groups or {})}
    rows = [
        {"indicator": "npo", "value": sum(v for v in npo.values() if v is not None)},
        {"indicator": "initiative_groups", "value": sum(v for v in groups.values() if v)},
        {"indicator": "initiative_groups_share_excl_almaty", "value": share_published},
    ]
    if previous:
        rows += [
            {"indicator": "npo", "year": 2021, "value": previous[0]},
            {"indicator": "initiative_groups", "year": 2021, "value": previous[1]},
        ]
    for code in CODES:
        n, g = npo[code], groups[code]
        rows += [
            {"indicator": "npo", "region": code, "value": n, "status": status},
            {"indicator": "initiative_groups", "region": code, "value": g, "status": status},
        ]
        both = n is not None and g is not None
        for org_type, count in (("npo", n), ("initiative_group", g)):
            share = round(count / (n + g) * 100, 1) if both else None
            rows.append(
                {"indicator": "org_share_in_region", "region": code, "category": org_type,
                 "value": share}
            )  # fmt: skip
    return rows


def dataset(rows, edition=None):
    ds = make_dataset(rows)
    return dataclasses.replace(ds, edition=edition) if edition else ds


def texts(result) -> str:
    return "\n".join(
        [
            organizations.headline(result),
            organizations.totals_text(result),
            organizations.regions_text(result),
        ]
    )


@pytest.fixture(scope="module")
def complete():
    """Every region gave both counts; no published source."""
    return organizations.compute(dataset(organization_rows()))


@pytest.fixture(scope="module")
def gap_ds():
    """Like the 2022 vintage: Almaty city gave no group count, the counts are derived from
    a published table, and the published share leaves the city out."""
    rows = organization_rows(groups={"KZ-75": None}, status="derived", share_published=84.0)
    return dataset(rows, REPORT)


@pytest.fixture(scope="module")
def gap(gap_ds):
    return organizations.compute(gap_ds)


def test_counts_and_changes_on_the_previous_year(complete):
    assert (complete.npo.value, complete.groups.value) == (205, 510)
    assert complete.npo_change_pct == pytest.approx(25)
    assert complete.groups_change_pct == pytest.approx(20)
    assert complete.groups_share_all_npo_previous == pytest.approx(425 / 589 * 100)
    assert complete.regions_without_group_data == complete.regions_left_out == []


def test_groups_share_counts_only_npos_where_groups_are_known(gap_ds, gap):
    assert organizations.npo_where_groups_reported(gap_ds) == 195
    assert gap.groups_alongside == 480
    assert gap.groups_share_recomputed == pytest.approx(480 / 675 * 100)
    assert gap.groups_share_all_npo == pytest.approx(480 / 685 * 100)
    assert organizations.groups_share_excluding_gaps(None, 15) is None
    assert organizations.groups_share_excluding_gaps(10, None) is None


def test_tolerance_grows_with_the_number_of_rounded_regional_shares():
    # 16 shares rounded to 0.1% of 632 NPOs may shift the NPO sum by about 5 NPOs.
    tolerance = organizations.groups_share_tolerance(1834, 632, 16)
    assert tolerance == pytest.approx(0.05 + 16 * 0.0005 * 632 * 1834 / 2466**2 * 100)
    assert organizations.groups_share_tolerance(1834, 632, 1) < tolerance


def test_by_region_table_has_all_regions_sorted_by_npo_share(gap):
    table = gap.by_region
    assert len(table) == 17
    assert list(table["Region"][:3]) == ["Shymkent", "Astana", "Akmola region"]
    assert table.iloc[0]["Volunteer NPOs"] == 20
    almaty = table[table["Region"] == "Almaty city"].iloc[0]
    assert almaty["Volunteer NPOs"] == 10
    assert math.isnan(almaty["Initiative groups"])
    assert table["Region"].iloc[-1] == "Almaty city"


def test_chart_frames_and_plots(gap):
    counts = organizations.counts_frame(gap.by_region)
    assert set(counts["Type"]) == {"Volunteer NPOs", "Initiative groups"}
    assert len(counts) == 34
    mix = organizations.mix_frame(gap.by_region)
    assert len(mix) == 16
    figure = organizations.plot_counts(counts.dropna())
    assert len([p for p in figure.axes[0].patches if p.get_width() > 0]) == 33
    plt.close(figure)
    figure = organizations.plot_mix(mix)
    assert len(figure.axes[0].patches) == 32
    plt.close(figure)


def test_headline_computes_its_numbers(complete, gap):
    headline = organizations.headline(complete)
    assert "**205** volunteer NPOs (164 in 2021, +25%)" in headline
    assert "**510** volunteer initiative groups (425 in 2021, +20%)" in headline
    assert "Unregistered initiative groups make up **71.3%** of volunteer associations." in (
        headline
    )
    # With a gap, the published share is quoted and the left-out region named.
    assert "(all but Almaty city), unregistered initiative groups make up **84.0%**" in (
        organizations.headline(gap)
    )


def test_a_complete_vintage_has_no_gap_statements(complete):
    text = texts(complete)
    assert "not available" not in text
    assert "Across all 17 regions, initiative groups make up 71.3% of volunteer associations" in (
        text
    )
    assert "(510 groups and 205 NPOs)" in text


def test_a_region_without_a_count_is_named_with_what_is_shown_without_it(gap):
    national = organizations.totals_text(gap)
    assert "The count of initiative groups is not available for 1 of the 17 regions " in national
    assert "(Almaty city)." in national
    assert "Recomputed from the counts of the other 16 regions (480 groups and 195 NPOs), " in (
        national
    )
    assert (
        "Set against all 205 NPOs in the country instead, the 480 groups would make up 70.1%"
        in (national)
    )
    regions = organizations.regions_text(gap)
    assert (
        "The count of initiative groups, and with it the breakdown of associations by type, "
        "is not available for 1 of the 17 regions (Almaty city)."
    ) in regions
    assert "in 3 of the 16 regions with a breakdown" not in regions


def test_several_missing_counts_are_named_exactly():
    rows = organization_rows(npo={"KZ-47": None}, groups={"KZ-63": None, "KZ-15": None})
    result = organizations.compute(dataset(rows))
    assert result.regions_left_out == [
        "Aktobe region",
        "Mangystau region",
        "East Kazakhstan region",
    ]
    text = texts(result)
    assert "(all but Aktobe region, Mangystau region and East Kazakhstan region)" in text
    assert (
        "The count of initiative groups is not available for 2 of the 17 regions "
        "(Aktobe region and East Kazakhstan region)."
    ) in text
    assert "The count of NPOs is not available for 1 of the 17 regions (Mangystau region)." in text
    assert "In the other 14 regions, initiative groups make up" in text
    assert (
        "The breakdown of associations by type is not available for 3 of the 17 regions "
        "(Aktobe region, Mangystau region and East Kazakhstan region)."
    ) in text


def test_regional_mix_names_the_minority_side_and_the_extremes(complete):
    regions = organizations.regions_text(complete)
    assert (
        "Registered organizations outnumber initiative groups in 2 of the 17 regions "
        "(Shymkent and Astana), and initiative groups prevail in 14."
    ) in regions
    assert "In Akmola region there are as many NPOs as initiative groups." in regions
    assert "The share of NPOs is highest in Shymkent (80.0%)" in regions
    assert "that of initiative groups in Pavlodar region (90.0%)" in regions
    assert "Pavlodar region has the most initiative groups (90) and Astana the most NPOs (30)" in (
        regions
    )


def test_without_a_published_source_nothing_is_called_the_report_or_published():
    rows = organization_rows(groups={"KZ-75": None}, status="derived", share_published=84.0)
    ds = dataset(rows)
    result = organizations.compute(ds)
    text = texts(result)
    for word in ("report", "Report", "published"):
        assert word not in text
    # The stored share is not quoted: the chapter recomputes it from the counts.
    assert "**71.1%**" in organizations.headline(result)
    assert "derived from other figures of the data" in organizations.regions_text(result)
    assert organizations.discrepancies(ds, organizations.compute(ds)) == []
    share = {i.id: i for i in organizations.indicators(ds, organizations.compute(ds))}[
        "initiative_groups_share_pct"
    ]
    assert (share.value, share.status) == (pytest.approx(480 / 675 * 100), "derived")


def test_with_a_published_source_its_share_is_checked_against_the_counts(gap_ds, gap):
    national = organizations.totals_text(gap)
    assert "Report 2022 puts initiative groups at 84.0% of volunteer associations" in national
    assert "Report 2022's figure of 84.0% does not follow from the counts" in national
    assert "the counts by region below are derived from these shares" in (
        organizations.regions_text(gap).lower()
    )
    found = organizations.discrepancies(gap_ds, organizations.compute(gap_ds))
    assert [d.topic for d in found] == [
        "Regional shares of all volunteer NPOs",
        "Initiative groups' share of volunteer associations",
    ]
    assert (
        found[0].recomputed == "the shares are of about 195 NPOs, leaving about 10 for Almaty city"
    )
    assert (found[1].published, found[1].recomputed) == ("84.0%", "71.1%")
    share = {i.id: i for i in organizations.indicators(gap_ds, organizations.compute(gap_ds))}[
        "initiative_groups_share_pct"
    ]
    assert (share.value, share.status) == (84.0, "reported")


def test_a_published_share_that_agrees_is_confirmed_within_rounding():
    rows = organization_rows(groups={"KZ-75": None}, status="derived", share_published=71.1)
    ds = dataset(rows, REPORT)
    text = organizations.totals_text(organizations.compute(ds))
    assert "the share is 71.1%: the published figure, within the rounding" in text
    assert [d.topic for d in organizations.discrepancies(ds, organizations.compute(ds))] == [
        "Regional shares of all volunteer NPOs"
    ]


def test_the_text_follows_the_data(complete):
    """Perturbing one regional count changes the numbers the statements quote."""
    changed = organizations.compute(dataset(organization_rows(groups={"KZ-55": 190})))
    assert "(610 groups and 205 NPOs)" in organizations.totals_text(changed)
    assert organizations.headline(changed) != organizations.headline(complete)
    assert "Pavlodar region has the most initiative groups (190)" in (
        organizations.regions_text(changed)
    )


def test_the_balance_between_the_years_on_the_national_totals(complete):
    assert (
        "On the national totals, initiative groups made up 72.2% of volunteer associations in "
        "2021 and 71.3% in 2022: registered organizations gained ground on initiative groups."
    ) in organizations.totals_text(complete)
    grown = organizations.compute(dataset(organization_rows(previous=(205, 400))))
    assert "initiative groups gained ground on registered organizations" in (
        organizations.totals_text(grown)
    )


def test_without_previous_counts_the_gap_is_said_and_nothing_compared():
    result = organizations.compute(dataset(organization_rows(previous=None)))
    assert "(the 2021 count is not available)" in organizations.headline(result)
    text = organizations.totals_text(result)
    assert "NPOs) in 2022 (the 2021 count is not available)" in text
    assert "On the national totals" not in text


def test_without_any_count_the_chapter_says_so():
    ds = dataset(
        [{"indicator": "npo", "value": None}, {"indicator": "initiative_groups", "value": None}],
        REPORT,
    )
    result = organizations.compute(ds)
    assert organizations.headline(result) == (
        "The numbers of volunteer NPOs and initiative groups for 2022 are not available."
    )
    assert "not available for any of the 17 regions" in organizations.regions_text(result)
    assert organizations.discrepancies(ds, organizations.compute(ds)) == []


def test_bounded_totals_bound_the_change_and_give_no_share_on_the_totals():
    """A region without a return leaves the national totals 'at least' their sums: the
    change on the previous year is a bound, and no share is computed from the totals."""
    rows = organization_rows(npo={"KZ-47": None}, groups={"KZ-47": None}, previous=(250, 600))
    for row in rows[:2]:
        row["qualifier"] = "at_least"
    result = organizations.compute(dataset(rows))
    assert result.npo_change_qualifier == result.groups_change_qualifier == "at_least"
    assert result.groups_share_all_npo is None
    text = texts(result)
    assert "**at least 195** volunteer NPOs (250 in 2021, down at most 22%)" in text
    assert "against 250 in 2021 (down at most 22.0%)" in text
    assert "On the national totals" not in text and "Set against all" not in text
    assert (
        "The counts of initiative groups and of NPOs are not available for 1 of the 17 regions "
        "(Mangystau region)."
    ) in text
    assert (
        "The counts of initiative groups and of NPOs, and with them the breakdown of "
        "associations by type, are not available for 1 of the 17 regions (Mangystau region)."
    ) in text


def test_regional_table_and_charts_in_russian():
    from volreport.core import i18n
    from volreport.data import dataset

    with i18n.speaking("ru"):
        result = organizations.compute(dataset.load_year(2022))
        table = result.by_region
        statuses = set(table[organizations.COUNT_STATUS])
        assert statuses <= {"опубликовано", "вычислено", "нет данных"}
        counts = organizations.counts_frame(table)
        assert set(counts["Type"]) == {"Волонтерские НКО", "Инициативные группы"}
        figure = organizations.plot_mix(organizations.mix_frame(table))
    axis = figure.axes[0]
    assert {t.get_text() for t in axis.get_legend().get_texts()} == set(counts["Type"])
    renderer = figure.canvas.get_renderer()
    bars = [bar.get_window_extent(renderer) for container in axis.containers for bar in container]
    margin = organizations.MIX_LABEL_MARGIN * figure.dpi / 72
    for text in axis.texts:  # every share written fits inside its part of a bar, with room
        if not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        part = next(b for b in bars if b.x0 <= x <= b.x1 and b.y0 <= y <= b.y1)
        assert box.width + 2 * margin <= part.width
    plt.close(figure)


def test_every_region_tied_at_the_most_is_named_in_the_reference_order():
    # Pavlodar (KZ-55) and Almaty city (KZ-75) both have 90 groups; Astana and East
    # Kazakhstan (KZ-63) both 30 NPOs; Kostanay (KZ-39) and Shymkent the same NPO share.
    rows = organization_rows(
        npo={"KZ-63": 30, "KZ-39": 20}, groups={"KZ-75": 90, "KZ-63": 10, "KZ-39": 5}
    )
    regions = " ".join(organizations.regions_text(organizations.compute(dataset(rows))).split())
    assert (
        "Almaty city and Pavlodar region have the most initiative groups (90 each) and Astana "
        "and East Kazakhstan region the most NPOs (30 each)."
    ) in regions
    assert "The share of NPOs is highest in Shymkent and Kostanay region (80.0% each)" in regions


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "Лидеры по числу инициативных групп — Алматы и Павлодарская область (по 90), по "
               "числу НКО — Астана и Восточно-Казахстанская область (по 30)."),
        ("kk", "Бастамашыл топтар ең көп өңірлер — Алматы қаласы және Павлодар облысы "
               "(әрқайсысында 90), ал КЕҰ ең көп өңірлер — Астана және Шығыс Қазақстан облысы "
               "(әрқайсысында 30)."),
    ],
)  # fmt: skip
def test_regions_tied_at_the_most_in_every_language(language, said):
    from volreport.core import i18n

    rows = organization_rows(npo={"KZ-63": 30}, groups={"KZ-75": 90, "KZ-63": 10})
    with i18n.speaking(language):
        regions = organizations.regions_text(organizations.compute(dataset(rows)))
    assert said in " ".join(regions.split())
