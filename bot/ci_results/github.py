"""The head commit's check runs and commit statuses on GitHub, as Build & CI rows (two requests, no paging).

A GitHub App with `checks: read` and `statuses: read` sees every app's check runs (GitHub Actions
jobs included) and every commit status of the repositories it is installed on; it does not see CI
that reports nowhere on the commit (an external system that only comments, say).
"""
from __future__ import annotations

from collections.abc import Iterable

from bot.ci_results.model import CICheck, CIResults

PER_PAGE = 100  # one page each: the bound on extra requests per review
_CONCLUSIONS = {
    "success": "PASS", "failure": "FAIL", "timed_out": "FAIL", "action_required": "FAIL",
    "startup_failure": "FAIL", "cancelled": "CANCELLED", "skipped": "SKIPPED", "neutral": "NEUTRAL",
    "stale": "NEUTRAL",
}
_STATES = {"success": "PASS", "failure": "FAIL", "error": "FAIL", "pending": "PENDING"}


async def check_runs(client, repo: str, sha: str) -> dict:
    """The latest check run per name of `sha` (one page)."""
    return await client.get(f"/repos/{repo}/commits/{sha}/check-runs", params={"per_page": PER_PAGE}) or {}


async def read(client, repo: str, sha: str, *, exclude: str, runs: dict | None = None) -> CIResults:
    """Check runs and the combined status of `sha` (`runs`: check runs already read); the check run
    named `exclude` (this bot's own) is left out: the report is about the other checks."""
    if runs is None:
        runs = await check_runs(client, repo, sha)
    combined = await client.get(f"/repos/{repo}/commits/{sha}/status", params={"per_page": PER_PAGE})
    return results(sha, runs, combined or {}, exclude=exclude)


def own_run(runs: dict, name: str) -> int | None:
    """The id of this bot's check run among `runs`, to update it in place on a refresh."""
    for run in runs.get("check_runs") or []:
        if run.get("name") == name and run.get("id"):
            return int(run["id"])
    return None


def results(sha: str, runs: dict, combined: dict, *, exclude: str) -> CIResults:
    check_runs = runs.get("check_runs") or []
    statuses = combined.get("statuses") or []
    checks = [c for c in _from_runs(check_runs) if c.name != exclude] + list(_from_statuses(statuses))
    truncated = (int(runs.get("total_count") or 0) > len(check_runs)
                 or int(combined.get("total_count") or 0) > len(statuses))
    return CIResults(sha=sha, checks=tuple(checks), source="GitHub check runs and commit statuses",
                     truncated=truncated)


def _from_runs(runs: Iterable[dict]) -> Iterable[CICheck]:
    for run in runs:
        status = run.get("status") or ""
        if status == "completed":
            conclusion = run.get("conclusion") or ""
            outcome, detail = _CONCLUSIONS.get(conclusion, "NEUTRAL"), conclusion
        else:
            outcome, detail = ("RUNNING" if status == "in_progress" else "PENDING"), status
        app = (run.get("app") or {}).get("name") or ""
        yield CICheck(name=run.get("name") or "?", outcome=outcome, detail=detail, stage=app,
                      url=run.get("html_url") or run.get("details_url") or "")


def _from_statuses(statuses: Iterable[dict]) -> Iterable[CICheck]:
    for status in statuses:
        state = status.get("state") or ""
        yield CICheck(name=status.get("context") or "?", outcome=_STATES.get(state, "PENDING"),
                      detail=status.get("description") or state, stage="status",
                      url=status.get("target_url") or "")
