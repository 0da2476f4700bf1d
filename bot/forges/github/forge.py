"""The Forge protocol for one GitHub pull-request job (plus the calls the slash commands need)."""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot.ci_results import github as ci_checks
from bot.ci_results.model import CIResults, is_refresh
from bot.config import CONFIG_FILE, ConfigError
from bot.forges.github import fetch, publish
from bot.forges.github.http import GitHubError
from bot.forges.github.inline import plan_inline
from bot.job import Job
from bot.models import ChangedFile, PreviousFinding, Review
from bot.render.comments import check_run_output, config_error_summary, inline_comment, summary_comment
from bot.state import decode_state

if TYPE_CHECKING:
    from bot.forges.github.app import GitHubApp

log = logging.getLogger(__name__)
WRITE_ROLES = {"admin", "maintain", "write"}


class GitHubForge:
    def __init__(self, app: GitHubApp, job: Job):
        self.app = app
        self.job = job
        self.client = app.client(job.installation_id, job.repo)
        self.check_id: int | None = None
        self.check_done = False
        self.resume_check: dict | None = None  # {"id", "head_sha"} an earlier attempt of this job opened
        self.on_check = None  # async callback(dict) recording a newly opened check run for later attempts
        self.summary_id: int | None = None
        self.summary_looked_up = False
        self._changes: list[ChangedFile] = []
        self._shas: dict[str, str] = {}
        self._check_runs: dict | None = None  # the head's check runs, when a refresh read them
        self.ci_unchanged = False  # a refresh that found the CI results the summary already shows

    # --- reading ---------------------------------------------------------------------------------
    async def changes(self, job: Job) -> list[ChangedFile]:
        await self.start(job)  # the review starts now: config read, not a skipped draft
        self._changes, shas = await fetch.changed_files(self.client, job.repo, job.number)
        self._shas.update(shas)
        return self._changes

    async def read_many(self, paths: Sequence[str], ref: str) -> Mapping[str, str | None]:
        return await fetch.read_texts(self.client, self.job.repo, paths, ref, self.app.texts, self._shas)

    async def list_files(self, ref: str) -> list[str]:
        tree = await fetch.tree_files(self.client, self.job.repo, ref)
        for path, sha in tree.items():
            self._shas.setdefault(path, sha)
        return list(tree)

    def action_resolver(self, loop):
        """Tag -> commit of GitHub Actions, for the ci.unpinned-action fix (bounded, cached)."""
        from bot.action_pins import api_resolver

        return api_resolver(self.client.get, loop)

    async def read_config(self, job: Job) -> str | None:
        ref = job.base_sha or job.base_ref
        if not ref:
            raise ValueError(f"{job.key}: no base ref to read {CONFIG_FILE} from")
        key = (job.repo, ref)
        if key not in self.app.configs:
            texts = await fetch.read_texts(self.client, job.repo, [CONFIG_FILE], ref, self.app.texts)
            self.app.configs[key] = texts.get(CONFIG_FILE)
        return self.app.configs[key]

    async def previous_state(self, job: Job) -> list[PreviousFinding] | None:
        comment = await publish.find_summary(self.client, job.repo, job.number)
        self.summary_looked_up = True
        self.summary_id = comment["id"] if comment else None
        return decode_state(comment.get("body")) if comment else None

    async def pull_request(self) -> dict:
        return await fetch.pull_request(self.client, self.job.repo, self.job.number)

    async def is_current_head(self, job: Job) -> bool:
        pr = await self.pull_request()
        return pr.get("state") == "open" and (pr.get("head") or {}).get("sha") == job.head_sha

    async def current_job(self, **changes) -> Job | None:
        """This job at the pull request's current head (rechecks and re-runs); None when closed."""
        pr = await self.pull_request()
        if pr.get("state") != "open":
            return None
        head, base = pr.get("head") or {}, pr.get("base") or {}
        job = dataclasses.replace(self.job, head_sha=head.get("sha", ""), base_ref=base.get("ref", ""),
                                  base_sha=base.get("sha", ""), draft=bool(pr.get("draft")), **changes)
        self.job = job
        return job

    async def ci_results(self, job: Job) -> CIResults:
        """The head's other check runs and statuses: cached per head once all finished; a refresh
        (queued because some finished) reads them again."""
        key = (job.repo, job.head_sha)
        cached = self.app.ci.get(key)
        if cached is not None and not is_refresh(job.event):
            return cached
        result = await ci_checks.read(self.client, job.repo, job.head_sha, exclude=publish.CHECK_NAME,
                                      runs=self._check_runs)
        self.ci_unchanged = is_refresh(job.event) and result == cached
        if result.done:
            self.app.ci[key] = result
        return result

    # --- publishing ------------------------------------------------------------------------------
    async def start(self, job: Job) -> None:
        if self.check_id is not None:
            return
        resumed = self.resume_check or {}
        if resumed.get("id") and resumed.get("head_sha") == job.head_sha:  # a retry: one check run per head
            self.check_id = int(resumed["id"])
            return
        if is_refresh(job.event):  # other CI finished: update our check run of this head in place
            self._check_runs = await ci_checks.check_runs(self.client, job.repo, job.head_sha)
            self.check_id = ci_checks.own_run(self._check_runs, publish.CHECK_NAME)
            if self.check_id is not None:
                return
        self.check_id = await publish.start_check(self.client, job.repo, job.head_sha, job.delivery_id)
        if self.on_check is not None:
            await self.on_check({"id": self.check_id, "head_sha": job.head_sha})

    async def publish(self, job: Job, review: Review) -> None:
        if self.ci_unchanged:
            log.info("%s: CI results unchanged since the summary, nothing to refresh", job.key)
            return
        await self.start(job)
        existing = await publish.existing_fingerprints(self.client, job.repo, job.number)
        plan = plan_inline(review.findings, self._changes, existing, review.max_inline_comments, inline_comment)
        if plan.comments and not await publish.post_review(
                self.client, job.repo, job.number, job.head_sha, _review_body(review, plan), plan.comments):
            plan.not_inline = sorted(plan.not_inline + plan.posted, key=review.findings.index)
            plan.posted = []
        output = check_run_output(review, not_inline=plan.not_inline)
        await publish.complete_check(self.client, job.repo, self.check_id,
                                     conclusion="failure" if review.failed else "success",
                                     output=output,
                                     notes=publish.annotations(review.findings) + _coverage_notes(review))
        self.check_done = True
        if not self.summary_looked_up:
            await self.previous_state(job)
        body = summary_comment(review, not_inline=plan.not_inline)
        self.summary_id = await publish.upsert_summary(self.client, job.repo, job.number, body, self.summary_id)
        current = {f.fingerprint for f in review.findings}
        resolved = await publish.resolve_fixed_threads(self.client, job.repo, job.number, current)
        log.info("published %s at %s: %s, %d inline, %d threads resolved", job.key, job.head_sha[:12],
                 review.headline(), len(plan.posted), resolved)

    async def publish_config_error(self, job: Job, error: ConfigError) -> None:
        await self.start(job)
        output = {"title": f"Configuration error in {error.path}", "summary": config_error_summary(error)}
        await publish.complete_check(self.client, job.repo, self.check_id, conclusion="failure", output=output)
        self.check_done = True

    async def abandon(self, title: str, summary: str, conclusion: str = "skipped") -> None:
        """Close a check run this job opened but did not complete (superseded push, failure)."""
        if self.check_id is None or self.check_done:
            return
        await publish.complete_check(self.client, self.job.repo, self.check_id, conclusion=conclusion,
                                     output={"title": title, "summary": summary})
        self.check_done = True

    async def close_dead(self, check: dict | None, title: str, summary: str) -> bool:
        """A dead-lettered job (its worker died on every attempt): fail the check run an attempt opened
        (`check` from the delivery's memo), or a new one at the job's head. False with nothing to fail."""
        if check and check.get("id"):
            self.check_id = int(check["id"])
        elif self.job.head_sha:
            self.check_id = await publish.start_check(self.client, self.job.repo, self.job.head_sha,
                                                      self.job.delivery_id)
        else:
            return False
        self.check_done = False
        await self.abandon(title, summary, conclusion="failure")
        return True

    # --- slash commands --------------------------------------------------------------------------
    async def may_recheck(self, user: str, author: str) -> bool:
        if user and user == author:
            return True
        try:
            data = await self.client.get(f"/repos/{self.job.repo}/collaborators/{user}/permission")
        except GitHubError as exc:
            if exc.status == 404:
                return False
            raise
        return data.get("permission") in WRITE_ROLES or data.get("role_name") in WRITE_ROLES

    async def react(self, comment_id: int, content: str = "eyes") -> None:
        await self.client.post(f"/repos/{self.job.repo}/issues/comments/{comment_id}/reactions",
                               {"content": content})

    async def comment(self, body: str) -> None:
        await self.client.post(f"/repos/{self.job.repo}/issues/{self.job.number}/comments", {"body": body})


def _review_body(review: Review, plan) -> str:
    n = len(plan.posted)
    return (f"**readiness**: {review.headline()}. {n} new inline comment{'s' if n != 1 else ''} on this push; "
            f"the full report is in the summary comment and the `readiness` check.")


MAX_COVERAGE_NOTES = 50  # one more Checks API request at most


def _coverage_notes(review: Review) -> list[dict]:
    """Check run annotations on the added lines no test ran (notices: the finding carries the verdict)."""
    if review.coverage is None:
        return []
    return [{"path": path, "start_line": first, "end_line": last, "annotation_level": "notice",
             "title": "Not run by the tests",
             "message": f"Added line{'s' if last > first else ''} {first}{f'-{last}' if last > first else ''} "
                        "ran in no test of the coverage reports."}
            for path, first, last in review.coverage.patch.ranges()[:MAX_COVERAGE_NOTES]]
