"""Logs are JSON lines with the job's context, and never carry a token, key, secret or file content."""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot.service.logs import REDACTED, Scrubber, settings_secrets, setup_logging
from tests.github.helpers import REPO, ROOT_DOCKERFILE, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback

FILE_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
FILE_GITLAB = "glpat-" + "xY9zW8vU7tS6rQ5pO4nM"
FILE_KEY = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
            "-----END RSA PRIVATE KEY-----\n")
FILE_LINE = "DATABASE_PASSWORD = 'correct-horse-battery-staple-42'"


@pytest.fixture
def json_logs():
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    handler = setup_logging(stream=stream, level=logging.DEBUG)
    yield stream, handler
    root.handlers[:], root.level = saved[0], saved[1]


async def test_a_full_review_logs_json_with_context_and_no_secret(fake_github, service, json_logs):
    stream, handler = json_logs
    handler.formatter.scrub.add(*settings_secrets(service.runtime.settings))
    head = {"Dockerfile": ROOT_DOCKERFILE, "config/settings.py": f"TOKEN = '{FILE_TOKEN}'\n{FILE_LINE}\n",
            "deploy/.env": f"GITLAB_TOKEN={FILE_GITLAB}\n", "keys/id_rsa": FILE_KEY}
    pr = fake_github.add_pr(REPO, 2, base={}, head=head)
    assert (await service.send("pull_request", pr_payload("opened", pr))).status == 202
    await service.idle()
    logging.getLogger("bot.test").warning("sent Authorization: token %s with %s", next(iter(fake_github.tokens)),
                                          service.runtime.settings.webhook_secret.decode())
    text = stream.getvalue()
    records = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    job_lines = [r for r in records if r.get("head_sha") == pr.head_sha]
    assert any(r.get("delivery_id") and r.get("repo") == REPO and r.get("pr") == 2 for r in job_lines)
    assert any("published" in r["message"] for r in job_lines)

    settings = service.runtime.settings
    key_lines = [ln for ln in settings.private_key.splitlines() if "PRIVATE KEY" not in ln and ln.strip()]
    forbidden = [settings.webhook_secret.decode(), *key_lines, *fake_github.tokens, FILE_TOKEN, FILE_GITLAB,
                 "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun", FILE_LINE,
                 "correct-horse-battery-staple"]
    leaked = [s for s in forbidden if s in text]
    assert not leaked, f"secrets in the logs: {leaked}"
    assert REDACTED in text  # the deliberate leak above was caught


@pytest.mark.parametrize("line", [
    "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiI0MiJ9.c2lnbmF0dXJlLXZhbHVl",
    "token ghs_16C7e42F292c6912E7710c838347Ae178B4a",
    "pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
    "gitlab glpat-abcdefghij0123456789",
    "header X-Gitlab-Token: s3cr3t-value-here",
    "key -----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEA\n-----END PRIVATE KEY-----",
])
def test_the_scrubber_removes_each_kind_of_secret(line):
    out = Scrubber()(line)
    assert REDACTED in out
    for secret in ("eyJhbGci", "ghs_16C7", "github_pat_11", "glpat-abc", "s3cr3t", "MIIBVgIBADAN"):
        assert secret not in out
