"""Synthetic year: complete, labelled synthetic, deterministic, logs adding up."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from volreport.chapters import collect
from volreport.core import paths
from volreport.data import derive, validate
from volreport.data.dataset import load_year
from volreport.intake import ingest, synth
from volreport.publish import editorial

YEAR, SEED, EVENTS = 2098, 7, 3000


@pytest.fixture(scope="module")
def vintage():
    return synth.synthesize(YEAR, SEED, EVENTS)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    folder, report = synth.synth(
        YEAR, SEED, 500, data_dir=root / str(YEAR), report_dir=root / "report"
    )
    return folder, report


def test_same_seed_same_data_other_seed_other_data(vintage):
    again = synth.synthesize(YEAR, SEED, EVENTS)
    pd.testing.assert_frame_equal(vintage.observations, again.observations)
    pd.testing.assert_frame_equal(vintage.logs["events.csv"], again.logs["events.csv"])
    other = synth.synthesize(YEAR, SEED + 1, EVENTS)
    assert not vintage.observations["value"].equals(other.observations["value"])


def test_every_row_names_the_synthetic_source(vintage):
    label = synth.source_label(SEED)
    assert set(vintage.observations["source"]) == {label}
    for name, table in vintage.tables.items():
        if "source" in table and len(table):
            assert set(table["source"]) == {label}, name


def test_events_log_adds_up_to_the_observations(vintage):
    events = vintage.logs["events.csv"]
    assert len(events) == EVENTS
    obs = vintage.observations
    hours = obs[(obs["indicator"] == "hours") & (obs["region"] != "KZ") & (obs["category"] != "")]
    logged = (
        events.assign(hours=events["hours"].astype(float))
        .groupby(["region", "area"], observed=True)["hours"]
        .sum()
    )
    for row in hours.itertuples():
        assert float(row.value) == logged.get((row.region, row.category), 0.0)
    national = obs[
        (obs["indicator"] == "events") & (obs["region"] == "KZ") & (obs["category"] == "")
    ]
    assert float(national["value"].iloc[0]) == EVENTS


def test_inquiries_log_adds_up_to_the_observations(vintage):
    log = vintage.logs["inquiries.csv"]
    obs = vintage.observations
    about = obs[(obs["indicator"] == "inquiries") & (obs["category"] == "volunteering")]
    assert float(about["value"].iloc[0]) == (log["related_to_volunteering"] == "true").sum()


def test_every_current_region_is_filled(vintage):
    obs = vintage.observations
    volunteers = obs[(obs["indicator"] == "volunteers") & (obs["year"] == YEAR)]
    assert len(volunteers) == 21 and (volunteers["value"] != "").all()
    assert len(vintage.tables["rfo_support"]) == 20
    assert (obs["status"] != "missing").all()


def test_written_vintage_is_valid_and_says_synthetic(written):
    folder, report = written
    assert validate.validate_year(YEAR, folder) == []
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["synthetic"] is True and "SYNTHETIC" in descriptor["title"]
    assert load_year(YEAR, folder).synthetic
    assert (folder / "logs" / "events.csv").is_file()
    assert (report / "index.md").is_file()


def test_synth_refuses_to_overwrite(written):
    folder, _ = written
    with pytest.raises(ingest.IngestError, match="pass --force"):
        synth.synth(YEAR, SEED, 100, data_dir=folder)


def test_previous_year_comes_from_the_earlier_vintage_next_to_it(tmp_path):
    earlier, _ = synth.synth(
        YEAR - 1, SEED + 1, 300, data_dir=tmp_path / str(YEAR - 1), report_dir=tmp_path
    )
    folder, _ = synth.synth(YEAR, SEED, 300, data_dir=tmp_path / str(YEAR), report_dir=tmp_path)
    before, after = load_year(YEAR - 1, earlier), load_year(YEAR, folder)
    for indicator in ("volunteers", "npo", "initiative_groups"):
        assert after.value(indicator, year=YEAR - 1) == before.value(indicator)
    regional = after.obs("volunteers_change_pct").set_index("region")["value"]
    for code in ("KZ-71", "KZ-10"):
        now, then = after.value("volunteers", code), before.value("volunteers", code)
        assert after.value("volunteers", code, year=YEAR - 1) == then  # kept in the vintage
        assert regional[code] == pytest.approx(round((now / then - 1) * 100, 1))
    assert validate.validate_year(YEAR, folder) == []
    assert derive.check(YEAR - 1, earlier) == [] and derive.check(YEAR, folder) == []
    # Same seed, same vintage; this year's own figures do not depend on the earlier one.
    again = synth.synthesize(YEAR, SEED, 300, previous_dir=earlier)
    twice = synth.synthesize(YEAR, SEED, 300, previous_dir=earlier)
    pd.testing.assert_frame_equal(again.observations, twice.observations)
    alone = synth.synthesize(YEAR, SEED, 300)
    own = [
        frame[
            (frame["year"] == YEAR) & (frame["indicator"] != "volunteers_change_pct")
        ].reset_index(drop=True)
        for frame in (alone.observations, again.observations)
    ]
    pd.testing.assert_frame_equal(*own)


def test_a_synthetic_year_cites_only_the_generator_and_says_so(written):
    folder, _ = written
    ds = load_year(YEAR, folder)
    assert not (folder / "edition.yml").exists() and not ds.edition.published
    assert ds.descriptor["sources"] == [
        {"title": synth.source_label(SEED), "path": "src/volreport/intake/synth.py"}
    ]
    derived = ds.observations[ds.observations["status"] == "derived"]
    assert not derived["note"].fillna("").str.contains("report").any()
    assert all("note" not in entry for entry in ds.params.values() if isinstance(entry, dict))
    assert collect.discrepancies(collect.computed(ds)) == []
    text = editorial.generated_pages(
        ds,
        collect.headline_indicators(collect.computed(ds)),
        collect.discrepancies(collect.computed(ds)),
    )["methodology.md"]
    prose = " ".join(
        line for line in text.splitlines() if not line.startswith(("|", ": ", "[Download"))
    )
    prose = " ".join(prose.split())
    assert prose.index("**Synthetic data.**") < prose.index("## Sources")
    assert "generated by the synthetic-data tool" in prose and "Discrepanc" not in prose
    for word in ("published", "Report", "report's", "sources/", "—"):
        assert word not in prose, word


def test_the_synthetic_source_is_given_in_every_language(written):
    folder, _ = written
    table = pd.read_csv(folder / "sources.csv", dtype=str)
    assert table.to_dict("records") == [
        {
            "source": synth.source_label(SEED),
            "source_ru": f"синтетические данные (volreport synth, начальное значение {SEED})",
            "source_kk": f"синтетикалық деректер (volreport synth, бастапқы мән {SEED})",
        }
    ]


def test_synth_elsewhere_writes_its_template_beside_the_data(tmp_path):
    project_reports = sorted(paths.REPORT_DIR.iterdir())
    earlier, _ = synth.synth(YEAR - 1, SEED + 1, 100, data_dir=tmp_path / "data" / str(YEAR - 1))
    folder, report = synth.synth(YEAR, SEED, 100, data_dir=tmp_path / "data" / str(YEAR))
    assert report == tmp_path / "report" / str(YEAR) and (report / "index.md").is_file()
    assert (tmp_path / "report" / str(YEAR - 1) / "index.md").is_file()
    assert sorted(paths.REPORT_DIR.iterdir()) == project_reports
    # The year before's rows keep their source, with its translations from the vintage before.
    sources = pd.read_csv(folder / "sources.csv", dtype=str).set_index("source")
    before = synth.source_label(SEED + 1)
    assert before in set(load_year(YEAR, folder).observations["source"])
    assert (
        sources.loc[before, "source_kk"]
        == pd.read_csv(earlier / "sources.csv", dtype=str)
        .set_index("source")
        .loc[before, "source_kk"]
    )
    assert validate.validate_year(YEAR, folder) == []
