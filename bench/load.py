"""Load: 1000 signed deliveries for 100 pull requests at concurrency 100; ack latency, published, lost.

    python bench/load.py                   # `readiness serve` with the embedded SQLite queue
    python bench/load.py --queue redis     # its own redis-server, `serve --queue redis://…` + 2 workers

Starts everything itself on 127.0.0.1 as separate processes, so none of them skews the others' CPU:
this load generator, the service (`readiness serve`, plus 2 `readiness worker` with Redis) and the
test suite's contract-checked fake GitHub (`bench/fake_github_server.py`, which also answers the
scenario set-up and outcome over `/_bench/…`). Requests go to 127.0.0.1 only, and are bounded: at most
1000 PRs x 50 deliveries, every wait capped by `--timeout`. Each pull request gets ten pushes; its
deliveries go out in order (one of them is an exact redelivery), a hundred PRs at once.
The right outcome: one published review per PR, at its last head, and nothing else.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.service.redis_queue import RedisQueue
from tests.github.fake_state import PullRequest, Repo
from tests.github.helpers import REPO, delivery_headers, encode, pr_payload
from tests.github.procs import ROOT, Proc, Serve, service_env, wait_until_async
from tests.github.redis_server import free_port, start_redis

APP_ID = 4242


def _keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


class FakeProcess:
    """The fake GitHub in its own process (`bench/fake_github_server.py`) on a free loopback port."""

    def __init__(self, public_key: str, tmp: Path):
        key_file = tmp / "app.pub.pem"
        key_file.write_text(public_key)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.app_id = APP_ID
        self._log = open(tmp / "fake.log", "ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bench.fake_github_server", "--port", str(self.port), "--app-id", str(APP_ID),
             "--public-key", str(key_file)], cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)

    async def call(self, method: str, path: str, **kw) -> dict:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as s, \
                s.request(method, f"{self.base_url}{path}", **kw) as r:
            r.raise_for_status()
            return await r.json()

    async def ready(self) -> None:
        async def up() -> bool:
            try:
                return bool((await self.call("GET", "/_bench/health"))["ok"])
            except aiohttp.ClientError:
                return False

        await wait_until_async(up, 30, "the fake GitHub process", alive=lambda: self.popen.poll() is None)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=10)
        self._log.close()


async def _send_pr(session, serve: Serve, pr, heads: list[str], latencies: list[float], statuses: dict) -> None:
    last_id = None
    for i, head in enumerate(heads):
        pr.head_sha = head
        payload = pr_payload("opened" if i == 0 else "synchronize", pr)
        body = encode(payload)
        # the 10th delivery is GitHub redelivering the 9th: same X-GitHub-Delivery
        headers = delivery_headers("pull_request", body, delivery=last_id if i == len(heads) - 1 else None)
        last_id = headers["X-GitHub-Delivery"]
        started = time.perf_counter()
        async with session.post(f"{serve.url}/webhooks/github", data=body, headers=headers) as resp:
            await resp.read()
        latencies.append(time.perf_counter() - started)
        statuses[resp.status] = statuses.get(resp.status, 0) + 1


async def run(queue: str, prs_count: int, per_pr: int, timeout: float) -> int:
    private, public = _keys()
    tmp = Path(tempfile.mkdtemp(prefix="readiness-load-"))
    fake = FakeProcess(public, tmp)
    env = service_env(SimpleNamespace(app_id=APP_ID, base_url=fake.base_url), private, tmp,
                      READINESS_WORKERS="8", READINESS_LEASE_SECONDS="60", READINESS_LOG_LEVEL="WARNING")
    procs: list[Proc] = []
    redis = None
    try:
        url = None
        if queue == "redis":
            redis, url = start_redis(tmp)
        serve = Serve(env, tmp / "serve.log", queue=url)
        procs.append(serve)
        if url:
            procs += [Proc(["worker", "--queue", url], env, tmp / f"worker{i}.log") for i in range(2)]
        await fake.ready()
        await serve.ready()

        scenario = await fake.call("POST", "/_bench/setup", json={"repo": REPO, "prs": prs_count, "per_pr": per_pr})
        heads = {int(n): shas for n, shas in scenario["heads"].items()}
        repo = Repo(REPO)
        prs = [PullRequest(repo, n, "master", scenario["bases"][str(n)], shas[0]) for n, shas in sorted(heads.items())]
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        started = time.perf_counter()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100),
                                         timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            await asyncio.gather(*(_send_pr(session, serve, pr, heads[pr.number], latencies, statuses)
                                   for pr in prs))
        sent = time.perf_counter() - started
        deadline = time.monotonic() + timeout
        pending = await _pending(serve, url)
        result = await fake.call("GET", "/_bench/outcome")
        while (pending or result["lost"]) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            pending = await _pending(serve, url)
            result = await fake.call("GET", "/_bench/outcome")
        drained = time.perf_counter() - started
        published, duplicates, lost = result["published"], result["duplicates"], result["lost"]
        lat = sorted(latencies)
        print(f"queue: {queue}{' + 2 workers' if url else ' (in-process workers)'}; fake GitHub, service"
              f"{' and workers' if url else ''} and load generator in separate processes")
        print(f"deliveries: {len(latencies)} for {prs_count} pull requests, concurrency {min(100, prs_count)}; "
              f"answers {dict(sorted(statuses.items()))}; sent in {sent:.1f}s")
        print(f"ack latency: p50 {statistics.median(lat) * 1000:.1f} ms, p99 {lat[int(len(lat) * 0.99) - 1] * 1000:.1f} ms,"
              f" max {lat[-1] * 1000:.1f} ms")
        print(f"reviews published: {published}/{prs_count}; duplicates: {duplicates}; lost: {lost}; "
              f"queue left: {pending}; all done after {drained:.1f}s; GitHub requests: {result['requests']}; "
              f"contract violations: {result['violations']}")
        return 0 if lost == 0 and duplicates == 0 and not result["violations"] else 1
    finally:
        for p in procs:
            p.stop()
        if redis is not None:
            redis.kill()
        fake.stop()


async def _pending(serve: Serve, url: str | None) -> int:
    if url is None:
        return await serve.pending()
    q = RedisQueue(url)
    try:
        return await q.pending()
    finally:
        await q.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queue", choices=("embedded", "redis"), default="embedded")
    parser.add_argument("--prs", type=int, default=100)
    parser.add_argument("--per-pr", type=int, default=10, help="deliveries per pull request (≥ 2)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the reviews")
    args = parser.parse_args()
    return asyncio.run(run(args.queue, min(args.prs, 1000), max(2, min(args.per_pr, 50)), args.timeout))


if __name__ == "__main__":
    raise SystemExit(main())
