"""The cycle collector during a function's cold start.

A start allocates some hundred thousand objects that live as long as the process: modules,
classes, pydantic's validators, the catalog. With the default young-generation threshold (700
allocations) the collector walks them over a hundred times on the way, ~19 ms of a ~310 ms start
(counted with ``gc.callbacks`` around ``bench/cold_start.py``'s probe), and frees almost nothing.
So on Lambda the threshold is raised while the function starts and answers its first request;
then what the start built is moved out of every later collection (``gc.freeze``) and the defaults
return. Raised, not disabled: a first request that streams for minutes still collects.
"""

from __future__ import annotations

import gc

# Young objects between collections while starting: above what one start allocates (~100k here).
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
