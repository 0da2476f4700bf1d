"""The webhook endpoint: signatures, headers, body limits, redeliveries, pings; health and metrics."""
from __future__ import annotations

import json

import pytest

from bot.service.signature import sign
from tests.github import contract
from tests.github.helpers import REPO, ROOT_DOCKERFILE, SECRET, delivery_headers, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback


async def _post(service, event, body, **kw):
    return await service.client.post("/webhooks/github", data=body, headers=delivery_headers(event, body, **kw))


async def test_ping_is_answered_from_the_exact_published_bytes(service):
    resp = await _post(service, "ping", contract.webhook_bytes("ping"))
    assert resp.status == 200


@pytest.mark.parametrize("name", ["installation.created", "issue_comment.created.on-issue"])
async def test_events_that_need_nothing(service, fake_github, name):
    event = name.split(".")[0]
    resp = await _post(service, event, contract.webhook_bytes(name))
    assert resp.status in (200, 204)
    assert await service.runtime.queue.pending() == 0


@pytest.mark.parametrize("kind", ["missing", "wrong-secret", "stale-body", "not-sha256", "empty"])
async def test_bad_signatures_are_refused(service, fake_github, kind):
    body = contract.webhook_bytes("pull_request.opened")
    signature = {
        "missing": None,
        "wrong-secret": sign(b"an old rotated secret", body),
        "stale-body": sign(SECRET, body.replace(b'"opened"', b'"closed"', 1)),  # replayed signature, edited body
        "not-sha256": "sha1=" + "0" * 40,
        "empty": "",
    }[kind]
    headers = delivery_headers("pull_request", body, secret=None)
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    resp = await service.client.post("/webhooks/github", data=body, headers=headers)
    assert resp.status == 401
    assert await service.runtime.queue.pending() == 0


async def test_malformed_json_and_missing_headers(service):
    bad = b"{not json"
    assert (await _post(service, "pull_request", bad)).status == 400
    body = contract.webhook_bytes("ping")
    headers = delivery_headers("ping", body)
    del headers["X-GitHub-Event"]
    assert (await service.client.post("/webhooks/github", data=body, headers=headers)).status == 400
    headers = delivery_headers("ping", body)
    del headers["X-GitHub-Delivery"]
    assert (await service.client.post("/webhooks/github", data=body, headers=headers)).status == 400


async def test_body_over_the_limit_is_413(service):
    big = b'{"pad": "' + b"x" * (service.runtime.settings.max_body + 10) + b'"}'
    assert (await _post(service, "pull_request", big)).status == 413


async def test_redelivered_delivery_id_is_a_no_op(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    body = json.dumps(pr_payload("opened", pr)).encode()
    first = await _post(service, "pull_request", body, delivery="d-1")
    again = await _post(service, "pull_request", body, delivery="d-1")
    assert (first.status, again.status) == (202, 200)
    await service.idle()
    assert len(fake_github.checks()) == 1 and len(fake_github.reviews) == 1


async def test_two_quick_pushes_publish_only_the_newest_head(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    old_payload = pr_payload("synchronize", pr)
    old_sha = pr.head_sha
    new_sha = fake_github.push(REPO, 2, {"Dockerfile": ROOT_DOCKERFILE, "b/Dockerfile": ROOT_DOCKERFILE})
    assert (await service.send("pull_request", old_payload)).status == 202
    assert (await service.send("pull_request", pr_payload("synchronize", pr))).status == 202
    await service.idle()
    assert {r["commit_id"] for r in fake_github.reviews} == {new_sha}
    assert all(r["conclusion"] != "failure" or r["head_sha"] == new_sha for r in fake_github.checks())
    assert all(r["conclusion"] == "skipped" for r in fake_github.checks(old_sha))
    (summary,) = fake_github.summaries(2)
    assert "b/Dockerfile" in summary["body"]


async def test_health_ready_and_metrics(fake_github, service):
    assert (await service.client.get("/healthz")).status == 200
    ready = await service.client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["status"] == "ok"
    await _post(service, "ping", contract.webhook_bytes("ping"))
    text = await (await service.client.get("/metrics")).text()
    assert 'readiness_webhooks_total{event="ping",status="200"} 1.0' in text
    assert "readiness_queue_pending" in text


async def test_metrics_show_cache_hit_rates_after_a_push_that_changes_nothing(fake_github, service):
    pr = fake_github.add_pr(REPO, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    assert (await service.send("pull_request", pr_payload("opened", pr))).status == 202
    await service.idle()
    fake_github.push(REPO, 7, {"Dockerfile": ROOT_DOCKERFILE})  # same content, new head
    assert (await service.send("pull_request", pr_payload("synchronize", pr))).status == 202
    await service.idle()
    text = await (await service.client.get("/metrics")).text()
    hits = [line for line in text.splitlines() if line.startswith('readiness_cache_hits_total{cache="findings"}')]
    assert hits and float(hits[0].split()[-1]) >= 1
