"""Small pure pieces of the GitHub forge: JWT claims, token cache, rate-limit waits, inline placement."""
from __future__ import annotations

import time

import jwt

from bot.forges.github.auth import AppAuth, app_jwt
from bot.forges.github.endpoints import graphql_url
from bot.forges.github.http import next_link, rate_limit_wait
from bot.forges.github.inline import place, plan_inline
from bot.models import ChangedFile, Finding, Severity
from bot.service.events import route
from tests.github import contract


def test_app_jwt_is_backdated_and_short_lived(app_keys):
    now = time.time()
    claims = jwt.decode(app_jwt(42, app_keys[0], now=now), app_keys[1], algorithms=["RS256"])
    assert claims["iss"] == "42"
    assert claims["iat"] == int(now) - 60
    assert claims["exp"] - int(now) <= 600 and claims["exp"] - claims["iat"] <= 600


async def test_installation_tokens_are_cached_until_shortly_before_expiry(app_keys):
    auth = AppAuth(1, app_keys[0])
    calls = []

    async def exchange(inst, app_token):
        calls.append(inst)
        soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        return {"token": f"t{len(calls)}", "expires_at": soon}

    assert await auth.token(7, exchange) == "t1"
    assert await auth.token(7, exchange) == "t1"
    auth.invalidate(7, "t1")
    assert await auth.token(7, exchange) == "t2"

    async def nearly_expired(inst, app_token):
        calls.append(inst)
        soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
        return {"token": f"t{len(calls)}", "expires_at": soon}

    await auth.token(8, nearly_expired)
    await auth.token(8, nearly_expired)
    assert calls.count(8) == 2  # inside the safety margin: never reused


def test_rate_limit_waits():
    assert rate_limit_wait(403, {"Retry-After": "12"}, {}) == 12
    assert rate_limit_wait(403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1100"}, {}, now=1000) == 101
    assert rate_limit_wait(403, {}, {"message": "You have exceeded a secondary rate limit"}) == 60
    assert rate_limit_wait(403, {}, {"message": "Resource not accessible by integration"}) is None
    assert rate_limit_wait(429, {"Retry-After": "soon"}, {}) == 60  # unparseable: a minute, not a crash
    assert rate_limit_wait(403, {"Retry-After": "Thu, 01 Jan 1970 00:01:40 GMT"}, {}, now=40) == 60


def test_next_link():
    link = '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"'
    assert next_link({"Link": link}) == "https://api.github.com/x?page=2"
    assert next_link({}) is None


def test_graphql_url_derivation():
    assert graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert graphql_url("https://git.corp/api/v3") == "https://git.corp/api/graphql"
    assert graphql_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/graphql"


def _finding(line, end=None, fp="f1", path="a.py"):
    return Finding("r", Severity.HIGH, "quality", "t", path, line, end or line, "m", "w", "x", fingerprint=fp)


def test_inline_placement_stays_inside_the_diff():
    change = ChangedFile("a.py", hunks=((5, 12), (40, 44)), added=frozenset({6, 41}))
    assert place(_finding(6), change) == {"line": 6, "side": "RIGHT"}
    assert place(_finding(10, 15), change) == {"start_line": 10, "start_side": "RIGHT", "line": 12, "side": "RIGHT"}
    assert place(_finding(38, 41), change) == {"line": 40, "side": "RIGHT"}
    assert place(_finding(20), change) is None
    assert place(_finding(6), ChangedFile("a.py", whole_file=True)) is None


def test_plan_skips_already_commented_findings_and_caps():
    change = ChangedFile("a.py", hunks=((1, 100),))
    findings = [_finding(i, fp=f"f{i}") for i in range(1, 8)]
    plan = plan_inline(findings, [change], {"f1"}, 3, lambda f, fix: f.fingerprint)
    assert [f.fingerprint for f in plan.already] == ["f1"]
    assert [c["line"] for c in plan.comments] == [2, 3, 4]
    assert [f.fingerprint for f in plan.not_inline] == ["f5", "f6", "f7"]


def test_routing_of_the_published_payloads():
    assert route("ping", contract.webhook("ping"), "d").status == 200
    opened = route("pull_request", contract.webhook("pull_request.opened"), "d")
    assert opened.status == 202 and opened.task.job.head_sha == "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
    assert opened.task.job.base_sha and opened.task.job.installation_id == 1
    assert route("pull_request", contract.webhook("pull_request.converted_to_draft"), "d").task is None
    draft = contract.webhook("pull_request.synchronize")
    draft["pull_request"]["draft"] = True
    assert route("pull_request", draft, "d").task.job.draft  # decided by the worker after reading config
    assert route("check_run", contract.webhook("check_run.rerequested"), "d").task is None  # not ours
    assert route("issue_comment", contract.webhook("issue_comment.created.by-bot"), "d").task is None
    suite = {"action": "rerequested", "repository": {"full_name": "o/r"}, "installation": {"id": 3},
             "check_suite": {"pull_requests": [{"number": 9}]}}
    assert route("check_suite", suite, "d").task.kind == "rerun"
    assert route("push", {}, "d").status == 204


def test_pagination_never_follows_a_link_to_another_host() -> None:
    from bot.forges.http_policy import link_next

    header = '<https://evil.example/steal?page=2>; rel="next", <https://api.github.com/x?page=9>; rel="last"'
    assert link_next(header, "https://api.github.com") is None
    ok = '<https://api.github.com/repos/o/r/pulls/1/files?page=2>; rel="next"'
    assert link_next(ok, "https://api.github.com") == "https://api.github.com/repos/o/r/pulls/1/files?page=2"
    assert link_next(ok) is not None
