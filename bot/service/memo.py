"""What one delivery's attempts share through the queue: the check run a retry reuses, and whether
it is closed (dead-lettering closes it for a job whose worker died, and never twice)."""
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

    async def update(self, **data) -> None:
        """Merge keys into the memo (one attempt of a delivery runs at a time, so no race)."""
        if self.delivery_id and hasattr(self.queue, "remember"):
            await self.put({**await self.get(), **data})


def forge_closed(forge: Any) -> bool:
    """Did this job's forge finish its check run (GitHub) / commit status (GitLab), whatever the result?"""
    return bool(getattr(forge, "check_done", False) or getattr(forge, "done", False))


async def record_closed(forge: Any, memo: JobMemo | None) -> None:
    """Note in the memo that the check run / status is final, so dead-lettering leaves it alone."""
    if memo is not None and forge_closed(forge):
        await memo.update(closed=True)


async def attach(forge: Any, memo: JobMemo | None) -> bool:
    """Let a forge that opens check runs reuse the one an earlier attempt opened (and record new ones)."""
    if memo is None or not hasattr(forge, "resume_check"):
        return False
    forge.resume_check = (await memo.get()).get("check")
    forge.on_check = lambda check: memo.update(check=check, closed=False)
    return True
