"""Fixtures: the fake GitHub (contract-checked) and the real service wired to it on loopback."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.forges.github.http import HttpPolicy
from bot.service.app import build_runtime, create_app
from bot.service.settings import Settings
from tests.github.fakegithub import FakeGitHub
from tests.github.helpers import SECRET, delivery_headers, encode
from tests.service_harness import ServiceBase, recorder

APP_ID = 4242


@pytest.fixture(scope="session")
def app_keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@pytest.fixture
async def fake_github(aiohttp_server, app_keys):
    fake = FakeGitHub(APP_ID, app_keys[1])
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    yield fake
    assert fake.violations == [], "requests GitHub's contract does not allow:\n" + "\n".join(fake.violations)


class Service(ServiceBase):
    route = "/webhooks/github"

    def headers(self, event: str, body: bytes, **kw) -> dict:
        return delivery_headers(event, body, **kw)

    def encode(self, payload: dict) -> bytes:
        return encode(payload)


def make_settings(tmp_path, fake: FakeGitHub, private_key: str, **overrides) -> Settings:
    values = dict(app_id=APP_ID, private_key=private_key, webhook_secret=SECRET, api_url=fake.base_url,
                  data_dir=tmp_path, workers=2, lease_seconds=5.0, max_attempts=3, retry_base=0.01,
                  poll_interval=0.05, http_backoff=0.001)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def service(aiohttp_client, fake_github, app_keys, tmp_path):
    sleeps: list[float] = []
    settings = make_settings(tmp_path, fake_github, app_keys[0])
    runtime = build_runtime(settings, policy=HttpPolicy(timeout=10, backoff=0.001, sleep=recorder(sleeps)))
    client = await aiohttp_client(create_app(runtime=runtime))
    return Service(client, runtime, sleeps)
