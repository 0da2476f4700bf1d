"""The fake GitLab's merge request pipelines: the head pipeline and its jobs, as the real API lists them."""
from __future__ import annotations

import itertools

from aiohttp import web

from tests.gitlab import contract

_ids = itertools.count(70_000)
NOW = "2026-01-01T00:00:00.000Z"


class CIMixin:
    """Scenario: `set_pipeline(mr, jobs)` gives a merge request a head pipeline; each job is
    (stage, name, status) or (stage, name, status, allow_failure)."""

    def _ci_init(self) -> None:
        self.pipelines: dict[int, dict] = {}

    def set_pipeline(self, mr, jobs: list[tuple], *, sha: str | None = None) -> dict:
        pid = next(_ids)
        pipeline = {"id": pid, "iid": pid - 69_000, "project_id": mr.project.id, "sha": sha or mr.head_sha,
                    "ref": f"refs/merge-requests/{mr.iid}/head", "status": "running", "source": "merge_request_event",
                    "created_at": NOW, "updated_at": NOW,
                    "web_url": f"https://gitlab.example/{mr.project.path}/-/pipelines/{pid}"}
        pipeline["jobs"] = [self._job(mr, pipeline, *spec) for spec in jobs]
        self.pipelines[pid] = pipeline
        mr.head_pipeline = pipeline
        return pipeline

    def _job(self, mr, pipeline: dict, stage: str, name: str, status: str, allow_failure: bool = False) -> dict:
        jid = next(_ids)
        return {"id": jid, "status": status, "stage": stage, "name": name, "ref": pipeline["ref"], "tag": False,
                "coverage": None, "allow_failure": allow_failure, "created_at": NOW, "started_at": NOW,
                "finished_at": None if status in ("running", "pending", "created") else NOW, "erased_at": None,
                "duration": None, "queued_duration": None, "user": dict(mr.author), "commit": None,
                "pipeline": {k: pipeline[k] for k in ("id", "project_id", "sha", "ref", "status", "source",
                                                       "created_at", "updated_at", "web_url")},
                "web_url": f"https://gitlab.example/{mr.project.path}/-/jobs/{jid}", "artifacts": [],
                "artifacts_expire_at": None, "tag_list": [], "runner": None, "project": {}, "archived": False}

    def _ci_routes(self) -> list:
        return [(r"GET /api/v4/projects/(?P<pid>\d+)/pipelines/(?P<pl>\d+)/jobs", "", self._pipeline_jobs)]

    def _pipeline_jobs(self, request, body, pid, pl):
        pipeline = self.pipelines.get(int(pl))
        if pipeline is None or pipeline["project_id"] != int(pid):
            return web.json_response({"message": "404 Not found"}, status=404)
        missing = sorted({k for job in pipeline["jobs"] for k in contract.missing_fields("job", job)})
        if missing:
            self.violations.append(f"fake jobs lack {missing}")
        return self._page(request, pipeline["jobs"])

    def head_pipeline_json(self, mr) -> dict | None:
        pipeline = getattr(mr, "head_pipeline", None)
        if pipeline is None:
            return None
        return {k: v for k, v in pipeline.items() if k != "jobs"}
