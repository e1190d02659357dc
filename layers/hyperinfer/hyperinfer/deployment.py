"""What a deployed function needs from its environment, checked when the function starts.

On Lambda a missing resource name must stop the init with the variable's name, not fall back to a
default (``hyperinfer``) and fail later with a confusing AccessDenied or ResourceNotFound on the
first request. Lambda is recognised as Lambda itself marks it (``AWS_LAMBDA_FUNCTION_NAME``); off
Lambda (``hyperinfer dev``, tests) the settings' defaults stand. The stack (infra/) sets a function's
variables from ``variables`` below, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

from hyperinfer.function_table import (
    BY_NAME,
    CONSUMERS,
    SCHEDULED,
    Queue,
    Secret,
    Touches,
)

# Set by Lambda in every function's environment (and by SAM's local emulation of it).
LAMBDA_MARKER = "AWS_LAMBDA_FUNCTION_NAME"
TABLE_VARIABLE = "HYPERINFER_TABLE_NAME"
BUCKET_VARIABLE = "HYPERINFER_REPORT_BUCKET_NAME"
QUEUE_VARIABLES: Mapping[Queue, str] = {
    Queue.REPORTS: "HYPERINFER_REPORT_QUEUE_NAME",
    Queue.REPORT_UPLOADS: "HYPERINFER_UPLOAD_QUEUE_NAME",
    Queue.BATCHES: "HYPERINFER_BATCH_QUEUE_NAME",
}
SECRET_VARIABLES: Mapping[Secret, str] = {
    Secret.PROVIDER_KEYS: "HYPERINFER_PROVIDER_KEYS_SECRET",
    Secret.INTERNAL_TOKEN: "HYPERINFER_INTERNAL_TOKEN_SECRET",
}


class MissingSettingError(RuntimeError):
    """A deployed function started without a resource name it needs."""


def variables(touches: Touches, consumes: Queue | None = None) -> tuple[str, ...]:
    """The environment variables naming every resource a function touches (and the queue it
    consumes, if it is a consumer), in a stable order."""
    found: list[str] = []
    if touches.table is not None:
        found.append(TABLE_VARIABLE)
    queues = [queue for queue, _ in touches.queues] + ([consumes] if consumes is not None else [])
    found += [QUEUE_VARIABLES[queue] for queue in Queue if queue in queues]
    if touches.bucket is not None:
        found.append(BUCKET_VARIABLE)
    found += [SECRET_VARIABLES[secret] for secret in touches.secrets]
    return tuple(found)


def function_variables(name: str) -> tuple[str, ...]:
    """``variables`` of the function, consumer or scheduled job of that name."""
    if name in BY_NAME:
        return variables(BY_NAME[name].touches)
    for consumer in CONSUMERS:
        if consumer.name == name:
            return variables(consumer.touches, consumer.queue)
    for job in SCHEDULED:
        if job.name == name:
            return variables(job.touches)
    raise KeyError(f"unknown function {name!r}")


def is_deployed(environ: Mapping[str, str]) -> bool:
    return bool(environ.get(LAMBDA_MARKER))


def check_environment(name: str, environ: Mapping[str, str]) -> None:
    """Raise ``MissingSettingError`` naming every variable the function needs and lacks, when it
    runs on Lambda; nothing off Lambda, where the settings' defaults apply."""
    if not is_deployed(environ):
        return
    missing = [variable for variable in function_variables(name) if not environ.get(variable)]
    if missing:
        raise MissingSettingError(
            f"function {name!r} is deployed without {', '.join(missing)}: "
            "the stack sets these; without them it would talk to the wrong resources"
        )
