"""Big pull requests: annotation batching, the inline cap, files pagination, batched text reads."""
from __future__ import annotations

import pytest

from bot.state import decode_state
from tests.github.helpers import REPO, ROOT_DOCKERFILE, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback


async def test_120_findings_batch_annotations_and_cap_inline_comments(fake_github, service):
    head = {f"svc{i:03}/Dockerfile": ROOT_DOCKERFILE.replace("/app", f"/app{i}") for i in range(120)}
    pr = fake_github.add_pr(REPO, 2, base={}, head=head)
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()

    (summary,) = fake_github.summaries(2)
    state = decode_state(summary["body"])
    assert sum(1 for f in state if f.rule == "docker.root-user") == 120
    (run,) = fake_github.checks(pr.head_sha)
    assert len(run["annotations"]) == len(state)
    assert run["patches"] == -(-len(state) // 50)  # 50 annotations per PATCH, the last one completes
    assert run["status"] == "completed"
    (review,) = fake_github.reviews
    assert review["comments"] == 25  # max_inline_comments default
    assert "Not commented inline" in summary["body"]
    assert "Not commented inline" in run["output"]["summary"]


async def test_inline_cap_comes_from_the_base_config(fake_github, service):
    head = {f"svc{i}/Dockerfile": ROOT_DOCKERFILE for i in range(8)}
    pr = fake_github.add_pr(REPO, 2, base={".readiness.yml": "max_inline_comments: 3\n"},
                            head={".readiness.yml": "max_inline_comments: 3\n", **head})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    (review,) = fake_github.reviews
    assert review["comments"] == 3


async def test_250_changed_files_are_paginated_and_read_in_batches(fake_github, service):
    head = {f"pkg/mod{i:03}.py": f"VALUE_{i} = {i}\n" for i in range(250)}
    pr = fake_github.add_pr(REPO, 2, base={}, head=head)
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    assert fake_github.count("GET", "/pulls/2/files") == 3  # 100 + 100 + 50, following Link headers
    assert fake_github.count("POST", "/graphql") <= 250 // 50 + 3  # texts in batches, config, threads
    (summary,) = fake_github.summaries(2)
    assert "250 files reviewed" in summary["body"]
    (run,) = fake_github.checks(pr.head_sha)
    assert run["conclusion"] == "success"


async def test_whole_file_when_github_omits_the_patch(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    pr.omit_patch.add("Dockerfile")
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    state = decode_state(fake_github.summaries(2)[0]["body"])
    assert any(f.rule == "docker.root-user" for f in state)  # reviewed as a whole file
    assert fake_github.reviews == []  # no diff lines to comment on: listed in the summary instead
    assert "Not commented inline" in fake_github.summaries(2)[0]["body"]
