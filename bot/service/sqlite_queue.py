"""The embedded durable queue: SQLite in WAL mode, unique delivery ids, leases, supersede, dead letters."""
from __future__ import annotations

import asyncio
import json
import random
import secrets
import sqlite3
import threading
import time
from pathlib import Path

from bot.job import Job
from bot.service.queue import Lease, Task, as_task

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL UNIQUE,
  pr_key TEXT NOT NULL,
  head_sha TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued',      -- queued | leased | done | superseded | dead
  attempts INTEGER NOT NULL DEFAULT 0,
  available_at REAL NOT NULL,
  lease_until REAL,
  lease_token TEXT,
  last_error TEXT,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_runnable ON jobs (state, available_at, id);
CREATE INDEX IF NOT EXISTS jobs_key ON jobs (pr_key, state);
CREATE TABLE IF NOT EXISTS memos (             -- what a retried delivery must reuse (its check run)
  delivery_id TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  updated_at REAL NOT NULL
);
"""


class SQLiteQueue:
    """Safe for several worker tasks in one process; each call is one short transaction in a thread."""

    def __init__(self, path: str | Path, *, lease_seconds: float = 300.0, max_attempts: int = 5,
                 retry_base: float = 5.0, retry_max: float = 600.0):
        self.path = Path(path)
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.retry_max = retry_max
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a 202 means the row is on disk
        self._db.executescript(_SCHEMA)
        self.wakeup = asyncio.Event()
        self._buried: list[Task] = []  # dead-lettered by claim(): the worker died on every attempt

    async def _run(self, fn, *args):
        return await asyncio.to_thread(self._locked, fn, *args)

    def _locked(self, fn, *args):
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                out = fn(*args)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return out

    # --- interface ---------------------------------------------------------------------------------
    async def enqueue(self, item: Job | Task) -> bool:
        task = as_task(item)
        added = await self._run(self._enqueue, task)
        if added:
            self.wakeup.set()
        return added

    def _enqueue(self, task: Task) -> bool:
        job, now = task.job, time.time()
        delivery = job.delivery_id or f"local-{secrets.token_hex(8)}"
        cur = self._db.execute(
            "INSERT OR IGNORE INTO jobs (delivery_id, pr_key, head_sha, kind, payload, available_at, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (delivery, job.key, job.head_sha, task.kind, task.to_json(), now, now, now))
        if cur.rowcount == 0:
            return False
        if task.kind == "review" and job.head_sha:  # a newer push replaces queued reviews of older heads
            self._db.execute(
                "UPDATE jobs SET state='superseded', updated_at=? WHERE pr_key=? AND kind='review' "
                "AND state='queued' AND head_sha<>? AND id<?", (now, job.key, job.head_sha, cur.lastrowid))
        return True

    async def claim(self) -> Lease | None:
        buried: list[Task] = []
        lease = await self._run(self._claim, buried)
        self._buried.extend(buried)  # only once the transaction committed
        return lease

    def take_buried(self) -> list[Task]:
        """Tasks claim() moved to the dead letters since the last call (for the worker to close out)."""
        out, self._buried = self._buried, []
        return out

    def _claim(self, buried: list[Task]) -> Lease | None:
        now = time.time()
        # leases that ran out (a crashed or stuck worker) become runnable again
        self._db.execute("UPDATE jobs SET state='queued', lease_token=NULL, updated_at=? "
                         "WHERE state='leased' AND lease_until<?", (now, now))
        while True:
            row = self._db.execute(
                "SELECT id, payload, attempts FROM jobs j WHERE state='queued' AND available_at<=? "
                "AND NOT EXISTS (SELECT 1 FROM jobs b WHERE b.pr_key=j.pr_key AND b.state='leased') "
                "ORDER BY id LIMIT 1", (now,)).fetchone()
            if row is None:
                return None
            job_id, payload, attempts = row
            if attempts >= self.max_attempts:  # it crashed the worker every time
                self._db.execute("UPDATE jobs SET state='dead', last_error=coalesce(last_error, 'lease expired"
                                 " too often'), updated_at=? WHERE id=?", (now, job_id))
                buried.append(Task.from_json(payload))
                continue
            token = secrets.token_hex(8)
            self._db.execute("UPDATE jobs SET state='leased', attempts=attempts+1, lease_until=?, lease_token=?,"
                             " updated_at=? WHERE id=?", (now + self.lease_seconds, token, now, job_id))
            return Lease(job_id, Task.from_json(payload), attempts + 1, token)

    async def renew(self, lease: Lease) -> bool:
        return await self._run(self._renew, lease)

    def _renew(self, lease: Lease) -> bool:
        now = time.time()
        cur = self._db.execute("UPDATE jobs SET lease_until=?, updated_at=? WHERE id=? AND state='leased' "
                               "AND lease_token=?", (now + self.lease_seconds, now, lease.id, lease.token))
        return cur.rowcount == 1

    async def complete(self, lease: Lease) -> None:
        await self._run(self._finish, lease, "done", None, 0.0)
        self.wakeup.set()  # the pull request's next task may run now

    async def fail(self, lease: Lease, error: str) -> bool:
        dead = lease.attempts >= self.max_attempts
        delay = min(self.retry_max, self.retry_base * 2 ** (lease.attempts - 1)) * random.uniform(0.75, 1.25)
        await self._run(self._finish, lease, "dead" if dead else "queued", error[:2000], delay)
        self.wakeup.set()
        return dead

    async def release(self, lease: Lease) -> None:
        await self._run(self._release, lease)
        self.wakeup.set()

    def _finish(self, lease: Lease, state: str, error: str | None, delay: float) -> None:
        now = time.time()
        self._db.execute("UPDATE jobs SET state=?, last_error=coalesce(?, last_error), lease_token=NULL, "
                         "available_at=?, updated_at=? WHERE id=? AND lease_token=?",
                         (state, error, now + delay, now, lease.id, lease.token))

    def _release(self, lease: Lease) -> None:
        now = time.time()
        self._db.execute("UPDATE jobs SET state='queued', attempts=max(0, attempts-1), lease_token=NULL, "
                         "updated_at=? WHERE id=? AND lease_token=?", (now, lease.id, lease.token))

    async def pending(self) -> int:
        return await self._run(lambda: self._db.execute(
            "SELECT count(*) FROM jobs WHERE state IN ('queued', 'leased')").fetchone()[0])

    async def counts(self) -> dict[str, int]:
        rows = await self._run(lambda: self._db.execute(
            "SELECT state, count(*) FROM jobs GROUP BY state").fetchall())
        return dict(rows)

    async def prune(self, older_than: float) -> int:
        """Forget finished rows (and their delivery ids) older than `older_than` seconds."""
        cutoff = time.time() - older_than
        await self._run(lambda: self._db.execute("DELETE FROM memos WHERE updated_at<?", (cutoff,)))
        return await self._run(lambda: self._db.execute(
            "DELETE FROM jobs WHERE state IN ('done', 'superseded') AND updated_at<?", (cutoff,)).rowcount)

    async def recall(self, delivery_id: str) -> dict | None:
        """The memo a earlier attempt of this delivery left (e.g. its check run id), or None."""
        row = await self._run(lambda: self._db.execute(
            "SELECT data FROM memos WHERE delivery_id=?", (delivery_id,)).fetchone())
        return json.loads(row[0]) if row else None

    async def remember(self, delivery_id: str, data: dict) -> None:
        await self._run(lambda: self._db.execute(
            "INSERT OR REPLACE INTO memos (delivery_id, data, updated_at) VALUES (?, ?, ?)",
            (delivery_id, json.dumps(data), time.time())))

    async def ping(self) -> bool:
        return await asyncio.to_thread(self._ping)

    def _ping(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1").fetchone() == (1,)

    async def close(self) -> None:
        with self._lock:
            self._db.close()
