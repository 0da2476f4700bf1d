"""A push that lands while the previous head is being reviewed: what is published is the new head's."""
from __future__ import annotations

import asyncio

import pytest

from bot.state import decode_state
from tests.github.helpers import REPO, ROOT_DOCKERFILE, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback

UNPINNED_ROOT = ROOT_DOCKERFILE.replace("python:3.12-slim", "python:latest")  # root user + unpinned base


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_push_during_a_review_publishes_the_new_heads_findings(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": ROOT_DOCKERFILE})
    old_head = pr.head_sha
    # The old head's review lists the files while the push lands: the listing it gets is the new
    # head's, the texts it reads are the old head's.
    fake_github.inject(None, times=1, match="/pulls/2/files", delay=1.0)
    await service.send("pull_request", pr_payload("opened", pr))
    await _until(lambda: fake_github.count("GET", "/pulls/2/files") >= 1)
    new_head = fake_github.push(REPO, 2, {"README.md": "hi\n", "Dockerfile": UNPINNED_ROOT})
    await service.send("pull_request", pr_payload("synchronize", pr))
    await service.idle()

    expected = {"docker.root-user", "docker.unpinned-base"}
    (run,) = fake_github.checks(new_head)
    assert run["status"] == "completed"
    assert {r for r in expected if r in run["output"]["summary"]} == expected
    assert len(run["annotations"]) == 2
    (summary,) = fake_github.summaries(2)
    assert {f.rule for f in decode_state(summary["body"])} == expected
    review = fake_github.reviews[-1]
    assert review["commit_id"] == new_head and review["comments"] == 2
    assert not [r for r in fake_github.checks(old_head) if r["conclusion"] == "failure"]
