"""Edition facts: what only one vintage has is declared in its edition.yml."""

from __future__ import annotations

from volreport.data import dataset, edition, validate

VALID = {
    "published_source": {"cite_as": "Report 2022", "title": "The report", "path": "sources/r.txt"},
    "method_notes": {"grants": ["A note."]},
}


def test_a_vintage_without_edition_file_has_no_published_source():
    facts = edition.parse(None)
    assert not facts.published and facts.notes("grants") == []


def test_declared_facts_are_read():
    facts = edition.parse(VALID)
    assert facts.published and facts.published_source.cite_as == "Report 2022"
    assert facts.notes("grants") == ["A note."]


def test_the_2022_vintage_declares_its_published_source():
    assert dataset.load_year(2022).edition.published


def test_broken_edition_files_name_key_and_rule(tmp_path):
    bad = {"published_source": {"cite_as": "", "title": "t", "path": "p", "page": 3},
           "method_notes": {"grants": "not a list"}, "extra": 1}  # fmt: skip
    assert sorted(edition.problems(bad)) == [
        ("extra", "unknown key"),
        ("method_notes.grants", "must be a list of texts"),
        ("published_source.cite_as", "required text"),
        ("published_source.page", "unknown key"),
    ]
    path = tmp_path / "edition.yml"
    path.write_text("published_source: [unclosed\n", encoding="utf-8")
    (problem,) = validate.edition_problems(path)
    assert "edition.yml" in str(problem.file) and "YAML" in problem.rule


def test_a_translation_replaces_the_texts_and_keeps_the_rest():
    base = edition.parse(
        {
            "published_source": {"cite_as": "Report 2022", "title": "Report", "path": "x.txt"},
            "method_notes": {"portrait": ["Note one."], "areas": ["Areas note."]},
        }
    )
    ru = edition.translated(
        base,
        {
            "published_source": {"cite_as": "Отчет 2022", "title": "Отчет"},
            "method_notes": {"portrait": ["Примечание."]},
        },
    )
    assert ru.published_source == edition.PublishedSource(
        "Отчет 2022", "Отчет", "x.txt", named_in_sources="Report 2022"
    )
    assert ru.notes("portrait") == ["Примечание."]
    assert ru.notes("areas") == ["Areas note."]  # untranslated: validation names it
    assert edition.translated(base, None) == base


def test_a_translated_edition_still_names_its_source_as_the_data_do():
    base = edition.parse(VALID)
    ru = edition.translated(base, {"published_source": {"cite_as": "Отчет 2022"}})
    assert ru.published_source.cite_as == "Отчет 2022"
    assert ru.published_source.named_in_sources == "Report 2022"
