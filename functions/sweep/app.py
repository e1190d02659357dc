"""Scheduled sweep (EventBridge rule): settles billing reservations that nobody settled."""

import os

from hyperinfer import snapstart
from hyperinfer.deployment import check_environment
from hyperinfer.scheduled.sweep import handler

check_environment("sweep", os.environ)  # on Lambda, a missing resource name fails the init
snapstart.register()  # SnapStart: reseed and drop connections, credentials, secrets on restore

__all__ = ["handler"]
