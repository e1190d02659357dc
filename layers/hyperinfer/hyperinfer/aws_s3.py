"""A lean S3 client for the reporting functions: get, put and head an object, presign an upload POST.

Same reason as ``aws_json``: boto3's import and client cost ~0.35 s of a cold start, and these four
calls are a signed HTTP request each (a presigned POST is no request at all: a policy signed
locally). The interface is boto3's for exactly what the reporting code uses (``get_object`` returns
``Body``, ``ContentLength``, ``LastModified``; failures raise ``AwsError`` with S3's error code), so
``hyperinfer.aws`` can hand out either. Object requests are signed by ``aws_json.SigV4``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, TypedDict
from urllib.parse import quote

import httpx

from hyperinfer.aws_json import AwsError, Credentials, SigV4, send_with_retries
from hyperinfer.providers.sigv4 import ALGORITHM, signing_key
from hyperinfer.tls import client_context

# S3's answers worth another attempt: botocore's standard retry set as S3 spells it.
RETRYABLE_CODES = frozenset({"SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout"})
_XML_FIELD = re.compile(r"<(Code|Message)>(.*?)</\1>", re.DOTALL)


class ObjectMetadata(TypedDict):
    """What head_object answers (boto3's names, for the fields the reporting code reads)."""

    ContentLength: int
    ContentType: str | None
    ETag: str | None
    LastModified: dt.datetime | None


class GetObjectOutput(ObjectMetadata):
    Body: Body


class PutObjectOutput(TypedDict):
    ETag: str | None


class PresignedPost(TypedDict):
    url: str
    fields: dict[str, str]


class Body:
    """A streamed object body: ``read()`` it or ``close()`` it unread, as boto3's StreamingBody."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    def read(self) -> bytes:
        try:
            return self._response.read()
        finally:
            self._response.close()

    def close(self) -> None:
        self._response.close()


class S3Client:
    """One region; path-style addressing on an endpoint override (the emulator), virtual-host on AWS."""

    def __init__(
        self,
        *,
        region: str,
        credentials: Credentials,
        endpoint_url: str | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.region = region
        self.credentials = credentials
        self.endpoint_url = endpoint_url.rstrip("/") if endpoint_url else None
        self._auth = SigV4(
            access_key=credentials.access_key,
            secret_key=credentials.secret_key,
            region=region,
            service="s3",
            session_token=credentials.session_token,
        )
        self.http = http or httpx.Client(timeout=httpx.Timeout(10.0, connect=2.0), verify=client_context())
        self._sleep = sleep
        self._clock = clock

    def bucket_url(self, bucket: str) -> str:
        if self.endpoint_url:
            return f"{self.endpoint_url}/{bucket}"
        return f"https://{bucket}.s3.{self.region}.amazonaws.com"

    def object_url(self, bucket: str, key: str) -> str:
        return f"{self.bucket_url(bucket)}/{quote(key, safe='/~')}"

    # -- objects ---------------------------------------------------------------------------------

    def get_object(self, *, Bucket: str, Key: str) -> GetObjectOutput:
        response = self._send("GetObject", "GET", self.object_url(Bucket, Key), stream=True)
        return {**_metadata(response), "Body": Body(response)}

    def head_object(self, *, Bucket: str, Key: str) -> ObjectMetadata:
        return _metadata(self._send("HeadObject", "HEAD", self.object_url(Bucket, Key)))

    def put_object(
        self,
        *,
        Bucket: str,
        Key: str,
        Body: bytes,
        ContentType: str | None = None,
        IfNoneMatch: str | None = None,
    ) -> PutObjectOutput:
        headers = {"Content-Type": ContentType or "binary/octet-stream"}
        if IfNoneMatch is not None:
            headers["If-None-Match"] = IfNoneMatch
        response = self._send("PutObject", "PUT", self.object_url(Bucket, Key), content=Body, headers=headers)
        return {"ETag": response.headers.get("ETag")}

    def _send(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        return send_with_retries(
            lambda: self.http.send(
                self.http.build_request(method, url, content=content, headers=headers),
                auth=self._auth,
                stream=stream,
            ),
            lambda refused: s3_error(operation, refused),
            RETRYABLE_CODES,
            self._sleep,
        )

    # -- presigned POST --------------------------------------------------------------------------

    def generate_presigned_post(
        self,
        Bucket: str,
        Key: str,
        Fields: Mapping[str, str] | None = None,
        Conditions: Sequence[Any] | None = None,
        ExpiresIn: int = 3600,
    ) -> PresignedPost:
        """A browser-style upload form for one key, signed with SigV4; the policy lists, in
        boto3's order, the caller's conditions, the bucket, the key and the signing fields."""
        now = self._clock()
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        scope = f"{now:%Y%m%d}/{self.region}/s3/aws4_request"
        credential = f"{self.credentials.access_key}/{scope}"
        fields = {**(Fields or {}), "key": Key}
        conditions: list[Any] = [*(Conditions or []), {"bucket": Bucket}, {"key": Key}]
        signing = {"x-amz-algorithm": ALGORITHM, "x-amz-credential": credential, "x-amz-date": stamp}
        if self.credentials.session_token:
            signing["x-amz-security-token"] = self.credentials.session_token
        conditions += [{name: value} for name, value in signing.items()]
        expiration = (now + dt.timedelta(seconds=ExpiresIn)).strftime("%Y-%m-%dT%H:%M:%SZ")
        policy = base64.b64encode(json.dumps({"expiration": expiration, "conditions": conditions}).encode())
        signature = hmac.new(
            signing_key(self.credentials.secret_key, f"{now:%Y%m%d}", self.region, "s3"),
            policy,
            hashlib.sha256,
        ).hexdigest()
        fields.update(signing, policy=policy.decode(), **{"x-amz-signature": signature})
        return {"url": self.bucket_url(Bucket), "fields": fields}

    def close(self) -> None:
        self.http.close()


def s3_error(operation: str, response: httpx.Response) -> AwsError:
    """S3 answers errors in XML (``<Error><Code>NoSuchKey</Code>...``); a HEAD answers none, so its
    code is the status, as boto3 reports it ("404")."""
    response.read()  # a streamed GET's refusal has not been read yet
    found = dict(_XML_FIELD.findall(response.text)) if response.content else {}
    code = found.get("Code") or str(response.status_code)
    return AwsError(operation, response.status_code, {"code": code, "message": found.get("Message", "")})


def _metadata(response: httpx.Response) -> ObjectMetadata:
    headers = response.headers
    modified = headers.get("Last-Modified")
    return {
        "ContentLength": int(headers.get("Content-Length", 0)),
        "ContentType": headers.get("Content-Type"),
        "ETag": headers.get("ETag"),
        "LastModified": parsedate_to_datetime(modified) if modified else None,
    }
