"""Hostile or broken deliveries: each is a 4xx with a reason, nothing is queued, the service keeps serving."""
from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.service.app import build_runtime, create_app
from bot.service.signature import sign
from tests.github import contract
from tests.github.conftest import make_settings
from tests.github.helpers import (
    REPO,
    ROOT_DOCKERFILE,
    SECRET,
    delivery_headers,
    encode,
    pr_payload,
)

pytestmark = pytest.mark.slow  # real servers on loopback


def _opened() -> dict:
    return json.loads(contract.webhook_bytes("pull_request.opened"))


def _without(path: str) -> bytes:
    payload = _opened()
    *parents, last = path.split(".")
    node = payload
    for p in parents:
        node = node[p]
    del node[last]
    payload["installation"] = {"id": 1}
    return encode(payload)


def _case(name: str) -> tuple[bytes, dict]:
    good = contract.webhook_bytes("pull_request.opened")
    if name == "malformed JSON":
        body = b'{"action": "opened", "pull_request": {'
        return body, delivery_headers("pull_request", body)
    if name == "JSON nested deeper than the parser goes":
        body = b"[" * 100_000 + b"]" * 100_000
        return body, delivery_headers("pull_request", body)
    if name == "JSON that is not an object":
        body = b'["opened"]'
        return body, delivery_headers("pull_request", body)
    if name == "wrong content type":
        body = b"payload=" + good
        return body, {**delivery_headers("pull_request", body), "Content-Type": "application/x-www-form-urlencoded"}
    if name == "missing event header":
        headers = delivery_headers("pull_request", good)
        del headers["X-GitHub-Event"]
        return good, headers
    if name == "missing delivery header":
        headers = delivery_headers("pull_request", good)
        del headers["X-GitHub-Delivery"]
        return good, headers
    if name == "missing signature":
        return good, delivery_headers("pull_request", good, secret=None)
    if name == "wrong signature":
        return good, delivery_headers("pull_request", good, signature=sign(b"not the secret", good))
    if name == "huge body":
        body = b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        return body, delivery_headers("pull_request", body)
    if name == "missing pull_request.head":
        body = _without("pull_request.head")
        return body, delivery_headers("pull_request", body)
    if name == "missing repository":
        body = _without("repository")
        return body, delivery_headers("pull_request", body)
    if name == "wrongly typed fields":
        payload = _opened()
        payload["installation"] = [1]
        payload["pull_request"]["head"]["sha"] = {"sha": 1}
        body = encode(payload)
        return body, delivery_headers("pull_request", body)
    raise AssertionError(name)


CASES = ["malformed JSON", "JSON nested deeper than the parser goes", "JSON that is not an object", "wrong content type", "missing event header",
         "missing delivery header", "missing signature", "wrong signature", "huge body",
         "missing pull_request.head", "missing repository", "wrongly typed fields"]


@pytest.fixture
async def small_service(aiohttp_client, fake_github, app_keys, tmp_path):
    settings = make_settings(tmp_path, fake_github, app_keys[0], max_body=1024 * 1024)
    runtime = build_runtime(settings)
    return await aiohttp_client(create_app(runtime=runtime, start_workers=False)), runtime


@pytest.mark.parametrize("name", CASES)
async def test_bad_deliveries_get_a_4xx_with_a_reason_and_queue_nothing(small_service, fake_github, name):
    client, runtime = small_service
    body, headers = _case(name)
    resp = await client.post("/webhooks/github", data=body, headers=headers)
    assert 400 <= resp.status < 500, (name, resp.status)
    assert (await resp.json())["message"]  # the reason
    assert await runtime.queue.pending() == 0
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    good = encode(pr_payload("opened", pr))
    ok = await client.post("/webhooks/github", data=good, headers=delivery_headers("pull_request", good))
    assert ok.status == 202  # still serving


async def test_a_broken_queue_answers_503_not_202(small_service, fake_github):
    client, runtime = small_service
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    good = encode(pr_payload("opened", pr))
    await runtime.queue.close()  # the delivery cannot be stored: GitHub must see a failure
    resp = await client.post("/webhooks/github", data=good, headers=delivery_headers("pull_request", good))
    assert resp.status == 503
    assert "not stored" in (await resp.json())["message"]


async def test_unknown_events_are_acknowledged_without_queueing(small_service):
    client, runtime = small_service
    body = encode({"action": "created", "zen": "Keep it logically awesome."})
    resp = await client.post("/webhooks/github", data=body, headers=delivery_headers("sponsorship", body))
    assert resp.status == 204
    assert await runtime.queue.pending() == 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25)
KEYS = ["action", "pull_request", "repository", "installation", "issue", "comment", "check_run", "check_suite",
        "sender", "number", "head", "base", "sha", "ref", "state", "draft", "user", "login", "id", "name",
        "full_name", "pull_requests", "body", "type"]
payloads = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from(["opened", "created", "rerequested",
                                                                              "/readiness recheck", "open"]),
    lambda children: st.dictionaries(st.sampled_from(KEYS), children, max_size=6) | st.lists(children, max_size=3),
    max_leaves=40)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)  # what HTTP carries
events = st.sampled_from(["pull_request", "issue_comment", "check_run", "check_suite", "ping", "installation",
                          "push", ""]) | header_values


@pytest.fixture(scope="module")
def parser_client(tmp_path_factory):
    """One real app on its own loop for every hypothesis example (workers off: nothing may be run)."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.service.settings import Settings
    from tests.github.conftest import APP_ID

    loop = asyncio.new_event_loop()
    key = _key()
    settings = Settings(app_id=APP_ID, private_key=key, webhook_secret=SECRET, api_url="http://127.0.0.1:9",
                        data_dir=tmp_path_factory.mktemp("parser"), max_body=64 * 1024)
    runtime = build_runtime(settings)
    client = TestClient(TestServer(create_app(runtime=runtime, start_workers=False)), loop=loop)
    loop.run_until_complete(client.start_server())
    yield loop, client, runtime
    loop.run_until_complete(client.close())
    loop.close()


def _key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption()).decode()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=events, payload=payloads | json_values, signed=st.booleans(), delivery=header_values,
       content_type=st.sampled_from(["application/json", "text/plain", "application/json; charset=utf-8", ""]))
def test_random_deliveries_never_cause_a_5xx(parser_client, event, payload, signed, delivery, content_type):
    loop, client, runtime = parser_client
    body = json.dumps(payload).encode()
    headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "Content-Type": content_type}
    if signed:
        headers["X-Hub-Signature-256"] = sign(SECRET, body)
    status = loop.run_until_complete(_post(client, body, headers))
    assert status < 500, (event, payload, headers)


async def _post(client, body: bytes, headers: dict) -> int:
    resp = await client.post("/webhooks/github", data=body, headers=headers)
    await resp.read()
    return resp.status
