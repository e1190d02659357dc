"""The embedded AWS emulator (moto in server mode on loopback) and the resources the gateway needs."""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from hyperinfer.accounts.schema import create_table_request
from hyperinfer.reports.layout import UPLOAD_PREFIX, UPLOAD_SUFFIX
from hyperinfer.settings import Settings

# moto accepts any credentials; boto3 refuses to sign without some.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def use_fake_credentials() -> None:
    for name, value in FAKE_CREDENTIALS.items():
        os.environ.setdefault(name, value)


def _serialized_server(port: int) -> Any:
    """moto's threaded server, one request at a time.

    moto's TransactWriteItems deep-copies the table to roll back on failure; another thread writing
    meanwhile breaks that copy (a 500, and a transaction half applied). Real DynamoDB serializes
    conflicting transactions itself; here a lock does, which keeps every conditional write atomic.
    """
    import threading

    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    class Serialized(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            lock = threading.Lock()

            def serialized(environ: Any, start_response: Any) -> Any:
                with lock:
                    return list(app(environ, start_response))

            self._server = make_server(self._ip_address, self._port, serialized, True)
            self._server_ready_event.set()
            self._server.serve_forever()

    return Serialized(ip_address="127.0.0.1", port=port, verbose=False)


def _item_level_transaction_rollback() -> None:
    """moto backs up every table a TransactWriteItems names with a deep copy, before every
    transaction, to restore it on failure: time grows with the table, ~0.1 s per write per thousand
    items, so a workspace of stored reports made each report slower than the last. Same semantics,
    cheaper: snapshot only the items the transaction writes and restore just those on failure.
    (Requests are serialized by ``_serialized_server``, so nothing else runs meanwhile.)"""
    import copy

    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "item_level_rollback", False):
        return

    def snapshot(backend: Any, operation: dict[str, Any]) -> tuple[Any, Any, Any, Any] | None:
        try:
            table = backend.get_table(operation["TableName"])
            names = [name for name in (table.hash_key_attr, table.range_key_attr) if name]
            key = operation.get("Key") or {name: operation["Item"][name] for name in names}
            hash_key, range_key = backend.get_keys_value(table, key)
        except Exception:  # moto reports a malformed operation itself
            return None
        return table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        taken = [snapshot(self, op) for entry in transact_items for op in entry.values()]
        Table.__deepcopy__ = lambda table, memo: table  # type: ignore[attr-defined]
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed([t for t in taken if t is not None]):
                if item is None:
                    table.delete_item(hash_key, range_key)
                elif range_key is not None:
                    table.items[hash_key][range_key] = item
                else:
                    table.items[hash_key] = item
            raise
        finally:
            del Table.__deepcopy__  # type: ignore[attr-defined]

    transact_write_items.item_level_rollback = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


class Emulator:
    """moto in server mode: DynamoDB, SQS and S3 on one loopback port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._server = _serialized_server(self.port)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import logging

        use_fake_credentials()
        _item_level_transaction_rollback()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access line per AWS call otherwise
        self._server.start()

    def stop(self) -> None:
        self._server.stop()


MAX_RECEIVE_COUNT = 5  # as infra/: deliveries before a message is parked in the DLQ
# A batch message that waits for a free workspace slot comes back this many seconds later.
BATCH_VISIBILITY = 5


def ensure_resources(settings: Settings) -> None:
    """Create the table, the bucket and the queues (each with its DLQ) unless they exist, and
    route the bucket's object-created events under ``uploads/`` to the upload queue, as infra/ does."""
    from hyperinfer import aws

    db: Any = aws.dynamodb(settings)
    if settings.table_name not in db.list_tables()["TableNames"]:
        db.create_table(**create_table_request(settings.table_name))
    _queue_with_dlq(settings, settings.report_queue_name, visibility=30)
    _queue_with_dlq(settings, settings.batch_queue_name, visibility=BATCH_VISIBILITY)
    _bucket(settings, upload_queue_arn=_queue_with_dlq(settings, settings.upload_queue_name, visibility=300))


def _queue_with_dlq(settings: Settings, name: str, *, visibility: int) -> str:
    """Create ``name`` and ``name-dlq``; returns the queue's ARN."""
    from hyperinfer import aws

    queues: Any = aws.sqs(settings)
    dlq_url = queues.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = _arn(queues, dlq_url)
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)})
    url = queues.create_queue(
        QueueName=name, Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": str(visibility)}
    )["QueueUrl"]
    return _arn(queues, url)


def _arn(queues: Any, url: str) -> str:
    attributes = queues.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    arn: str = attributes["QueueArn"]
    return arn


def _bucket(settings: Settings, *, upload_queue_arn: str) -> None:
    from hyperinfer import aws

    s3: Any = aws.s3_admin(settings)
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    if settings.report_bucket_name not in existing:
        extra = (
            {}
            if settings.aws_region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": settings.aws_region}}
        )
        s3.create_bucket(Bucket=settings.report_bucket_name, **extra)
    rules = [{"Name": "prefix", "Value": UPLOAD_PREFIX}, {"Name": "suffix", "Value": UPLOAD_SUFFIX}]
    s3.put_bucket_notification_configuration(
        Bucket=settings.report_bucket_name,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": "report-uploads",
                    "QueueArn": upload_queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": rules}},
                }
            ]
        },
    )
