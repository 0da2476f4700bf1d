"""`readiness review --publish github|gitlab`: read the CI environment, review, publish, report, exit."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping
from typing import TextIO

from bot.ci import workflow
from bot.ci.errors import CIEnvError
from bot.ci.runner import UNSET, Outcome
from bot.models import Review

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_LOCAL_ONLY = ("diff", "config", "config_ref", "base")  # the forge decides these in CI


def run(args: argparse.Namespace, env: Mapping[str, str] | None = None, out: TextIO | None = None) -> int:
    env = os.environ if env is None else env
    out = out or sys.stdout
    given = [f"--{name.replace('_', '-')}" for name in _LOCAL_ONLY if getattr(args, name, None)]
    if given:
        print(f"readiness: error: {', '.join(given)} cannot be combined with --publish: the changes and "
              f"the base branch's .readiness.yml come from the {args.publish} API", file=sys.stderr)
        return EXIT_ERROR
    fail_on = UNSET if args.fail_on is None else (None if args.fail_on == "never" else args.fail_on)
    try:
        if args.publish == "github":
            from bot.ci import github_action as target
        else:
            from bot.ci import gitlab_ci as target
        ctx = target.ActionContext.from_env(env) if args.publish == "github" else target.GitLabCIContext.from_env(env)
    except CIEnvError as exc:
        for problem in exc.problems:
            print(f"readiness: error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    outcome = asyncio.run(target.run(ctx, fail_on=fail_on, scope=args.scope,
                                     coverage=getattr(args, "coverage", None) or ()))
    return report(outcome, args, env, out)


def report(outcome: Outcome, args: argparse.Namespace, env: Mapping[str, str], out: TextIO) -> int:
    review = outcome.review
    if review is None:
        print(f"readiness: {outcome.problem}", file=out)
        return EXIT_OK
    if args.output:
        args.output.write_text(render(review, args.format), encoding="utf-8")
    github = args.publish == "github"
    if outcome.published:
        print(f"readiness: {review.headline()} (published to the {_what(github)})", file=out)
    else:
        print(f"readiness: {review.headline()}; not published: {outcome.problem}", file=out)
        if github:  # the findings as annotations of this workflow run instead
            print(f"::warning title=readiness could not publish::{workflow.escape_data(outcome.problem)}", file=out)
            for line in workflow.annotations(review.findings):
                print(line, file=out)
        else:
            out.write(render(review, "markdown"))
    if github:
        note = "" if outcome.published else (
            f"> readiness could not publish to the pull request: {outcome.problem}. The findings are "
            f"annotations of this workflow run.\n\n")
        workflow.append_step_summary(env.get("GITHUB_STEP_SUMMARY"), note + render(review, "markdown"))
    return EXIT_FINDINGS if review.failed else EXIT_OK


def _what(github: bool) -> str:
    return "pull request: check run, review and summary comment" if github else \
        "merge request: status, discussions and summary note"


def render(review: Review, fmt: str) -> str:
    if fmt == "json":
        from bot.render.jsonout import render_json

        return render_json(review)
    if fmt == "sarif":
        from bot.render.sarif import render_sarif
        from checks import all_rules

        return render_sarif(review, all_rules())
    from bot.render.markdown import render_markdown

    return render_markdown(review)
