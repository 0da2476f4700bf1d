"""Real `readiness serve` / `readiness worker` processes for the scenario tests (loopback only)."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp

from tests.github.helpers import SECRET, delivery_headers, encode
from tests.github.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def service_env(fake, private_key: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update(READINESS_GITHUB_APP_ID=str(fake.app_id), READINESS_GITHUB_PRIVATE_KEY=private_key,
               READINESS_GITHUB_WEBHOOK_SECRET=SECRET.decode(), READINESS_GITHUB_API_URL=fake.base_url,
               READINESS_DATA_DIR=str(data_dir), READINESS_WORKERS="2", READINESS_LEASE_SECONDS="1.5",
               READINESS_MAX_ATTEMPTS="4", READINESS_RETRY_BASE="0.05", READINESS_POLL_INTERVAL="0.05",
               READINESS_HTTP_BACKOFF="0.01", READINESS_SHUTDOWN_GRACE="5", PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


class Proc:
    """One child process; its output goes to a log file the test can read (and scan)."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.popen = subprocess.Popen([sys.executable, "-m", "bot", *args], env=env, cwd=ROOT,
                                      stdout=self._log, stderr=subprocess.STDOUT)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)

    async def wait(self, timeout: float = 20) -> int:
        await wait_until(lambda: self.popen.poll() is not None, timeout, f"{self.log_path.name} to exit")
        self._log.close()
        return self.popen.returncode

    def stop(self) -> None:
        self.kill()
        try:
            self.popen.wait(timeout=10)
        finally:
            self._log.close()

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")


class Serve(Proc):
    def __init__(self, env: dict[str, str], log_path: Path, queue: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(["serve", "--host", "127.0.0.1", "--port", str(self.port),
                          *(["--queue", queue] if queue else [])], env, log_path)

    async def ready(self, timeout: float = 20) -> None:
        async def up() -> bool:
            try:
                async with aiohttp.ClientSession() as s, s.get(f"{self.url}/readyz") as r:
                    return r.status == 200
            except aiohttp.ClientError:
                return False

        await wait_until_async(up, timeout, f"serve to be ready\n{self.output()[-3000:]}",
                               alive=lambda: self.popen.poll() is None)

    async def send(self, session: aiohttp.ClientSession, event: str, payload: dict, **kw) -> int:
        body = encode(payload)
        async with session.post(f"{self.url}/webhooks/github", data=body,
                                headers=delivery_headers(event, body, **kw)) as r:
            return r.status

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as s, s.get(f"{self.url}{path}") as r:
            return r.status, await r.text()

    async def pending(self) -> int:
        async with aiohttp.ClientSession() as s, s.get(f"{self.url}/readyz") as r:
            return (await r.json())["pending"]


async def wait_until(pred: Callable[[], bool], timeout: float = 20, what: str = "a condition") -> None:
    async def check() -> bool:
        return pred()

    await wait_until_async(check, timeout, what)


async def wait_until_async(pred, timeout: float = 20, what: str = "a condition", alive=None) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await pred():
        if alive is not None and not alive():
            raise AssertionError(f"the process died while waiting for {what}")
        if loop.time() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await asyncio.sleep(0.05)


def landed(fake, pr) -> bool:
    """The review of the PR's head is published: check run completed and the sticky summary there."""
    runs = [r for r in fake.checks(pr.head_sha) if r["status"] == "completed"]
    return bool(runs) and bool(fake.summaries(pr.number))


def assert_published_once(fake, pr) -> None:
    runs = fake.checks(pr.head_sha)
    assert len(runs) == 1, runs
    assert runs[0]["status"] == "completed" and runs[0]["conclusion"] in ("failure", "success")
    assert len(fake.summaries(pr.number)) == 1
    reviews = [r for r in fake.reviews if r["number"] == pr.number]
    assert len(reviews) <= 1
    bodies = [c["body"] for c in fake.review_comments if c["number"] == pr.number]
    assert len(bodies) == len(set(bodies)), "an inline comment was posted twice"
