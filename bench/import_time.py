"""Import time of each function's entry module, in a fresh interpreter each run (median of 5).

.venv/bin/python bench/import_time.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = 5
PROBE = """
import sys, time
sys.path.insert(0, {folder!r})
start = time.perf_counter()
import app
print((time.perf_counter() - start) * 1000)
"""


def import_ms(folder: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(folder=str(folder))], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def main() -> None:
    sys.path.insert(0, str(REPO / "layers" / "hyperinfer"))
    from hyperinfer.function_table import FUNCTIONS

    print(f"{'function':<20}{'mode':<11}{'import ms (median of ' + str(RUNS) + ')':>28}{'min':>8}")
    for spec in FUNCTIONS:
        times = [import_ms(REPO / "functions" / spec.name) for _ in range(RUNS)]
        print(f"{spec.name:<20}{spec.mode.value:<11}{statistics.median(times):>28.1f}{min(times):>8.1f}")


if __name__ == "__main__":
    main()
