"""The GitLab CI entry (`readiness review --publish gitlab`) end to end against the fake GitLab.

The CLI runs in a thread with its own event loop, as in a merge request pipeline, with the CI
variables GitLab sets and a project access token in READINESS_GITLAB_TOKEN.
"""
from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from bot.state import decode_state
from tests.gitlab.fakegitlab import TOKEN
from tests.gitlab.helpers import ROOT_DOCKERFILE, SAFE_DOCKERFILE


@pytest.fixture
def pipeline(fake_gitlab, monkeypatch):
    async def run(mr, *args: str, token: str = TOKEN) -> int:
        for key, value in {"CI_PROJECT_ID": str(mr.project.id), "CI_PROJECT_PATH": mr.project.path,
                           "CI_MERGE_REQUEST_IID": str(mr.iid), "CI_COMMIT_SHA": mr.head_sha,
                           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": mr.target_branch,
                           "CI_MERGE_REQUEST_DIFF_BASE_SHA": mr.base_sha,
                           "CI_API_V4_URL": f"{fake_gitlab.base_url}/api/v4",
                           "READINESS_GITLAB_TOKEN": token}.items():
            monkeypatch.setenv(key, value)
        return await asyncio.to_thread(main, ["review", "--publish", "gitlab", *args])

    return run


async def test_merge_request_pipeline_publishes_status_discussions_and_summary(fake_gitlab, pipeline, tmp_path,
                                                                              capsys):
    mr = fake_gitlab.add_mr(42, 7, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": ROOT_DOCKERFILE})
    report = tmp_path / "readiness.json"
    assert await pipeline(mr, "--format", "json", "-o", str(report)) == 1

    assert fake_gitlab.status(mr.head_sha)["status"] == "failed"
    (summary,) = fake_gitlab.summaries(mr)
    assert any(f.rule == "docker.root-user" for f in decode_state(summary["body"]))
    assert mr.discussions
    assert '"docker.root-user"' in report.read_text()
    assert "published to the merge request" in capsys.readouterr().out


async def test_token_without_the_role_to_write_degrades_to_the_job_log(fake_gitlab, pipeline, capsys):
    mr = fake_gitlab.add_mr(42, 8, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    fake_gitlab.inject(403, match="POST /api/v4/projects/42/statuses")
    assert await pipeline(mr) == 1
    assert fake_gitlab.summaries(mr) == [] and mr.discussions == []
    out = capsys.readouterr().out
    assert "not published" in out and "docker.root-user" in out


async def test_safe_change_passes(fake_gitlab, pipeline):
    mr = fake_gitlab.add_mr(42, 9, base={}, head={"Dockerfile": SAFE_DOCKERFILE})
    assert await pipeline(mr) == 0
    assert fake_gitlab.status(mr.head_sha)["status"] == "success"


async def test_missing_token_is_a_usage_error(fake_gitlab, pipeline, capsys):
    mr = fake_gitlab.add_mr(42, 10, base={}, head={"Dockerfile": SAFE_DOCKERFILE})
    assert await pipeline(mr, token="") == 2
    assert "READINESS_GITLAB_TOKEN" in capsys.readouterr().err
    assert fake_gitlab.requests == []


async def test_coverage_reports_fill_the_summary_and_the_finding_opens_a_discussion(fake_gitlab, pipeline):
    from tests.coverage.test_review_coverage import FIXTURES, SOURCES

    source = (SOURCES / "go" / "internal" / "pricing" / "pricing.go").read_text()
    go_mod = (SOURCES / "go" / "go.mod").read_text()
    base = "".join(source.splitlines(keepends=True)[:13])
    mr = fake_gitlab.add_mr(42, 11, base={"go.mod": go_mod, "internal/pricing/pricing.go": base},
                            head={"go.mod": go_mod, "internal/pricing/pricing.go": source})
    fake_gitlab.set_pipeline(mr, [("test", "go-test", "success"), ("test", "readiness", "running")])
    assert await pipeline(mr, "--coverage", str(FIXTURES / "go-coverprofile.out")) == 0

    (summary,) = fake_gitlab.summaries(mr)
    body = summary["body"]
    assert "**Patch coverage: 26.7%** (4 of 15 added executable lines" in body  # Go module path mapped
    assert "| `internal/pricing` (changed) |" in body
    assert "CI: 1 check, none failing" in body  # the pipeline's other job; this job is not listed
    assert any("tests.patch-coverage" in d["notes"][0]["body"] for d in mr.discussions)
