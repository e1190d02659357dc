"""Scheduled sweep (EventBridge rule): settles billing reservations that nobody settled."""

from hyperinfer.scheduled.sweep import handler

__all__ = ["handler"]
