"""The real webhook service under test, as a forge sees it: post a delivery, wait for the queue to drain."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field


def recorder(sleeps: list[float]) -> Callable:
    """A `HttpPolicy.sleep` that records the waits the service honours instead of sleeping them."""

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(0)

    return sleep


@dataclass
class ServiceBase:
    """`send` posts to `route` with the headers `headers(event, body, **kw)` builds for that forge."""

    client: object
    runtime: object
    sleeps: list[float] = field(default_factory=list)
    route = ""

    def headers(self, event: str, body: bytes, **kw) -> dict:
        raise NotImplementedError

    def encode(self, payload: dict) -> bytes:
        raise NotImplementedError

    async def send(self, event: str, payload: dict | bytes, **kw):
        body = payload if isinstance(payload, bytes) else self.encode(payload)
        return await self.client.post(self.route, data=body, headers=self.headers(event, body, **kw))

    async def idle(self) -> None:
        await self.runtime.pool.idle(timeout=60)
