"""Return forms: one protected workbook per unit, input cells unlocked and validated."""

from __future__ import annotations

import pytest

from volreport.data import contract
from volreport.data.dataset import load_reference
from volreport.intake import forms


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture(scope="module")
def astana(reference):
    return forms.build_form(2031, "KZ-71", "Astana", reference)


def test_file_names_use_code_and_short_name():
    assert forms.form_filename("KZ-27", "West Kazakhstan region") == (
        "KZ-27_west-kazakhstan-region.xlsx"
    )


def test_a_form_per_current_region_and_one_national(reference):
    units = forms.form_units(reference)
    assert len(units) == 21
    assert units["code"].iloc[-1] == "KZ"
    assert {"KZ-10", "KZ-33", "KZ-62"} <= set(units["code"])


def test_metadata_sheet_is_very_hidden_and_names_year_and_region(astana):
    meta = astana[forms.META_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert meta.protection.sheet
    assert (meta["B1"].value, meta["B2"].value, meta["B3"].value) == (
        forms.FORM_VERSION,
        2031,
        "KZ-71",
    )
    assert astana.security.lockStructure


def test_only_input_cells_are_unlocked(astana, reference):
    for spec in forms.region_sheets(reference):
        sheet = astana[spec.name]
        assert sheet.protection.sheet
        for cell in spec.cells:
            assert not sheet[cell.cell].protection.locked, (spec.name, cell.cell)
            assert sheet[f"A{cell.cell[1:]}"].protection.locked


def validation_for(sheet, ref):
    return [dv for dv in sheet.data_validations.dataValidation if ref in dv.sqref]


def test_counts_are_whole_numbers_and_levels_a_drop_down(astana, reference):
    sheets = {spec.name: spec for spec in forms.region_sheets(reference)}
    count = sheets["volunteers"].cells[0]
    (rule,) = validation_for(astana["volunteers"], count.cell)
    assert (rule.type, rule.operator, rule.formula1) == ("whole", "between", "0")
    assert float(rule.formula2) == forms.KIND_MAXIMUM[forms.COUNT]
    hours = sheets["hours"].cells[0]
    (rule,) = validation_for(astana["hours"], hours.cell)
    assert (rule.type, rule.operator, rule.formula1) == ("decimal", "between", "0")
    assert float(rule.formula2) == forms.KIND_MAXIMUM[forms.AMOUNT]
    level = sheets["rfo_support"].cells[0]
    (choice,) = validation_for(astana["rfo_support"], level.cell)
    assert choice.type == "list" and "one_time" in choice.formula1


def test_cell_maxima_are_the_contracts_plausible_ranges():
    ranges = contract.PLAUSIBLE_RANGES
    assert forms.KIND_MAXIMUM[forms.AMOUNT] == ranges["hours"][1]
    assert forms.KIND_MAXIMUM[forms.COUNT] == max(
        ranges[unit][1] for unit in ("persons", "events", "organizations")
    )


def test_instructions_in_english_russian_and_kazakh(astana):
    sheet = astana[forms.INSTRUCTIONS_SHEET]
    assert [sheet[f"{c}1"].value for c in "ABC"] == ["English", "Русский", "Қазақша"]
    for column in "ABC":
        assert "2031" in sheet[f"{column}2"].value
        texts = [sheet[f"{column}{row}"].value for row in range(2, len(forms.INSTRUCTIONS) + 2)]
        assert all(texts), column
    assert sheet["A3"].value == "Unit: Astana (KZ-71)."
    assert sheet["B3"].value == "Регион: Астана (KZ-71)."
    assert sheet["C3"].value == "Өңір: Астана (KZ-71)."
    kazakh = " ".join(sheet[f"C{row}"].value for row in range(2, len(forms.INSTRUCTIONS) + 2))
    assert set("әғқңөұүі") <= set(kazakh)
    russian = " ".join(sheet[f"B{row}"].value for row in range(2, len(forms.INSTRUCTIONS) + 2))
    assert "ё" not in russian  # the report writes е


def test_instructions_name_the_unit_in_each_language(reference):
    book = forms.build_form(2031, "KZ-10", "Abai region", reference)
    sheet = book[forms.INSTRUCTIONS_SHEET]
    assert sheet["B3"].value == "Регион: область Абай (KZ-10)."
    assert sheet["C3"].value == "Өңір: Абай облысы (KZ-10)."


def test_russian_labels_use_the_russian_names_of_the_reference(reference):
    sheets = {spec.name: spec for spec in forms.region_sheets(reference)}
    names = {
        table: dict(zip(reference[table]["id"], reference[table]["name_ru"], strict=True))
        for table in ("areas", "cohorts", "event_formats")
    }
    english = {
        table: dict(zip(reference[table]["id"], reference[table]["name_en"], strict=True))
        for table in ("areas", "cohorts", "event_formats")
    }
    checked = 0
    for spec in sheets.values():
        for cell in spec.cells:
            table = {
                "volunteers_by_cohort": "cohorts",
                "hours": "areas",
                "events": "areas",
                "hours_by_format": "event_formats",
                "events_by_format": "event_formats",
            }.get(cell.indicator)
            if table is None or not cell.category:
                continue
            name = names[table][cell.category]
            assert name.lower() in cell.label_ru.lower(), cell
            assert english[table][cell.category] not in cell.label_ru, cell
            checked += 1
    assert checked == 7 + 2 * (11 + 3)
    labels = [c.label_ru for spec in sheets.values() for c in spec.cells]
    assert "Часы: Другое социальное волонтерство" in labels
    assert "Мероприятия, формат: онлайн" in labels
    assert "Волонтеры на мероприятиях: серебряное волонтерство" in labels
    assert not any("ё" in label for label in labels)


def test_forms_need_the_russian_names(reference):
    without = {**reference, "cohorts": reference["cohorts"].drop(columns="name_ru")}
    with pytest.raises(ValueError, match="cohorts.csv has no name_ru"):
        forms.region_sheets(without)


def test_national_form_has_qualifier_drop_downs(reference):
    book = forms.build_form(2031, "KZ", "Kazakhstan", reference)
    (spec,) = forms.sheets_for("KZ", reference)
    cell = spec.cells[0]
    assert cell.indicator == "volunteers_estimate"
    (rule,) = validation_for(book["national"], cell.qualifier_cell)
    assert "at_least" in rule.formula1
