"""Benchmark: re-reviewing an unchanged pull request against the fake GitHub.

    python bench/recheck.py [--files 300]

Runs the real service (aiohttp, SQLite queue, worker pool, GitHub forge) on loopback against the test
suite's contract-checked fake GitHub, opens a pull request of N files and lets it be reviewed, then:

  1. pushes a commit that changes nothing (same tree, new head sha)    -> aim: 0 files analysed again
  2. pushes a commit that changes one file                             -> aim: 1 file analysed again
  3. comments `/readiness recheck` (explicit: bypasses the caches)     -> all files analysed again

For each step it prints the files analysed by the single-file rules, the findings-cache and text-cache
hits, the API requests made and the time to the completed check run. Files analysed are counted by
wrapping the engine entry points in this process (and the process-pool entry point, which analyses
whole chunks), so the numbers are exact whichever path the review took.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

import bot.parallel  # noqa: E402
import bot.review  # noqa: E402
from bench.github_review import files as pr_files  # noqa: E402
from bot import cache_metrics  # noqa: E402
from bot.forges.github.http import HttpPolicy  # noqa: E402
from bot.service.app import build_runtime, create_app  # noqa: E402
from bot.service.settings import Settings  # noqa: E402
from tests.github import contract  # noqa: E402
from tests.github.fakegithub import FakeGitHub  # noqa: E402
from tests.github.helpers import REPO, SECRET, comment_payload, delivery_headers, encode, pr_payload  # noqa: E402

ANALYSED = {"files": 0}


def _count_analyses() -> None:
    """Count files the single-file rules analyse, in process and in the pool."""
    analyze_file = bot.review.analyze_file
    analyze_in_pool = bot.parallel.analyze_in_pool

    def counted_file(source, rules, config, repo=None):
        if not any(r.repo_kinds for r in rules.values()):
            ANALYSED["files"] += 1
        return analyze_file(source, rules, config, repo)

    def counted_pool(executor, files, rules, config):
        out = analyze_in_pool(executor, files, rules, config)
        if out is not None:
            ANALYSED["files"] += len(out)
        return out

    bot.review.analyze_file = counted_file
    bot.parallel.analyze_in_pool = counted_pool


async def _until_completed(fake: FakeGitHub, sha: str, runs_before: int) -> None:
    while sum(1 for r in fake.checks(sha) if r["status"] == "completed") <= runs_before:
        await asyncio.sleep(0.005)


async def run(n: int, keys: tuple[str, str], workdir: Path) -> list[dict]:
    fake = FakeGitHub(4242, keys[1])
    server = TestServer(fake.app())
    await server.start_server()
    fake.base_url = str(server.make_url("")).rstrip("/")
    settings = Settings(app_id=4242, private_key=keys[0], webhook_secret=SECRET, api_url=fake.base_url,
                        data_dir=workdir, workers=2, poll_interval=0.01)
    runtime = build_runtime(settings, policy=HttpPolicy(backoff=0.01))
    # the service's caches, metered (the same classes bot/cache_metrics.py offers the service)
    runtime.pool.cache = cache_metrics.findings_cache()
    runtime.github.texts = cache_metrics.texts_cache()
    client = TestClient(TestServer(create_app(runtime=runtime)))
    await client.start_server()
    head = {"README.md": "hi\n", **pr_files(n)}
    rows = []
    try:
        pr = fake.add_pr(REPO, 2, base={"README.md": "hi\n"}, head=head, author="octo-author")

        async def step(name: str, event: str, payload: dict) -> None:
            sha = pr.head_sha
            runs = sum(1 for r in fake.checks(sha) if r["status"] == "completed")
            ANALYSED["files"] = 0
            cache_metrics.reset()
            requests = len(fake.requests)
            body = encode(payload)
            started = time.perf_counter()
            resp = await client.post("/webhooks/github", data=body, headers=delivery_headers(event, body))
            assert resp.status == 202, resp.status
            await _until_completed(fake, sha, runs)
            await runtime.pool.idle()
            fh, fm = cache_metrics.counts("findings")
            th, tm = cache_metrics.counts("texts")
            rows.append({"step": name, "analysed": ANALYSED["files"], "findings_hits": fh, "findings_misses": fm,
                         "text_hits": th, "text_misses": tm, "requests": len(fake.requests) - requests,
                         "seconds": time.perf_counter() - started})

        await step("open (first review)", "pull_request", pr_payload("opened", pr))
        fake.push(REPO, 2, dict(head))
        await step("push, nothing changed", "pull_request", pr_payload("synchronize", pr))
        changed = dict(head)
        first_py = next(p for p in changed if p.endswith(".py"))
        changed[first_py] = changed[first_py] + "\n# touched\n"
        fake.push(REPO, 2, changed)
        await step("push, one file changed", "pull_request", pr_payload("synchronize", pr))
        await step("/readiness recheck", "issue_comment",
                   comment_payload("/readiness recheck", "octo-author", pr, comment_id=9001))
        assert not fake.violations, fake.violations
    finally:
        await client.close()
        await server.close()
    return rows


async def main(n: int) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys = (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode(),
            key.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode())
    contract.openapi(), contract.schema()
    from checks import all_rules

    all_rules()
    _count_analyses()
    with tempfile.TemporaryDirectory() as tmp:
        rows = await run(n, keys, Path(tmp))
    print(f"pull request of {n} changed files (+ README.md)")
    print(f"{'step':<26} {'analysed':>8} {'findings cache':>15} {'text cache':>11} {'requests':>9} {'seconds':>8}")
    for r in rows:
        print(f"{r['step']:<26} {r['analysed']:>8} {r['findings_hits']:>7}h/{r['findings_misses']:>4}m "
              f"{r['text_hits']:>5}h/{r['text_misses']:>4}m {r['requests']:>9} {r['seconds']:>8.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.files))
