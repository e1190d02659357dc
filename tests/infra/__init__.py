"""Tests of the CDK app in infra/, which is an app directory rather than an installed package."""

import sys
from pathlib import Path

# Same import root as `cdk synth`, which runs infra/app.py directly; set here so it precedes any import.
_INFRA = str(Path(__file__).resolve().parents[2] / "infra")
if _INFRA not in sys.path:
    sys.path.insert(0, _INFRA)
