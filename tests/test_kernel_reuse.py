"""A chapter worker reuses one kernel, and each chapter still starts as in a fresh one."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from volreport.build import runner
from volreport.data.dataset import ACCESS_LOG_ENV

# Prints what a chapter would see: the kernel's process, the names left in its namespace,
# its access log and whether a figure is still open; then leaves a name and a figure behind.
PROBE = f"""\
import json, os
import matplotlib.pyplot as plt
print(json.dumps({{
    "pid": os.getpid(),
    "left_behind": "left_behind" in globals(),
    "access_log": os.environ.get({ACCESS_LOG_ENV!r}),
    "open_figures": len(plt.get_fignums()),
}}))
left_behind = plt.figure()
"""


def write_notebook(path, *sources):
    notebook = new_notebook(cells=[new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)
    return str(path)


def seen(executed):
    """The probe's report and the execution count of the first cell."""
    cell = nbformat.read(executed, as_version=4).cells[0]
    return json.loads(cell.outputs[0]["text"]), cell.execution_count


@pytest.fixture(scope="module")
def worker():
    pool = ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=runner.start_worker
    )
    yield pool
    pool.shutdown()


def run(worker, tmp_path, notebook, name):
    executed, log = tmp_path / f"{name}.ipynb", tmp_path / f"{name}.log"
    access = tmp_path / f"{name}.inputs"
    result = worker.submit(
        runner._execute, notebook, str(executed), {}, str(access), str(log)
    ).result()
    return result, executed, str(access)


def test_the_next_chapter_starts_in_a_fresh_session_of_the_same_kernel(worker, tmp_path):
    probe = write_notebook(tmp_path / "probe.ipynb", PROBE)
    first, executed_first, _ = run(worker, tmp_path, probe, "first")
    second, executed_second, access = run(worker, tmp_path, probe, "second")
    assert "error" not in first and "error" not in second
    before, _ = seen(executed_first)
    after, count = seen(executed_second)
    assert after["pid"] == before["pid"]  # reused, not restarted
    assert after == {
        "pid": before["pid"],
        "left_behind": False,
        "access_log": access,
        "open_figures": 0,
    }
    assert count == 1  # numbered as in a new kernel


def test_a_failed_chapter_leaves_a_new_kernel_for_the_next(worker, tmp_path):
    probe = write_notebook(tmp_path / "probe.ipynb", PROBE)
    failing = write_notebook(tmp_path / "failing.ipynb", "raise ValueError('broken chapter')")
    first, executed_first, _ = run(worker, tmp_path, probe, "first")
    failed, _, _ = run(worker, tmp_path, failing, "failed")
    after, executed_after, _ = run(worker, tmp_path, probe, "after")
    assert failed["error"] == "ValueError: broken chapter"
    assert seen(executed_after)[0]["pid"] != seen(executed_first)[0]["pid"]
