"""The queue consumers in-process, as Lambda runs them: on the events/ samples, and on batches received
from the emulator's real queues (with faults injected in the boto3 DynamoDB client)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hyperinfer import aws
from hyperinfer.consumers import BY_NAME, load_handler
from hyperinfer.gateway.runtime import configure
from hyperinfer.invoke import invoke
from hyperinfer.local.emulator import Emulator
from hyperinfer.local.poller import QueuePoller
from hyperinfer.reports.layout import errors_key, upload_key
from hyperinfer.reports.message import ReportMessage
from hyperinfer.reports.queue import enqueue, queue_url
from hyperinfer.reports.store import ReportStore
from hyperinfer.reports.uploads import Uploads
from hyperinfer.settings import Settings

from tests.support import REPO
from tests.unit.reports.payloads import anthropic_report, openai_report
from tests.unit.reports.storage import T0, isolated_settings

EVENTS = REPO / "events"
SAMPLE_UPLOAD_ID = "a1" * 16


def event(path: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / path).read_text())
    return loaded


def failures(response: dict[str, Any]) -> set[str]:
    return {item["itemIdentifier"] for item in response["batchItemFailures"]}


def report_message(report_id: str, report: dict[str, Any], **fields: Any) -> ReportMessage:
    values: dict[str, Any] = {
        "report_id": report_id,
        "workspace_id": "ws_q",
        "key_id": "key_q",
        "format": "openai",
        "received_at": T0,
        "report": report,
    }
    return ReportMessage(**{**values, **fields})


def listing_ids(settings: Settings, workspace_id: str) -> list[str]:
    """Every listing item's report id, duplicates included (raw DynamoDB, not the store)."""
    db = aws.dynamodb(settings)
    kwargs: dict[str, Any] = {
        "TableName": settings.table_name,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"RPT#{workspace_id}"}},
        "ProjectionExpression": "report_id",
    }
    found: list[str] = []
    while True:
        response = db.query(**kwargs)
        found += [item["report_id"]["S"] for item in response["Items"]]
        if "LastEvaluatedKey" not in response:
            return found
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def queue_depth(settings: Settings, url: str) -> int:
    attributes = aws.sqs(settings).get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def poller_for(settings: Settings, consumer: str) -> QueuePoller:
    spec = BY_NAME[consumer]
    name = settings.report_queue_name if spec.queue == "reports" else settings.upload_queue_name
    return QueuePoller(
        aws.sqs(settings),
        queue_url(settings, name),
        load_handler(spec),
        batch_size=spec.batch_size,
        function_name=spec.name,
    )


# -- the events/ samples -------------------------------------------------------------------------


def test_the_sample_batch_is_stored_with_merged_metadata(settings: Settings) -> None:
    assert invoke("report_ingest", event("report_ingest/batch.json")) == {"batchItemFailures": []}
    store = ReportStore.from_settings(settings)
    openai = store.get("ws_events", "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e001")
    anthropic = store.get("ws_events", "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e002")
    assert openai is not None and anthropic is not None
    assert openai.metadata == {"prompt_id": "populate-title", "userId": "123"}
    assert openai.format == "openai" and openai.status_code == 200 and openai.origin == "api"
    assert anthropic.format == "anthropic" and anthropic.metadata == {"prompt_id": "greeting"}
    assert anthropic.resp_payload["content"] == [{"type": "text", "text": "Hi!"}]


def test_a_redelivered_batch_stores_nothing_twice(settings: Settings) -> None:
    for _ in range(3):
        assert invoke("report_ingest", event("report_ingest/batch.json")) == {"batchItemFailures": []}
    ids = [i for i in listing_ids(settings, "ws_events") if i.startswith("e0e0")]
    assert sorted(ids) == sorted(set(ids)) and "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e001" in ids


def test_poison_messages_fail_alone(settings: Settings) -> None:
    sample = event("report_ingest/poison.json")
    response = invoke("report_ingest", sample)
    unparseable, invalid = sample["Records"][1]["messageId"], sample["Records"][2]["messageId"]
    assert failures(response) == {unparseable, invalid}
    store = ReportStore.from_settings(settings)
    assert store.get("ws_events", "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e003") is not None
    assert store.get("ws_events", "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e005") is None


def test_a_batch_of_only_poison_lists_every_message_instead_of_raising() -> None:
    sample = event("report_ingest/poison.json")
    sample["Records"] = sample["Records"][1:]
    response = invoke("report_ingest", sample)
    assert failures(response) == {record["messageId"] for record in sample["Records"]}


def sample_upload(settings: Settings) -> None:
    """The upload the sample S3 event names: minted for ws_events, then its file put in the bucket."""
    uploads = Uploads(settings)
    if uploads.upload("ws_events", SAMPLE_UPLOAD_ID) is None:
        from hyperinfer.reports.uploads import Upload

        uploads.create(
            Upload(SAMPLE_UPLOAD_ID, "ws_events", "key_events_sample", T0, T0 + 900_000, 10_000_000)
        )
    aws.s3(settings).put_object(
        Bucket=settings.report_bucket_name,
        Key=upload_key("ws_events", SAMPLE_UPLOAD_ID),
        Body=(EVENTS / "report_uploads_ingest/upload.jsonl").read_bytes(),
    )


def test_the_sample_upload_stores_good_lines_and_reports_bad_ones(settings: Settings) -> None:
    sample_upload(settings)
    for _ in range(2):  # a redelivered event changes nothing
        assert invoke("report_uploads_ingest", event("report_uploads_ingest/object-created.json")) == {
            "batchItemFailures": []
        }
    status = Uploads(settings).status("ws_events", SAMPLE_UPLOAD_ID)
    assert status is not None
    assert {k: status[k] for k in ("state", "lines", "stored", "rejected")} == {
        "state": "done",
        "lines": 4,
        "stored": 2,
        "rejected": 2,
    }
    assert [(e["line"], e["field"]) for e in status["errors"]] == [(3, None), (5, "model")]
    assert "not valid JSON" in status["errors"][0]["reason"] and "model" in status["errors"][1]["reason"]
    assert status["errors_truncated"] is False
    raw = aws.s3(settings).get_object(
        Bucket=settings.report_bucket_name, Key=errors_key("ws_events", SAMPLE_UPLOAD_ID)
    )
    assert [json.loads(line)["line"] for line in raw["Body"].read().splitlines()] == [3, 5]
    store = ReportStore.from_settings(settings)
    stored = [r for _, r in store.scan("ws_events") if r.upload_id == SAMPLE_UPLOAD_ID]
    assert sorted(r.format for r in stored) == ["anthropic", "openai"]
    assert {r.origin for r in stored} == {"upload"} and {r.key_id for r in stored} == {"key_events_sample"}


def test_the_s3_test_event_is_acknowledged() -> None:
    assert invoke("report_uploads_ingest", event("report_uploads_ingest/test-event.json")) == {
        "batchItemFailures": []
    }


def test_events_for_our_own_errors_and_status_files_are_ignored(settings: Settings) -> None:
    sample = event("report_uploads_ingest/object-created.json")
    s3_event = json.loads(sample["Records"][0]["body"])
    s3_event["Records"][0]["s3"]["object"]["key"] = errors_key("ws_events", "b2" * 16)
    sample["Records"][0]["body"] = json.dumps(s3_event)
    assert invoke("report_uploads_ingest", sample) == {"batchItemFailures": []}
    assert Uploads(settings).status("ws_events", "b2" * 16) is None


def test_a_file_under_an_unminted_upload_id_is_refused_as_a_whole(settings: Settings) -> None:
    unminted = "c3" * 16
    aws.s3(settings).put_object(
        Bucket=settings.report_bucket_name, Key=upload_key("ws_events", unminted), Body=b"{}\n"
    )
    status = Uploads(settings).ingest(settings.report_bucket_name, upload_key("ws_events", unminted))
    assert status == {"upload_id": unminted, "state": "failed", "reason": "no such upload was minted"}


# -- real queues in the emulator ---------------------------------------------------------------


def test_a_presigned_post_drives_ingestion_through_the_bucket_notification(emulator: Emulator) -> None:
    settings = isolated_settings(emulator, "upload-e2e")
    configure(settings)
    uploads = Uploads(settings)
    minted = uploads.mint("ws_up", "key_up", now_ms=T0)
    lines = [json.dumps(openai_report(tags={"n": n})) for n in range(5)] + ['{"statusCode": "x"}']
    posted = httpx.post(
        minted["url"], data=minted["fields"], files={"file": ("r.jsonl", "\n".join(lines).encode())}
    )
    assert posted.status_code == 204
    poller = poller_for(settings, "report_uploads_ingest")
    while poller.poll_once():  # the s3:TestEvent, then the object-created event
        pass
    status = uploads.status("ws_up", minted["upload_id"])
    assert status is not None and status["state"] == "done"
    assert (status["stored"], status["rejected"]) == (5, 1)
    assert status["errors"][0]["line"] == 6 and status["errors"][0]["field"] == "statusCode"
    assert len(listing_ids(settings, "ws_up")) == 5


def test_a_poison_message_reaches_the_dlq_and_redrive_brings_it_back(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hyperinfer.cli import main

    settings = isolated_settings(emulator, "dlq")
    configure(settings)
    url = queue_url(settings, settings.report_queue_name)
    # A pointer whose S3 object is missing: fails on every delivery until someone puts it there.
    pointer = report_message("d" * 32, {}).model_copy(
        update={"report": None, "s3_key": "inbound/ws_q/missing.json"}
    )
    aws.sqs(settings).send_message(QueueUrl=url, MessageBody=pointer.model_dump_json(exclude_none=True))
    enqueue(settings, report_message("e" * 32, openai_report()))
    poller = poller_for(settings, "report_ingest")
    receives = 0
    while queue_depth(settings, url):
        receives += poller.poll_once(visibility_timeout=0)
        assert receives < 20
    assert listing_ids(settings, "ws_q") == ["e" * 32]  # the good one was not held back
    assert receives == 6  # 1 + 5 deliveries of the poison (maxReceiveCount 5)

    aws.s3(settings).put_object(
        Bucket=settings.report_bucket_name,
        Key="inbound/ws_q/missing.json",
        Body=json.dumps(openai_report()).encode(),
    )
    monkeypatch.setenv("HYPERINFER_REPORT_QUEUE_NAME", settings.report_queue_name)
    assert main(["reports", "redrive", "--endpoint-url", str(settings.aws_endpoint_url)]) == 0
    assert "moved 1 message(s)" in capsys.readouterr().out
    poller.poll_once()
    assert sorted(listing_ids(settings, "ws_q")) == ["d" * 32, "e" * 32]


class Faults(httpx.BaseTransport):
    """Transient DynamoDB failures injected under the DynamoDB client (as its HTTP transport), by
    batch: ``before`` throttles a run of calls before they are sent (nothing written; the client's
    retries run out, so the consumer sees the error), ``after`` loses the response of a call that
    succeeded (written, yet the consumer sees a timeout and the message is redelivered)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.real = httpx.HTTPTransport()
        self.mode: str | None = None
        self.calls = 0
        self.before = self.after = 0

    def __enter__(self) -> Faults:
        self.saved = self.client.http
        self.client.http = httpx.Client(transport=self, timeout=self.saved.timeout)
        return self

    def __exit__(self, *_: object) -> None:
        self.client.http.close()
        self.client.http = self.saved

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.headers.get("X-Amz-Target", "").endswith(".TransactWriteItems"):
            return self.real.handle_request(request)
        self.calls += 1
        if self.mode == "before" and (self.calls // 3) % 2 == 1:  # three refusals in a row
            self.before += 1
            body = {"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}
            return httpx.Response(400, json=body)
        response = self.real.handle_request(request)
        if self.mode == "after" and self.calls % 3 == 0 and response.status_code == 200:
            self.after += 1
            response.read()
            raise httpx.ReadTimeout("injected", request=request)
        return response


def bulk_messages() -> tuple[dict[str, dict[str, Any]], list[ReportMessage | str]]:
    """2,000 reports (20 of them large), 50 duplicates of earlier ones and 3 poison messages."""
    sent: dict[str, dict[str, Any]] = {}
    reports: list[ReportMessage] = []
    messages: list[ReportMessage | str] = []
    for n in range(2000):
        if n % 100 == 7:  # above the SQS limit; every other one also above the item limit
            report = openai_report(respPayload={"text": "y" * (300_000 if n % 200 == 7 else 420_000)})
        elif n % 2:
            report = anthropic_report(metadata={"n": str(n)})
        else:
            report = openai_report(tags={"n": n})
        fmt = "anthropic" if n % 2 and n % 100 != 7 else "openai"
        sent[f"{n:032x}"] = report
        reports.append(
            report_message(f"{n:032x}", report, workspace_id="ws_bulk", format=fmt, received_at=T0 + n)
        )
        messages.append(reports[-1])
        if n % 40 == 39:  # as a client's retry, or SQS itself, may deliver one twice
            messages.append(reports[n - 20])
        if n % 700 == 0:  # must neither block the rest nor be stored
            messages.append(f"?{n}")
    return sent, messages


@pytest.mark.timeout(600)
def test_2000_reports_with_faulty_batches_are_each_stored_exactly_once(emulator: Emulator) -> None:
    settings = isolated_settings(emulator, "bulk")
    configure(settings)
    sent, messages = bulk_messages()
    poller = poller_for(settings, "report_ingest")
    sqs = aws.sqs(settings)
    batches = partial = received = 0
    with Faults(aws.dynamodb(settings)) as faults:
        # In waves of 100: moto's receive scans the whole queue, so a shallow queue keeps it quick.
        for start in range(0, len(messages), 100):
            for message in messages[start : start + 100]:
                if isinstance(message, str):
                    sqs.send_message(QueueUrl=poller.queue_url, MessageBody=message)
                else:
                    enqueue(settings, message)
            while queue_depth(settings, poller.queue_url):
                faults.mode = {1: "before", 3: "after"}.get(batches % 5) if batches < 200 else None
                batch = sqs.receive_message(
                    QueueUrl=poller.queue_url,
                    MaxNumberOfMessages=10,
                    VisibilityTimeout=0,
                    AttributeNames=["All"],
                ).get("Messages", [])
                if not batch:
                    continue
                failed = poller.deliver(batch)
                batches += 1
                received += len(batch)
                partial += 0 < len(failed) < len(batch)
    assert faults.before > 20 and faults.after > 10 and partial > 20
    assert received > len(messages)  # redeliveries happened

    ids = listing_ids(settings, "ws_bulk")
    assert len(ids) == 2000 and set(ids) == set(sent)  # every report, exactly once
    dlq = sqs.get_queue_url(QueueName=f"{settings.report_queue_name}-dlq")["QueueUrl"]
    parked = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in parked) == ["?0", "?1400", "?700"]

    store = ReportStore.from_settings(settings)
    for n in range(7, 2000, 100):
        back = store.get("ws_bulk", f"{n:032x}")
        assert back is not None and back.resp_payload == sent[f"{n:032x}"]["respPayload"]
        assert (back.body_s3_key is not None) == (n % 200 != 7)  # only bodies over the item limit
