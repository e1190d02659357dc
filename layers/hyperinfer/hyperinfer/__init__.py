"""HyperInfer: a serverless AI gateway."""

import os

# The first thing every function imports: its start collects rarely until its first answer
# (hyperinfer.collector). Lambda sets LAMBDA_TASK_ROOT for every function; elsewhere (tests,
# `hyperinfer dev`, the CLIs) the collector keeps its defaults.
if os.environ.get("LAMBDA_TASK_ROOT"):
    from hyperinfer import collector

    collector.hold()
