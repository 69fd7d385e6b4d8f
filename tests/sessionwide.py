"""Work done once in a test session and shared by its xdist workers.

A session fixture runs once in each xdist worker. What is worth doing only once (building
a book) is done by the first worker that asks for it, under a file lock, while the others
wait for it and then read what it recorded.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder that every worker sees (one per session, as ever)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], dict]) -> dict:
    """What `make(folder)` returned (JSON), made once in the session into its own folder."""
    shared = shared_folder(tmp_path_factory)
    record = shared / f"{name}.json"
    with (shared / f"{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not record.exists():
            folder = shared / name
            folder.mkdir(exist_ok=True)
            record.write_text(json.dumps(make(folder)), encoding="utf-8")
        return json.loads(record.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Run:
    """A finished command: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run(command: list[str]) -> dict:
    """Run `command`; its Run as JSON, for `once` to record."""
    done = subprocess.run(command, capture_output=True, text=True)
    return dataclasses.asdict(Run(done.returncode, done.stdout, done.stderr))
