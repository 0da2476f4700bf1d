"""The job queue interface (SQLite now, Redis/arq later) and what travels through it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Protocol

from bot.job import Job

KINDS = ("review", "recheck", "rerun", "help", "refresh")
LEASE_EXPIRED = "the worker stopped during every attempt (its lease expired {n} times)"  # dead-letter reason


@dataclass(frozen=True)
class Task:
    """A Job plus what the worker needs for commands: the comment to react to, the PR author."""

    job: Job
    kind: str = "review"  # review | recheck (slash command) | rerun (check re-run button) | help
    # | refresh (other CI finished: review the same head again for the Build & CI section)
    comment_id: int | None = None
    author: str = ""  # pull request author: may always recheck

    def to_json(self) -> str:
        data = asdict(self)
        data["job"] = json.loads(self.job.to_json())
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, data: str | bytes) -> Task:
        raw = json.loads(data)
        return cls(job=Job.from_json(json.dumps(raw.pop("job"))),
                   **{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})


@dataclass
class Lease:
    id: int
    task: Task
    attempts: int
    token: str = field(default="", repr=False)  # proves the lease is still ours


class JobQueue(Protocol):
    async def enqueue(self, item: Job | Task) -> bool:
        """Durably store; False when this delivery id was seen before (a redelivery)."""

    async def claim(self) -> Lease | None:
        """Lease the oldest runnable task (one per pull request at a time), or None."""

    async def renew(self, lease: Lease) -> bool:
        """Extend a lease still being worked on; False if it was lost."""

    async def complete(self, lease: Lease) -> None: ...

    async def fail(self, lease: Lease, error: str) -> bool:
        """Retry later with backoff; True when attempts are exhausted and it went to the dead letters."""

    async def release(self, lease: Lease) -> None:
        """Give the task back untouched (shutdown): no attempt is counted."""

    async def pending(self) -> int:
        """Queued plus leased tasks."""

    async def close(self) -> None: ...


def as_task(item: Job | Task) -> Task:
    return item if isinstance(item, Task) else Task(job=item)
