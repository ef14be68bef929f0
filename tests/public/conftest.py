"""Fixtures of the public pages' tests (see ``tests.public.world``)."""

import pytest
from django.core.cache import cache

from .world import build_county_world


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters and cached PDFs of one test do not reach the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def county_world(db):
    """清河县 and 白沙县, see ``build_county_world``."""
    return build_county_world()
