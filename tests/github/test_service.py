"""Start-up settings, surviving a restart with queued work, and the `serve` entry point."""
from __future__ import annotations

import pytest

from bot.forges.github.http import HttpPolicy
from bot.service.app import build_runtime, create_app, serve
from bot.service.settings import Settings, SettingsError
from tests.github.conftest import make_settings
from tests.github.helpers import REPO, ROOT_DOCKERFILE, delivery_headers, encode, pr_payload


def _env(tmp_path, private_key, **extra):
    env = {"READINESS_GITHUB_APP_ID": "4242", "READINESS_GITHUB_PRIVATE_KEY": private_key,
           "READINESS_GITHUB_WEBHOOK_SECRET": "s3cret", "READINESS_DATA_DIR": str(tmp_path / "data")}
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def test_refuses_to_start_without_a_webhook_secret(tmp_path, app_keys):
    with pytest.raises(SettingsError, match="READINESS_GITHUB_WEBHOOK_SECRET"):
        Settings.from_env(_env(tmp_path, app_keys[0], READINESS_GITHUB_WEBHOOK_SECRET=None))
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        Settings.from_env(_env(tmp_path, app_keys[0], READINESS_GITHUB_WEBHOOK_SECRET="  "))


def test_serve_exits_with_the_problems_listed(tmp_path, app_keys, monkeypatch, capsys):
    for k in list(__import__("os").environ):
        if k.startswith("READINESS_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("READINESS_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as exc:
        serve("127.0.0.1", 0)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "WEBHOOK_SECRET" in err and "APP_ID" in err and "PRIVATE_KEY" in err


def test_every_problem_is_named(tmp_path):
    with pytest.raises(SettingsError) as exc:
        Settings.from_env({"READINESS_GITHUB_APP_ID": "abc", "READINESS_GITHUB_PRIVATE_KEY": "not a key",
                           "READINESS_GITHUB_WEBHOOK_SECRET": "x", "READINESS_GITHUB_API_URL": "ftp://h",
                           "READINESS_DATA_DIR": str(tmp_path)})
    text = str(exc.value)
    assert "must be a number" in text and "PEM" in text and "http(s)" in text


def test_key_from_a_file_and_ghes_urls(tmp_path, app_keys):
    pem = tmp_path / "app.pem"
    pem.write_text(app_keys[0])
    s = Settings.from_env(_env(tmp_path, None, READINESS_GITHUB_PRIVATE_KEY_PATH=str(pem),
                               READINESS_GITHUB_API_URL="https://ghe.example.com/api/v3/"))
    assert s.app_id == 4242 and s.webhook_secret == b"s3cret"
    assert s.api_url == "https://ghe.example.com/api/v3"
    assert s.graphql_url == "https://ghe.example.com/api/graphql"
    assert Settings.from_env(_env(tmp_path, app_keys[0])).graphql_url == "https://api.github.com/graphql"


@pytest.mark.slow
async def test_an_accepted_delivery_survives_a_restart(aiohttp_client, fake_github, app_keys, tmp_path):
    settings = make_settings(tmp_path, fake_github, app_keys[0])
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    body = encode(pr_payload("opened", pr))

    down = build_runtime(settings)
    client = await aiohttp_client(create_app(runtime=down, start_workers=False))  # accepts, never works
    resp = await client.post("/webhooks/github", data=body, headers=delivery_headers("pull_request", body))
    assert resp.status == 202
    await client.close()  # the process goes away before any worker ran
    assert fake_github.requests == []

    up = build_runtime(settings, policy=HttpPolicy(backoff=0.001))
    await aiohttp_client(create_app(runtime=up))
    await up.pool.idle()
    assert len(fake_github.summaries(2)) == 1
    assert fake_github.checks(pr.head_sha)[0]["status"] == "completed"


def test_app_manifest_asks_for_what_the_bot_uses():
    from pathlib import Path

    import yaml

    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "app.yml").read_text())
    assert manifest["public"] is False
    assert manifest["hook_attributes"]["url"].endswith("/webhooks/github")
    # members: read is an organisation permission the bot never uses: the recheck permission lookup
    # (GET /repos/O/R/collaborators/U/permission) needs only metadata: read.
    assert manifest["default_permissions"] == {"checks": "write", "pull_requests": "write", "issues": "write",
                                               "contents": "read", "metadata": "read",
                                               "statuses": "read"}
    assert set(manifest["default_events"]) == {"pull_request", "issue_comment", "check_run", "check_suite"}
    assert {"name", "url", "redirect_url"} <= set(manifest)
