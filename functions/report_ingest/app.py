"""Consumer of the report queue: stores each report once (SQS event source, partial batch failures)."""

import os

from hyperinfer import snapstart
from hyperinfer.consumers.report_ingest import handler
from hyperinfer.deployment import check_environment

check_environment("report_ingest", os.environ)  # on Lambda, a missing resource name fails the init
snapstart.register()  # SnapStart: reseed and drop connections, credentials, secrets on restore

__all__ = ["handler"]
