"""Optional numeric service knobs from the environment (leases, retries, timeouts, shutdown grace)."""
from __future__ import annotations

from collections.abc import Mapping

# env name -> (Settings field, type, minimum)
KNOBS: dict[str, tuple[str, type, float]] = {
    "READINESS_LEASE_SECONDS": ("lease_seconds", float, 0.5),
    "READINESS_MAX_ATTEMPTS": ("max_attempts", int, 1),
    "READINESS_RETRY_BASE": ("retry_base", float, 0.0),
    "READINESS_POLL_INTERVAL": ("poll_interval", float, 0.01),
    "READINESS_HTTP_TIMEOUT": ("http_timeout", float, 0.05),
    "READINESS_HTTP_BACKOFF": ("http_backoff", float, 0.0),
    "READINESS_SHUTDOWN_GRACE": ("shutdown_grace", float, 0.0),
}


def tuning_from_env(env: Mapping[str, str], problems: list[str]) -> dict:
    """The knobs that are set, converted; a bad value is added to `problems` with its name."""
    out: dict = {}
    for name, (field, kind, minimum) in KNOBS.items():
        raw = env.get(name, "").strip()
        if not raw:
            continue
        try:
            value = kind(raw)
        except ValueError:
            problems.append(f"{name} must be a {'whole ' if kind is int else ''}number, not {raw!r}")
            continue
        if value < minimum:
            problems.append(f"{name} must be at least {minimum}, not {raw!r}")
            continue
        out[field] = value
    return out
