"""The Forge protocol for one GitLab merge-request job (plus the calls the slash commands need)."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot.ci_results import gitlab as ci_jobs
from bot.ci_results.model import CIResults, is_refresh
from bot.config import CONFIG_FILE, ConfigError
from bot.forges.gitlab import fetch, publish
from bot.forges.gitlab.http import GitLabError
from bot.forges.gitlab.positions import on_its_lines, plan_inline
from bot.forges.http_policy import backoff_delay
from bot.job import Job
from bot.models import ChangedFile, PreviousFinding, Review
from bot.render.comments import config_error_summary, gitlab_fix, inline_comment, off_diff_note, summary_comment
from bot.state import SUMMARY_MARKER, decode_state

if TYPE_CHECKING:
    from bot.forges.gitlab.instance import GitLabInstance

log = logging.getLogger(__name__)
DEVELOPER = 30  # GitLab access level: Developer and above may recheck
DIFF_WAITS = 5  # GitLab builds a new diff version asynchronously after a push
_STATE_LINE = re.compile(r"<!-- readiness:state v\d+ [A-Za-z0-9+/=_-]+ -->")
_STATE_FOR = {"failure": "failed", "skipped": "canceled"}  # abandon() conclusions -> status states
RETRY_HINT = "comment /readiness recheck to retry"
CI_JOB_NAME = "readiness"  # the job of deploy/gitlab-ci/readiness.yml: not listed under Build & CI

HELP_TEXT = (
    "**readiness commands** (comment on the merge request):\n\n"
    "- `/readiness recheck`: review the current head again, analysing every changed file.\n"
    "- `/readiness help`: this message.\n\n"
    "Recheck is open to the merge request author and to members with the Developer role or higher."
)


def refusal(user: str) -> str:
    return (f"@{user} only the merge request author and members with the Developer role or higher "
            f"can run `/readiness recheck`.")


class GitLabForge:
    help_text = HELP_TEXT
    refusal = staticmethod(refusal)

    def __init__(self, gitlab: GitLabInstance, job: Job):
        if job.project_id is None:
            raise ValueError("a GitLab job needs a project id")
        self.gitlab = gitlab
        self.http = gitlab.http
        self.job = job
        self.pid = job.project_id
        self.iid = job.number
        self.diff: fetch.MergeRequestDiff | None = None
        self.summary: dict | None = None
        self.summary_looked_up = False
        self.started = False
        self.done = False
        self._mr: dict = {}
        self.ci_unchanged = False  # a refresh that found the CI results the summary already shows

    # --- reading ---------------------------------------------------------------------------------
    async def changes(self, job: Job) -> list[ChangedFile]:
        await self.start(job)
        refs = await self._diff_refs(job)
        self.diff = await fetch.merge_request_diff(self.http, self.pid, self.iid, refs)
        return self.diff.files

    async def _diff_refs(self, job: Job) -> fetch.DiffRefs:
        """The newest diff version; waits briefly while GitLab is still building the one for our head."""
        for attempt in range(DIFF_WAITS):
            refs = await fetch.latest_version(self.http, self.pid, self.iid)
            if refs is not None and refs.head_sha == job.head_sha:
                return refs
            mr = await self.merge_request()
            if refs is not None and mr.get("sha") != job.head_sha:
                return refs  # the MR moved on: review the newest diff, the result is dropped anyway
            await self.http.policy.sleep(backoff_delay(self.http.policy, attempt))
        raise GitLabError(0, f"no diff version for {job.head_sha[:12]} yet on !{self.iid}")

    async def read_many(self, paths: Sequence[str], ref: str) -> Mapping[str, str | None]:
        return await fetch.read_texts(self.http, self.pid, paths, ref, self.gitlab.texts, self.gitlab.blob_ids)

    async def list_files(self, ref: str) -> list[str]:
        entries = await fetch.tree(self.http, self.pid, ref)
        for path, blob_id in entries.items():
            self.gitlab.blob_ids[(self.pid, ref, path)] = blob_id
        return list(entries)

    async def read_config(self, job: Job) -> str | None:
        ref = job.base_ref or job.base_sha
        if not ref:
            raise ValueError(f"{job.key}: no target branch to read {CONFIG_FILE} from")
        key = (self.pid, ref)
        if key not in self.gitlab.configs:
            self.gitlab.configs[key], _ = await fetch.raw_file(self.http, self.pid, CONFIG_FILE, ref)
        return self.gitlab.configs[key]

    async def _bot_id(self) -> int:
        return (await self.gitlab.bot_user())["id"]

    async def previous_state(self, job: Job) -> list[PreviousFinding] | None:
        self.summary = await publish.find_summary(self.http, self.pid, self.iid, await self._bot_id())
        self.summary_looked_up = True
        return decode_state(self.summary.get("body")) if self.summary else None

    async def merge_request(self) -> dict:
        self._mr = await fetch.merge_request(self.http, self.pid, self.iid)
        return self._mr

    async def is_current_head(self, job: Job) -> bool:
        mr = await self.merge_request()
        return mr.get("state") == "opened" and mr.get("sha") == job.head_sha

    async def current_job(self, **changes) -> Job | None:
        """This job at the merge request's current head (rechecks); None when it is not open."""
        mr = await self.merge_request()
        if mr.get("state") != "opened":
            return None
        refs = mr.get("diff_refs") or {}
        job = dataclasses.replace(self.job, head_sha=mr.get("sha") or "", base_ref=mr.get("target_branch", ""),
                                  base_sha=refs.get("base_sha") or "",
                                  draft=bool(mr.get("draft") or mr.get("work_in_progress")), **changes)
        self.job = job
        return job

    async def ci_results(self, job: Job) -> CIResults:
        """The head pipeline's jobs: cached per head once all finished; a refresh (queued because
        the pipeline finished) reads them again."""
        key = (self.pid, job.head_sha)
        cached = self.gitlab.ci.get(key)
        if cached is not None and not is_refresh(job.event):
            return cached
        mr = self._mr if self._mr.get("sha") == job.head_sha else await self.merge_request()
        result = await ci_jobs.read(self.http, self.pid, mr, job.head_sha, exclude=CI_JOB_NAME)
        self.ci_unchanged = is_refresh(job.event) and result == cached
        if result.done and result.checks:
            self.gitlab.ci[key] = result
        return result

    # --- publishing ------------------------------------------------------------------------------
    async def start(self, job: Job) -> None:
        if not self.started and is_refresh(job.event):
            self.started = True  # the status already says how the review went: no "running" flip
        if not self.started:
            self.started = True
            await publish.set_status(self.http, self.pid, job.head_sha, "running", "Review in progress")

    def _note_url(self, note_id: int | None) -> str:
        web = self._mr.get("web_url", "")
        return f"{web}#note_{note_id}" if web and note_id else web

    async def publish(self, job: Job, review: Review) -> None:
        if self.ci_unchanged:
            log.info("%s: CI results unchanged since the summary, nothing to refresh", job.key)
            return
        if self.diff is None:
            await self.changes(job)
        bot_id = await self._bot_id()
        mine = await publish.bot_discussions(self.http, self.pid, self.iid, bot_id)
        plan = plan_inline(review.findings, self.diff.files, self.diff.lines, {d.fingerprint for d in mine},
                           review.max_inline_comments, self.diff.refs)
        posted = 0
        for finding, pos in plan.posts:
            body = inline_comment(finding, gitlab_fix(finding, pos["new_line"], self.diff.lines.get(finding.path, {})))
            if not on_its_lines(finding, pos["new_line"]):
                body = off_diff_note(finding) + body
            if await publish.create_discussion(self.http, self.pid, self.iid, body, pos):
                posted += 1
            else:
                plan.not_inline.append(finding)
        plan.not_inline.sort(key=review.findings.index)
        current = {f.fingerprint for f in review.findings}
        stale = [d for d in mine if d.fingerprint not in current and d.resolvable and not d.resolved]
        await asyncio.gather(*(publish.resolve(self.http, self.pid, self.iid, d.id) for d in stale))
        if not self.summary_looked_up:
            await self.previous_state(job)
        note_id = await publish.upsert_summary(self.http, self.pid, self.iid,
                                               summary_comment(review, not_inline=plan.not_inline),
                                               (self.summary or {}).get("id"))
        if not self._mr:
            await self.merge_request()
        await publish.set_status(self.http, self.pid, job.head_sha, "failed" if review.failed else "success",
                                 publish.status_description(review.headline()), self._note_url(note_id))
        self.done = True
        log.info("published %s at %s: %s, %d inline, %d resolved", job.key, job.head_sha[:12],
                 review.headline(), posted, len(stale))

    async def publish_config_error(self, job: Job, error: ConfigError) -> None:
        """Failed status, and the summary note replaced by the error (keeping the hidden state)."""
        await self.start(job)
        if not self.summary_looked_up:
            await self.previous_state(job)
        old = (self.summary or {}).get("body") or ""
        state = _STATE_LINE.search(old)
        body = f"{config_error_summary(error)}\n{SUMMARY_MARKER}\n{state.group(0) if state else ''}\n"
        note_id = await publish.upsert_summary(self.http, self.pid, self.iid, body, (self.summary or {}).get("id"))
        if not self._mr:
            await self.merge_request()
        where = f" line {error.line}" if error.line else ""
        await publish.set_status(self.http, self.pid, job.head_sha, "failed",
                                 f"Configuration error in {error.path}{where}: {error.problem}",
                                 self._note_url(note_id))
        self.done = True

    async def abandon(self, title: str, summary: str, conclusion: str = "skipped") -> None:
        """Finish a status this job set to running but did not complete (superseded push, failure)."""
        state = _STATE_FOR.get(conclusion)
        if not self.started or self.done or state is None:
            return
        description = f"{title}: {RETRY_HINT}" if state == "failed" else title
        await publish.set_status(self.http, self.pid, self.job.head_sha, state, description)
        self.done = True

    async def close_dead(self, check: dict | None, title: str, summary: str) -> bool:
        """A dead-lettered job (its worker died on every attempt): the `readiness` status of its head
        becomes failed with how to retry. False without a head sha (a recheck that never resolved one)."""
        if not self.job.head_sha:
            return False
        self.started, self.done = True, False
        await self.abandon(title, summary, conclusion="failure")
        return True

    # --- slash commands --------------------------------------------------------------------------
    async def may_recheck(self, user: str, author: str) -> bool:
        """The MR author, or a member (direct, inherited or invited) with Developer access or more."""
        if user and user == author:
            return True
        async for m in self.http.paginate(f"/projects/{self.pid}/members/all", {"query": user}):
            if m.get("username") == user:
                return int(m.get("access_level") or 0) >= DEVELOPER and m.get("state", "active") == "active"
        return False

    async def react(self, comment_id: int, content: str = "eyes") -> None:
        await publish.award(self.http, self.pid, self.iid, comment_id, content)

    async def comment(self, body: str) -> None:
        await publish.comment(self.http, self.pid, self.iid, body)
