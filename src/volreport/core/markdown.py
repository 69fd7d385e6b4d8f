"""Untrusted text (from data files) as literal Markdown: the one escaping function.

Text from return forms, logs and record tables reaches pages through computed
statements, generated tables and lists. Escaped here, it cannot act as Markdown (a
`[link](javascript:…)`), as raw HTML (`<script>`) or as a Quarto shortcode
(`{{< var … >}}`), under either engine.
"""

from __future__ import annotations

import math
import re

INLINE_SPECIALS = frozenset("\\`*_{}[]<>&|#~^$@!")
# A line starting like a list item, heading marker or definition would become one.
LINE_START = re.compile(r"^(?:([-+=:])|(\d+)([.)])(?=\s|$))")
SAFE_URL = re.compile(r"^(?:https?://|mailto:)[^\s()<>\\\"']+$", re.IGNORECASE)


def escape(text: object) -> str:
    """`text` as literal Markdown on one line: markup characters escaped, whitespace collapsed.

    Newlines become spaces (a table cell or list item must stay on one line), every
    character that could start markup, raw HTML or a shortcode is backslash-escaped, and so
    is a line start that would read as a list marker. Missing values give the empty string.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    if not isinstance(text, str) and str(text) in ("nan", "NaT", "<NA>", "None"):
        return ""
    # Runs of spaces and line breaks become one space; a phrase's edge space ("at least ")
    # is kept, and so are the no-break spaces inside numbers ("139 671", "19,7 %").
    flat = re.sub(r"[ \t\r\n\f\v]+", " ", str(text))
    escaped = "".join("\\" + char if char in INLINE_SPECIALS else char for char in flat)
    match = LINE_START.match(escaped)
    if match is None:
        return escaped
    if match.group(1):
        return "\\" + escaped
    number, marker = match.group(2), match.group(3)
    return f"{number}\\{marker}{escaped[match.end() :]}"


def safe_url(url: object) -> str | None:
    """`url` when it is an http, https or mailto address a page may link to, else None."""
    text = str(url or "").strip()
    return text if SAFE_URL.match(text) else None
