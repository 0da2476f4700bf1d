"""Signed deliveries with absurd ids or a malformed shape: 400 with a plain reason and one log line."""
from __future__ import annotations

import logging
import re

import pytest

from tests.github.helpers import REPO, ROOT_DOCKERFILE, comment_payload, pr_payload, rerun_payload

pytestmark = pytest.mark.slow  # real servers on loopback

_REPR = re.compile(r"KeyError|TypeError|ValueError|Traceback|\(\'|\{\'")  # Python reprs in an answer


async def _rejected(service, caplog, event: str, payload: dict, delivery: str) -> str:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.service"):
        resp = await service.send(event, payload, delivery=delivery)
    message = (await resp.json())["message"]
    assert resp.status == 400, (resp.status, message)
    assert not _REPR.search(message), message
    lines = [r for r in caplog.records if delivery in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    assert await service.runtime.queue.pending() == 0
    return message


@pytest.mark.parametrize("value", [10**30, -3, 0, 2.5, True, "2", None, 2**31])
async def test_an_absurd_pull_request_number_is_refused(fake_github, service, caplog, value):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    payload = pr_payload("opened", pr)
    payload["pull_request"]["number"] = value
    message = await _rejected(service, caplog, "pull_request", payload, "absurd-number")
    assert "pull_request.number" in message


@pytest.mark.parametrize("where", ["installation", "comment"])
async def test_absurd_ids_are_refused(fake_github, service, caplog, where):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    payload = comment_payload("/readiness recheck", "octocat", pr)
    payload[where]["id"] = 10**30
    assert f"{where}.id" in await _rejected(service, caplog, "issue_comment", payload, f"absurd-{where}")


async def test_a_check_rerun_with_a_float_number_is_refused(fake_github, service, caplog):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    payload = rerun_payload(pr)
    payload["check_run"]["pull_requests"][0]["number"] = 1e30
    assert "pull_requests[0].number" in await _rejected(service, caplog, "check_run", payload, "float-rerun")


@pytest.mark.parametrize("event, payload", [
    ("pull_request", {"action": "opened"}),  # was a silent 204 "pull request is closed"
    ("pull_request", {"action": "opened", "pull_request": [], "repository": {"full_name": REPO}}),
    ("pull_request", {"pull_request": {"state": "open"}, "repository": {"full_name": REPO}}),
    ("issue_comment", {"action": "created", "issue": {"number": 2}, "repository": {"full_name": REPO}}),
    ("check_suite", {"action": "rerequested", "repository": {"full_name": REPO}}),
])
async def test_signed_but_malformed_payloads_are_refused(service, caplog, event, payload):
    await _rejected(service, caplog, event, payload, f"malformed-{event}")


async def test_unknown_event_names_do_not_create_metric_series(service):
    for i in range(5):
        await service.send(f"attacker-{i}", {"zen": "x"})
        await service.send(f"attacker-unsigned-{i}", {"zen": "x"}, secret=None)
    text = await (await service.client.get("/metrics")).text()
    assert "attacker" not in text
    assert 'readiness_webhooks_total{event="other",status="204"} 5.0' in text
    assert 'readiness_webhooks_total{event="other",status="401"} 5.0' in text
