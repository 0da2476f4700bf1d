"""Fixtures: the fake GitLab on loopback and the real service (GitLab route on) wired to it."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.forges.github.http import HttpPolicy
from bot.service.app import build_runtime, create_app
from bot.service.gitlab_settings import GitLabSettings
from bot.service.settings import Settings
from tests.gitlab.fakegitlab import TOKEN, FakeGitLab
from tests.gitlab.helpers import SECRET, encode, headers
from tests.service_harness import ServiceBase, recorder


@pytest.fixture(scope="session")
def private_key() -> str:  # the service still needs its GitHub App key to start
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture
async def fake_gitlab(aiohttp_server):
    fake = FakeGitLab()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    yield fake
    assert fake.violations == [], "requests GitLab's contract does not allow:\n" + "\n".join(fake.violations)


class Service(ServiceBase):
    route = "/webhooks/gitlab"

    def headers(self, event: str, body: bytes, **kw) -> dict:
        return headers(event, **kw)

    def encode(self, payload: dict) -> bytes:
        return encode(payload)


@pytest.fixture
async def service(aiohttp_client, fake_gitlab, private_key, tmp_path):
    sleeps: list[float] = []
    settings = Settings(app_id=1, private_key=private_key, webhook_secret=b"github-secret",
                        api_url="http://127.0.0.1:9", data_dir=tmp_path, workers=2, lease_seconds=5.0,
                        max_attempts=3, retry_base=0.01, poll_interval=0.05, http_backoff=0.001,
                        gitlab=GitLabSettings(url=fake_gitlab.base_url, token=TOKEN,
                                              webhook_secret=SECRET.encode()))
    runtime = build_runtime(settings, policy=HttpPolicy(timeout=10, backoff=0.001, sleep=recorder(sleeps)))
    client = await aiohttp_client(create_app(runtime=runtime))
    return Service(client, runtime, sleeps)
