"""Scheduled functions: Lambda handlers driven by EventBridge rules (``function_table.SCHEDULED``).

Each module exposes ``handler(event, context)``; the event is EventBridge's "Scheduled Event", whose
content carries nothing the handler needs beyond the fact that it is time to run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from hyperinfer.function_table import SCHEDULED, ScheduledSpec

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
BY_NAME: dict[str, ScheduledSpec] = {spec.name: spec for spec in SCHEDULED}


def load_handler(spec: ScheduledSpec) -> Handler:
    module = importlib.import_module(f"hyperinfer.scheduled.{spec.handler}")
    handler: Handler = module.handler
    return handler
