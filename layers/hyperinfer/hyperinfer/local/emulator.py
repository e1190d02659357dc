"""The embedded AWS emulator (moto in server mode on loopback) and the resources the gateway needs."""

from __future__ import annotations

import os
import socket
from typing import Any

from hyperinfer.accounts.schema import create_table_request
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
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access line per AWS call otherwise
        self._server.start()

    def stop(self) -> None:
        self._server.stop()


def ensure_resources(settings: Settings) -> None:
    """Create the table and the report queue (with its DLQ) unless they exist."""
    from hyperinfer import aws

    db: Any = aws.dynamodb(settings)
    if settings.table_name not in db.list_tables()["TableNames"]:
        db.create_table(**create_table_request(settings.table_name))
    queues: Any = aws.sqs(settings)
    dlq_url = queues.create_queue(QueueName=f"{settings.report_queue_name}-dlq")["QueueUrl"]
    dlq_arn = queues.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"5"}}'
    queues.create_queue(QueueName=settings.report_queue_name, Attributes={"RedrivePolicy": redrive})
