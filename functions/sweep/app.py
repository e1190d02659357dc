"""Scheduled sweep (EventBridge rule): settles billing reservations that nobody settled."""

import os

from hyperinfer.deployment import check_environment
from hyperinfer.scheduled.sweep import handler

check_environment("sweep", os.environ)  # on Lambda, a missing resource name fails the init

__all__ = ["handler"]
