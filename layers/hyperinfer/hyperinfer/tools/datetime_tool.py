"""datetime: the current time in ISO 8601, in UTC unless the model names an IANA time zone.

zoneinfo reads the system's zone database and falls back to the ``tzdata`` package, which the layer
ships because Lambda's runtime image has no ``/usr/share/zoneinfo``.
"""

from __future__ import annotations

from datetime import UTC, datetime


class UnknownTimeZone(Exception):
    pass


def now_in(zone: str | None, now: datetime | None = None) -> dict[str, str]:
    current = now or datetime.now(UTC)
    if not zone or zone.upper() == "UTC":
        return {"now": current.astimezone(UTC).isoformat(timespec="seconds"), "timezone": "UTC"}
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownTimeZone(
            f"unknown time zone {zone!r}; use an IANA name such as 'Europe/Paris'"
        ) from error
    local = current.astimezone(info)
    return {"now": local.isoformat(timespec="seconds"), "timezone": zone, "utc_offset": local.strftime("%z")}
