"""The report's languages: the current language, terms and labels, and that every
language has every text English has (volreport.core.i18n)."""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from pathlib import Path

import jinja2.meta
import pandas as pd
import pytest
import yaml
from jinja2 import nodes

from volreport.core import i18n, paths, prose
from volreport.data import dataset, published

OTHER_LANGUAGES = [language for language in i18n.LANGUAGES if language != "en"]
EN_TEMPLATES = sorted(
    path.relative_to(i18n.TEMPLATES_DIR / "en")
    for path in (i18n.TEMPLATES_DIR / "en").rglob("*.md")
)


def test_the_current_language_is_english_until_chosen():
    assert i18n.current() == "en"
    with i18n.speaking("ru"):
        assert i18n.current() == "ru"
        with i18n.speaking("kk"):
            assert i18n.current() == "kk"
        assert i18n.current() == "ru"
    assert i18n.current() == "en"
    with pytest.raises(ValueError, match="unknown language"):
        i18n.use("de")


def test_use_holds_beyond_its_context_until_changed():
    try:
        i18n.use("ru")
        seen = []
        thread = threading.Thread(target=lambda: seen.append(i18n.current()))
        thread.start()
        thread.join()
        assert seen == ["ru"]  # a fresh context (a new notebook cell) sees the choice
        with i18n.speaking("kk"):
            assert i18n.current() == "kk"
        assert i18n.current() == "ru"
    finally:
        i18n.use("en")


def test_term_is_the_english_text_itself_and_a_missing_translation_is_an_error():
    assert i18n.term("A phrase nobody translated") == "A phrase nobody translated"
    with i18n.speaking("ru"), pytest.raises(i18n.MissingTranslation) as raised:
        i18n.term("A phrase nobody translated")
    assert (raised.value.language, raised.value.kind) == ("ru", "terms")
    assert raised.value.key == "A phrase nobody translated"
    assert isinstance(raised.value, LookupError)


def test_term_reads_the_languages_terms_file(monkeypatch):
    monkeypatch.setattr(i18n, "term_catalogue", lambda language=None: {"Volunteers": "Волонтеры"})
    assert i18n.term("Volunteers", "ru") == "Волонтеры"
    with i18n.speaking("ru"):
        assert i18n.term("Volunteers") == "Волонтеры"


def test_label_reads_the_current_languages_catalogue():
    assert i18n.label("statuses", "missing") == "not available"
    with i18n.speaking("ru"):
        assert i18n.label("statuses", "missing") == "нет данных"
    assert i18n.label("statuses", "missing", "kk") == "деректер жоқ"
    with pytest.raises(i18n.MissingTranslation):
        i18n.label("headings", "sec-no-such-section")


def test_code_terms_are_the_literals_passed_to_term(tmp_path):
    (tmp_path / "module.py").write_text(
        "from volreport.core import i18n\n"
        "from volreport.core.i18n import term\n"
        'A = i18n.term("Volunteers")\n'
        'B = term("Hours", "ru")\n'
        "C = term(name)\n"
        'D = other("Not a term")\n',
        encoding="utf-8",
    )
    assert i18n.code_terms(tmp_path) == {"Volunteers", "Hours"}
    assert isinstance(i18n.code_terms(), set)


def test_code_terms_skip_comments_docstrings_and_arguments_that_are_not_str_literals(tmp_path):
    (tmp_path / "module.py").write_text(
        '"""A docstring that shows term("In a docstring")."""\n'
        "from volreport.core.i18n import term\n"
        '# term("In a comment")\n'
        "A = term('Single quotes')\n"
        'B = term(\n    "Joined "\n    "over lines"\n)\n'
        'C = term("Escaped \\"quote\\"", "ru")\n'
        'D = term(r"Raw \\d")\n'
        'E = term("""Triple""")\n'
        'F = term(f"Formatted {A}")\n'
        'G = term(b"Bytes")\n'
        'H = term("Joined" + "by plus")\n'
        "I = \"a string with term('inside')\"\n"
        'J = myterm("Another function")\n'
        'K = term(text="A keyword")\n',
        encoding="utf-8",
    )
    assert i18n.code_terms(tmp_path) == {
        "Single quotes",
        "Joined over lines",
        'Escaped "quote"',
        "Raw \\d",
        "Triple",
    }


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_english_label_exists_in_each_language_with_the_same_placeholders(language):
    english = i18n.flatten(i18n.catalogue("en"))
    other = i18n.flatten(i18n.catalogue(language))
    missing = sorted(set(english) - set(other))
    assert not missing, f"{language} labels.yml lacks {missing}"
    differ = [
        key
        for key, text in english.items()
        if i18n.placeholders(text) != i18n.placeholders(other[key])
    ]
    assert not differ, f"{language} labels with other placeholders than English: {differ}"
    empty = [key for key, text in other.items() if not text.strip() and english.get(key)]
    assert not empty, f"{language} labels left empty: {empty}"


def test_english_labels_have_every_section_of_the_design():
    assert set(i18n.LABEL_KINDS) <= set(i18n.catalogue("en"))


def _undeclared(path: Path) -> set[str]:
    """The names a template takes from its caller: undeclared, less the names it sets
    itself anywhere (jinja2.meta counts a name set in one branch and read in another)."""
    env = prose.environment("en")  # the filters, known to the parser
    tree = env.parse(path.read_text(encoding="utf-8"))
    own = {
        name.name
        for node in tree.find_all(
            (nodes.Assign, nodes.AssignBlock, nodes.For, nodes.Macro, nodes.With)
        )
        for name in node.find_all(nodes.Name)
        if name.ctx in ("store", "param")
    }
    return jinja2.meta.find_undeclared_variables(tree) - own


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_english_template_exists_in_each_language_with_the_same_variables(language):
    root = i18n.TEMPLATES_DIR / language
    missing = [str(name) for name in EN_TEMPLATES if not (root / name).exists()]
    assert not missing, f"templates/{language} lacks {missing}"
    differ = {
        str(name): sorted(_undeclared(i18n.TEMPLATES_DIR / "en" / name) ^ _undeclared(root / name))
        for name in EN_TEMPLATES
        if _undeclared(i18n.TEMPLATES_DIR / "en" / name) != _undeclared(root / name)
    }
    assert not differ, f"templates/{language} with other variables than English: {differ}"


def _notebook_texts() -> dict[str, dict[str, str]]:
    """Headings, leads, captions and alt texts of the chapter notebooks, by their ids."""
    found: dict[str, dict[str, str]] = {"headings": {}, "leads": {}, "captions": {}, "alt": {}}
    heading = re.compile(r"^#{1,2} (?P<text>.+?) \{#(?P<id>sec-[a-z0-9-]+)\}$")
    for path in sorted(paths.NOTEBOOKS_DIR.glob("0*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                blocks = source.strip().split("\n\n")
                match = heading.match(blocks[0])
                if match:
                    found["headings"][match["id"]] = match["text"]
                    if blocks[0].startswith("# ") and len(blocks) > 1:
                        found["leads"][match["id"]] = "\n\n".join(blocks[1:])
                continue
            options = {}
            for line in source.splitlines():
                if line.startswith("#| "):
                    options.update(yaml.safe_load(line[3:]) or {})
            for option, kind in (
                ("tbl-cap", "captions"),
                ("fig-cap", "captions"),
                ("fig-alt", "alt"),
            ):
                if option in options:
                    found[kind][options["label"]] = str(options[option])
    return found


def test_english_labels_are_the_notebooks_own_headings_leads_captions_and_alt_texts():
    english = i18n.catalogue("en")
    for kind, texts in _notebook_texts().items():
        assert english[kind] == texts, kind


def test_names_from_the_reference_switch_language(ds2022):
    regions = ds2022.reference["regions"]
    astana = regions["code"] == "KZ-71"
    assert dataset.name_column("name") == "name_en"
    assert dataset.name_column("short_name", "kk") == "short_name_kk"
    assert published.region_names(ds2022)["KZ-71"] == "Astana"
    with i18n.speaking("ru"):
        assert dataset.name_column("name") == "name_ru"
        assert dataset.names(regions)[astana].iloc[0] == "город Астана"
        assert published.region_names(ds2022)["KZ-71"] == "Астана"
        assert published.reporting_regions(ds2022)["region_name"].iloc[0] == "Астана"


def test_a_stored_text_without_its_translation_is_missing():
    frame = pd.DataFrame({"text": ["One", None], "text_ru": ["Один", None]})
    assert dataset.text_column(frame, "text").tolist()[0] == "One"
    assert dataset.text_column(frame, "text", "ru").tolist()[0] == "Один"
    with pytest.raises(i18n.MissingTranslation) as raised:
        dataset.text_column(frame, "text", "kk")
    assert (raised.value.language, raised.value.key) == ("kk", "text_kk")
    frame["text_kk"] = [None, None]
    with pytest.raises(i18n.MissingTranslation, match="One"):
        dataset.text_column(frame, "text", "kk")


def test_sources_are_translated_by_the_vintages_sources_table(ds2022, monkeypatch):
    ds = dataclasses.replace(ds2022)  # nothing remembered from other tests' lookups
    source = str(ds.observations["source"].dropna().iloc[0])
    assert ds.source_text(source) == source
    table = pd.DataFrame({"source": [source], "source_ru": ["Источник"], "source_kk": [None]})
    monkeypatch.setattr(type(ds), "sources", property(lambda self: table))
    assert ds.source_text(source, "ru") == "Источник"
    with pytest.raises(i18n.MissingTranslation):
        ds.source_text(source, "kk")
    with pytest.raises(i18n.MissingTranslation):
        ds.source_text("A source nobody listed", "ru")
