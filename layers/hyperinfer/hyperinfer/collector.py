"""The cycle collector during a function's cold start.

A start creates tens of thousands of objects that live as long as the process (~55k tracked after
a Messages start): modules, classes, pydantic's validators, the catalog. With the default young
threshold (700 allocations) the collector walks them over a hundred times on the way, ~19 ms of a
~310 ms start (``bench/cold_start.py``'s ``gc`` columns), and frees almost nothing.
So on Lambda the threshold is raised while the function starts and answers its first request;
then what the start built is moved out of every later collection (``gc.freeze``) and the defaults
return. Raised, not disabled: a first request that streams for minutes still collects. The few
hundred objects a start leaves in garbage cycles (391 of ~55k on a Messages start) are frozen with
the rest: some kilobytes, once, where collecting them first would make the first answer wait for a
full collection (tens of ms here).
"""

from __future__ import annotations

import gc

# Net young allocations between collections while starting: above a whole start's (<100k here).
STARTING_THRESHOLD = 200_000

# The thresholds to return to, while held.
_held: list[tuple[int, int, int]] = []


def hold() -> None:
    """Collect rarely from now until ``release``; a second call changes nothing."""
    if not _held:
        defaults = gc.get_threshold()
        _held.append(defaults)
        gc.set_threshold(STARTING_THRESHOLD, *defaults[1:])


def release() -> None:
    """The start is over: freeze what it built, collect as usual. Cheap when nothing is held,
    so every request may call it."""
    if _held:
        gc.freeze()
        gc.set_threshold(*_held.pop())


def holding() -> bool:
    return bool(_held)
