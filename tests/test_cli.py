"""The command line: help on every subcommand, exit codes, the chapter list."""

from __future__ import annotations

import shutil

import pytest

from volreport import cli
from volreport.core import paths

SUBCOMMANDS = ("build", "validate", "chapters", "forms", "ingest", "synth", "languages")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main([command, "--help"])
    assert done.value.code == 0
    assert "usage: volreport " + command in capsys.readouterr().out


def test_page_title_drops_quarto_attributes_only():
    assert cli.page_title("# Outlook for {{< var next_year >}} {#sec-outlook}") == (
        "Outlook for {{< var next_year >}}"
    )
    assert cli.page_title("text\n# Preface {.unnumbered}") == "Preface"


def test_chapters_lists_pages_in_book_order_with_titles(capsys):
    assert cli.main(["chapters"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Portrait of a volunteer" in lines[2]
    assert any(line.split()[1:3] == ["generated", "methodology.md"] for line in lines)


def test_validate_exit_codes(tmp_path, capsys):
    assert cli.main(["validate", "--year", "2022"]) == 0
    broken = tmp_path / "2022"
    shutil.copytree(paths.year_data_dir(2022), broken)
    (broken / "grant_projects.csv").write_text("id\n", encoding="utf-8")
    assert cli.main(["validate", "--year", "2022", "--data-dir", str(broken)]) == 1
    assert "grant_projects.csv" in capsys.readouterr().err


def test_languages_says_each_language_of_2022_is_complete(capsys):
    assert cli.main(["languages", "--year", "2022"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["en", "ru", "kk"]
    assert lines[1].split() == ["ru", "Russian", "complete"]


def test_build_takes_the_languages_to_build():
    args = cli.parser().parse_args(["build", "--languages", "en,ru"])
    assert args.languages == "en,ru"
    assert cli.parser().parse_args(["build"]).languages is None


def test_ctrl_c_ends_with_one_line_and_the_shells_status(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_build", interrupted)
    assert cli.main(["build", "--year", "2022"]) == 130
    assert capsys.readouterr().err == (
        "volreport: interrupted; an unfinished build or ingest changes nothing\n"
    )
