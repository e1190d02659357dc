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


class Emulator:
    """moto's threaded server: DynamoDB, SQS and S3 on one loopback port."""

    def __init__(self, port: int | None = None) -> None:
        from moto.server import ThreadedMotoServer

        self.port = port or free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

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
