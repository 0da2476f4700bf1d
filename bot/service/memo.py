"""What one delivery's attempts share through the queue, so a retried job reuses its check run."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class JobMemo:
    """A delivery's memo in its queue backend (SQLite or Redis: both have recall/remember)."""

    queue: Any
    delivery_id: str

    async def get(self) -> dict:
        if not self.delivery_id or not hasattr(self.queue, "recall"):
            return {}
        return await self.queue.recall(self.delivery_id) or {}

    async def put(self, data: dict) -> None:
        if self.delivery_id and hasattr(self.queue, "remember"):
            await self.queue.remember(self.delivery_id, data)


async def attach(forge: Any, memo: JobMemo | None) -> bool:
    """Let a forge that opens check runs reuse the one an earlier attempt opened (and record new ones)."""
    if memo is None or not hasattr(forge, "resume_check"):
        return False
    forge.resume_check = (await memo.get()).get("check")
    forge.on_check = lambda check: memo.put({"check": check})
    return True
