"""The attempt loop: the plan's candidates tried in order until one serves the request.

The three seams of a request that makes several upstream calls, in one place:

- **Where the candidates come from**: ``gateway.plan.plan_for`` (today one; the router's fallbacks
  and load balancing make more). A cache lookup belongs in ``run_attempts`` before the first call.
- **Try the next one, or fail now**: ``try_next``. An attempt that raises ``GatewayError`` before
  the client has seen a byte is recorded on the Meter as a failed call (charged nothing) and, if
  ``try_next`` says so and a candidate is left, the next one is tried under a new hold. A stream
  switches candidate only before its first byte reaches the client: ``open_stream`` returns once
  the upstream's status is known, so a refusal still raises here; once the relay has begun, a
  failure ends the stream with the format's error event instead (``gateway.relay``).
- **Where a completed call's usage is settled**: ``Meter.call_succeeded`` (the call's cost, against
  its hold) and ``Meter.finish`` (the request's one generation record); ``Meter.succeed`` does both
  and is what the non-stream paths and the relays call when the answer is complete. A tool loop
  that makes several model calls within one attempt reserves each with ``Meter.reserve`` and ends
  each with ``call_succeeded``, finishing once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from hyperinfer.errors import ErrorCode, GatewayError
from hyperinfer.gateway.metering import Meter
from hyperinfer.gateway.plan import Candidate, Plan

Attempt = Callable[[Candidate], Awaitable[Response]]

# Failures another candidate may not have: the provider's, never the request's or the account's.
TRANSIENT = frozenset(
    {
        ErrorCode.PROVIDER_RATE_LIMIT,
        ErrorCode.PROVIDER_OVERLOADED,
        ErrorCode.PROVIDER_UNAVAILABLE,
        ErrorCode.PROVIDER_TIMEOUT,
        ErrorCode.PROVIDER_AUTH,
    }
)


def try_next(error: GatewayError, failed: Candidate, following: Candidate) -> bool:
    """Whether a failed attempt moves on to the next candidate (True) or fails the request now."""
    return error.code in TRANSIENT


async def run_attempts(plan: Plan, meter: Meter, attempt: Attempt) -> Response:
    """The first candidate's answer that does not fail; the last failure if all do."""
    candidates = plan.candidates
    for index, candidate in enumerate(candidates):
        try:
            return await attempt(candidate)
        except GatewayError as error:
            await meter.call_failed(error.code)
            following = candidates[index + 1] if index + 1 < len(candidates) else None
            if following is None or not try_next(error, candidate, following):
                raise
    raise AssertionError("a plan has at least one candidate")
