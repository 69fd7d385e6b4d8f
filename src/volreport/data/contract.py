"""The data contract of data/README.md as code: Frictionless Table Schemas of every table.

`YEAR_RESOURCES` describes the files of a vintage (`data/<year>/`), `REFERENCE_RESOURCES`
the shared tables of `data/reference/`. `write_descriptor` writes a vintage's
`datapackage.json` from them; `volreport.data.validate` checks the files against them.
Fields may carry a custom `unit` (the unit of every value in that column).

English is the language of the data. A text column a reader sees (`TRANSLATED_COLUMNS`)
may have a translation column per other language of the report (`TEXT_LANGUAGES`), named
by `translation_column` (`resolution` -> `resolution_ru`, `name_en` -> `name_ru`) and
placed right after its English column. Translation columns are optional (ingest and synth
write none); `with_translations` gives a schema with those a file has.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from volreport.core import i18n

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
# --- languages of the stored texts -------------------------------------------------------
# The languages a text column may be translated into: every language of the report but
# English, the language the data are written in.
TEXT_LANGUAGES = tuple(lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE)
LANGUAGE_NAMES = {"ru": "Russian", "kk": "Kazakh"}  # in the descriptions of the columns
# The English text columns readers see, by resource: each may have a translation column
# per language of TEXT_LANGUAGES. A translation column, when a table has it, holds text
# wherever its English column does, and only there (volreport validate checks it).
TRANSLATED_COLUMNS: dict[str, tuple[str, ...]] = {
    "observations": ("note",),  # the methodology appendix shows the notes of gaps
    "grant_projects": ("project", "operator", "cooperation"),
    "unrecorded_initiatives": ("name", "organization"),
    "rfo_support": ("note",),
    "inquiry_countries": ("country",),
    "resolutions": ("forum", "resolution", "response"),
    "recommendations": ("text",),
    "grantee_feedback": ("text",),
    "wages_by_occupation": ("occupation",),
    "sources": ("source",),
    "regions": ("name_en", "short_name_en"),
    "areas": ("name_en", "description"),
    "cohorts": ("name_en", "definition"),
    "event_formats": ("name_en", "definition"),
    "indicators": ("label",),
}
# An edition.yml may have a translation per language: edition.<language>.yml, with the
# texts of edition.yml (published_source: cite_as, title; method_notes) in that language.
EDITION_TRANSLATIONS = tuple(f"edition.{lang}.yml" for lang in TEXT_LANGUAGES)
# Files a vintage folder may hold besides its resources.
ALLOWED_EXTRA_FILES = (
    "datapackage.json",
    "README.md",
    "params.yml",
    "edition.yml",
    *EDITION_TRANSLATIONS,
)
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
# real vintage holds (data/2022: 863 observations, 390 KB with their translations; a
# synthetic year of 20 units: 2,200 observations, 300 KB; the longest text cell: 1,600
# characters).
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
# The parameters the report names in every language (labels.yml `parameters`), and the
# units they are given in (labels.yml `units`).
PARAM_NAMES = (*REQUIRED_PARAMS, *OPTIONAL_PARAMS, "default_wage")
PARAM_UNITS = ("days", "hours", "KZT")
# Texts of a params.yml entry a reader sees (the methodology appendix): each may have a
# translation per language of TEXT_LANGUAGES beside it in the entry (`note` -> `note_ru`,
# `note_kk`). Optional, like a translation column, and whole like one: once an entry of
# the file has `note_ru`, every entry with a `note` has one, and only those.
TRANSLATED_PARAM_FIELDS = ("formula", "note")

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
    descriptor: dict[str, object] = {"name": name, "type": type_, "description": description}
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

SOURCES = schema(
    [
        text_field(
            "source",
            "a source as the vintage writes it: the `source` of a row of its tables or of "
            "params.yml, or the title of a source of datapackage.json",
            required=True,
        ),
    ],
    ["source"],
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
    "sources": ("The vintage's sources, with their translations", SOURCES),
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
    headers: dict[str, list[str]] | None = None,
) -> dict:
    """The datapackage.json of a vintage as a dict.

    `resources` selects a subset of YEAR_RESOURCES (a synthetic vintage may hold fewer
    tables); observations are always included. Sources default to the report and the
    statistics bureau; licenses are written only when given (never guessed). `headers`
    (resource -> the header of its file) adds the translation columns each file has.
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
            resource_descriptor(
                name,
                YEAR_RESOURCES[name][0],
                with_translations(YEAR_RESOURCES[name][1], name, (headers or {}).get(name, ())),
            )
            for name in YEAR_RESOURCES
            if name in names
        ],
    }
    if licenses is not None:
        descriptor["licenses"] = list(licenses)
    return descriptor


def reference_descriptor() -> dict:
    """The descriptor of data/reference/ with every translation column (not written to
    disk)."""
    return {
        "name": "volreport-reference",
        "title": "Reference tables shared by all vintages",
        "resources": [
            resource_descriptor(name, description, with_translations(table_schema, name))
            for name, (description, table_schema) in REFERENCE_RESOURCES.items()
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
    """Write `<folder>/datapackage.json` for a vintage; re-running it changes nothing.

    Each resource's schema has the translation columns its file in `folder` has."""
    path = Path(folder) / "datapackage.json"
    headers = {name: csv_header(Path(folder) / f"{name}.csv") for name in YEAR_RESOURCES}
    text = dumps(
        year_descriptor(
            year,
            synthetic=synthetic,
            sources=sources,
            licenses=licenses,
            resources=resources,
            headers=headers,
        )
    )
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def column_names(table_schema: dict) -> list[str]:
    """The header a table must have, in order (translation columns come on top, see
    `with_translations`)."""
    return [f["name"] for f in table_schema["fields"]]


def translation_column(column: str, language: str) -> str:
    """The column holding `column` in `language`: 'text' -> 'text_ru', 'name_en' -> 'name_ru'."""
    return f"{column.removesuffix('_' + i18n.SOURCE_LANGUAGE)}_{language}"


def translation_columns(resource: str) -> dict[str, str]:
    """Translation column -> its English column, for every translated column of `resource`
    and every language of TEXT_LANGUAGES (empty for a resource without any)."""
    return {
        translation_column(column, language): column
        for column in TRANSLATED_COLUMNS.get(resource, ())
        for language in TEXT_LANGUAGES
    }


def with_translations(
    table_schema: dict, resource: str, present: Iterable[str] | None = None
) -> dict:
    """`table_schema` with the translation columns of `resource`, each right after its
    English column (languages in TEXT_LANGUAGES order): all of them when `present` is None,
    else those named in `present` (a file's header)."""
    wanted = None if present is None else set(present)
    fields = []
    for spec in table_schema["fields"]:
        fields.append(spec)
        if spec["name"] not in TRANSLATED_COLUMNS.get(resource, ()):
            continue
        for language in TEXT_LANGUAGES:
            name = translation_column(spec["name"], language)
            if wanted is None or name in wanted:
                words = LANGUAGE_NAMES.get(language, language)
                text = f"{spec['name']} in {words} (text wherever {spec['name']} has text)"
                fields.append(text_field(name, text))
    return {**table_schema, "fields": fields}


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV file (empty when the file is absent or unreadable)."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader([handle.readline(MAX_CELL_CHARS).rstrip("\r\n")]), [])
    except (OSError, UnicodeDecodeError):
        return []


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


# --- codes, bands and tolerances the rest of the package reads from here ------------------
NATIONAL = "KZ"  # the region code of the country as a whole (REGION_PATTERN without a number)
# The event-share bands (BANDS) as the percent of a region's events an area holds, lowest
# band first: over 25% is over_25, under 5% is under_5, 5% to 25% (both ends) 5_to_25.
BAND_LIMITS = {"under_5": (0.0, 5.0), "5_to_25": (5.0, 25.0), "over_25": (25.0, 100.0)}
# When two numbers are the same figure. A published figure stands for every value that
# rounds to it, within half a unit of its last decimal place (HALF_UNIT * 10**-decimals:
# 0.5 for whole counts, hours and tenge, 0.005 points for a share given to two decimals);
# a set of exact parts, each rounded, may miss their total by HALF_UNIT per part.
HALF_UNIT = 0.5
# Floating-point slack added to a tolerance, so that a value exactly on a rounding
# boundary matches (binary floats hold neither 0.005 nor most decimals exactly).
FLOAT_SLACK = 1e-9
