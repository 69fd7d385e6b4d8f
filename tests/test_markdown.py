"""core.markdown.escape: literal Markdown on one line."""

from __future__ import annotations

from volreport.core.markdown import escape


def test_escape_joins_lines_but_keeps_the_no_break_spaces_inside_numbers():
    # Babel groups Russian and Kazakh thousands with a no-break space and puts one before
    # "%"; an ordinary space there lets a line break split the number.
    assert (
        escape("139\u00a0671 волонтеров,\n  19,7\u202f%") == "139\u00a0671 волонтеров, 19,7\u202f%"
    )
    assert escape("at least\t\r\n") == "at least "
