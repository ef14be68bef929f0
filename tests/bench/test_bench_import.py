"""``bench/bench_import.py`` at a two-county scale, so that the benchmark cannot rot."""

import pytest

from bench import bench_import
from duty_lists.models import DutyItem

pytestmark = pytest.mark.django_db


def test_bench_import_measures_an_import_of_every_generated_item(capsys):
    figures = bench_import.run(counties=2, items_total=100, quiet=True)

    # 50 items per county split 55/30/15 % over the three lists: 28 + 15 + 8.
    assert (figures["items"], figures["history"], figures["releases"]) == (102, 102, 6)
    assert min(figures["baseline"], figures["import"], figures["reimport"]) > 0
    output = capsys.readouterr().out
    assert "ratio import time ÷ baseline time:" in output
    # The lists are emptied again at the end.
    assert DutyItem.objects.count() == 0
