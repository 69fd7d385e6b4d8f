"""What an ingested or synthetic year cites: the source of each row, the sources its
datapackage.json declares, and their translations (sources.csv).

A new year has no published report behind it: each row names the return form, record log
or official table it comes from (`Wording.sources`), datapackage.json declares exactly
those (`Wording.descriptor_sources`), and no row cites a report.

The words are templates, `templates/<language>/intake/*.md` ('Regional return form 2031,
Astana (KZ-71_astana.xlsx)'); Python passes the year, the region's name and the file.
A source is worded in English, as the vintage stores it, and in every other language the
region names are given for; `sources_table` makes those translations the vintage's
`sources.csv` (`source`, `source_ru`, `source_kk`), so that the Russian and Kazakh
editions name the sources in their language. A source the analysts wrote (the official
tables' `source`, params.yml) has no translation here: `sources_table` lists it as
untranslated, for the analysts to add.

Sources are plain text (CSV cells), not Markdown: the pages escape them where they show
them.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from markupsafe import Markup

from volreport.core import prose
from volreport.core.i18n import SOURCE_LANGUAGE
from volreport.data import contract
from volreport.data.contract import NATIONAL
from volreport.intake.readers import NO_FORM, FormReturn

LOG_NAMES = ("events.csv", "inquiries.csv")  # the record logs a source may name


@dataclass(frozen=True)
class Sources:
    """How rows name their source: a return form, a derivation, a log; and what each source
    so named is in the other languages (`translations`: English source -> language -> text;
    empty when the sources are not translated)."""

    form: Callable[[FormReturn], str]
    derived: str
    log: Callable[[str], str]
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


def plain(value: object) -> object:
    """A value printed as it is (a text, or each text of a list). `prose.render` escapes
    printed text as Markdown and then unescapes HTML entities; a source is plain text, so
    its texts are passed as Markup (not escaped), HTML-escaped here so that `&` and `<`
    come back as written."""
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return Markup(html.escape(value, quote=False)) if isinstance(value, str) else value


def source_text(statement: str, language: str, **context: object) -> str:
    """The source worded by the template `intake/<statement>` in `language`, as plain text."""
    values = {name: plain(value) for name, value in context.items()}
    return prose.render(f"intake/{statement}", language=language, **values)


def region_names(reference: dict[str, pd.DataFrame], language: str) -> dict[str, str]:
    """Region code -> the name a source gives the region in `language`: the short name
    ('Astana') when the reference table has one in that language, else the name."""
    regions = reference["regions"]
    for column in ("short_name_en", "name_en"):
        name = contract.translation_column(column, language)
        if name in regions.columns:
            names = regions[name].where(regions[name].notna(), regions["code"])
            return dict(zip(regions["code"], names.astype(str), strict=True))
    return {}


def names_by_language(reference: dict[str, pd.DataFrame]) -> dict[str, dict[str, str]]:
    """Language -> region names, for English and every language sources are translated into."""
    languages = (SOURCE_LANGUAGE, *contract.TEXT_LANGUAGES)
    return {language: region_names(reference, language) for language in languages}


class Wording:
    """The sources of one year in English and in each language of `names` (language ->
    region code -> name; English must be there). Every source worded is remembered with
    its translations (`translations`)."""

    def __init__(self, year: int, names: Mapping[str, Mapping[str, str]]) -> None:
        self.year = year
        self.names = names
        self.translations: dict[str, dict[str, str]] = {}
        self._worded: dict[tuple[str, str | None, bool, str], str] = {}

    def word(
        self, statement: str, code: str | None = None, *, translate: bool = True, **context
    ) -> str:
        """The source `statement` in English, its translations remembered; `code` is the
        region it names (None or the national code: none)."""
        key = (statement, code, translate, repr(sorted(context.items())))
        if key in self._worded:
            return self._worded[key]
        languages = self.names if translate else {SOURCE_LANGUAGE: self.names[SOURCE_LANGUAGE]}
        texts = {}
        for language, names in languages.items():
            region = None if code in (None, NATIONAL) else names.get(code, code)
            texts[language] = source_text(
                statement, language, year=self.year, region=region, **context
            )
        english = texts.pop(SOURCE_LANGUAGE)
        if texts:
            self.translations.setdefault(english, texts)
        self._worded[key] = english
        return english

    def form(self, ret: FormReturn) -> str:
        """How a row names the form it was read from, with the workbook:
        'Regional return form 2023, Astana (KZ-71_astana.xlsx)'."""
        file = None if ret.file == NO_FORM else ret.file
        return self.word("return_source", ret.code, file=file)

    def form_title(self, ret: FormReturn) -> str:
        """The national front office's form or a region's: 'Regional return form 2023, Astana'."""
        return self.word("return_form", ret.code)

    def log(self, name: str) -> str:
        """How a row names the record log it is counted in."""
        return self.word("log_source", log=name)

    def sources(self) -> Sources:
        """Sources of an ingested year's rows: the return form a value was read from, the
        forms for what volreport ingest computes from them, and the record log a value is
        counted in. A new year has no published report: no row cites one."""
        return Sources(
            form=self.form,
            derived=self.word("derived_source"),
            log=self.log,
            translations=self.translations,
        )

    def descriptor_sources(
        self, returns: list[FormReturn], logs: Iterable[str], official: dict[str, Path]
    ) -> list[dict[str, str]]:
        """The `sources` of an ingested vintage's datapackage.json: the national return form,
        each regional return form (by code), each record log, and each official table with
        the sources its rows name. Never a published report: a new year has none.

        The title of an official table that cites the analysts' sources is English only:
        its translation waits for theirs."""
        ordered = sorted(returns, key=lambda ret: (ret.code != NATIONAL, ret.code))
        found = [{"title": self.form_title(ret), "path": ret.file} for ret in ordered]
        found += [
            {"title": self.word("log_title", log=name), "path": f"logs/{name}"}
            for name in sorted(logs)
        ]
        for name in sorted(official):
            cited = table_sources(official[name])
            title = self.word(
                "table_title", parameters=name == "params.yml", cited=cited, translate=not cited
            )
            found.append({"title": title, "path": name})
        return found


def form_sources(year: int, names: dict[str, str]) -> Sources:
    """English sources of an ingested year's rows (`names`: region code -> English name)."""
    return Wording(year, {SOURCE_LANGUAGE: names}).sources()


def descriptor_sources(
    year: int,
    returns: list[FormReturn],
    logs: Iterable[str],
    official: dict[str, Path],
    names: dict[str, str],
) -> list[dict[str, str]]:
    """The English `sources` of an ingested vintage's datapackage.json
    (`Wording.descriptor_sources`; `names`: region code -> English name)."""
    return Wording(year, {SOURCE_LANGUAGE: names}).descriptor_sources(returns, logs, official)


def synthetic_sources(seed: int) -> Sources:
    """The one source of every row of a synthetic year, in every language."""
    texts = {
        language: source_text("synthetic_source", language, seed=seed)
        for language in (SOURCE_LANGUAGE, *contract.TEXT_LANGUAGES)
    }
    label = texts.pop(SOURCE_LANGUAGE)
    return Sources(
        form=lambda _: label, derived=label, log=lambda _: label, translations={label: texts}
    )


def table_sources(path: Path) -> list[str]:
    """The distinct sources an official table's rows (or params.yml's entries) name."""
    if path.suffix == ".yml":
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found = [e.get("source") for e in entries.values() if isinstance(e, dict)]
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        found = list(frame["source"]) if "source" in frame.columns else []
    return list(dict.fromkeys(str(s).strip() for s in found if s and str(s).strip()))


def vintage_sources(
    frames: Iterable[pd.DataFrame],
    params: dict | None,
    copies: Iterable[Path],
    declared: Iterable[dict[str, str]],
) -> list[str]:
    """Every source a vintage names, each once, in order: the titles of the sources its
    datapackage.json declares (`declared`), the `source` of the rows of its tables
    (`frames`) and of the entries of its params.yml, and those of the official tables
    copied as they are (`copies`)."""
    found = [str(source["title"]) for source in declared]
    for frame in frames:
        if "source" in frame.columns:
            found += frame["source"].dropna().astype(str).tolist()
    found += [
        str(entry["source"])
        for entry in (params or {}).values()
        if isinstance(entry, dict) and entry.get("source")
    ]
    for path in copies:
        found += table_sources(path)
    return [source for source in dict.fromkeys(found) if source]


def sources_table(
    found: Iterable[str], translations: Mapping[str, Mapping[str, str]]
) -> tuple[pd.DataFrame, list[str]]:
    """sources.csv of a vintage naming the sources `found`: a row for each source that has
    a translation in every language of the report, and the sources that have none."""
    languages = contract.TEXT_LANGUAGES
    columns = ["source", *(contract.translation_column("source", lang) for lang in languages)]
    rows, untranslated = [], []
    for source in found:
        texts = translations.get(source, {})
        if all(texts.get(language) for language in languages):
            rows.append([source, *(texts[language] for language in languages)])
        else:
            untranslated.append(source)
    return pd.DataFrame(rows, columns=columns), untranslated
