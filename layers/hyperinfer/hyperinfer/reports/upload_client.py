"""The client side of a report upload (``hyperinfer reports upload``): mint a presigned POST through
the API, send the file to S3 with a progress bar, then follow its ingestion."""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx

CHUNK = 256 * 1024
Progress = Callable[[int, int], None]


class UploadError(Exception):
    """The upload could not be done; the message is the one line the user sees."""


def progress_bar(name: str, stream: IO[str] = sys.stderr, width: int = 30) -> Progress:
    def show(done: int, total: int) -> None:
        filled = width * done // max(total, 1)
        percent = 100 * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        stream.write(f"\r{name} [{bar}] {percent:3d}% {done / 1e6:.1f}/{total / 1e6:.1f} MB")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def multipart(fields: dict[str, str], path: Path, progress: Progress) -> tuple[str, int, Iterator[bytes]]:
    """A multipart/form-data body streamed from disk: (content type, exact length, chunks).

    S3's POST needs a Content-Length (no chunked encoding) and the file as the last part.
    """
    boundary = secrets.token_hex(16)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/x-ndjson\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size

    def chunks() -> Iterator[bytes]:
        yield head
        sent = 0
        with path.open("rb") as source:
            while piece := source.read(CHUNK):
                sent += len(piece)
                progress(sent, size)
                yield piece
        if size == 0:
            progress(0, 0)
        yield tail

    return f"multipart/form-data; boundary={boundary}", len(head) + size + len(tail), chunks()


def _api_error(response: httpx.Response) -> UploadError:
    try:
        message = response.json().get("message", response.text)
    except ValueError:
        message = response.text
    return UploadError(
        f"{response.request.method} {response.request.url.path}: {response.status_code} {message}"
    )


def upload(base_url: str, api_key: str, path: Path, progress: Progress) -> str:
    """Mint an upload and send ``path`` to it; returns the upload id."""
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(timeout=httpx.Timeout(30.0, write=300.0)) as client:
        minted = client.post(f"{base_url}/api/v1/report-uploads", headers=headers)
        if minted.status_code != 201:
            raise _api_error(minted)
        grant: dict[str, Any] = minted.json()
        size = path.stat().st_size
        if not 1 <= size <= int(grant["max_bytes"]):
            raise UploadError(f"{path}: {size} bytes; an upload takes 1 to {grant['max_bytes']}")
        content_type, length, body = multipart(grant["fields"], path, progress)
        sent = client.post(
            grant["url"],
            content=body,
            headers={"Content-Type": content_type, "Content-Length": str(length)},
        )
        if sent.status_code not in {200, 201, 204}:
            raise UploadError(f"S3 refused the upload: {sent.status_code} {sent.text[:500]}")
    return str(grant["upload_id"])


def wait_for_status(
    base_url: str, api_key: str, upload_id: str, *, timeout: float, interval: float = 0.5
) -> dict[str, Any]:
    """Poll the status endpoint until the upload is no longer pending."""
    deadline = time.monotonic() + timeout
    url = f"{base_url}/api/v1/report-uploads/{upload_id}"
    with httpx.Client(timeout=30.0) as client:
        while True:
            response = client.get(url, headers={"Authorization": f"Bearer {api_key}"})
            if response.status_code != 200:
                raise _api_error(response)
            status: dict[str, Any] = response.json()
            if status["state"] != "pending":
                return status
            if time.monotonic() > deadline:
                raise UploadError(f"upload {upload_id} still pending after {timeout:.0f} s")
            time.sleep(interval)
