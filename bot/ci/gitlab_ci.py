"""`readiness review --publish gitlab`: the merge request of a GitLab CI pipeline, with a project access token."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.ci.errors import CIEnvError
from bot.ci.runner import UNSET, Outcome, PublishesNothing, refused, review_and_publish
from bot.forges.gitlab.forge import GitLabForge
from bot.forges.gitlab.http import GitLabError
from bot.forges.gitlab.instance import GitLabInstance, normalize_url
from bot.forges.http_policy import HttpPolicy
from bot.job import Job


@dataclass(frozen=True)
class GitLabCIContext:
    project_id: int
    project_path: str
    iid: int
    head_sha: str
    target_branch: str
    base_sha: str
    url: str
    token: str = field(default="", repr=False)
    draft: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GitLabCIContext:
        problems: list[str] = []
        token = env.get("READINESS_GITLAB_TOKEN", "").strip()
        if not token:
            problems.append("READINESS_GITLAB_TOKEN is not set: add a project access token (role Developer, "
                            "scope `api`) as a masked CI/CD variable")
        pid = env.get("CI_PROJECT_ID", "").strip()
        if not pid.isdigit():
            problems.append(f"CI_PROJECT_ID must be a number, not {pid!r} (not running in GitLab CI?)")
        iid = env.get("CI_MERGE_REQUEST_IID", "").strip()
        if not iid.isdigit():
            problems.append("CI_MERGE_REQUEST_IID is not set: run the job in merge request pipelines "
                            "(`if: $CI_PIPELINE_SOURCE == \"merge_request_event\"`)")
        # merged results pipelines run on a merge commit; the merge request's head is the source sha
        head = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "").strip() or env.get("CI_COMMIT_SHA", "").strip()
        if not head:
            problems.append("CI_COMMIT_SHA is not set")
        target = env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "").strip()
        if not target and iid:
            problems.append("CI_MERGE_REQUEST_TARGET_BRANCH_NAME is not set")
        try:
            url = normalize_url(env.get("CI_API_V4_URL", "").strip() or env.get("CI_SERVER_URL", "").strip())
        except ValueError as exc:
            problems.append(f"CI_API_V4_URL: {exc}")
            url = ""
        if problems:
            raise CIEnvError(problems)
        return cls(project_id=int(pid), project_path=env.get("CI_PROJECT_PATH", "").strip() or pid, iid=int(iid),
                   head_sha=head, target_branch=target, base_sha=env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", "").strip(),
                   url=url, token=token, draft=env.get("CI_MERGE_REQUEST_DRAFT", "").strip().lower() == "true")

    def job(self) -> Job:
        return Job(forge="gitlab", repo=self.project_path, number=self.iid, head_sha=self.head_sha,
                   base_ref=self.target_branch, base_sha=self.base_sha, project_id=self.project_id,
                   event="ci.merge_request", draft=self.draft)


cannot_write = refused(GitLabError)  # 403: the token lacks the role to comment or set statuses


class ReadOnlyGitLabForge(PublishesNothing, GitLabForge):
    """Reads like GitLabForge, publishes nothing (a token without the role to comment or set statuses)."""


async def run(ctx: GitLabCIContext, *, fail_on=UNSET, scope: str | None = None,
              policy: HttpPolicy | None = None, coverage: Sequence[str] = ()) -> Outcome:
    gitlab = GitLabInstance(ctx.url, ctx.token, policy=policy)
    job = ctx.job()
    try:
        return await review_and_publish(gitlab.forge(job), job, read_only=lambda: ReadOnlyGitLabForge(gitlab, job),
                                        forbidden=cannot_write, fail_on=fail_on, scope=scope,
                                        coverage=coverage)
    finally:
        await gitlab.close()
