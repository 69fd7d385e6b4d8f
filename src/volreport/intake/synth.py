"""A complete synthetic year for demos, tests and benchmarks — never for publication.

    volreport synth --year 2099 --seed 1 [--events 1000000] [--data-dir DIR] [--force]

Every table and every current region is filled. Sizes follow the official population of
data/2022/ and the 2022 published figures serve as priors (volunteers per head, the sex
split, hours by area, organization counts, grant totals, inquiries); splits the 2022 report
does not publish (age, employment, cohorts, formats) are drawn around an even split.
Record logs come first — `logs/events.csv` with the requested number of events and
`logs/inquiries.csv` — and the observations are aggregated from them by the same code as
`volreport ingest`, so the logs add up to the observations exactly. The year before's
figures come from the vintage next to the target (`<data-dir parent>/<year-1>/`, synthetic
or not) when there is one, as ingest takes them, so consecutive synthetic years agree;
otherwise they are invented.

The vintage says `"synthetic": true` in datapackage.json, its title says SYNTHETIC, and
every row's source is "synthetic (volreport synth, seed S)" (`templates/<language>/intake/
synthetic_source.md`), as is the one source its datapackage.json declares; sources.csv
gives it in Russian and Kazakh. It writes no edition.yml: a synthetic year has no published
source, so its report neither quotes nor checks one. The same seed gives the same files.
The editorial template goes to the report/ folder beside the data, as for ingest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volreport.core import paths
from volreport.data import contract, derive
from volreport.data.contract import NATIONAL
from volreport.data.dataset import Dataset, load_reference, load_year
from volreport.intake import ingest, provenance, readers

PRIOR_YEAR = 2022
DEFAULT_EVENTS = 20_000
# Synthetic assumptions (not published figures): spread of the draws around the priors.
NOISE = 0.15  # relative spread of regional sizes around population-proportional ones
CONCENTRATION = 50.0  # Dirichlet concentration of regional splits around the priors
MEAN_VOLUNTEERS_PER_EVENT = 10
INQUIRY_CHANNELS = ("phone", "messenger", "email", "social media", "in person")
INQUIRY_TOPICS = ("how to volunteer", "volunteer book", "events", "awards", "other matters")
FOREIGN_SHARE = 0.02  # share of inquiries from abroad


def source_label(seed: int) -> str:
    """The source of every synthetic row: 'synthetic (volreport synth, seed 7)'."""
    return provenance.synthetic_sources(seed).derived


@dataclass(frozen=True)
class Priors:
    """What the synthetic year borrows from the 2022 vintage."""

    population: pd.Series  # current regions, latest date
    volunteers_per_person: float
    female_share: pd.Series  # by current region, fraction
    hours_by_area: pd.Series  # fraction by area id
    hours_total: float
    npo: float
    initiative_groups: float
    development: dict[str, float]
    national_form: dict[tuple[str, str], float]
    support_levels: pd.Series  # fraction by level
    coverage: dict[str, float]
    countries: list[str]
    dataset: Dataset


def national(ds: Dataset, indicator: str, category: str = "") -> float:
    """A national 2022 value that must be there for the priors."""
    value = ds.value(indicator, category=category)
    if value is None:
        raise ValueError(f"data/{ds.year}: {indicator}/{category} is missing; no prior")
    return value


def read_priors(prior_dir: Path | str | None = None) -> Priors:
    """Priors from the 2022 vintage (data/2022 unless `prior_dir`)."""
    ds = load_year(PRIOR_YEAR, prior_dir)
    population = ds.tables["population"]
    current = population[
        (population["boundaries"] == "current") & (population["region"] != NATIONAL)
    ]
    latest = current[current["date"].astype(str) == current["date"].astype(str).max()]
    people = latest.set_index("region")["population"].astype(float)
    mapping = ds.reference["region_mapping"].set_index("current_code")["reporting_code_2022"]
    sexes = ds.obs("volunteers_share_by_sex", category="female").set_index("region")["value"]
    female = (
        pd.Series(
            [sexes.get(mapping.get(code, code), sexes.get(NATIONAL)) for code in people.index],
            index=people.index,
            dtype="float64",
        ).fillna(float(sexes.get(NATIONAL)))
        / 100
    )
    hours = ds.obs("hours", region=NATIONAL).dropna(subset=["category"])
    hours_by_area = hours.set_index("category")["value"].astype(float)
    levels = ds.tables["rfo_support"]["level"].value_counts(normalize=True)
    form_items = [k for k in ingest.NATIONAL_FORM]
    return Priors(
        population=people,
        volunteers_per_person=national(ds, "volunteers") / float(people.sum()),
        female_share=female,
        hours_by_area=hours_by_area / hours_by_area.sum(),
        hours_total=float(hours_by_area.sum()),
        npo=national(ds, "npo"),
        initiative_groups=national(ds, "initiative_groups"),
        development={k: national(ds, k) for k in derive.SUMMED if k.startswith("development")},
        national_form={k: national(ds, *k) for k in form_items},
        support_levels=levels.reindex(contract.SUPPORT_LEVELS).fillna(0.0),
        coverage={b: national(ds, "data_coverage_pct", b) for b in ("low", "high")},
        countries=ds.tables["inquiry_countries"]["country"].astype(str).tolist(),
        dataset=ds,
    )


def around(rng: np.random.Generator, values, spread: float = NOISE) -> np.ndarray:
    """Values times a lognormal factor of the given spread."""
    values = np.asarray(values, dtype=float)
    return values * rng.lognormal(0.0, spread, size=values.shape)


def whole(values) -> np.ndarray:
    """Non-negative whole numbers (at least 1 where the value is positive)."""
    values = np.asarray(values, dtype=float)
    return np.where(values > 0, np.maximum(np.rint(values), 1), 0).astype(np.int64)


def split_count(rng: np.random.Generator, total: int, prior) -> np.ndarray:
    """`total` split into parts around the fractions `prior` (parts add up to total)."""
    prior = np.asarray(prior, dtype=float)
    return rng.multinomial(total, rng.dirichlet(prior / prior.sum() * CONCENTRATION))


def events_log(rng: np.random.Generator, year: int, n_events: int, priors: Priors) -> pd.DataFrame:
    """`n_events` synthetic events: region by population, area by the 2022 hours by area,
    format around an even split, whole hours averaging the 2022 hours per event."""
    codes = priors.population.index.to_numpy()
    weights = around(rng, priors.population.to_numpy())
    counts = rng.multinomial(n_events, weights / weights.sum())
    areas = np.array(contract.CATEGORY_SETS["area"])
    area_prior = priors.hours_by_area.reindex(areas).fillna(0).to_numpy() + 1e-3
    formats = np.array(contract.CATEGORY_SETS["format"])
    region = np.repeat(np.arange(len(codes)), counts)
    area = np.empty(n_events, dtype=np.int8)
    fmt = np.empty(n_events, dtype=np.int8)
    start = 0
    for count in counts:
        stop = start + count
        area[start:stop] = rng.choice(
            len(areas), size=count, p=rng.dirichlet(area_prior * CONCENTRATION)
        )
        fmt[start:stop] = rng.choice(
            len(formats), size=count, p=rng.dirichlet(np.full(3, CONCENTRATION / 3))
        )
        start = stop
    days = (np.datetime64(f"{year + 1}-01-01") - np.datetime64(f"{year}-01-01")).astype(int)
    date = np.datetime64(f"{year}-01-01") + rng.integers(0, days, size=n_events).astype(
        "timedelta64[D]"
    )
    mean_hours = max(priors.hours_total / max(n_events, 1), 1.0)
    frame = pd.DataFrame(
        {
            "region": pd.Categorical.from_codes(region, categories=codes),
            "date": date,
            "area": pd.Categorical.from_codes(area, categories=areas),
            "format": pd.Categorical.from_codes(fmt, categories=formats),
            "volunteers": 1 + rng.poisson(MEAN_VOLUNTEERS_PER_EVENT - 1, size=n_events),
            "hours": 1 + rng.poisson(mean_hours - 1, size=n_events),
        }
    )
    frame = frame.sort_values(["date", "region"], kind="stable").reset_index(drop=True)
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    return frame


def inquiries_log(rng: np.random.Generator, year: int, priors: Priors) -> pd.DataFrame:
    """Inquiries as many as the 2022 ones: region by population, a few from abroad."""
    related_n = int(around(rng, [priors.national_form[("inquiries", "volunteering")]])[0])
    other_n = int(around(rng, [priors.national_form[("inquiries", "other")]])[0])
    n = related_n + other_n
    foreign = rng.random(n) < FOREIGN_SHARE
    weights = priors.population / priors.population.sum()
    region = rng.choice(weights.index.to_numpy(), size=n, p=weights.to_numpy())
    country = rng.choice(np.array(priors.countries or ["Uzbekistan"]), size=n)
    days = (np.datetime64(f"{year + 1}-01-01") - np.datetime64(f"{year}-01-01")).astype(int)
    dates = np.datetime64(f"{year}-01-01") + rng.integers(0, days, size=n).astype("timedelta64[D]")
    nothing = np.full(n, None, dtype=object)  # an empty cell
    related = np.zeros(n, dtype=bool)
    related[rng.permutation(n)[:related_n]] = True
    return (
        pd.DataFrame(
            {
                "date": pd.to_datetime(dates).strftime("%Y-%m-%d"),
                "sex": rng.choice(np.array(contract.CATEGORY_SETS["sex"]), size=n),
                "channel": rng.choice(np.array(INQUIRY_CHANNELS), size=n),
                "topic": rng.choice(np.array(INQUIRY_TOPICS), size=n),
                "region": np.where(foreign, nothing, region),
                "country": np.where(foreign, country, nothing),
                "related_to_volunteering": np.where(related, "true", "false"),
            }
        )
        .sort_values("date", kind="stable")
        .reset_index(drop=True)
    )


def region_returns(rng, priors: Priors, events: pd.DataFrame, label: str):
    """A synthetic return per current region: volunteers and their splits, organizations,
    development activities, RFO support; hours and events from the events log."""
    aggregates = ingest.aggregate_events(events)
    logged = aggregates.set_index(["region", "indicator", "category"])["value"]
    people = priors.population
    volunteers = whole(around(rng, people * priors.volunteers_per_person))
    shares_npo = around(rng, people / people.sum())
    npo = whole(shares_npo / shares_npo.sum() * priors.npo)
    groups = whole(around(rng, people / people.sum() * priors.initiative_groups))
    development = {
        k: whole(around(rng, people / people.sum() * v)) for k, v in priors.development.items()
    }
    levels = rng.choice(
        np.array(contract.SUPPORT_LEVELS),
        size=len(people),
        p=priors.support_levels / priors.support_levels.sum(),
    )
    returns = []
    sets = contract.CATEGORY_SETS
    for i, code in enumerate(people.index):
        ret = ingest.FormReturn(code=code, file=label)
        total = int(volunteers[i])
        figures: dict[tuple[str, str], float] = {("volunteers", ""): total}
        female = rng.binomial(total, priors.female_share[code])
        figures |= {
            ("volunteers_by_sex", "female"): female,
            ("volunteers_by_sex", "male"): total - female,
        }
        for indicator, set_name in (
            ("volunteers_by_age", "age_band"),
            ("volunteers_by_employment", "employment"),
            ("volunteers_by_cohort", "cohort"),
        ):
            parts = split_count(rng, total, np.ones(len(sets[set_name])))
            figures |= {(indicator, c): int(p) for c, p in zip(sets[set_name], parts, strict=True)}
        figures |= {("npo", ""): int(npo[i]), ("initiative_groups", ""): int(groups[i])}
        figures |= {(k, ""): int(v[i]) for k, v in development.items()}
        for indicator, set_name in (
            ("hours", "area"),
            ("events", "area"),
            ("hours_by_format", "format"),
            ("events_by_format", "format"),
        ):
            for category in sets[set_name]:
                figures[(indicator, category)] = float(logged.get((code, indicator, category), 0.0))
        ret.figures = {key: ingest.Figure(value, "exact", label) for key, value in figures.items()}
        ret.level = str(levels[i])
        returns.append(ret)
    return returns


def national_return(rng, priors: Priors, total_volunteers: int, label: str) -> ingest.FormReturn:
    """The national front office's synthetic figures around the 2022 ones."""
    ret = ingest.FormReturn(code=NATIONAL, file=label)
    ratio = {  # the estimates keep their 2022 ratio to the recorded count
        k: priors.national_form[(k, "")] / national(priors.dataset, "volunteers")
        for k in ("volunteers_estimate", "volunteers_systematic")
    }
    for (indicator, category), value in priors.national_form.items():
        if indicator in ratio:
            value = total_volunteers * ratio[indicator]
        number = float(whole(around(rng, [value]))[0])
        qualifier = "at_least" if indicator == "volunteers_estimate" else "exact"
        ret.figures[(indicator, category)] = ingest.Figure(number, qualifier, label)
    return ret


def previous_observations(rng, year: int, returns, label: str) -> pd.DataFrame:
    """Synthetic comparison figures of the year before: national and regional volunteers,
    national NPOs and initiative groups."""
    rows = []
    for indicator in ("volunteers", "npo", "initiative_groups"):
        values = whole(around(rng, [r.value(indicator) for r in returns]))
        regional = indicator == "volunteers"
        for ret, value in zip(returns, values, strict=True):
            if regional:
                rows.append((indicator, ret.code, value))
        rows.append((indicator, NATIONAL, int(values.sum())))
    frame = pd.DataFrame(rows, columns=["indicator", "region", "value"])
    return frame.assign(
        year=year - 1, category=pd.NA, qualifier="exact", status="reported", source=label
    )


def previous_vintage_observations(folder: Path | str | None) -> pd.DataFrame | None:
    """The observations of an earlier vintage in `folder` (synthetic or not), read as
    `volreport ingest` reads its previous vintage; None when there is none."""
    from volreport.data.dataset import read_csv

    if folder is None or not (Path(folder) / "observations.csv").is_file():
        return None
    return read_csv(Path(folder) / "observations.csv")


def official_tables(rng, year: int, priors: Priors, label: str) -> dict[str, pd.DataFrame]:
    """Synthetic population (1 January of the year and the next; the country's derived as
    the sum of the regions, `derive.population_derivations`) and wages, around 2022."""
    ds = priors.dataset
    columns = contract.column_names(contract.POPULATION)
    rows = []
    for date in (f"{year}-01-01", f"{year + 1}-01-01"):
        people = whole(around(rng, priors.population, 0.01))
        regional = [
            (code, "current", date, int(v), "reported", label, "")
            for code, v in zip(priors.population.index, people, strict=True)
        ]
        rows += regional
        rows += [
            (NATIONAL, "current", date, int(item.value), "derived", label, "sum of the regions")
            for item in derive.population_derivations(
                pd.DataFrame(regional, columns=columns), ds.reference["region_mapping"]
            )
            if item.key["region"] == NATIONAL and item.value is not None
        ]
    population = pd.DataFrame(rows, columns=columns)
    wages = ds.tables["wages"]
    wages = wages[wages["boundaries"] == "current"]
    occupations = ds.tables["wages_by_occupation"]
    return {
        "population": population,
        "wages": wages.assign(
            wage_kzt=whole(around(rng, wages["wage_kzt"], 0.05)),
            status="reported",
            source=label,
            note="",
        ),
        "wages_by_occupation": occupations.assign(
            wage_kzt=whole(around(rng, occupations["wage_kzt"], 0.05)),
            status="reported",
            source=label,
            note="",
        ),
    }


def synthetic_params(priors: Priors, label: str) -> dict:
    """The prior vintage's method parameters, relabelled synthetic. Their notes (and the
    notes' translations, note_ru...) are left out: they speak of the prior vintage's
    sources, not of this one."""
    notes = (
        "note",
        *(contract.translation_column("note", lang) for lang in contract.TEXT_LANGUAGES),
    )
    return {
        name: {**{k: v for k, v in entry.items() if k not in notes}, "source": label}
        if isinstance(entry, dict)
        else entry
        for name, entry in priors.dataset.params.items()
    }


def record_tables(rng, national_ret, label: str) -> dict[str, pd.DataFrame]:
    """Synthetic grant projects (within the grant totals), unrecorded initiatives, forum
    resolutions, recommendations and grantees' feedback, with placeholder text."""
    areas = contract.CATEGORY_SETS["area"][1:6]
    share = rng.dirichlet(np.ones(len(areas))) * 0.9  # the projects keep under the totals
    totals = {k: national_ret.value(f"grant_{k}_total") for k in ("hours", "volunteers", "events")}
    grants = pd.DataFrame(
        {
            "id": [f"synthetic_{a}" for a in areas],
            "area": list(areas),
            "project": [f"Synthetic grant project {i + 1}" for i in range(len(areas))],
            "operator": "Synthetic operator",
            "hours": np.floor(share * totals["hours"]).astype(int),
            "hours_qualifier": "exact",
            "volunteers": np.floor(share * totals["volunteers"]).astype(int),
            "events": np.floor(share * totals["events"]).astype(int),
            "cooperation": "synthetic",
            "status": "reported",
            "source": label,
            "note": "",
        }
    )
    initiatives = pd.DataFrame(
        {
            "id": ["synthetic_a", "synthetic_b"],
            "name": ["Synthetic initiative A", "Synthetic initiative B"],
            "organization": "Synthetic organization",
            "volunteers": rng.integers(50, 1000, size=2),
            "volunteers_qualifier": "exact",
            "hours": rng.integers(1000, 20000, size=2),
            "hours_qualifier": "exact",
            "hours_already_in_rfo": [0, 0],
            "status": "reported",
            "source": label,
            "note": "",
        }
    )
    texts = [f"Synthetic text {i}" for i in range(1, 4)]
    return {
        "grant_projects": grants,
        "unrecorded_initiatives": initiatives,
        "resolutions": pd.DataFrame(
            {
                "number": [1, 2, 3],
                "forum": "Synthetic forum",
                "resolution": texts,
                "response": ["Synthetic response", "", ""],
                "source": label,
            }
        ),
        "recommendations": pd.DataFrame(
            {"section": "outlook", "number": [1, 2, 3], "text": texts, "source": label}
        ),
        "grantee_feedback": pd.DataFrame(
            {
                "kind": list(contract.FEEDBACK_KINDS),
                "number": 1,
                "text": [f"Synthetic statement ({k})" for k in contract.FEEDBACK_KINDS],
                "source": label,
            }
        ),
    }


def report_level_rows(year: int, vintage: ingest.Vintage, tables, params, priors) -> pd.DataFrame:
    """Fill the figures no form collects: the prior vintage's coverage estimate, unchanged
    (a synthetic input, like the returns), then the unrecorded hours added and the economic
    value as derived by the rules of `volreport.data.derive` (`REPORT_LEVEL_RULES`: the method of
    chapter 5), each row's note giving its formula."""
    frame = vintage.observations.copy()

    def fill(indicator: str, category: str, value, status: str, note: str, qualifier: str):
        mask = (
            (frame["indicator"] == indicator)
            & (frame["region"] == NATIONAL)
            & (frame["category"] == category)
        )
        frame.loc[mask, ["value", "qualifier", "status", "note"]] = [
            ingest.format_number(value),
            qualifier,
            status,
            note,
        ]

    for bound in ("low", "high"):
        note = "synthetic: the expert estimate of the prior vintage, unchanged"
        fill("data_coverage_pct", bound, priors.coverage[bound], "reported", note, "exact")
    inputs = derive.Inputs(
        year,
        derive.Observations.from_frame(year, vintage.observations),
        tables=dict(tables),
        params=dict(params),
    )
    for item in derive.apply(derive.REPORT_LEVEL_RULES, inputs):
        key = item.key
        status = "derived" if item.value is not None else "missing"
        note = f"synthetic: {item.note}"
        fill(key["indicator"], key["category"], item.value, status, note, item.qualifier or "")
    return frame


def synthesize(
    year: int,
    seed: int,
    n_events: int = DEFAULT_EVENTS,
    *,
    prior_dir: Path | str | None = None,
    previous_dir: Path | str | None = None,
) -> ingest.Vintage:
    """The synthetic vintage in memory (observations, tables, logs, params).

    The year before's figures (national counts, regional changes) come from the vintage in
    `previous_dir` when it holds one, as `volreport ingest` takes them, so consecutive
    synthetic years agree; otherwise they are invented around this year's. The draws of
    this year's own figures are the same either way (same seed, same year).
    """
    rng = np.random.default_rng(seed)
    label = source_label(seed)
    reference = load_reference()
    priors = read_priors(prior_dir)
    events = events_log(rng, year, n_events, priors)
    inquiries = inquiries_log(rng, year, priors)
    returns = region_returns(rng, priors, events, label)
    total = sum(int(r.value("volunteers")) for r in returns)
    national_ret = national_return(rng, priors, total, label)
    official = official_tables(rng, year, priors, label)
    params = synthetic_params(priors, label)
    records = record_tables(rng, national_ret, label)
    sources = provenance.synthetic_sources(seed)
    previous = previous_vintage_observations(previous_dir)
    origin = None  # data/<year-1>/observations.csv
    if previous is None:  # drawn last, so this year's figures do not depend on it
        previous = previous_observations(rng, year, returns, label)
        origin = "the synthetic figures drawn for the year before (no vintage of it)"
    vintage = ingest.assemble(
        year,
        [*returns, national_ret],
        reference,
        sources,
        inquiries=ingest.aggregate_inquiries(inquiries.astype(object).where(inquiries.notna())),
        population=official["population"],
        previous=previous,
        previous_origin=origin,
    )
    tables = {**vintage.tables, **records, **official}
    vintage.observations = report_level_rows(year, vintage, tables, params, priors)
    vintage.tables = tables
    vintage.logs = {"events.csv": events, "inquiries.csv": inquiries}
    vintage.params = params
    return vintage


def synth(
    year: int,
    seed: int,
    n_events: int = DEFAULT_EVENTS,
    *,
    data_dir: Path | str | None = None,
    force: bool = False,
    report_dir: Path | str | None = None,
    prior_dir: Path | str | None = None,
) -> tuple[Path, Path | None]:
    """Write the synthetic vintage (validated), with its sources in every language
    (sources.csv), and the editorial template for the year.

    An earlier vintage next to the target (`<data-dir parent>/<year-1>/`, by default
    data/<year-1>/) gives the year before's figures, as for `volreport ingest`. The
    template goes to <report_dir>/<year>/, by default to the report/ folder beside the data
    (`writer.report_root`: report/ for data/<year>, X/report/ for X/data/<year> or X/<year>).
    """
    target = paths.year_data_dir(year, data_dir)
    vintage = synthesize(
        year, seed, n_events, prior_dir=prior_dir, previous_dir=target.parent / str(year - 1)
    )
    declared = [{"title": source_label(seed), "path": "src/volreport/intake/synth.py"}]
    found = provenance.vintage_sources(
        [vintage.observations, *vintage.tables.values()], vintage.params, [], declared
    )
    translated, _ = readers.previous_translations(target.parent / str(year - 1))
    translations = {**translated, **provenance.synthetic_sources(seed).translations}
    vintage.tables["sources"], _ = provenance.sources_table(found, translations)
    folder = ingest.write_vintage(
        year, vintage, data_dir=data_dir, force=force, synthetic=True, sources=declared
    )
    return folder, ingest.copy_template(year, report_dir, data_dir=data_dir)
