"""The sweep sets the cycle collector aside while it runs, and puts it back as it found it."""

from __future__ import annotations

import gc

from workflows.runners.jobs import SWEEP_GC_THRESHOLD, _long_lived_objects_frozen


def test_a_sweep_collects_the_youngest_generation_less_often_and_restores_it_after() -> None:
    before = gc.get_threshold()
    with _long_lived_objects_frozen():
        assert gc.get_threshold()[0] == SWEEP_GC_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before


def test_overlapping_sweeps_leave_the_collector_as_it_was_whichever_ends_first() -> None:
    before = gc.get_threshold()
    first, second = _long_lived_objects_frozen(), _long_lived_objects_frozen()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == SWEEP_GC_THRESHOLD  # the second sweep still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
