"""Signed GitLab deliveries with absurd ids or a malformed shape: 400, a plain reason, one log line."""
from __future__ import annotations

import logging

import pytest

from tests.gitlab.helpers import ROOT_DOCKERFILE, mr_payload

HOOK = "Merge Request Hook"


async def _rejected(service, caplog, payload: dict, uuid: str) -> str:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.service"):
        resp = await service.send(HOOK, payload, event_uuid=uuid)
    message = (await resp.json())["message"]
    assert resp.status == 400, (resp.status, message)
    assert "KeyError" not in message and "'" not in message, message
    assert len([r for r in caplog.records if uuid in r.getMessage()]) == 1
    assert await service.runtime.queue.pending() == 0
    return message


async def test_a_merge_request_without_a_project_is_refused_in_plain_words(fake_gitlab, service, caplog):
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    payload = mr_payload("open", mr)
    del payload["project"]
    assert "project" in await _rejected(service, caplog, payload, "no-project")


@pytest.mark.parametrize("value", [10**30, -1, 1.5, "7"])
async def test_an_absurd_iid_is_refused(fake_gitlab, service, caplog, value):
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    payload = mr_payload("open", mr)
    payload["object_attributes"]["iid"] = value
    assert "object_attributes.iid" in await _rejected(service, caplog, payload, f"iid-{value}")


async def test_unknown_event_names_are_counted_as_other(fake_gitlab, service):
    for i in range(3):
        await service.send(f"Attacker Hook {i}", {"object_kind": "x"})
    text = await (await service.client.get("/metrics")).text()
    assert "Attacker" not in text
    assert 'readiness_webhooks_total{event="gitlab:other",status="204"} 3.0' in text
