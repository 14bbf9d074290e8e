"""Shared fixtures: a small valid repository to break on purpose.

`make_repo(dst)` copies the live site configuration (site, metrics, categories)
and a frozen minimal set of valid records (tests/bad_records/_base/: units
laixi-psb and xiagezhuang-pcs, brand sitou-gongzuofa, practice
xiagezhuang-sitou, stats xiagezhuang-pcs/2019). The records are frozen copies,
not the live ones, so that records other people add or edit in records/ cannot
change what the validator tests expect.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BAD = REPO / "tests" / "bad_records"
BASE = BAD / "_base"
CONFIG_FILES = ("site.yml", "metrics.yml", "categories.yml")
# "today" for every validator test: future years and months must not depend on the calendar
TODAY = date(2024, 6, 15)


def make_repo(dst: Path) -> Path:
    (dst / "site_config").mkdir(parents=True, exist_ok=True)
    for name in CONFIG_FILES:
        shutil.copyfile(REPO / "site_config" / name, dst / "site_config" / name)
    shutil.copytree(BASE, dst, dirs_exist_ok=True)
    return dst


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A valid minimal repository in tmp_path/repo."""
    return make_repo(tmp_path / "repo")
