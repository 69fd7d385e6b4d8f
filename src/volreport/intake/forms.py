"""Return forms for a new year: one protected Excel workbook per reporting unit.

Each current region (data/reference/regions.csv, `current` true) gets a workbook of the
figures its regional front office collects over the year; the national front office gets
one more (`KZ_kazakhstan.xlsx`) for the figures only it holds. The layout below is the
single description of every input cell: `forms` writes it, `volreport.intake.ingest` reads the
returned workbooks with it.

Only input cells are unlocked; the sheets and the workbook structure are protected, and a
very hidden sheet `_meta` records the form version, year and region code, so that ingest
knows what a returned workbook is.

Labels are in English and Russian, the instructions also in Kazakh; the names of regions,
areas, cohorts and formats come from the reference tables in each language (`name_ru`,
`short_name_kk`, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from volreport.core import paths
from volreport.data import categories, contract
from volreport.data.contract import NATIONAL

if TYPE_CHECKING:  # openpyxl is imported where a workbook is written or read
    from openpyxl.worksheet.datavalidation import DataValidation

FORM_MARK = "volreport-form"
FORM_VERSION = 1
META_SHEET = "_meta"
INSTRUCTIONS_SHEET = "instructions"
FIRST_ROW = 4  # row 1 title, row 2 hint, row 3 column headers
VALUE_COLUMN = "C"
QUALIFIER_COLUMN = "D"
COUNT, AMOUNT, CHOICE = "count", "amount", "choice"
# The most an input cell accepts, from the contract's plausible ranges: counts are persons,
# events or organizations; amounts are hours. The workbook's own validation and ingest
# both refuse more.
KIND_MAXIMUM = {
    COUNT: max(contract.PLAUSIBLE_RANGES[u][1] for u in ("persons", "events", "organizations")),
    AMOUNT: contract.PLAUSIBLE_RANGES["hours"][1],
}
RFO_LEVEL = "rfo_support_level"  # pseudo-indicator: the rfo_support record table
INPUT_FILL = "FFF2CC"  # pale yellow marks the cells to fill in

LANGUAGES = ("en", "ru", "kk")  # the columns of the instructions sheet
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
LEVELS_EN = {
    "regular": "support mentioned regularly",
    "references": "some references to support",
    "one_time": "one-time mentions",
    "none": "no mention",
}
LEVELS_RU = {
    "regular": "поддержка упоминается регулярно",
    "references": "есть упоминания",
    "one_time": "разовые упоминания",
    "none": "не упоминается",
}


@dataclass(frozen=True)
class InputCell:
    """One cell a front office fills in, and the observation it becomes.

    `kind`: count (whole number >= 0), amount (number >= 0) or choice (one of `choices`).
    A qualifier cell (column D of the national form) belongs to the value cell left of it.
    """

    sheet: str
    cell: str
    indicator: str
    category: str
    kind: str
    label_en: str
    label_ru: str
    choices: tuple[str, ...] = ()
    qualifier_cell: str | None = None


@dataclass(frozen=True)
class SheetSpec:
    """A data sheet: title, hint, and its input cells in row order."""

    name: str
    title_en: str
    title_ru: str
    hint_en: str
    cells: tuple[InputCell, ...]


def slug(text: str) -> str:
    """'West Kazakhstan region' -> 'west-kazakhstan-region' (file names)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def form_filename(code: str, short_name: str) -> str:
    """'KZ-71', 'Astana' -> 'KZ-71_astana.xlsx'."""
    return f"{code}_{slug(short_name)}.xlsx"


def _rows(
    sheet: str, items: list[tuple[str, str, str, str, str]], *, choices: tuple[str, ...] = ()
) -> list[InputCell]:
    """Input cells in consecutive rows of column C from (indicator, category, kind, en, ru)."""
    return [
        InputCell(sheet, f"{VALUE_COLUMN}{FIRST_ROW + i}", ind, cat, kind, en, ru, choices)
        for i, (ind, cat, kind, en, ru) in enumerate(items)
    ]


def reference_names(reference: dict[str, pd.DataFrame], table: str, language: str) -> list[str]:
    """The names of a reference table's rows in `language` (`name_en`, `name_ru`, ...), in
    the table's order; the forms cannot be written without them."""
    frame = reference[table]
    column = contract.translation_column("name_en", language)
    if column not in frame or frame[column].isna().any():
        raise ValueError(
            f"data/reference/{table}.csv has no {column} for every row; the forms' labels "
            "need the names in that language"
        )
    return frame[column].astype(str).tolist()


def lower_first(text: str) -> str:
    """'Онлайн' -> 'онлайн' (a name inside a label)."""
    return text[:1].lower() + text[1:]


def region_sheets(reference: dict[str, pd.DataFrame]) -> tuple[SheetSpec, ...]:
    """The data sheets of a region's form; areas, cohorts and formats, with their English
    and Russian names, come from the reference tables."""
    reference = {
        **reference,
        "areas": reference["areas"].sort_values("order"),
        "cohorts": reference["cohorts"].sort_values("order"),
    }
    areas, cohorts, formats = reference["areas"], reference["cohorts"], reference["event_formats"]
    area_ru = reference_names(reference, "areas", "ru")
    cohort_ru = reference_names(reference, "cohorts", "ru")
    format_ru = reference_names(reference, "event_formats", "ru")
    volunteers = [("volunteers", "", COUNT, "Volunteers, total", "Волонтеры, всего")]
    for indicator, named in (
        ("volunteers_by_sex", categories.sex_names),
        ("volunteers_by_age", categories.age_band_names),
        ("volunteers_by_employment", categories.employment_names),
    ):
        english, russian = named("en"), named("ru")
        volunteers += [
            (
                indicator,
                group,
                COUNT,
                f"Volunteers: {name}",
                f"Волонтеры: {lower_first(russian[group])}",
            )
            for group, name in english.items()
        ]
    volunteers += [
        (
            "volunteers_by_cohort",
            c,
            COUNT,
            f"Volunteers at events: {n}",
            f"Волонтеры на мероприятиях: {lower_first(ru)}",
        )
        for c, n, ru in zip(cohorts["id"], cohorts["name_en"], cohort_ru, strict=True)
    ]
    organizations = [
        ("npo", "", COUNT, "Volunteer NPOs", "Волонтерские НКО"),
        ("initiative_groups", "", COUNT, "Volunteer initiative groups", "Инициативные группы"),
    ]

    def by_area_and_format(indicator: str, by_format: str, kind: str, what: str, ru: str):
        rows = [
            (indicator, a, kind, f"{what}: {n}", f"{ru}: {name_ru}")
            for a, n, name_ru in zip(areas["id"], areas["name_en"], area_ru, strict=True)
        ]
        return rows + [
            (by_format, f, kind, f"{what}, format: {n}", f"{ru}, формат: {lower_first(name_ru)}")
            for f, n, name_ru in zip(formats["id"], formats["name_en"], format_ru, strict=True)
        ]

    development = [
        ("development_events", "", COUNT, "Events developing volunteering", "Мероприятия"),
        ("development_volunteers", "", COUNT, "Volunteers at these events", "Волонтеры"),
        ("development_hours", "", AMOUNT, "Hours at these events", "Часы"),
    ]
    levels = contract.SUPPORT_LEVELS
    support = [(RFO_LEVEL, "", CHOICE, "Support of the RFO in event reports", "Поддержка РФО")]
    return (
        SheetSpec(
            "volunteers",
            "Volunteers recorded over the year",
            "Волонтеры, учтенные за год",
            "Each split (sex, age, employment) adds up to the total.",
            tuple(_rows("volunteers", volunteers)),
        ),
        SheetSpec(
            "organizations",
            "Volunteer organizations and initiative groups",
            "Волонтерские организации и инициативные группы",
            "Count each association once.",
            tuple(_rows("organizations", organizations)),
        ),
        SheetSpec(
            "hours",
            "Volunteer hours by area and by format",
            "Часы волонтерской работы по направлениям и форматам",
            "Hours by area add up to all hours; so do hours by format.",
            tuple(
                _rows(
                    "hours", by_area_and_format("hours", "hours_by_format", AMOUNT, "Hours", "Часы")
                )
            ),
        ),
        SheetSpec(
            "events",
            "Volunteer events by area and by format",
            "Волонтерские мероприятия по направлениям и форматам",
            "Events by area add up to all events; so do events by format.",
            tuple(
                _rows(
                    "events",
                    by_area_and_format(
                        "events", "events_by_format", COUNT, "Events", "Мероприятия"
                    ),
                )
            ),
        ),
        SheetSpec(
            "development",
            "Activities developing volunteering (training, team building, motivation)",
            "Мероприятия по развитию волонтерства (обучение, тимбилдинг, мотивация)",
            "Also counted within other social volunteering.",
            tuple(_rows("development", development)),
        ),
        SheetSpec(
            "rfo_support",
            "Support of the regional front office mentioned in event reports",
            "Упоминание поддержки РФО в отчетах о мероприятиях",
            "Pick one: " + "; ".join(f"{k} = {v}" for k, v in LEVELS_EN.items()),
            tuple(_rows("rfo_support", support, choices=levels)),
        ),
    )


def national_sheets() -> tuple[SheetSpec, ...]:
    """The national front office's sheet: its own estimates, grant totals and inquiries."""
    items = [
        (
            "volunteers_estimate",
            "",
            COUNT,
            "Volunteers, the network's estimate",
            "Волонтеры, оценка сети",
        ),
        (
            "volunteers_systematic",
            "",
            COUNT,
            "Volunteers who can be recruited systematically",
            "Волонтеры, привлекаемые на системной основе",
        ),
        ("grant_hours_total", "", AMOUNT, "Hours of the grant projects", "Часы грантовых проектов"),
        (
            "grant_volunteers_total",
            "",
            COUNT,
            "Volunteers of the grant projects",
            "Волонтеры грантовых проектов",
        ),
        (
            "grant_events_total",
            "",
            COUNT,
            "Events of the grant projects",
            "Мероприятия грантовых проектов",
        ),
        (
            "inquiries",
            "volunteering",
            COUNT,
            "Inquiries about volunteering",
            "Обращения по волонтерству",
        ),
        ("inquiries", "other", COUNT, "Inquiries on other matters", "Обращения по другим темам"),
    ]
    cells = [
        InputCell(
            "national",
            f"{VALUE_COLUMN}{FIRST_ROW + i}",
            ind,
            cat,
            kind,
            en,
            ru,
            qualifier_cell=f"{QUALIFIER_COLUMN}{FIRST_ROW + i}",
        )
        for i, (ind, cat, kind, en, ru) in enumerate(items)
    ]
    return (
        SheetSpec(
            "national",
            "Figures of the national front office",
            "Показатели национального фронт-офиса",
            "Column D: exact, at_least, at_most or approx (empty = exact).",
            tuple(cells),
        ),
    )


def sheets_for(code: str, reference: dict[str, pd.DataFrame]) -> tuple[SheetSpec, ...]:
    """The data sheets of the form for `code` (KZ: the national form)."""
    return national_sheets() if code == NATIONAL else region_sheets(reference)


def form_units(reference: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The units that get a form: the current regions, then the country (columns code, name)."""
    regions = reference["regions"]
    current = regions[regions["current"].astype(str).str.lower() == "true"]
    country = regions[regions["code"] == NATIONAL]
    units = pd.concat([current, country])
    return pd.DataFrame({"code": units["code"].to_numpy(), "name": units["short_name_en"]})


# The instructions sheet: one row per instruction, in English, Russian and Kazakh
# ({year}, {code} and {name}: the unit's short name in that language).
INSTRUCTIONS = (
    (
        "Return form of the regional front office on volunteering, {year}",
        "Форма отчета регионального фронт-офиса по волонтерству, {year} год",
        "Волонтерлік жөніндегі өңірлік фронт-офистің есеп нысаны, {year} жыл",
    ),
    ("Unit: {name} ({code}).", "Регион: {name} ({code}).", "Өңір: {name} ({code})."),
    (
        "Fill in only the yellow cells; every other cell is locked.",
        "Заполняйте только желтые ячейки; остальные ячейки защищены.",
        "Тек сары ұяшықтарды толтырыңыз; қалған ұяшықтар қорғалған.",
    ),
    (
        "Counts are whole numbers of 0 or more; hours may have decimals. Type numbers, without "
        "spaces or thousands separators.",
        "Количества — целые числа от 0; часы могут быть дробными. Вводите числа без пробелов и "
        "разделителей разрядов.",
        "Сандар — 0-ден бастап бүтін сандар; сағаттар бөлшек болуы мүмкін. Сандарды бос "
        "орынсыз және разряд бөлгіштерінсіз енгізіңіз.",
    ),
    (
        "Leave a cell empty when the figure is not known: an empty cell is reported as a gap, "
        "never as zero. Type 0 only for a real zero.",
        "Если показатель неизвестен, оставьте ячейку пустой: пустая ячейка означает пробел в "
        "данных, а не ноль. Ставьте 0 только для настоящего нуля.",
        "Көрсеткіш белгісіз болса, ұяшықты бос қалдырыңыз: бос ұяшық нөл емес, деректердегі "
        "олқылық болып есептеледі. 0-ді тек нақты нөл болғанда ғана қойыңыз.",
    ),
    (
        "Splits by sex, age and employment must add up to the total number of volunteers.",
        "Разбивки по полу, возрасту и занятости должны в сумме давать общее число волонтеров.",
        "Жынысы, жасы және жұмыспен қамтылуы бойынша бөлінулердің қосындысы волонтерлердің "
        "жалпы санына тең болуы тиіс.",
    ),
    (
        "Choose categorical answers from the drop-down list.",
        "Категориальные ответы выбирайте из выпадающего списка.",
        "Санаттық жауаптарды ашылмалы тізімнен таңдаңыз.",
    ),
    (
        "Do not rename, add or delete sheets, and do not set a password on the file: "
        "password-protected files cannot be read.",
        "Не переименовывайте, не добавляйте и не удаляйте листы и не ставьте пароль на файл: "
        "защищенные паролем файлы не читаются.",
        "Парақтардың атын өзгертпеңіз, парақ қоспаңыз және жоймаңыз, файлға құпиясөз "
        "қоймаңыз: құпиясөзбен қорғалған файлдар оқылмайды.",
    ),
    (
        "Formulas are allowed; save the file in Excel so that their values are stored.",
        "Формулы допустимы; сохраните файл в Excel, чтобы их значения сохранились.",
        "Формулаларға рұқсат етіледі; олардың мәндері сақталуы үшін файлды Excel-де сақтаңыз.",
    ),
    (
        "Return the file under its original name to the national front office.",
        "Верните файл под исходным именем в национальный фронт-офис.",
        "Файлды бастапқы атауымен ұлттық фронт-офиске қайтарыңыз.",
    ),
)


def _style_header(sheet, row: int) -> None:
    from openpyxl.styles import Font

    for cell in sheet[row]:
        cell.font = Font(bold=True)


def unit_names(reference: dict[str, pd.DataFrame], code: str, name: str) -> dict[str, str]:
    """The unit's short name in each language of the instructions ('Astana', 'Астана', ...):
    `name` in English, the reference table's short names in the others."""
    regions = reference["regions"]
    row = regions[regions["code"] == code]
    names = {"en": name}
    for language in LANGUAGES[1:]:
        column = contract.translation_column("short_name_en", language)
        if column not in regions or row.empty or pd.isna(row[column].iloc[0]):
            raise ValueError(
                f"data/reference/regions.csv has no {column} for {code}; the instructions "
                "name the unit in that language"
            )
        names[language] = str(row[column].iloc[0])
    return names


def _write_instructions(book, year: int, code: str, names: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.active
    sheet.title = INSTRUCTIONS_SHEET
    sheet.append([LANGUAGE_NAMES[language] for language in LANGUAGES])
    _style_header(sheet, 1)
    for texts in INSTRUCTIONS:
        sheet.append(
            [
                text.format(year=year, code=code, name=names[language])
                for language, text in zip(LANGUAGES, texts, strict=True)
            ]
        )
    columns = "ABC"[: len(LANGUAGES)]
    for column in columns:
        sheet[f"{column}2"].font = Font(bold=True)
        sheet.column_dimensions[column].width = 70
        for cell in sheet[column]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.protection.sheet = True


def _validation(kind: str, choices: tuple[str, ...] = ()) -> DataValidation:
    """Excel data validation for an input cell of `kind`."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind == CHOICE:
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
        rule.error = "Choose a value from the list / Выберите значение из списка"
    elif kind == COUNT:
        top = f"{KIND_MAXIMUM[COUNT]:.0f}"
        rule = DataValidation(type="whole", operator="between", formula1="0", formula2=top)
        rule.error = f"A whole number from 0 to {top} / Целое число от 0 до {top}"
    else:
        top = f"{KIND_MAXIMUM[AMOUNT]:.0f}"
        rule = DataValidation(type="decimal", operator="between", formula1="0", formula2=top)
        rule.error = f"A number from 0 to {top} / Число от 0 до {top}"
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.errorTitle = "volreport"
    return rule


def _write_sheet(book, spec: SheetSpec) -> None:
    from openpyxl.styles import Font, PatternFill, Protection

    sheet = book.create_sheet(spec.name)
    sheet["A1"] = f"{spec.title_en} / {spec.title_ru}"
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = spec.hint_en
    headers = ["Indicator", "Показатель", "Value / Значение"]
    if any(c.qualifier_cell for c in spec.cells):
        headers.append("Qualifier / Уточнение")
    for column, text in zip("ABCD", headers, strict=False):
        sheet[f"{column}3"] = text
    _style_header(sheet, 3)
    fill = PatternFill("solid", fgColor=INPUT_FILL)
    rules: dict[tuple[str, tuple[str, ...]], DataValidation] = {}
    for spec_cell in spec.cells:
        row = int(spec_cell.cell[1:])
        sheet[f"A{row}"], sheet[f"B{row}"] = spec_cell.label_en, spec_cell.label_ru
        targets = [(spec_cell.cell, spec_cell.kind, spec_cell.choices)]
        if spec_cell.qualifier_cell:
            targets.append((spec_cell.qualifier_cell, CHOICE, contract.QUALIFIERS))
        for ref, kind, choices in targets:
            sheet[ref].protection = Protection(locked=False)
            sheet[ref].fill = fill
            key = (kind, choices)
            if key not in rules:
                rules[key] = _validation(kind, choices)
                sheet.add_data_validation(rules[key])
            rules[key].add(ref)
    sheet.column_dimensions["A"].width = 55
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 18
    sheet.column_dimensions["D"].width = 22
    sheet.protection.sheet = True


def _write_meta(book, year: int, code: str) -> None:
    sheet = book.create_sheet(META_SHEET)
    for row in ((FORM_MARK, FORM_VERSION), ("year", year), ("region", code)):
        sheet.append(row)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True


def build_form(year: int, code: str, name: str, reference: dict[str, pd.DataFrame]):
    """The openpyxl workbook of the form for one unit (not saved)."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    book = Workbook()
    _write_instructions(book, year, code, unit_names(reference, code, name))
    for spec in sheets_for(code, reference):
        _write_sheet(book, spec)
    _write_meta(book, year, code)
    book.security = WorkbookProtection(lockStructure=True)
    return book


def write_forms(year: int, out_dir: Path | str, reference_dir: Path | None = None) -> list[Path]:
    """Write one form per current region and the national form into `out_dir`."""
    from volreport.data.dataset import load_reference

    reference = load_reference(reference_dir or paths.REFERENCE_DIR)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in form_units(reference).itertuples():
        path = folder / form_filename(unit.code, unit.name)
        build_form(year, unit.code, unit.name, reference).save(path)
        written.append(path)
    return written
