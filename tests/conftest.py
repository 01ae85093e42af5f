# SPDX-License-Identifier: MIT
"""Shared pytest fixtures: where the build is and which targets exist."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARCHES = ["arm64", "arm", "ppc64le", "ppc64", "x86_64"]


@pytest.fixture(scope="session")
def build_dir():
    """The O= directory make check built into."""
    d = pathlib.Path(os.environ.get("O", "build"))
    return d if d.is_absolute() else ROOT / d
