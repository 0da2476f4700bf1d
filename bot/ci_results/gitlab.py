"""The merge request's head pipeline jobs on GitLab, as Build & CI rows (one request, no paging).

A project access token with the Developer role reads the jobs of the project's pipelines; jobs of
a downstream (child or multi-project) pipeline are not listed here, only its trigger job.
"""
from __future__ import annotations

from bot.ci_results.model import CICheck, CIResults

PER_PAGE = 100
_STATUSES = {
    "success": "PASS", "failed": "FAIL", "canceled": "CANCELLED", "canceling": "CANCELLED",
    "skipped": "SKIPPED", "manual": "NEUTRAL", "running": "RUNNING",
}


async def read(http, project_id: int, mr: dict, sha: str, *, exclude: str) -> CIResults:
    """The jobs of the merge request's head pipeline (`mr`: the merge request as the API returned it);
    the job named `exclude` (this bot's own CI job) is left out."""
    pipeline = mr.get("head_pipeline") or {}
    if not pipeline.get("id"):
        return CIResults(sha=sha, checks=(), source="no pipeline for this merge request")
    jobs = await http.get(f"/projects/{project_id}/pipelines/{int(pipeline['id'])}/jobs",
                          params={"per_page": PER_PAGE}) or []
    return results(sha, pipeline, jobs, exclude=exclude)


def results(sha: str, pipeline: dict, jobs: list[dict], *, exclude: str) -> CIResults:
    checks = tuple(
        CICheck(name=job.get("name") or "?", outcome=_STATUSES.get(job.get("status") or "", "PENDING"),
                stage=job.get("stage") or "", detail=job.get("status") or "", url=job.get("web_url") or "",
                allow_failure=bool(job.get("allow_failure")))
        for job in jobs if job.get("name") != exclude)
    where = f"GitLab pipeline #{pipeline['id']}"
    if pipeline.get("sha") and pipeline["sha"] != sha:
        where += f" of `{str(pipeline['sha'])[:12]}`, not the reviewed head"
    return CIResults(sha=sha, checks=checks, source=where, truncated=len(jobs) >= PER_PAGE)
