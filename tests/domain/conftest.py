"""Fixtures for the domain tests: the real catalogue (with and without the city
override) and a writable copy of it for data-only changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from domain.catalogue import Catalogue, load_catalogue

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "catalogue"


@pytest.fixture(scope="session")
def catalogues() -> dict[str | None, Catalogue]:
    """The real catalogue: key None without override, "hai-phong" with the city's."""
    return {
        None: load_catalogue(CATALOGUE_DIR),
        "hai-phong": load_catalogue(CATALOGUE_DIR, "hai-phong"),
    }


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A copy of the real catalogue folder (named ``catalogue``) that a test may edit."""
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a catalogue file: ``old`` must occur exactly once, so a test never edits
    something other than it means to."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
