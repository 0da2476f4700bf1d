"""Load: 1000 signed deliveries for 100 pull requests at concurrency 100; ack latency, published, lost.

    python bench/load.py                   # `readiness serve` with the embedded SQLite queue
    python bench/load.py --queue redis     # its own redis-server, `serve --queue redis://…` + 2 workers

Starts everything itself on 127.0.0.1 (the test suite's contract-checked fake GitHub in this process,
the service as real child processes) and sends requests nowhere else. Each pull request gets ten
pushes; its deliveries go out in order (one of them is an exact redelivery), a hundred PRs at once.
The right outcome: one published review per PR, at its last head, and nothing else.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from bot.service.redis_queue import RedisQueue  # noqa: E402
from tests.github.fakegithub import FakeGitHub  # noqa: E402
from tests.github.helpers import REPO, ROOT_DOCKERFILE, delivery_headers, encode, pr_payload  # noqa: E402
from tests.github.procs import Proc, Serve, service_env  # noqa: E402
from tests.github.redis_server import start_redis  # noqa: E402


def _keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def _outcome(fake: FakeGitHub, prs: list) -> tuple[int, int, int]:
    """(reviews published at the final head, duplicates, lost)."""
    published = duplicates = lost = 0
    for pr in prs:
        done = [r for r in fake.checks(pr.head_sha)
                if r["status"] == "completed" and r["conclusion"] in ("success", "failure")]
        summaries = fake.summaries(pr.number)
        bodies = [c["body"] for c in fake.review_comments if c["number"] == pr.number]
        if done and summaries:
            published += 1
        else:
            lost += 1
        duplicates += max(0, len(done) - 1) + max(0, len(summaries) - 1) + len(bodies) - len(set(bodies))
    return published, duplicates, lost


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
    fake = FakeGitHub(4242, public)
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.base_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    tmp = Path(tempfile.mkdtemp(prefix="readiness-load-"))
    env = service_env(fake, private, tmp, READINESS_WORKERS="8", READINESS_LEASE_SECONDS="60",
                      READINESS_LOG_LEVEL="WARNING")
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
        await serve.ready()

        prs, heads = [], {}
        for n in range(1, prs_count + 1):
            pr = fake.add_pr(REPO, n, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
            heads[n] = [pr.head_sha] + [
                fake.push(REPO, n, {"Dockerfile": ROOT_DOCKERFILE, f"svc{k}/Dockerfile": ROOT_DOCKERFILE})
                for k in range(1, per_pr - 1)]
            heads[n].append(heads[n][-1])  # the redelivery carries the same head
            prs.append(pr)
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
        while (pending or _outcome(fake, prs)[2]) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            pending = await _pending(serve, url)
        drained = time.perf_counter() - started
        published, duplicates, lost = _outcome(fake, prs)
        lat = sorted(latencies)
        print(f"queue: {queue}{' + 2 workers' if url else ' (in-process workers)'}")
        print(f"deliveries: {len(latencies)} for {prs_count} pull requests, concurrency {min(100, prs_count)}; "
              f"answers {dict(sorted(statuses.items()))}; sent in {sent:.1f}s")
        print(f"ack latency: p50 {statistics.median(lat) * 1000:.1f} ms, p99 {lat[int(len(lat) * 0.99) - 1] * 1000:.1f} ms,"
              f" max {lat[-1] * 1000:.1f} ms")
        print(f"reviews published: {published}/{prs_count}; duplicates: {duplicates}; lost: {lost}; "
              f"queue left: {pending}; all done after {drained:.1f}s; GitHub requests: {len(fake.requests)}")
        return 0 if lost == 0 and duplicates == 0 else 1
    finally:
        for p in procs:
            p.stop()
        if redis is not None:
            redis.kill()
        fake.release()
        await runner.cleanup()


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
