"""Review one pull/merge request through a forge and publish it; degrade when the token cannot write.

The same steps as the bots (config from the base branch, then the pipeline's review_job, then the
forge's publish), with two differences that CI needs: the Review is returned (for SARIF, the exit
code and the job log), and a token that may read but not write (a pull request from a fork) does not
fail the job: the review still runs through a read-only forge and the caller reports it in the log.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.config import ConfigError, load_text
from bot.coverage.attach import report_files
from bot.job import Job
from bot.models import Review, Severity
from bot.pipeline import review_job
from checks import all_rules

log = logging.getLogger(__name__)
UNSET = object()


class PublishesNothing:
    """Mixed in before a forge class: reads like it (files, base config, previous summary), publishes
    nothing. For a CI token that may read but not write (a fork's pull request, a too-small role)."""

    async def start(self, job: Job) -> None:
        return None

    async def publish(self, job: Job, review: Review) -> None:
        return None

    async def publish_config_error(self, job: Job, error: ConfigError) -> None:
        return None


def refused(error_type: type[Exception]) -> Callable[[Exception], bool]:
    """`forbidden` for `review_and_publish`: a 403 from this forge means the token may not write."""
    return lambda exc: isinstance(exc, error_type) and getattr(exc, "status", None) == 403


@dataclass
class Outcome:
    review: Review | None  # None: a draft skipped by the configuration
    published: bool
    problem: str = ""  # why nothing (or not everything) was published


async def review_and_publish(forge, job: Job, *, read_only: Callable[[], object],
                             forbidden: Callable[[Exception], bool], fail_on: Severity | None | object = UNSET,
                             scope: str | None = None, coverage: Sequence[str] = ()) -> Outcome:
    """`forbidden(exc)` says whether an error means "this token may not write here"."""
    try:
        config = load_text(await forge.read_config(job))
    except ConfigError as exc:
        try:
            await forge.publish_config_error(job, exc)
        except Exception as pub_exc:  # the error is reported in the job log either way
            if not forbidden(pub_exc):
                raise
        raise
    if fail_on is not UNSET:
        config = dataclasses.replace(config, fail_on=fail_on)
    if job.draft and not config.review_drafts:
        return Outcome(None, False, "draft skipped: set `review_drafts: true` in .readiness.yml to review drafts")
    problem = ""
    try:
        await forge.start(job)
    except Exception as exc:
        if not forbidden(exc):
            raise
        problem = f"the token cannot write to this {_what(job)} ({exc})"
        log.warning("%s: %s; reviewing without publishing", job.key, problem)
        forge = read_only()
    files = report_files(coverage, config, Path.cwd())  # the CI job's checkout / downloaded artifacts
    review = await review_job(forge, job, config, all_rules(), scope=scope, coverage=files,
                              coverage_root=Path.cwd())
    if problem:
        return Outcome(review, False, problem)
    try:
        await forge.publish(job, review)
    except Exception as exc:
        if not forbidden(exc):
            raise
        problem = f"publishing was refused part-way ({exc}); check the job's token permissions"
        log.warning("%s: %s", job.key, problem)
        await _close_status(forge, review)
        return Outcome(review, False, problem)
    return Outcome(review, True)


def _what(job: Job) -> str:
    return "merge request" if job.forge == "gitlab" else "pull request"


async def _close_status(forge, review: Review) -> None:
    """Do not leave a check run / commit status `in progress` after a refused publish."""
    try:
        await forge.abandon(review.headline(), "readiness could not publish every part of the review; "
                            "the findings are in the CI job log.",
                            "failure" if review.failed else "success")
    except Exception:  # best effort: the job log carries the result anyway
        log.warning("could not complete the status after a refused publish", exc_info=True)
