"""Consumer of the report queue: stores each report once (SQS event source, partial batch failures)."""

import os

from hyperinfer.consumers.report_ingest import handler
from hyperinfer.deployment import check_environment

check_environment("report_ingest", os.environ)  # on Lambda, a missing resource name fails the init

__all__ = ["handler"]
