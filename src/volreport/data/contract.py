"""The data contract of data/README.md as code: Frictionless Table Schemas of every table.

`YEAR_RESOURCES` describes the files of a vintage (`data/<year>/`), `REFERENCE_RESOURCES`
the shared tables of `data/reference/`. `write_descriptor` writes a vintage's
`datapackage.json` from them; `volreport.data.validate` checks the files against them.
Fields may carry a custom `unit` (the unit of every value in that column).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

STATUSES = ("reported", "derived", "missing")
QUALIFIERS = ("exact", "at_least", "at_most", "approx")
BANDS = ("over_25", "5_to_25", "under_5")
SUPPORT_LEVELS = ("regular", "references", "one_time", "none")
FEEDBACK_KINDS = ("difficulty", "positive", "recommendation", "supporter")
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): returned
# forms may not hold one, and published CSV files write such text with a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
REGION_KINDS = ("country", "city", "region")
CATEGORY_SETS = {
    "sex": ("female", "male"),
    "age_band": ("under_18", "18_29", "30_retirement", "retired"),
    "employment": ("school", "student", "neet", "employed", "unemployed"),
    "org_type": ("npo", "initiative_group"),
    "area": (
        "umit",
        "qamqor",
        "taza_alem",
        "ayala",
        "sabaqtastyq",
        "saylyq",
        "bilim",
        "asyl_mura",
        "media",
        "culture_art",
        "other_social",
    ),
    "format": ("auto", "online", "offline"),
    "cohort": ("child", "inclusive", "corporate", "international", "silver", "pro_bono", "general"),
    "inquiry_topic": ("volunteering", "other"),
    "coverage_bound": ("low", "high"),
}
UNITS = ("persons", "percent", "organizations", "groups", "hours", "events", "KZT", "inquiries")
REGION_PATTERN = r"KZ(-[0-9]{2})?"
BOUNDARIES = ("current", "reporting_2022")
# Files a vintage folder may hold besides its resources.
ALLOWED_EXTRA_FILES = ("datapackage.json", "README.md", "params.yml", "edition.yml")
ALLOWED_EXTRA_DIRS = ("logs",)
# Record logs a vintage may keep in logs/ (written by volreport ingest and synth).
LOG_COLUMNS = {
    "events.csv": ["region", "date", "area", "format", "volunteers", "hours"],
    "inquiries.csv": [
        "date",
        "sex",
        "channel",
        "topic",
        "region",
        "country",
        "related_to_volunteering",
    ],
}

# --- limits ------------------------------------------------------------------------------
# Checked before a file is parsed: a file beyond one is refused whole, with one message
# naming the limit, and nothing else of the vintage is read. Each is far above what a
# real vintage holds (data/2022: 863 observations, 30 KB; a synthetic year of 20 units:
# 2,200 observations, 300 KB; the longest text cell: 1,600 characters).
MAX_TABLE_BYTES = 20 * 1024**2  # a table of data/<year>/ or data/reference/, params.yml
MAX_TABLE_ROWS = {"observations": 200_000}  # rows below the header, by resource
DEFAULT_MAX_TABLE_ROWS = 20_000  # every other table
MAX_CELL_CHARS = 5_000  # characters in one cell of any table or log
MAX_LOG_BYTES = 1024**3  # a record log in logs/: a million events is ~60 MB
MAX_DESCRIPTOR_BYTES = 1024**2  # datapackage.json (data/2022: 30 KB)
MAX_JSON_DEPTH = 20  # nesting of objects and arrays in datapackage.json (data/2022: 7)
MAX_YAML_BYTES = 1024**2  # params.yml, edition.yml
MAX_WORKBOOK_BYTES = 20 * 1024**2  # a returned form (~20 KB filled in)
MAX_UNZIPPED_BYTES = 100 * 1024**2  # what a returned form may unpack to (zip bombs)
MAX_SYNTH_EVENTS = 5_000_000  # events volreport synth writes to logs/events.csv at most

# --- plausible values ----------------------------------------------------------------------
# A number outside its plausible range is a typing, unit or export error, never a fact:
# validate, ingest and synth refuse it with its file, row and column. Non-finite numbers
# (inf, Infinity, NaN, 1e400) are refused everywhere. Ranges are by unit (the `unit` of
# a column, or of an observation's row); the bounds are inclusive.
PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "persons": (0, 1e9),  # volunteers, population: the country has 20 million people
    "organizations": (0, 1e9),
    "groups": (0, 1e9),
    "events": (0, 1e9),
    "inquiries": (0, 1e9),
    "hours": (0, 1e11),  # 1e9 persons x 100 hours
    "KZT": (0, 1e15),  # economic values (data/2022: 2.6e9)
    "percent": (0, 100),  # a share; changes (CHANGE_RANGE) are the exception
}
CHANGE_SUFFIX = "_change_pct"  # percent changes: may be negative or exceed 100
CHANGE_RANGE = (-100.0, 1e7)  # a count cannot fall by more than 100%
# Columns whose plausible range is narrower than their unit's: (resource, column) -> range.
COLUMN_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("wages", "wage_kzt"): (0, 1e8),  # average monthly wage (2022: 309,697 KZT)
    ("wages_by_occupation", "wage_kzt"): (0, 1e8),
    ("inquiry_countries", "order"): (1, 1e6),
    ("resolutions", "number"): (1, 1e6),
    ("recommendations", "number"): (1, 1e6),
    ("grantee_feedback", "number"): (1, 1e6),
    ("observations", "year"): (2000, 9999),
}
# params.yml: the entries the build needs, each a number in its range (more than the
# lower bound, at most the upper), as `name: {value: v, ...}` or `name: v`.
REQUIRED_PARAMS: dict[str, tuple[float, float, str]] = {
    "monthly_hours_norm": (0, 744, "hours"),  # 31 days x 24 hours
    "annual_hours_norm": (0, 8784, "hours"),  # 366 days x 24 hours
}
OPTIONAL_PARAMS: dict[str, tuple[float, float, str]] = {
    "working_days": (0, 366, "days"),
    "hours_per_day": (0, 24, "hours"),
}
# `default_wage` (optional) names a row of a wage table: {table, region, boundaries}.
WAGE_TABLES = ("wages", "wages_by_occupation")

# --- what a build needs -------------------------------------------------------------------
# `volreport validate` checks these besides the rules of each table, so that a valid
# vintage is one the chapters can be built from.
BUILD_RESOURCES = (
    "observations",
    "grant_projects",
    "grantee_feedback",
    "area_representation",
    "rfo_support",
    "inquiry_countries",
    "population",
    "wages",
    "wages_by_occupation",
)
# National rows of the vintage's year the chapters and the appendix read, as
# (indicator, category): each must be in observations.csv exactly once (its value may be
# a gap, status missing).
BUILD_OBSERVATIONS = (
    ("volunteers", ""),
    ("volunteers_estimate", ""),
    ("volunteers_systematic", ""),
    ("persons_per_volunteer", ""),
    ("volunteers_share_of_population", ""),
    ("volunteers_share_by_sex", "female"),
    ("volunteers_share_by_sex", "male"),
    ("npo", ""),
    ("initiative_groups", ""),
    ("hours", ""),
    ("grant_hours_total", ""),
    ("grant_volunteers_total", ""),
    ("grant_events_total", ""),
    ("economic_value_kzt", ""),
    ("economic_value_kzt_sector_low", ""),
    ("economic_value_kzt_sector_high", ""),
    ("fte_equivalent", ""),
    ("unrecorded_hours_added", ""),
    ("unrecorded_hours_added_pct", ""),
    ("data_coverage_pct", "low"),
    ("data_coverage_pct", "high"),
    ("inquiries", "volunteering"),
    ("inquiries", "other"),
)
DEFAULT_SOURCES = (
    {
        "title": "Analytical report on the state of volunteering in Kazakhstan (National "
        "Volunteer Network)",
        "path": "sources/analytical-report-volunteering-kz-{year}.txt",
    },
    {
        "title": "Bureau of National Statistics of the Republic of Kazakhstan (stat.gov.kz)",
        "path": "https://stat.gov.kz",
    },
)


def field(
    name: str,
    type_: str,
    description: str,
    *,
    required: bool = False,
    unit: str | None = None,
    enum: Iterable[str] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    pattern: str | None = None,
) -> dict:
    """A Frictionless field descriptor; only the constraints that are given are written."""
    constraints: dict = {}
    if required:
        constraints["required"] = True
    if enum is not None:
        constraints["enum"] = list(enum)
    if minimum is not None:
        constraints["minimum"] = minimum
    if maximum is not None:
        constraints["maximum"] = maximum
    if pattern is not None:
        constraints["pattern"] = pattern
    descriptor = {"name": name, "type": type_, "description": description}
    if constraints:
        descriptor["constraints"] = constraints
    if unit is not None:
        descriptor["unit"] = unit
    return descriptor


def region_field(name: str = "region", description: str | None = None) -> dict:
    """A region code column: ISO 3166-2:KZ code from data/reference/regions.csv, or KZ."""
    text = description or "ISO 3166-2:KZ code from data/reference/regions.csv; KZ for the country"
    return field(name, "string", text, required=True, pattern=REGION_PATTERN)


def status_field(description: str = "reported, derived (method documented) or missing") -> dict:
    """The provenance status of a row."""
    return field("status", "string", description, required=True, enum=STATUSES)


def qualifier_field(name: str = "qualifier", of: str = "value") -> dict:
    """How the source words a number: exact (also when empty), at least, at most, about."""
    text = f"how the source words {of}: exact (default when empty), at_least, at_most, approx"
    return field(name, "string", text, enum=QUALIFIERS)


def source_field() -> dict:
    """Where the row comes from."""
    text = "Report <year>, §<section>[, table|text|chart] or an official source"
    return field("source", "string", text, required=True)


def note_field() -> dict:
    """Free-text remark on the row."""
    return field("note", "string", "remark on the row (wording, caveats, derivation)")


def count_field(name: str, unit: str, description: str, *, required: bool = False) -> dict:
    """A non-negative whole number (persons, events, organizations)."""
    return field(name, "integer", description, required=required, unit=unit, minimum=0)


def amount_field(name: str, unit: str, description: str, *, required: bool = False) -> dict:
    """A non-negative number (hours, tenge)."""
    return field(name, "number", description, required=required, unit=unit, minimum=0)


def text_field(name: str, description: str, *, required: bool = False) -> dict:
    """A free-text column."""
    return field(name, "string", description, required=required)


def boundaries_field() -> dict:
    """Which territory a region code means: the codes of the three split regions name both."""
    text = (
        "current: the 20 units since June 2022 (and KZ); reporting_2022: the pre-split "
        "Almaty region, East Kazakhstan and Karagandy as the network reported them in 2022"
    )
    return field("boundaries", "string", text, required=True, enum=BOUNDARIES)


def schema(fields: list[dict], primary_key: list[str]) -> dict:
    """A Table Schema: fields, primary key, and the empty cell as the only missing value."""
    return {"fields": fields, "primaryKey": primary_key, "missingValues": [""]}


OBSERVATIONS = schema(
    [
        field(
            "indicator",
            "string",
            "indicator id from data/reference/indicators.csv",
            required=True,
            pattern=r"[a-z0-9_]+",
        ),
        field(
            "year",
            "integer",
            "reference year of the value (comparison figures carry their own year)",
            required=True,
            minimum=2000,
        ),
        region_field(),
        field(
            "category",
            "string",
            "id from the indicator's category set (data/reference/indicators.csv); "
            "empty for a total",
        ),
        field(
            "value",
            "number",
            "the value as published or derived; empty exactly when status is missing",
        ),
        qualifier_field(),
        field(
            "unit",
            "string",
            "unit of value, as in data/reference/indicators.csv",
            required=True,
            enum=UNITS,
        ),
        status_field(),
        source_field(),
        note_field(),
    ],
    ["indicator", "year", "region", "category"],
)

GRANT_PROJECTS = schema(
    [
        text_field("id", "short id of the project", required=True),
        field(
            "area",
            "string",
            "area id from data/reference/areas.csv (empty for a programme outside the areas)",
        ),
        text_field("project", "project name as published", required=True),
        text_field("operator", "organization implementing the project"),
        amount_field("hours", "hours", "volunteer hours of the project"),
        qualifier_field("hours_qualifier", "hours"),
        count_field("volunteers", "persons", "volunteers involved"),
        count_field("events", "events", "events held"),
        text_field("cooperation", "how the project cooperates with the network (as published)"),
        status_field(),
        source_field(),
        note_field(),
    ],
    ["id"],
)

UNRECORDED_INITIATIVES = schema(
    [
        text_field("id", "short id of the initiative", required=True),
        text_field("name", "initiative or programme as published", required=True),
        text_field("organization", "organization running it"),
        count_field("volunteers", "persons", "volunteers involved"),
        qualifier_field("volunteers_qualifier", "volunteers"),
        amount_field("hours", "hours", "volunteer hours"),
        qualifier_field("hours_qualifier", "hours"),
        amount_field(
            "hours_already_in_rfo",
            "hours",
            "part of hours already counted in the regional front offices' figures",
        ),
        status_field(),
        source_field(),
        note_field(),
    ],
    ["id"],
)

AREA_REPRESENTATION = schema(
    [
        region_field(),
        field("area", "string", "area id from data/reference/areas.csv", required=True),
        field(
            "band",
            "string",
            "share of the area in the region's events: over_25 (more than 25%), "
            "5_to_25, under_5 (less than 5%)",
            required=True,
            enum=BANDS,
        ),
        source_field(),
        note_field(),
    ],
    ["region", "area"],
)

RFO_SUPPORT = schema(
    [
        region_field(),
        field(
            "level",
            "string",
            "how often the regional front office's support is mentioned: regular, "
            "references, one_time, none",
            required=True,
            enum=SUPPORT_LEVELS,
        ),
        source_field(),
        note_field(),
    ],
    ["region"],
)

INQUIRY_COUNTRIES = schema(
    [
        text_field("country", "foreign country that sent inquiries, English name", required=True),
        field("order", "integer", "position in the source's list", minimum=1),
        source_field(),
    ],
    ["country"],
)

RESOLUTIONS = schema(
    [
        field("number", "integer", "resolution number as published", required=True, minimum=1),
        text_field("forum", "forum that adopted it (CAVF, CACSF, FCAE, ...)"),
        text_field("resolution", "text of the resolution", required=True),
        text_field("response", "the network's response or work done (empty when none given)"),
        source_field(),
    ],
    ["number"],
)

RECOMMENDATIONS = schema(
    [
        text_field(
            "section",
            "id of the list the recommendation belongs to (for example outlook, regions, "
            "unrealized, open_questions)",
            required=True,
        ),
        field("number", "integer", "position in the list", required=True, minimum=1),
        text_field("text", "the recommendation", required=True),
        source_field(),
    ],
    ["section", "number"],
)

GRANTEE_FEEDBACK = schema(
    [
        field(
            "kind",
            "string",
            "difficulty, positive (aspect of cooperation) or recommendation",
            required=True,
            enum=FEEDBACK_KINDS,
        ),
        field("number", "integer", "position in the list", required=True, minimum=1),
        text_field("text", "the grantees' statement", required=True),
        source_field(),
    ],
    ["kind", "number"],
)

POPULATION = schema(
    [
        region_field(),
        boundaries_field(),
        field("date", "date", "date of the count (YYYY-MM-DD), usually 1 January", required=True),
        count_field("population", "persons", "resident population", required=True),
        field(
            "status",
            "string",
            "reported (official) or derived (for example pre-split totals summed from parts)",
            required=True,
            enum=("reported", "derived"),
        ),
        source_field(),
        note_field(),
    ],
    ["region", "boundaries", "date"],
)

WAGES = schema(
    [
        region_field(),
        boundaries_field(),
        amount_field("wage_kzt", "KZT", "average monthly nominal wage", required=True),
        field(
            "status",
            "string",
            "reported (official) or derived (for example a weighted mean of the parts of a "
            "pre-split region)",
            required=True,
            enum=("reported", "derived"),
        ),
        source_field(),
        note_field(),
    ],
    ["region", "boundaries"],
)

WAGES_BY_OCCUPATION = schema(
    [
        text_field("occupation", "occupation group or economic activity, English", required=True),
        amount_field("wage_kzt", "KZT", "average monthly nominal wage", required=True),
        field(
            "status",
            "string",
            "reported (official) or derived",
            required=True,
            enum=("reported", "derived"),
        ),
        source_field(),
        note_field(),
    ],
    ["occupation"],
)

YEAR_RESOURCES: dict[str, tuple[str, dict]] = {
    "observations": ("Every number of the report, long format", OBSERVATIONS),
    "grant_projects": ("Birgemiz grant projects", GRANT_PROJECTS),
    "unrecorded_initiatives": (
        "Initiatives outside the regional front offices' figures",
        UNRECORDED_INITIATIVES,
    ),
    "area_representation": ("Share band of each area in each region's events", AREA_REPRESENTATION),
    "rfo_support": ("Support of the regional front offices by region", RFO_SUPPORT),
    "inquiry_countries": ("Foreign countries that sent inquiries", INQUIRY_COUNTRIES),
    "resolutions": ("Forum resolutions and the network's responses", RESOLUTIONS),
    "recommendations": ("Recommendations for next year", RECOMMENDATIONS),
    "grantee_feedback": ("Grantees' difficulties, positives and recommendations", GRANTEE_FEEDBACK),
    "population": ("Official population by region", POPULATION),
    "wages": ("Official average monthly nominal wage by region", WAGES),
    "wages_by_occupation": (
        "Official average monthly nominal wage by occupation group",
        WAGES_BY_OCCUPATION,
    ),
}

REFERENCE_RESOURCES: dict[str, tuple[str, dict]] = {
    "regions": (
        "Regions of Kazakhstan (ISO 3166-2:KZ) and the country",
        schema(
            [
                field(
                    "code",
                    "string",
                    "ISO 3166-2:KZ code; KZ for the country",
                    required=True,
                    pattern=REGION_PATTERN,
                ),
                text_field("name_en", "official English name", required=True),
                text_field(
                    "short_name_en",
                    "name as people write it (Astana, Akmola region)",
                    required=True,
                ),
                text_field("name_ru", "Russian name"),
                text_field("name_kk", "Kazakh name"),
                field(
                    "kind", "string", "country, city or region", required=True, enum=REGION_KINDS
                ),
                field(
                    "reporting_2022",
                    "boolean",
                    "one of the 17 units reporting in 2022",
                    required=True,
                ),
                field("current", "boolean", "one of the 20 units since June 2022", required=True),
                source_field(),
            ],
            ["code"],
        ),
    ),
    "region_mapping": (
        "Current regions to the 2022 reporting units",
        schema(
            [
                region_field("current_code", "code of a current unit (regions.csv)"),
                region_field(
                    "reporting_code_2022", "code of the 2022 reporting unit containing it"
                ),
                note_field(),
            ],
            ["current_code"],
        ),
    ),
    "areas": (
        "Areas of volunteering",
        schema(
            [
                field(
                    "id",
                    "string",
                    "area id",
                    required=True,
                    enum=CATEGORY_SETS["area"],
                ),
                text_field("name_en", "English name", required=True),
                text_field("programme", "Birgemiz programme name, empty when none"),
                text_field("description", "what the area covers"),
                field("order", "integer", "display order", required=True, minimum=1),
            ],
            ["id"],
        ),
    ),
    "cohorts": (
        "Cohorts of volunteers",
        schema(
            [
                field("id", "string", "cohort id", required=True, enum=CATEGORY_SETS["cohort"]),
                text_field("name_en", "English name", required=True),
                text_field("definition", "definition as in the report"),
                field("order", "integer", "display order", required=True, minimum=1),
            ],
            ["id"],
        ),
    ),
    "event_formats": (
        "Formats of events",
        schema(
            [
                field("id", "string", "format id", required=True, enum=CATEGORY_SETS["format"]),
                text_field("name_en", "English name", required=True),
                text_field("definition", "definition as in the report"),
            ],
            ["id"],
        ),
    ),
    "indicators": (
        "Catalogue of indicator ids used in observations.csv",
        schema(
            [
                field("id", "string", "indicator id", required=True, pattern=r"[a-z0-9_]+"),
                text_field("label", "short English label", required=True),
                field("unit", "string", "unit of the values", required=True, enum=UNITS),
                field(
                    "category_set",
                    "string",
                    "which list observations' category comes from; empty for none",
                    enum=tuple(CATEGORY_SETS),
                ),
                text_field("description", "what the indicator measures"),
            ],
            ["id"],
        ),
    ),
}


def resource_descriptor(name: str, description: str, table_schema: dict) -> dict:
    """A tabular resource: a UTF-8, comma-separated CSV with one header row."""
    return {
        "name": name,
        "path": f"{name}.csv",
        "type": "table",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"header": True, "csv": {"delimiter": ",", "lineTerminator": "\n"}},
        "description": description,
        "schema": table_schema,
    }


def year_descriptor(
    year: int,
    *,
    synthetic: bool = False,
    sources: Iterable[dict] | None = None,
    licenses: Iterable[dict] | None = None,
    resources: Iterable[str] | None = None,
) -> dict:
    """The datapackage.json of a vintage as a dict.

    `resources` selects a subset of YEAR_RESOURCES (a synthetic vintage may hold fewer
    tables); observations are always included. Sources default to the report and the
    statistics bureau; licenses are written only when given (never guessed).
    """
    names = list(YEAR_RESOURCES) if resources is None else list(resources)
    unknown = sorted(set(names) - set(YEAR_RESOURCES))
    if unknown:
        raise ValueError(f"unknown resources {unknown}; known: {sorted(YEAR_RESOURCES)}")
    if "observations" not in names:
        names.insert(0, "observations")
    chosen_sources = (
        [
            {key: text.format(year=year) for key, text in source.items()}
            for source in DEFAULT_SOURCES
        ]
        if sources is None
        else list(sources)
    )
    title = f"State of volunteering in Kazakhstan, {year}"
    descriptor = {
        "name": f"volreport-{year}{'-synthetic' if synthetic else ''}",
        "title": f"{title} (SYNTHETIC)" if synthetic else title,
        "year": year,
        "synthetic": synthetic,
        "sources": chosen_sources,
        "resources": [
            resource_descriptor(name, *YEAR_RESOURCES[name])
            for name in YEAR_RESOURCES
            if name in names
        ],
    }
    if licenses is not None:
        descriptor["licenses"] = list(licenses)
    return descriptor


def reference_descriptor() -> dict:
    """The descriptor of data/reference/ (not written to disk; validate uses it)."""
    return {
        "name": "volreport-reference",
        "title": "Reference tables shared by all vintages",
        "resources": [
            resource_descriptor(name, *spec) for name, spec in REFERENCE_RESOURCES.items()
        ],
    }


def dumps(descriptor: dict) -> str:
    """Deterministic JSON: sorted keys, indent 2, UTF-8 text kept readable, final newline."""
    return json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_descriptor(
    folder: Path | str,
    year: int,
    synthetic: bool = False,
    sources: Iterable[dict] | None = None,
    licenses: Iterable[dict] | None = None,
    resources: Iterable[str] | None = None,
) -> Path:
    """Write `<folder>/datapackage.json` for a vintage; re-running it changes nothing."""
    path = Path(folder) / "datapackage.json"
    text = dumps(
        year_descriptor(
            year, synthetic=synthetic, sources=sources, licenses=licenses, resources=resources
        )
    )
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def column_names(table_schema: dict) -> list[str]:
    """The header a table must have, in order."""
    return [f["name"] for f in table_schema["fields"]]


def max_rows(resource: str) -> int:
    """The most rows (below the header) a table of `resource` may have."""
    return MAX_TABLE_ROWS.get(resource, DEFAULT_MAX_TABLE_ROWS)


def plausible_range(unit: str | None, *, resource: str = "", column: str = "", indicator: str = ""):
    """(lowest, highest) plausible value of a number, or None when no range is declared.

    A column's own range (COLUMN_RANGES) comes first, then a percent change's, then the
    unit's (PLAUSIBLE_RANGES).
    """
    if (resource, column) in COLUMN_RANGES:
        return COLUMN_RANGES[(resource, column)]
    if unit == "percent" and indicator.endswith(CHANGE_SUFFIX):
        return CHANGE_RANGE
    return PLAUSIBLE_RANGES.get(unit or "")
