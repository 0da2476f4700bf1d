"""Build & CI on GitLab: the head pipeline's jobs in the summary, refreshed when the pipeline finishes."""
from __future__ import annotations

from tests.gitlab.helpers import SAFE_DOCKERFILE, mr_payload


def pipeline_payload(mr, pipeline: dict, status: str, *, builds: list[str] | None = None) -> dict:
    """A Pipeline Hook delivery, with the field names of GitLab's webhook docs (no published example
    is copied into tests/contracts/gitlab: see its README)."""
    names = builds if builds is not None else [j["name"] for j in pipeline["jobs"]]
    return {
        "object_kind": "pipeline",
        "object_attributes": {"id": pipeline["id"], "iid": pipeline["iid"], "ref": pipeline["ref"],
                              "sha": pipeline["sha"], "status": status, "source": pipeline["source"]},
        "merge_request": {"id": mr.iid + 10_000, "iid": mr.iid, "state": mr.state,
                          "target_branch": mr.target_branch, "source_branch": f"mr-{mr.iid}"},
        "project": {"id": mr.project.id, "path_with_namespace": mr.project.path},
        "builds": [{"id": i, "name": n, "stage": "test", "status": status} for i, n in enumerate(names)],
    }


def _summary(fake, mr) -> str:
    (summary,) = fake.summaries(mr)
    return summary["body"]


async def test_summary_lists_the_head_pipeline_jobs_failures_first(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 7, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": SAFE_DOCKERFILE})
    fake_gitlab.set_pipeline(mr, [("build", "compile", "success"), ("test", "unit", "failed"),
                                  ("test", "lint", "failed", True), ("deploy", "review-app", "manual"),
                                  ("test", "readiness", "running")])
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()

    body = _summary(fake_gitlab, mr)
    assert "## Production readiness review: PASS · CI: 1 of 4 checks failing" in body
    section = body[body.index("### Build & CI"):body.index("### Area summary")]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "| Check |" not in line]
    assert rows[0].startswith("| test / unit | ❌ FAIL | [failed](https://gitlab.example/")
    assert rows[1].startswith("| test / lint | ⚠️ FAIL (allowed to fail)")
    assert len(rows) == 4  # the readiness job itself is not listed
    assert fake_gitlab.status(mr.head_sha)["status"] == "success"  # shown, not re-judged
    assert fake_gitlab.violations == []


async def test_a_finished_pipeline_refreshes_the_summary_once(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 8, base={"README.md": "hi\n"}, head={"README.md": "hello\n"})
    pipeline = fake_gitlab.set_pipeline(mr, [("test", "unit", "running")])
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()
    assert "CI: 1 check, none failing, 1 running" in _summary(fake_gitlab, mr)
    posts = fake_gitlab.count("POST", "/statuses/")

    pipeline["jobs"][0]["status"] = "failed"
    assert (await service.send("Pipeline Hook", pipeline_payload(mr, pipeline, "failed"))).status == 202
    await service.idle()
    assert "CI: 1 of 1 checks failing" in _summary(fake_gitlab, mr)
    after_refresh = fake_gitlab.count("POST", "/statuses/")
    assert after_refresh == posts + 1  # the final status again; no "running" flip for a refresh

    # the same results again (another delivery): nothing is published
    assert (await service.send("Pipeline Hook", pipeline_payload(mr, pipeline, "failed"))).status == 202
    await service.idle()
    assert fake_gitlab.count("POST", "/statuses/") == after_refresh


async def test_running_and_own_pipelines_are_ignored(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 9, base={"README.md": "hi\n"}, head={"README.md": "hello\n"})
    pipeline = fake_gitlab.set_pipeline(mr, [("test", "unit", "running")])
    assert (await service.send("Pipeline Hook", pipeline_payload(mr, pipeline, "running"))).status == 204
    own = pipeline_payload(mr, pipeline, "success", builds=["readiness"])
    assert (await service.send("Pipeline Hook", own)).status == 204
    external = pipeline_payload(mr, pipeline, "success")
    external["object_attributes"]["source"] = "external"
    assert (await service.send("Pipeline Hook", external)).status == 204
