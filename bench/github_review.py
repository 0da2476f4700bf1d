"""Benchmark: webhook -> completed check run time and GitHub API requests per review, on the fake GitHub.

    python bench/github_review.py [--sizes 10,100,1000] [--modified]

Runs the real service (aiohttp, SQLite queue, worker pool, GitHub forge) on loopback against the
test suite's contract-checked fake GitHub. The aim: a request count that does not grow one per file.
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from bot.forges.github.http import HttpPolicy  # noqa: E402
from bot.service.app import build_runtime, create_app  # noqa: E402
from bot.service.settings import Settings  # noqa: E402
from tests.github import contract  # noqa: E402
from tests.github.fakegithub import FakeGitHub  # noqa: E402
from tests.github.helpers import REPO, ROOT_DOCKERFILE, SECRET, delivery_headers, encode, pr_payload  # noqa: E402

PY = '''import requests


def fetch(url):
    return requests.get(url{timeout})


def handler_{i}(event):
    value = event.get("k{i}")
    return value
'''


def files(n: int) -> dict[str, str]:
    out = {}
    for i in range(n):
        if i % 10 == 0:
            out[f"svc{i:04}/Dockerfile"] = ROOT_DOCKERFILE.replace("/app", f"/app{i}")
        else:
            out[f"pkg{i // 100:02}/mod{i:04}.py"] = PY.format(i=i, timeout="" if i % 7 == 0 else ", timeout=5")
    return out


async def one(n: int, keys: tuple[str, str], workdir: Path, modified: bool = False) -> dict:
    fake = FakeGitHub(4242, keys[1])
    server = TestServer(fake.app())
    await server.start_server()
    fake.base_url = str(server.make_url("")).rstrip("/")
    settings = Settings(app_id=4242, private_key=keys[0], webhook_secret=SECRET, api_url=fake.base_url,
                        data_dir=workdir, workers=2, poll_interval=0.01)
    runtime = build_runtime(settings, policy=HttpPolicy(backoff=0.01))
    client = TestClient(TestServer(create_app(runtime=runtime)))
    await client.start_server()
    try:
        head = files(n)
        # --modified: every file exists at the base with one line different, so the review also
        # analyses the base versions (scope `new`) and sorts pre-existing findings out
        base = {p: t.replace("\n", "\n# base version\n", 1) for p, t in head.items()} if modified else {}
        pr = fake.add_pr(REPO, 2, base={"README.md": "hi\n", **base}, head={"README.md": "hi\n", **head})
        body = encode(pr_payload("opened", pr))
        started = time.perf_counter()
        resp = await client.post("/webhooks/github", data=body, headers=delivery_headers("pull_request", body))
        assert resp.status == 202, resp.status
        answered = time.perf_counter() - started
        while not any(r["status"] == "completed" for r in fake.checks(pr.head_sha)):
            await asyncio.sleep(0.005)
        completed = time.perf_counter() - started
        await runtime.pool.idle()
        total = time.perf_counter() - started
        assert not fake.violations, fake.violations
        run = fake.checks(pr.head_sha)[0]
        return {"files": n, "answer_ms": answered * 1000, "check_s": completed, "done_s": total,
                "requests": len(fake.requests), "kinds": fake.request_kinds(), "title": run["output"]["title"],
                "annotations": len(run["annotations"])}
    finally:
        await client.close()
        await server.close()


def _pool_peak_mib() -> float:
    """Largest peak RSS (VmHWM) among the live process-pool workers, 0 when no pool ran."""
    from bot import parallel

    peak = 0.0
    for pid in list(getattr(parallel._pool, "_processes", None) or {}):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            pass
    return peak


async def main(sizes: list[int], modified: bool = False) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys = (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode(),
            key.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode())
    contract.openapi(), contract.schema()  # load the contracts once, outside the timings
    from checks import all_rules

    all_rules()
    print(f"{'files':>6} {'202 in':>8} {'check done':>11} {'all done':>9} {'requests':>9} {'peak MiB':>9} "
          f"{'pool MiB':>9}  headline")
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            r = await one(n, keys, Path(tmp), modified)
        results.append(r)
        # peak RSS so far of this process (service + fake GitHub) and of the largest pool worker
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kids = _pool_peak_mib()
        print(f"{r['files']:>6} {r['answer_ms']:>6.1f}ms {r['check_s']:>10.2f}s {r['done_s']:>8.2f}s "
              f"{r['requests']:>9} {own:>9.1f} {kids:>9.1f}  {r['title']} ({r['annotations']} annotations)")
    for r in results:
        print(f"\nrequests for {r['files']} files:")
        for kind, count in sorted(r["kinds"].items()):
            print(f"  {count:>4}  {kind}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--modified", action="store_true",
                        help="every file also exists at the base (one line different): measures the base-side analysis")
    args = parser.parse_args()
    asyncio.run(main([int(s) for s in args.sizes.split(",")], args.modified))
