"""Fixtures of the public pages' tests (see ``tests.public.world``)."""

import pytest

from .world import build_county_world


@pytest.fixture
def county_world(db):
    """清河县 and 白沙县, see ``build_county_world``."""
    return build_county_world()
