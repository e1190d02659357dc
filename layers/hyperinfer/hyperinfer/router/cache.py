"""The exact-match response cache: a finished answer kept per workspace for ``cache.ttl`` seconds.

The key is the workspace plus the request as it affects the answer (format, model, messages or
input, tools, generation parameters, the router's model choices) and never what does not: the
streaming flag, the cache/retry/timeout settings, the trace name and metadata, end-user ids, the
API key. One item per entry in the gateway's table (``CACHE#<workspace>#<sha256>``); the stored
answer is the IR response, so one entry serves the request streamed or not. Answers too large for
a DynamoDB item are not cached. Expiry is checked on read: DynamoDB's TTL deletes items late.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Fields that do not change the answer. Kept out of the key, so a streamed and a buffered request,
# or two keys of one workspace, share an entry.
NOT_IN_KEY = frozenset(
    {
        "stream",
        "stream_options",
        "cache",
        "retry",
        "timeout",
        "name",
        "metadata",
        "orq",
        "user",
        "safety_identifier",
        "prompt_cache_key",
        "client_metadata",
        "store",
    }
)
# DynamoDB's item limit is 400 KB, attribute names included; an answer above this is not cached.
MAX_ENTRY_BYTES = 380_000


def cache_key(workspace_id: str, ingress_format: str, model: str, body: dict[str, Any], choices: Any) -> str:
    """``model`` is the slug (or route) the client named, resolved, so an alias shares its entry;
    ``choices`` is what else picks the model (fallbacks, load balancer)."""
    relevant = {k: v for k, v in body.items() if k not in NOT_IN_KEY and k != "model"}
    canonical = json.dumps(
        [workspace_id, ingress_format, model, choices, relevant],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    model: str  # the catalog slug that served it
    response_json: str  # the IR response


class ResponseCache:
    def __init__(self, client: Any, table: str, clock: Callable[[], float] = time.time) -> None:
        self.db, self.table, self.clock = client, table, clock

    @staticmethod
    def _key(workspace_id: str, digest: str) -> dict[str, Any]:
        return {"pk": {"S": f"CACHE#{workspace_id}#{digest}"}, "sk": {"S": "CACHE"}}

    def get(self, workspace_id: str, digest: str) -> CachedAnswer | None:
        item = self.db.get_item(TableName=self.table, Key=self._key(workspace_id, digest)).get("Item")
        if item is None or int(item["expires_at_ms"]["N"]) <= self.clock() * 1000:
            return None
        return CachedAnswer(model=item["model"]["S"], response_json=item["response"]["S"])

    def put(self, workspace_id: str, digest: str, answer: CachedAnswer, ttl: int) -> bool:
        """False when the answer is too large to keep."""
        if len(answer.response_json.encode()) > MAX_ENTRY_BYTES:
            return False
        now = self.clock()
        item = {
            **self._key(workspace_id, digest),
            "model": {"S": answer.model},
            "response": {"S": answer.response_json},
            "created_at": {"N": str(int(now))},
            "expires_at_ms": {"N": str(int((now + ttl) * 1000))},  # what a read checks
            "expires_at": {"N": str(math.ceil(now + ttl))},  # the table's TTL, in whole seconds
        }
        self.db.put_item(TableName=self.table, Item=item)
        return True
