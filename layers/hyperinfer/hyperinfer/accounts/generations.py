"""Generation records: one per request that reached a workspace, success or error."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hyperinfer.accounts.keys import Source

Status = Literal["success", "error", "cancelled", "swept"]
CallStatus = Literal["success", "error", "cancelled"]
ID_PREFIXES = ("gen-", "resp_", "msg_")


class Attempt(BaseModel):
    """One upstream call of a request, in the order made (retries, fallbacks, tool-loop turns)."""

    model_config = ConfigDict(frozen=True)

    model: str
    status: CallStatus
    error_code: str | None = None
    latency_ms: int = 0


class Generation(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    workspace_id: str
    key_id: str
    model: str
    ingress_format: Literal["chat_completions", "responses", "anthropic_messages"]
    source: Source
    tokens_prompt: int = 0
    tokens_completion: int = 0
    tokens_reasoning: int = 0
    tokens_cached_prompt: int = 0
    cost_micro_usd: int = 0
    tool_costs_micro_usd: dict[str, int] = Field(default_factory=dict)
    latency_ms: int = 0
    status: Status
    error_code: str | None = None
    created_at: str
    attempts: tuple[Attempt, ...] = ()
    estimated: bool = False  # some usage was counted by the gateway: the provider never reported it
    # What the provider billed beyond the hold: not charged (the balance never goes below zero).
    unbilled_micro_usd: int = 0
    # The router's (issue 13): the trace name and metadata the request gave, and a cache hit's flag.
    name: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    cached: bool = False
    batch_id: str | None = None  # the batch a request of source "batch" belongs to

    def values(self) -> dict[str, Any]:
        """The DynamoDB item (plain values); gsi1 lists a workspace's generations by time."""
        return {
            "pk": f"GEN#{self.id}",
            "sk": "GEN",
            **self.model_dump(),
            "gsi1pk": f"WS#{self.workspace_id}",
            "gsi1sk": f"GEN#{self.created_at}#{self.id}",
        }


def bare_id(generation_id: str) -> str:
    """Clients may pass the response id (gen-/resp_/msg_ + request id) or the request id itself."""
    for prefix in ID_PREFIXES:
        if generation_id.startswith(prefix):
            return generation_id[len(prefix) :]
    return generation_id


def public(values: dict[str, Any]) -> dict[str, Any]:
    """Seed 001's generation object: costs as credits (USD float) and exact micro-USD strings."""
    cost = int(values.get("cost_micro_usd", 0))
    return {
        "id": values["id"],
        "model": values["model"],
        "ingress_format": values["ingress_format"],
        "source": values["source"],
        "tokens_prompt": values.get("tokens_prompt", 0),
        "tokens_completion": values.get("tokens_completion", 0),
        "tokens_reasoning": values.get("tokens_reasoning", 0),
        "tokens_cached_prompt": values.get("tokens_cached_prompt", 0),
        "total_cost": cost / 1_000_000,
        "cost_micro_usd": str(cost),
        "tool_costs_micro_usd": {k: str(v) for k, v in (values.get("tool_costs_micro_usd") or {}).items()},
        "latency_ms": values.get("latency_ms", 0),
        "status": values["status"],
        "error_code": values.get("error_code"),
        "created_at": values["created_at"],
        "attempts": [
            {
                "model": a["model"],
                "status": a["status"],
                "error_code": a.get("error_code"),
                "latency_ms": a.get("latency_ms", 0),
            }
            for a in values.get("attempts") or []
        ],
        "estimated": bool(values.get("estimated", False)),
        "unbilled_micro_usd": str(int(values.get("unbilled_micro_usd", 0))),
        "name": values.get("name"),
        "metadata": dict(values.get("metadata") or {}),
        "cached": bool(values.get("cached", False)),
    }
