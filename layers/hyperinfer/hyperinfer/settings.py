"""Every setting of the gateway, read once from the environment (prefix ``HYPERINFER_``).

Logic never reads ``os.environ``: it receives a ``Settings`` (or the piece it needs).
The README lists each field with its default; ``tests/unit/test_settings.py`` keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HYPERINFER_", extra="ignore", frozen=True)

    providers_file: Path = Field(
        default=Path("providers.yaml"),
        description="The model catalog: providers.yaml, or its JSON form (the layer ships that).",
    )
    table_name: str = Field(default="hyperinfer", description="DynamoDB table holding keys and workspaces.")
    report_queue_name: str = Field(default="hyperinfer-reports", description="SQS queue buffering reports.")
    report_bucket_name: str = Field(
        default="hyperinfer-reports", description="S3 bucket for large reports and uploads."
    )
    upload_queue_name: str = Field(
        default="hyperinfer-report-uploads",
        description="SQS queue of the upload bucket's object-created events.",
    )
    batch_queue_name: str = Field(
        default="hyperinfer-batches",
        description="SQS queue of batch work (chunks to expand, requests to run).",
    )
    batch_expiry_seconds: int = Field(
        default=86_400, gt=0, description="Seconds after creation a batch's requests not yet run expire."
    )
    batch_lease_seconds: int = Field(
        default=900, gt=0, description="Seconds a batch request stays claimed by a run that may have died."
    )
    batch_workspace_concurrency: int = Field(
        default=8, ge=1, le=64, description="Batch requests one workspace may have running at once."
    )
    upload_max_bytes: int = Field(
        default=50_000_000, gt=0, description="Largest JSONL file a presigned report upload accepts."
    )
    aws_endpoint_url: str | None = Field(
        default=None, description="AWS endpoint override (the local emulator); unset on AWS."
    )
    aws_region: str = Field(default="us-east-1", description="Region of the table and the queue.")
    upstream_connect_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to open a connection to a provider."
    )
    upstream_read_timeout: float = Field(
        default=300.0, gt=0, description="Seconds to wait for the next byte from a provider."
    )
    keepalive_interval: float = Field(
        default=15.0, gt=0, description="Seconds of upstream silence before an SSE keep-alive comment."
    )
    stream_max_duration: float = Field(
        default=900.0, gt=0, description="Seconds a stream may last before the gateway ends it."
    )
    max_request_bytes: int = Field(
        default=5_500_000, gt=0, description="Largest request body accepted (below Lambda's 6 MB cap)."
    )
    key_cache_ttl: float = Field(
        default=5.0,
        ge=0,
        description="Seconds a container trusts a key lookup; a revocation takes this long.",
    )
    internal_token: str | None = Field(
        default=None,
        description="Shared secret of X-Internal-Token (playground keys); unset: endpoint closed.",
    )
    internal_token_secret: str | None = Field(
        default=None,
        description="Secrets Manager secret (name or ARN) holding the internal token, if not set directly.",
    )
    provider_keys_secret: str | None = Field(
        default=None,
        description="Secrets Manager secret (name or ARN): a JSON object of provider keys by api_key_env.",
    )
    secrets_cache_ttl: float = Field(
        default=300.0, ge=0, description="Seconds a container keeps a secret; a rotation takes this long."
    )
    balance_shards: int = Field(
        default=8, ge=1, le=64, description="Balance shards per workspace (hot-key spread)."
    )
    catalog_date: dt.date | None = Field(
        default=None,
        description="The day model shutdown dates are judged at (tests); unset: today in UTC.",
    )
    retry_after_max_seconds: float = Field(
        default=10.0, ge=0, description="Longest upstream Retry-After the router waits before a retry."
    )
    retry_backoff_base_ms: int = Field(
        default=500,
        ge=0,
        description="First retry's backoff ceiling (ms) when upstream gives no Retry-After.",
    )
    tool_max_iterations: int = Field(
        default=5, ge=1, le=20, description="Model calls one request's server-tool loop may make."
    )
    web_fetch_allow_hosts: str | None = Field(
        default=None,
        description="Comma-separated host:port the web_fetch tool may reach despite the SSRF rules.",
    )
    dev_key: str | None = Field(
        default=None, description="`hyperinfer dev` only: the API key to seed (random when unset)."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use (never at import time)."""
    return Settings()
