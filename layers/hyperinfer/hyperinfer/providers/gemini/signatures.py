"""Gemini's thought signatures and function-call ids as the IR carries them between turns.

A ``thoughtSignature`` may sit on any part (a thought, a text, a functionCall) and must come back
on the same part next turn (Gemini 3 answers 400 otherwise;
https://ai.google.dev/gemini-api/docs/thought-signatures). The IR's place for opaque reasoning
state is ``ThinkingBlock.signature``, which every ingress format hands its clients and reads back:

- a thought part is a ThinkingBlock with its text, and its signature (if any) behind ``THOUGHT``;
- a signature on a text or functionCall part is an empty ThinkingBlock right *after* that part's
  block, behind ``ON_PREVIOUS`` (after, not before: a stream only shows it once the part is out).

The marks also tell a Gemini signature from another provider's, which Gemini would refuse.

Gemini's call ``id`` is optional. When absent one is minted from the response id, the call's place
among the response's calls, its name and arguments: decoding the same answer (streamed or not)
gives the same id, and the ``MINTED`` prefix tells the encoder not to send it back to Gemini.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

THOUGHT = "gemini.thought:"
ON_PREVIOUS = "gemini.part:"
MINTED = "call_gm_"
# Gemini's documented stand-in where the real signature was lost (a client that does not echo
# reasoning): it skips the validation rather than failing the turn.
DUMMY = "skip_thought_signature_validator"


def part_signature(signature: str) -> str:
    return ON_PREVIOUS + signature


def split(signature: str | None) -> tuple[str, str] | None:
    """("thought" | "part", Gemini's own signature) for a signature Gemini issued, else None."""
    if not signature:
        return None
    if signature.startswith(THOUGHT):
        return "thought", signature.removeprefix(THOUGHT)
    if signature.startswith(ON_PREVIOUS):
        return "part", signature.removeprefix(ON_PREVIOUS)
    return None


def mint_call_id(response_id: str, ordinal: int, name: str, args: dict[str, Any]) -> str:
    material = json.dumps([response_id, ordinal, name, args], sort_keys=True, ensure_ascii=False)
    return MINTED + hashlib.sha256(material.encode()).hexdigest()[:24]


def upstream_call_id(call_id: str) -> str | None:
    """The id to send Gemini for a call: its own, never one the gateway minted."""
    return None if call_id.startswith(MINTED) else call_id
