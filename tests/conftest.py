"""Fixtures shared by the test files."""

from __future__ import annotations

import pytest

from volreport.data import dataset


@pytest.fixture(scope="session")
def ds2022():
    """The 2022 vintage as published (data/2022), loaded once per test process."""
    return dataset.load_year(2022)
