"""The fake GitHub's CI of a commit: other apps' check runs and commit statuses, as the real API lists them."""
from __future__ import annotations

from aiohttp import web

from tests.github import contract
from tests.github.fake_state import next_id


class CIMixin:
    """Scenario: `add_ci_run` / `add_status` put other CI on a commit; the bot's own check runs
    (created through the API) are listed with them, as GitHub does."""

    def _ci_init(self) -> None:
        self.ci_runs: list[dict] = []
        self.statuses: list[dict] = []

    def add_ci_run(self, repo: str, sha: str, name: str, *, status: str = "completed",
                   conclusion: str | None = "success", app: str = "GitHub Actions", app_id: int = 15368) -> dict:
        run = {"id": next_id(), "repo": repo, "head_sha": sha, "name": name, "status": status,
               "conclusion": conclusion if status == "completed" else None, "app": app, "app_id": app_id}
        self.ci_runs.append(run)
        return run

    def add_status(self, repo: str, sha: str, context: str, state: str, description: str = "") -> None:
        self.statuses.append({"repo": repo, "sha": sha, "context": context, "state": state,
                              "description": description or f"{context} {state}"})

    def _ci_routes(self, repo: str) -> list:
        return [(rf"GET {repo}/commits/(?P<ref>[^/]+)/check-runs", self._commit_check_runs),
                (rf"GET {repo}/commits/(?P<ref>[^/]+)/status", self._combined_status)]

    def _check_run_json(self, run: dict, app: str, app_id: int) -> dict:
        data = contract.example("check-run")
        data.update({k: run[k] for k in ("id", "name", "head_sha", "status", "conclusion")})
        data["html_url"] = f"https://github.com/{run['repo']}/runs/{run['id']}"
        data["app"] = {**data["app"], "name": app, "id": app_id}
        return data

    def _commit_check_runs(self, request, body, repo, ref):
        per_page = min(int(request.query.get("per_page", 30)), 100)
        mine = [self._check_run_json(r, "readiness", self.app_id)
                for r in self.check_runs.values() if r["repo"] == repo and r["head_sha"] == ref]
        others = [self._check_run_json(r, r["app"], r["app_id"])
                  for r in self.ci_runs if r["repo"] == repo and r["head_sha"] == ref]
        latest: dict[str, dict] = {}
        for run in mine + others:  # filter=latest (the default): the newest run per name
            latest[run["name"]] = run
        runs = list(latest.values())
        return web.json_response({"total_count": len(runs), "check_runs": runs[:per_page]})

    def _combined_status(self, request, body, repo, ref):
        template = contract.example("combined-commit-status")
        latest: dict[str, dict] = {}
        for s in self.statuses:
            if s["repo"] == repo and s["sha"] == ref:
                latest[s["context"]] = s  # the latest status per context
        statuses = [{**template["statuses"][0], "id": next_id(), "state": s["state"], "context": s["context"],
                     "description": s["description"], "target_url": f"https://ci.example.com/{s['context']}"}
                    for s in latest.values()]
        states = {s["state"] for s in statuses}
        state = "failure" if states & {"failure", "error"} else "pending" if "pending" in states or not statuses \
            else "success"
        template.update(state=state, statuses=statuses, sha=ref, total_count=len(statuses))
        return web.json_response(template)
