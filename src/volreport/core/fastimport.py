"""Import-time savings shared by the build, the validator and the notebook tools."""

from __future__ import annotations

import sys


def skip_iri_grammar() -> None:
    """Make jsonschema skip its optional IRI format checker.

    jsonschema (used by nbformat, papermill and frictionless) imports `rfc3987_syntax`
    when installed, which compiles a grammar at import: about 1 s in every process.
    Neither notebooks nor our data package descriptors use the "iri" format, so the
    checker is never needed; without it, jsonschema simply does not check that format.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "not installed"
