"""The test suite's fake GitHub as its own process, plus a small control API for the load benchmark.

    python -m bench.fake_github_server --port 8765 --app-id 4242 --public-key app.pub.pem

Serves on 127.0.0.1 only. Besides everything the fake answers like GitHub, `/_bench/…` lets the
load generator (another process) build the scenario and read the outcome:
  POST /_bench/setup   {"repo", "prs", "per_pr"} -> {"heads": {number: [sha, …]}, "bases": {number: sha}}
  GET  /_bench/outcome  -> {"published", "duplicates", "lost", "requests", "violations"}
  GET  /_bench/health   -> {"ok": true}
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web

from tests.github.fakegithub import FakeGitHub
from tests.github.helpers import ROOT_DOCKERFILE


def outcome(fake: FakeGitHub, repo: str, numbers: list[int]) -> dict:
    """Reviews published at each PR's final head, duplicates (extra check runs, summaries, repeated
    inline comments) and lost reviews."""
    published = duplicates = lost = 0
    for n in numbers:
        pr = fake.prs[(repo, n)]
        done = [r for r in fake.checks(pr.head_sha)
                if r["status"] == "completed" and r["conclusion"] in ("success", "failure")]
        summaries = fake.summaries(n)
        bodies = [c["body"] for c in fake.review_comments if c["number"] == n]
        if done and summaries:
            published += 1
        else:
            lost += 1
        duplicates += max(0, len(done) - 1) + max(0, len(summaries) - 1) + len(bodies) - len(set(bodies))
    return {"published": published, "duplicates": duplicates, "lost": lost, "requests": len(fake.requests),
            "violations": len(fake.violations)}


def bench_app(fake: FakeGitHub) -> web.Application:
    state: dict = {"repo": "", "numbers": []}

    async def setup(request: web.Request) -> web.Response:
        spec = await request.json()
        repo, prs, per_pr = spec["repo"], min(int(spec["prs"]), 1000), max(2, min(int(spec["per_pr"]), 50))
        heads: dict[int, list[str]] = {}
        bases: dict[int, str] = {}
        for n in range(1, prs + 1):
            pr = fake.add_pr(repo, n, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
            bases[n] = pr.base_sha
            heads[n] = [pr.head_sha] + [
                fake.push(repo, n, {"Dockerfile": ROOT_DOCKERFILE, f"svc{k}/Dockerfile": ROOT_DOCKERFILE})
                for k in range(1, per_pr - 1)]
            heads[n].append(heads[n][-1])  # the redelivery carries the same head
        state.update(repo=repo, numbers=list(heads))
        return web.json_response({"heads": heads, "bases": bases})

    async def result(_request: web.Request) -> web.Response:
        return web.json_response(outcome(fake, state["repo"], state["numbers"]))

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=30 * 1024 * 1024)
    app.router.add_post("/_bench/setup", setup)
    app.router.add_get("/_bench/outcome", result)
    app.router.add_get("/_bench/health", health)
    app.router.add_route("*", "/{tail:.*}", fake._handle)  # everything else: the fake GitHub
    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--app-id", type=int, default=4242)
    parser.add_argument("--public-key", type=Path, required=True, help="PEM file of the App's public key")
    args = parser.parse_args()
    fake = FakeGitHub(args.app_id, args.public_key.read_text())
    fake.base_url = f"http://127.0.0.1:{args.port}"
    web.run_app(bench_app(fake), host="127.0.0.1", port=args.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
