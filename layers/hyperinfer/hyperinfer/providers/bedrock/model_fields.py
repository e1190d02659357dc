"""Settings Converse has no field for, as ``additionalModelRequestFields`` in each model family's terms.

Which family a model belongs to is read from its id (an inference profile adds a geography
prefix: ``us.anthropic.claude-…``):
- Claude (``anthropic.``): Anthropic's own ``thinking`` object and ``top_k``, the effort beside
  them as Converse's ``outputConfig.effort`` — the Anthropic provider's rules, reused.
- Amazon Nova (``amazon.nova``): ``reasoningConfig`` {type, maxReasoningEffort low|medium|high}
  and ``inferenceConfig.topK``.
- OpenAI's open-weight gpt-oss (``openai.``): ``reasoning_effort`` low|medium|high.
Any other family takes no reasoning setting, and ``top_k`` only where the family has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hyperinfer.errors import invalid
from hyperinfer.ir.effort import effort_for_budget
from hyperinfer.ir.request import Reasoning, Request
from hyperinfer.providers.anthropic.reasoning import encode_thinking
from hyperinfer.providers.target import Target

Json = dict[str, Any]

_THREE_LEVELS = {"minimal": "low", "low": "low", "medium": "medium", "high": "high", "xhigh": "high"}


def family(upstream_model: str) -> str:
    """``us.anthropic.claude-sonnet-4-5-…`` -> ``anthropic``; ``amazon.nova-pro-v1:0`` -> ``amazon``."""
    resource = upstream_model.rsplit("/", 1)[-1]  # an ARN's resource part
    parts = resource.split(":", maxsplit=1)[0].split(".")  # without the ":0" version
    # An inference profile id starts with a geography ("us", "eu", "apac", "global"...).
    return parts[1] if len(parts) > 2 else parts[0]


@dataclass(slots=True)
class ModelFields:
    additional: Json = field(default_factory=dict)
    output_config: Json | None = None
    top_k_inference: int | None = None  # Nova's topK lives in inferenceConfig
    thinking: bool = False  # Claude thinks: a forced tool choice is refused


def model_fields(request: Request, target: Target, max_tokens: int, dropped: list[str]) -> ModelFields:
    kind = family(target.upstream_model)
    out = ModelFields()
    if kind == "anthropic":
        thinking = encode_thinking(request.reasoning, max_tokens, target)
        if thinking.thinking is not None:
            out.additional["thinking"] = thinking.thinking
        out.output_config = thinking.output_config
        out.thinking = thinking.on
        if request.top_k is not None:
            out.additional["top_k"] = request.top_k
        return out
    if request.top_k is not None:
        if kind == "amazon":
            out.top_k_inference = request.top_k
        else:
            dropped.append("top_k")
    effort = _effort(request.reasoning, target)
    if effort is None:
        return out
    if kind == "amazon":
        out.additional["reasoningConfig"] = {"type": "enabled", "maxReasoningEffort": effort}
    elif kind == "openai":
        out.additional["reasoning_effort"] = effort
    else:
        raise invalid("reasoning", f"Bedrock takes no reasoning setting for model {target.upstream_model!r}")
    return out


def _effort(reasoning: Reasoning | None, target: Target) -> str | None:
    """low / medium / high, or None for no setting (reasoning not asked for, or turned off)."""
    if reasoning is None or reasoning.effort == "none" or not reasoning.enabled:
        return None
    if not target.reasoning:
        raise invalid("reasoning", f"model {target.upstream_model!r} does not reason")
    if reasoning.effort is not None:
        return _THREE_LEVELS[reasoning.effort]
    if reasoning.budget_tokens is not None:
        return _THREE_LEVELS[effort_for_budget(reasoning.budget_tokens)]
    return "medium"
