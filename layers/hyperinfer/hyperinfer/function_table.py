"""The one table of functions: each Lambda's name, method, route, invoke mode and envelope, and
beside them the queue consumers and the scheduled functions. Each spec also says what the function
touches (the table, the queues, the bucket, the secrets): the stack grants exactly that and sets
exactly those resources' names (``hyperinfer.deployment`` checks them at init on Lambda).

``functions/<name>/`` entry points, ``hyperinfer dev`` and ``infra/`` all read this table, so they
cannot disagree. Endpoint code is named by module path and imported only by the app that serves it.
Every function imports this table at init, so its records are NamedTuples: in Python 3.12 each
frozen dataclass costs ~0.5 ms to define (its methods are compiled one by one), a NamedTuple ~0.05.
"""

from enum import StrEnum
from typing import NamedTuple


class InvokeMode(StrEnum):
    # Runs under the Lambda Web Adapter with response streaming (uvicorn inside Lambda).
    STREAMING = "streaming"
    # Runs through Mangum; the whole response is buffered.
    BUFFERED = "buffered"


class Envelope(StrEnum):
    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    REPORT = "report"  # the reporting seeds' {message, code, issues}


class Secret(StrEnum):
    """Secrets Manager secrets a function may read; infra grants each function only its own."""

    # A JSON object: each provider's ``api_key_env`` name -> its API key.
    PROVIDER_KEYS = "provider-keys"
    # The shared secret of X-Internal-Token (playground keys).
    INTERNAL_TOKEN = "internal-token"  # noqa: S105 - the secret's name, not its value


class Access(StrEnum):
    """How far a function reaches into a resource; infra maps each level to grant_* helpers."""

    # Its metadata only (readyz: DescribeTable, GetQueueUrl).
    DESCRIBE = "describe"
    # Reads. On the table this includes consuming a one-time key on first use (UpdateItem of key
    # items only), which every authenticated request may have to do.
    READ = "read"
    # Writes without reads: a queue's SendMessage, a bucket's PutObject.
    WRITE = "write"
    READ_WRITE = "read_write"


class Queue(StrEnum):
    """The stack's queues, by role (their names come from the settings)."""

    REPORTS = "reports"
    REPORT_UPLOADS = "report_uploads"
    BATCHES = "batches"


class Touches(NamedTuple):
    """The AWS resources a function uses and how; nothing here = no data access at all."""

    table: Access | None = None
    queues: tuple[tuple[Queue, Access], ...] = ()
    bucket: Access | None = None
    secrets: tuple[Secret, ...] = ()


NOTHING = Touches()
# What the generation ingresses touch: keys, balances, reservations and records; provider keys.
GENERATE = Touches(table=Access.READ_WRITE, secrets=(Secret.PROVIDER_KEYS,))
# Batches: creating one writes its chunks and its item and sends its first messages; reading,
# canceling, deleting and the files endpoints work on the items and the bucket only.
BATCH_CREATE = Touches(
    table=Access.READ_WRITE, bucket=Access.READ_WRITE, queues=((Queue.BATCHES, Access.WRITE),)
)
BATCH_ITEMS = Touches(table=Access.READ_WRITE, bucket=Access.READ_WRITE)
BATCH_RUN = Touches(
    table=Access.READ_WRITE,
    bucket=Access.READ_WRITE,
    queues=((Queue.BATCHES, Access.WRITE),),
    secrets=(Secret.PROVIDER_KEYS,),
)
READ_TABLE = Touches(table=Access.READ)
# A report is queued; one too large for SQS waits in the bucket (inbound/) for the consumer.
REPORT_INTAKE = Touches(table=Access.READ, queues=((Queue.REPORTS, Access.WRITE),), bucket=Access.WRITE)


class FunctionSpec(NamedTuple):
    name: str
    method: str
    route: str
    mode: InvokeMode
    endpoint: str  # module under hyperinfer.endpoints exposing `async def handle(request)`
    envelope: Envelope = Envelope.OPENAI
    description: str = ""
    touches: Touches = NOTHING

    @property
    def secrets(self) -> tuple[Secret, ...]:
        return self.touches.secrets


# fmt: off
FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="chat_completions", method="POST", route="/api/v1/chat/completions",
        mode=InvokeMode.STREAMING, endpoint="chat_completions",
        description="OpenAI Chat Completions ingress.",
        touches=GENERATE,
    ),
    FunctionSpec(
        name="responses", method="POST", route="/api/v1/responses",
        mode=InvokeMode.STREAMING, endpoint="responses",
        description="OpenAI Responses ingress.",
        touches=GENERATE,
    ),
    FunctionSpec(
        name="messages", method="POST", route="/api/v1/messages",
        mode=InvokeMode.STREAMING, endpoint="messages", envelope=Envelope.ANTHROPIC,
        description="Anthropic Messages ingress.",
        touches=GENERATE,
    ),
    FunctionSpec(
        name="messages_count_tokens", method="POST", route="/api/v1/messages/count_tokens",
        mode=InvokeMode.BUFFERED, endpoint="messages_count_tokens", envelope=Envelope.ANTHROPIC,
        description="Anthropic token counting (a local estimate).",
        touches=READ_TABLE,
    ),
    FunctionSpec(
        name="generation", method="GET", route="/api/v1/generation",
        mode=InvokeMode.BUFFERED, endpoint="generation",
        description="Post-hoc metadata of one of the workspace's requests.",
        touches=READ_TABLE,
    ),
    FunctionSpec(
        name="playground_keys", method="POST", route="/api/v1/playground-keys",
        mode=InvokeMode.BUFFERED, endpoint="playground_keys",
        description="One-time playground keys (internal, X-Internal-Token).",
        touches=Touches(table=Access.READ_WRITE, secrets=(Secret.INTERNAL_TOKEN,)),
    ),
    FunctionSpec(
        name="report", method="POST", route="/api/v1/report",
        mode=InvokeMode.BUFFERED, endpoint="report", envelope=Envelope.REPORT,
        description="Record the log of an OpenAI call made elsewhere.",
        touches=REPORT_INTAKE,
    ),
    FunctionSpec(
        name="report_anthropic", method="POST", route="/api/v1/report-anthropic",
        mode=InvokeMode.BUFFERED, endpoint="report_anthropic", envelope=Envelope.REPORT,
        description="Record the log of an Anthropic call made elsewhere.",
        touches=REPORT_INTAKE,
    ),
    FunctionSpec(
        name="report_uploads", method="POST", route="/api/v1/report-uploads",
        mode=InvokeMode.BUFFERED, endpoint="report_uploads", envelope=Envelope.REPORT,
        description="A presigned POST for uploading a JSONL file of reports.",
        # The POST is signed with the function's own credentials: S3 checks its PutObject right.
        touches=Touches(table=Access.READ_WRITE, bucket=Access.WRITE),
    ),
    FunctionSpec(
        name="report_upload_status", method="GET", route="/api/v1/report-uploads/{upload_id}",
        mode=InvokeMode.BUFFERED, endpoint="report_upload_status", envelope=Envelope.REPORT,
        description="An upload's ingestion status and its bad lines.",
        touches=Touches(table=Access.READ, bucket=Access.READ),
    ),
    FunctionSpec(
        name="reports", method="GET", route="/api/v1/reports",
        mode=InvokeMode.BUFFERED, endpoint="reports", envelope=Envelope.REPORT,
        description="A workspace's stored reports, by time range and metadata.",
        touches=Touches(table=Access.READ, bucket=Access.READ),
    ),
    FunctionSpec(
        name="message_batches_create", method="POST", route="/api/v1/messages/batches",
        mode=InvokeMode.BUFFERED, endpoint="message_batches_create", envelope=Envelope.ANTHROPIC,
        description="Create an Anthropic Message Batch (any catalog model).",
        touches=BATCH_CREATE,
    ),
    FunctionSpec(
        name="message_batches_list", method="GET", route="/api/v1/messages/batches",
        mode=InvokeMode.BUFFERED, endpoint="message_batches_list", envelope=Envelope.ANTHROPIC,
        description="The workspace's Message Batches, newest first.",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="message_batch", method="GET", route="/api/v1/messages/batches/{batch_id}",
        mode=InvokeMode.BUFFERED, endpoint="message_batch", envelope=Envelope.ANTHROPIC,
        description="One Message Batch.",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="message_batch_cancel", method="POST", route="/api/v1/messages/batches/{batch_id}/cancel",
        mode=InvokeMode.BUFFERED, endpoint="message_batch_cancel", envelope=Envelope.ANTHROPIC,
        description="Cancel a Message Batch's requests not yet started.",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="message_batch_delete", method="DELETE", route="/api/v1/messages/batches/{batch_id}",
        mode=InvokeMode.BUFFERED, endpoint="message_batch_delete", envelope=Envelope.ANTHROPIC,
        description="Delete an ended Message Batch and its results.",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="message_batch_results", method="GET", route="/api/v1/messages/batches/{batch_id}/results",
        mode=InvokeMode.BUFFERED, endpoint="message_batch_results", envelope=Envelope.ANTHROPIC,
        description="An ended Message Batch's results (JSONL).",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="batches_create", method="POST", route="/api/v1/batches",
        mode=InvokeMode.BUFFERED, endpoint="batches_create",
        description="Create an OpenAI batch from an uploaded file (or a Message Batch from requests).",
        touches=BATCH_CREATE,
    ),
    FunctionSpec(
        name="batches_list", method="GET", route="/api/v1/batches",
        mode=InvokeMode.BUFFERED, endpoint="batches_list",
        description="The workspace's OpenAI batches, newest first.",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="batch", method="GET", route="/api/v1/batches/{batch_id}",
        mode=InvokeMode.BUFFERED, endpoint="batch",
        description="One OpenAI batch.",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="batch_cancel", method="POST", route="/api/v1/batches/{batch_id}/cancel",
        mode=InvokeMode.BUFFERED, endpoint="batch_cancel",
        description="Cancel an OpenAI batch's requests not yet started.",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="files_create", method="POST", route="/api/v1/files",
        mode=InvokeMode.BUFFERED, endpoint="files_create",
        description="Upload a batch input file (multipart, purpose=batch).",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="file", method="GET", route="/api/v1/files/{file_id}",
        mode=InvokeMode.BUFFERED, endpoint="file",
        description="A file's metadata.",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="file_content", method="GET", route="/api/v1/files/{file_id}/content",
        mode=InvokeMode.BUFFERED, endpoint="file_content",
        description="A file's content (batch input, output and error files).",
        touches=BATCH_ITEMS,
    ),
    FunctionSpec(
        name="models", method="GET", route="/api/v1/models",
        mode=InvokeMode.BUFFERED, endpoint="models",
        description="Public model catalog.",
    ),
    FunctionSpec(
        name="healthz", method="GET", route="/healthz",
        mode=InvokeMode.BUFFERED, endpoint="healthz",
        description="Liveness.",
    ),
    FunctionSpec(
        name="readyz", method="GET", route="/readyz",
        mode=InvokeMode.BUFFERED, endpoint="readyz",
        description="Readiness of DynamoDB and SQS.",
        touches=Touches(table=Access.DESCRIBE, queues=((Queue.REPORTS, Access.DESCRIBE),)),
    ),
    FunctionSpec(
        name="openapi", method="GET", route="/openapi.json",
        mode=InvokeMode.BUFFERED, endpoint="openapi_doc",
        description="The OpenAPI document.",
    ),
)
# fmt: on


class ConsumerSpec(NamedTuple):
    """A function driven by an SQS queue (Powertools BatchProcessor, partial batch failures)."""

    name: str
    queue: Queue  # the queue it consumes (receive and delete come with the event source)
    handler: str  # module under hyperinfer.consumers exposing `handler(event, context)`
    batch_size: int = 10
    description: str = ""
    touches: Touches = NOTHING  # beyond its own queue


CONSUMERS: tuple[ConsumerSpec, ...] = (
    ConsumerSpec(
        name="report_ingest", queue=Queue.REPORTS, handler="report_ingest", batch_size=10,
        description="Stores reports from the report queue in DynamoDB, once each.",
        # Reads a large report from inbound/, stores large bodies under bodies/.
        touches=Touches(table=Access.READ_WRITE, bucket=Access.READ_WRITE),
    ),
    ConsumerSpec(
        name="report_uploads_ingest", queue=Queue.REPORT_UPLOADS, handler="report_uploads_ingest",
        batch_size=1,
        description="Ingests every line of an uploaded JSONL file (S3 object-created events via SQS).",
        # Reads the upload, writes its bad lines and status, stores large bodies.
        touches=Touches(table=Access.READ_WRITE, bucket=Access.READ_WRITE),
    ),
    ConsumerSpec(
        name="batch_run", queue=Queue.BATCHES, handler="batch_run", batch_size=10,
        description="Runs each batch request once: expands chunks, claims, calls, settles, ends the batch.",
        # Generates (keys, balances, records, provider keys), reads chunks and writes results and
        # files, and sends the run messages of a chunk (and a busy message again, later).
        touches=BATCH_RUN,
    ),
)  # fmt: skip


class ScheduledSpec(NamedTuple):
    """A function run on a schedule (an EventBridge rule) rather than by a request or a queue."""

    name: str
    handler: str  # module under hyperinfer.scheduled exposing `handler(event, context)`
    schedule: str  # an EventBridge schedule expression: rate(...) or cron(...)
    description: str = ""
    touches: Touches = NOTHING


SCHEDULED: tuple[ScheduledSpec, ...] = (
    # Every 5 minutes: a dead request's hold is settled at most this long after it became stale.
    ScheduledSpec(
        name="sweep", handler="sweep", schedule="rate(5 minutes)",
        description="Settles billing reservations that nobody settled (the function died).",
        touches=Touches(table=Access.READ_WRITE),
    ),
)  # fmt: skip

BY_NAME: dict[str, FunctionSpec] = {spec.name: spec for spec in FUNCTIONS}


def get_function(name: str) -> FunctionSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(BY_NAME))
        raise KeyError(f"unknown function {name!r}; known: {known}") from None
