"""Keep the chapter notebooks in git clean: outputs only in the headline cells nbval checks.

`python -m volreport.build.notebooks notebooks/*.ipynb` runs each notebook with its default
parameters and writes it back with every output cleared except those of cells marked
`# NBVAL_CHECK_OUTPUT`, which keep their fresh outputs for nbval to compare against.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def is_checked(cell) -> bool:
    """True for a code cell whose outputs nbval compares."""
    return cell.cell_type == "code" and CHECK_MARK in cell.source


def strip_outputs(notebook, executed=None) -> None:
    """Clear outputs and counts; checked cells take theirs from `executed` (by cell id)."""
    fresh = {cell.get("id"): cell for cell in executed.cells} if executed else {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = []
        if is_checked(cell) and cell.get("id") in fresh:
            # nbval treats a cell with outputs but no execution count as never run.
            cell.outputs = fresh[cell.get("id")].outputs
            cell.execution_count = fresh[cell.get("id")].execution_count
    notebook.metadata.pop("papermill", None)


def refresh(path: Path) -> None:
    """Execute `path` with papermill and store only the headline outputs back into it."""
    from volreport.build.runner import import_papermill, private_kernel_config

    papermill = import_papermill()
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        executed_path = Path(scratch) / path.name
        with private_kernel_config() as config:
            papermill.execute_notebook(
                str(path),
                str(executed_path),
                kernel_name="python3",
                progress_bar=False,
                config=config,
                cwd=str(path.parent),
            )
        executed = nbformat.read(executed_path, as_version=4)
    strip_outputs(notebook, executed)
    nbformat.write(notebook, path)


def main(argv: list[str]) -> int:
    """Refresh every notebook named on the command line."""
    for name in argv:
        refresh(Path(name))
        print(f"refreshed {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
