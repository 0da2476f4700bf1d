"""Forge pieces without the service: diffs and positions, events, settings, HTTP helpers, the fake's rules."""
from __future__ import annotations

import httpx
import pytest

from bot.forges.gitlab.fetch import DiffRefs, changed_file
from bot.forges.gitlab.http import GitLabHTTP, next_url, rate_limit_wait
from bot.forges.gitlab.positions import line_map, plan_inline, position
from bot.models import Finding, Severity
from bot.service.gitlab_events import route
from bot.service.gitlab_settings import gitlab_from_env
from bot.service.gitlab_webhook import token_ok
from bot.service.settings import Settings, SettingsError
from tests.gitlab import contract
from tests.gitlab.fakegitlab import TOKEN, make_diff
from tests.gitlab.helpers import mr_payload, note_payload

REFS = DiffRefs("a" * 40, "b" * 40, "c" * 40)


def _finding(path: str, line: int, end: int | None = None, fp: str = "f" * 16) -> Finding:
    return Finding("docker.root-user", Severity.HIGH, "infrastructure", "t", path, line, end or line, "m", "w", "x",
                   fingerprint=fp)


def test_line_map_knows_added_and_context_lines():
    diff = make_diff("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n")
    assert line_map(diff) == {1: 1, 2: None, 3: 3, 4: 4, 5: None}


def test_positions_on_added_and_context_lines_and_added_files():
    modified, lines = changed_file({"old_path": "x.py", "new_path": "x.py", "diff": make_diff("a\nb\n", "a\nB\n"),
                                    "new_file": False, "deleted_file": False, "renamed_file": False})
    ctx = position(_finding("x.py", 1), modified, lines, REFS)
    assert ctx["new_line"] == 1 and ctx["old_line"] == 1 and ctx["base_sha"] == REFS.base_sha
    added = position(_finding("x.py", 2), modified, lines, REFS)
    assert added["new_line"] == 2 and "old_line" not in added
    # not a diff line: the nearest line the diff shows (the comment names the real location)
    assert position(_finding("x.py", 40), modified, lines, REFS)["new_line"] == 2

    new, new_lines = changed_file({"old_path": "n.py", "new_path": "n.py", "diff": make_diff(None, "a\nb\n"),
                                   "new_file": True, "deleted_file": False, "renamed_file": False})
    assert new.status == "added"
    assert "old_line" not in position(_finding("n.py", 1), new, new_lines, REFS)


def test_a_range_starting_above_the_diff_lands_on_its_first_diff_line():
    cf, lines = changed_file({"old_path": "x", "new_path": "x", "diff": "@@ -10,2 +10,3 @@\n a\n+b\n c\n"})
    assert position(_finding("x", 5, 11), cf, lines, REFS)["new_line"] == 10


def test_plan_skips_known_fingerprints_and_caps():
    cf, lines = changed_file({"old_path": "n", "new_path": "n", "diff": make_diff(None, "a\nb\nc\n"),
                              "new_file": True})
    fs = [_finding("n", 1, fp="1" * 16), _finding("n", 2, fp="2" * 16), _finding("n", 3, fp="3" * 16)]
    plan = plan_inline(fs, [cf], {"n": lines}, {"1" * 16}, 1, REFS)
    assert [f.line for f in plan.already] == [1]
    assert [f.line for f, _ in plan.posts] == [2] and [f.line for f in plan.not_inline] == [3]


def test_go_gitlab_diffs_example_and_special_entries_parse():
    for item in contract.response("merge_request.diffs"):  # go-gitlab's example keeps the docs' odd hunks
        cf, _ = changed_file(item)
        assert cf.path == item["new_path"] and cf.status == "modified"
    big, _ = changed_file({"old_path": "a", "new_path": "a", "diff": "", "too_large": True})
    assert big.whole_file
    binary, _ = changed_file({"old_path": "i.png", "new_path": "i.png",
                              "diff": "Binary files a/i.png and b/i.png differ\n"})
    assert binary.binary
    gone, _ = changed_file({"old_path": "d", "new_path": "d", "diff": "@@ -1 +0,0 @@\n-x\n", "deleted_file": True})
    assert gone.status == "deleted"


def test_rate_limit_waits():
    assert rate_limit_wait(httpx.Headers({"Retry-After": "7"})) == 7.0
    assert 29 <= rate_limit_wait(httpx.Headers({"RateLimit-Reset": "1030"}), now=1000) <= 31
    assert rate_limit_wait(httpx.Headers({})) == 60.0


def test_next_page_from_link_or_x_next_page():
    here = httpx.URL("https://gl/api/v4/x?per_page=100")
    assert next_url(httpx.Headers({"Link": '<https://gl/n?page=2>; rel="next"'}), here) == "https://gl/n?page=2"
    assert next_url(httpx.Headers({"X-Next-Page": "3"}), here) == "https://gl/api/v4/x?per_page=100&page=3"
    assert next_url(httpx.Headers({"X-Next-Page": ""}), here) is None


def test_encoded_file_paths_reach_gitlab_encoded():
    url = httpx.URL(GitLabHTTP("https://gl/api/v4", "t").url("/projects/1/repository/files/src%2Fa.py/raw"))
    assert url.raw_path.startswith(b"/api/v4/projects/1/repository/files/src%2Fa.py/raw")


def test_token_comparison():
    assert token_ok(b"s3cret", "s3cret")
    assert not token_ok(b"s3cret", "s3cre") and not token_ok(b"s3cret", None) and not token_ok(b"", "")


def test_settings_gitlab_route_needs_its_secret():
    problems: list[str] = []
    assert gitlab_from_env({}, problems) is None and problems == []
    gitlab_from_env({"READINESS_GITLAB_TOKEN": "glpat-x"}, problems)
    assert any("READINESS_GITLAB_WEBHOOK_SECRET" in p for p in problems)
    problems = []
    s = gitlab_from_env({"READINESS_GITLAB_TOKEN": "t", "READINESS_GITLAB_WEBHOOK_SECRET": "w",
                         "READINESS_GITLAB_URL": "https://git.example.org/api/v4/"}, problems)
    assert problems == [] and s.url == "https://git.example.org" and s.webhook_secret == b"w"
    gitlab_from_env({"READINESS_GITLAB_TOKEN": "t", "READINESS_GITLAB_WEBHOOK_SECRET": "w",
                     "READINESS_GITLAB_URL": "git.example.org"}, problems)
    assert any("READINESS_GITLAB_URL" in p for p in problems)


def test_service_refuses_to_start_with_a_token_but_no_secret(tmp_path):
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"READINESS_GITLAB_TOKEN": "glpat-x", "READINESS_DATA_DIR": str(tmp_path)})
    assert "READINESS_GITLAB_WEBHOOK_SECRET" in str(err.value)


class _MR:  # the attributes the payload helpers read
    class project:
        id, path = 42, "acme/service"
    iid, state, target_branch, head_sha, draft = 7, "opened", "main", "d" * 40, False
    author = {"id": 11}


@pytest.mark.parametrize("action, oldrev, queued", [("open", None, True), ("reopen", None, True),
                                                    ("update", "e" * 40, True), ("update", None, False),
                                                    ("ready", None, True)])
def test_merge_request_events(action, oldrev, queued):
    decision = route("Merge Request Hook", mr_payload(action, _MR, oldrev=oldrev), "gitlab:1")
    assert (decision.task is not None) == queued
    if queued:
        job = decision.task.job
        assert (job.forge, job.project_id, job.number) == ("gitlab", 42, 7)
        assert (job.head_sha, job.base_ref) == ("d" * 40, "main")


def test_draft_to_ready_via_changes_draft():
    payload = mr_payload("update", _MR)
    payload["changes"] = {"draft": {"previous": True, "current": False}}
    assert route("Merge Request Hook", payload, "gitlab:2").task.job.event == "merge_request.ready"


def test_note_events_name_the_author_only_when_it_is_the_author():
    by_author = route("Note Hook", note_payload("/readiness recheck", _MR, username="al", user_id=11), "g:1")
    assert by_author.task.kind == "recheck" and by_author.task.author == "al" and by_author.task.job.forced
    other = route("Note Hook", note_payload("/readiness recheck", _MR, username="bo", user_id=12), "g:2")
    assert other.task.author == "" and other.task.comment_id == 7001
    helped = route("Note Hook", note_payload("/readiness help", _MR, username="bo", user_id=12), "g:3")
    assert helped.task.kind == "help"


async def test_the_fake_rejects_what_gitlab_rejects(fake_gitlab, aiohttp_client):
    mr = fake_gitlab.add_mr(1, 1, base={"m.py": "a\nb\n"}, head={"m.py": "a\nB\n", "new.py": "x\ny\n"})
    client = await aiohttp_client(fake_gitlab.app())
    refs = {"base_sha": mr.base_sha, "start_sha": mr.base_sha, "head_sha": mr.head_sha, "position_type": "text"}

    async def post(position):
        resp = await client.post("/api/v4/projects/1/merge_requests/1/discussions", headers={"PRIVATE-TOKEN": TOKEN},
                                 json={"body": "b", "position": position})
        return resp.status

    assert await post({**refs, "new_path": "new.py", "old_path": "new.py", "new_line": 1}) == 201
    assert await post({**refs, "new_path": "new.py", "old_path": "new.py", "new_line": 1, "old_line": 1}) == 400
    assert await post({**refs, "new_path": "m.py", "old_path": "m.py", "new_line": 9}) == 400  # not a diff line
    assert await post({**refs, "new_path": "m.py", "old_path": "m.py", "new_line": 1}) == 400  # context w/o old_line
    assert await post({**refs, "new_path": "m.py", "old_path": "m.py", "new_line": 1, "old_line": 1}) == 201
    no_sha = {k: v for k, v in refs.items() if k != "start_sha"}
    assert await post({**no_sha, "new_path": "m.py", "old_path": "m.py", "new_line": 2}) == 400
    assert len(fake_gitlab.rejections) == 3 and len(fake_gitlab.violations) == 1
    fake_gitlab.violations.clear()  # that one was on purpose
    assert (await client.get("/api/v4/user")).status == 401


async def test_fake_answers_keep_the_fields_gitlabs_schemas_require(fake_gitlab, aiohttp_client):
    fake_gitlab.add_mr(1, 1, base={}, head={"a": "x\n"})
    fake_gitlab.members[(1, "dev")] = 30
    client = await aiohttp_client(fake_gitlab.app())
    h = {"PRIVATE-TOKEN": TOKEN}
    await client.post("/api/v4/projects/1/merge_requests/1/notes", headers=h, json={"body": "hello"})
    mr = await (await client.get("/api/v4/projects/1/merge_requests/1", headers=h)).json()
    notes = await (await client.get("/api/v4/projects/1/merge_requests/1/notes", headers=h)).json()
    members = await (await client.get("/api/v4/projects/1/members/all", headers=h)).json()
    assert contract.missing_fields("merge_request", mr) == []
    assert contract.missing_fields("notes", notes) == [] and notes
    assert contract.missing_fields("members", members) == [] and members


def test_gitlab_only_deployment_needs_no_github_app(tmp_path) -> None:
    from bot.service.settings import Settings

    s = Settings.from_env({"READINESS_GITLAB_TOKEN": "glpat-test", "READINESS_GITLAB_WEBHOOK_SECRET": "s3cret",
                           "READINESS_DATA_DIR": str(tmp_path)})
    assert not s.github_enabled and s.gitlab is not None


def test_no_forge_configured_names_both_options(tmp_path) -> None:
    import pytest

    from bot.service.settings import Settings, SettingsError

    with pytest.raises(SettingsError) as info:
        Settings.from_env({"READINESS_DATA_DIR": str(tmp_path)})
    text = str(info.value)
    assert "READINESS_GITHUB_WEBHOOK_SECRET" in text and "READINESS_GITLAB_TOKEN" in text
