"""The forge-neutral outbound HTTP policy: timeouts, retry budget, jittered backoff, rate-limit wait cap."""
from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HttpPolicy:
    """One policy object shared by the GitHub and GitLab HTTP layers (and the CI entry points)."""

    timeout: float = 30.0  # per request, seconds
    retries: int = 4  # extra attempts after the first
    backoff: float = 0.5  # base of the exponential backoff, seconds
    max_backoff: float = 30.0
    max_wait: float = 900.0  # longest rate-limit wait we sit out; longer ones fail the call
    concurrency: int = 8  # requests in flight per installation (GitHub) / per instance (GitLab)
    sleep: Callable[[float], Awaitable[Any]] = field(default=asyncio.sleep, compare=False)


def backoff_delay(policy: HttpPolicy, attempt: int) -> float:
    """Seconds before retry number `attempt` (0-based): exponential, capped, with equal jitter
    (never zero, so clients that failed together do not retry together)."""
    ceiling = min(policy.max_backoff, policy.backoff * (2 ** attempt))
    return ceiling / 2 + random.uniform(0, ceiling / 2)
