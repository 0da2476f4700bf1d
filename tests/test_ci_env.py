"""The CI entries' pure parts: reading the GitHub Actions / GitLab CI environment, workflow commands."""
from __future__ import annotations

import json

import pytest

from bot.ci.errors import CIEnvError
from bot.ci.github_action import ActionContext
from bot.ci.gitlab_ci import GitLabCIContext
from bot.ci.workflow import annotation, append_step_summary
from bot.models import Finding, Severity


def _event(tmp_path, pr: dict) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"action": "opened", "pull_request": pr}))
    return str(path)


def test_action_context_from_a_pull_request_event(tmp_path):
    pr = {"number": 5, "draft": True, "head": {"sha": "a" * 40}, "base": {"ref": "main", "sha": "b" * 40}}
    ctx = ActionContext.from_env({"GITHUB_TOKEN": "tok-XYZZY", "GITHUB_REPOSITORY": "o/r", "GITHUB_EVENT_NAME": "pull_request",
                                  "GITHUB_EVENT_PATH": _event(tmp_path, pr),
                                  "GITHUB_API_URL": "https://ghe.example.org/api/v3/"})
    job = ctx.job()
    assert (job.repo, job.number, job.head_sha, job.base_ref, job.base_sha) == ("o/r", 5, "a" * 40, "main", "b" * 40)
    assert job.draft and ctx.api_url == "https://ghe.example.org/api/v3"
    assert "XYZZY" not in repr(ctx)  # the token never reaches logs


def test_action_context_names_every_problem(tmp_path):
    with pytest.raises(CIEnvError) as err:
        ActionContext.from_env({"GITHUB_REPOSITORY": "nope", "GITHUB_EVENT_PATH": _event(tmp_path, {"number": 1})})
    text = str(err.value)
    assert "GITHUB_TOKEN" in text and "GITHUB_REPOSITORY" in text and "no pull request" in text


def test_gitlab_context_prefers_the_source_sha_of_merged_results_pipelines():
    env = {"READINESS_GITLAB_TOKEN": "glpat", "CI_PROJECT_ID": "42", "CI_PROJECT_PATH": "g/p",
           "CI_MERGE_REQUEST_IID": "7", "CI_COMMIT_SHA": "merge" * 8, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "c" * 40,
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_API_V4_URL": "https://gitlab.example.org/api/v4"}
    ctx = GitLabCIContext.from_env(env)
    job = ctx.job()
    assert (job.project_id, job.number, job.head_sha, job.base_ref) == (42, 7, "c" * 40, "main")
    assert ctx.url == "https://gitlab.example.org" and "glpat" not in repr(ctx)


def test_gitlab_context_outside_a_merge_request_pipeline():
    with pytest.raises(CIEnvError) as err:
        GitLabCIContext.from_env({"READINESS_GITLAB_TOKEN": "x", "CI_PROJECT_ID": "1", "CI_COMMIT_SHA": "a"})
    assert "CI_MERGE_REQUEST_IID" in str(err.value)


def test_workflow_annotation_escapes_properties_and_data():
    f = Finding(rule="docker.root-user", severity=Severity.HIGH, area="infrastructure", title="Runs as root, really",
                path="a,b:c/Dockerfile", line=3, end_line=3, message="50% of\nimages", why="", fix="add USER")
    line = annotation(f)
    assert line.startswith("::error file=a%2Cb%3Ac/Dockerfile,line=3,endLine=3,title=HIGH Runs as root%2C really")
    assert line.endswith("::50%25 of%0Aimages%0A%0AFix: add USER")


def test_step_summary_is_appended_only_when_the_runner_provides_it(tmp_path):
    assert append_step_summary(None, "x") is False
    target = tmp_path / "summary.md"
    append_step_summary(str(target), "one")
    append_step_summary(str(target), "two")
    assert target.read_text() == "one\ntwo\n"
