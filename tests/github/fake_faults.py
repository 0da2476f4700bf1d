"""Fault knobs of the fake GitHub: a share of answers as 502 / timeout / secondary rate limit, held requests."""
from __future__ import annotations

import asyncio
import random

from aiohttp import web


class FaultsMixin:
    """`chaos(share)` answers that share of requests badly (seeded, so a run repeats); `hold(match)` makes
    matching requests wait until `release()` (a process can then be killed in the middle of a review)."""

    def _faults_init(self) -> None:
        self.chaos_share = 0.0
        self.chaos_kinds: tuple[str, ...] = ()
        self.chaos_timeout = 1.0
        self.chaos_count: dict[str, int] = {}
        self._chaos_rng = random.Random(0)
        self.holds: list[dict] = []

    def chaos(self, share: float, kinds=("502", "timeout", "rate_limit"), *, seed: int = 1,
              timeout: float = 1.0, retry_after: str = "1") -> None:
        self.chaos_share, self.chaos_kinds, self.chaos_timeout = share, tuple(kinds), timeout
        self.chaos_retry_after = retry_after
        self._chaos_rng = random.Random(seed)

    def hold(self, match: str, times: int = 1) -> None:
        """The next `times` requests whose "METHOD path" contains `match` wait for `release()`."""
        self.holds.append({"match": match, "times": times, "event": asyncio.Event(), "held": 0})

    def held(self) -> int:
        return sum(h["held"] for h in self.holds)

    def release(self) -> None:
        for h in self.holds:
            h["event"].set()

    async def _fault(self, method: str, path: str) -> web.Response | None:
        for h in self.holds:
            if h["times"] > 0 and h["match"] in f"{method} {path}":
                h["times"] -= 1
                h["held"] += 1
                await h["event"].wait()
        if not self.chaos_share or self._chaos_rng.random() >= self.chaos_share:
            return None
        kind = self._chaos_rng.choice(self.chaos_kinds)
        self.chaos_count[kind] = self.chaos_count.get(kind, 0) + 1
        if kind == "502":
            return web.json_response({"message": "Server Error"}, status=502)
        if kind == "timeout":
            await asyncio.sleep(self.chaos_timeout)  # longer than the bot's per-request timeout
            return web.json_response({"message": "too late"}, status=504)
        return web.json_response(
            {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
             "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"},
            status=403, headers={"Retry-After": self.chaos_retry_after})
