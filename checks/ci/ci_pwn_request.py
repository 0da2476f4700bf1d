"""ci.pwn-request: privileged workflows (pull_request_target, workflow_run) that check out and run a PR's code."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks.model import Hit, Severity
from checks.ci._ci import action_name, gha_jobs, job_steps, triggers
from checks.ci._untrusted_checkout import (
    PRIVILEGED, checkout_of_untrusted, env_values, reusable_call_refs, runs_after,
)
from checks.registry import Context, Example, rule
from checks.source import SourceFile

# Actions that build, test or otherwise execute code from the working tree.
_RUNS_CODE_ACTION = re.compile(
    r"(build|test|lint|gradle|maven|npm|yarn|pnpm|make|cmake|compile|bundle|cypress|playwright|"
    r"sonar|golangci|eslint|pre-commit|tox|nox|docker|publish|deploy|release|run|exec|script|"
    r"terraform|cargo|composer|bazel|setup-python-deps|install)",
    re.I,
)
_READS_ONLY = {"actions/checkout", "actions/upload-artifact", "actions/download-artifact", "actions/cache",
               "actions/labeler"}
# Job conditions that keep forks out (only same-repository pull requests run).
_SAME_REPO_GUARD = re.compile(
    r"pull_request\.head\.repo\.full_name\s*==\s*github\.repository\b"
    r"|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name"
    r"|pull_request\.head\.repo\.fork\s*==\s*false"
    r"|!\s*github\.event\.pull_request\.head\.repo\.fork"
    r"|workflow_run\.head_repository\.full_name\s*==\s*github\.repository\b"
    r"|github\.repository\s*==\s*github\.event\.workflow_run\.head_repository\.full_name",
    re.I,
)
# A maintainer must act first (a label, an author association): narrower, but a push after the
# approval still runs (time-of-check / time-of-use).
_APPROVAL_GATE = re.compile(r"labels\.\*\.name|label\.name|author_association|\.permission\b", re.I)
_EVENT_IS = re.compile(r"github\.event_name\s*==\s*['\"](\w+)['\"]")


# Commands that only read the checked-out files as data (list, diff, print, search them).
_DATA_ONLY = re.compile(
    r"^(?:echo|printf|cat|head|tail|wc|ls|grep|egrep|jq|yq|diff|sort|uniq|cut|tr|test|\[|\[\[|true|exit|"
    r"cd|mkdir|cp|mv|rm|tee|sha256sum|md5sum|find|basename|dirname|"
    r"git\s+(?:diff|log|show|status|rev-parse|rev-list|ls-files|ls-tree|merge-base|config|fetch|cat-file)|"
    r"gh\s+(?:api|(?:pr|issue)\s+(?:view|comment|diff|edit|list|close|reopen))\b|"
    r"if|then|else|fi|for|do|done|while)\b"
)


def _only_reads(script: str) -> bool:
    commands = [c.strip() for c in re.split(r"\n|&&|\|\||;|\||\$\(|`|\)", script)]
    commands = [re.sub(r"^(?:[A-Za-z_]\w*=\S*\s+)+", "", c) for c in commands if c and not c.startswith("#")]
    return all(_DATA_ONLY.match(c) or re.match(r"^[A-Za-z_]\w*=", c) for c in commands)


def _runs_code(step: dict) -> bool:
    if isinstance(step.get("run"), str) and step["run"].strip():
        return not _only_reads(step["run"])
    uses = step.get("uses")
    if not isinstance(uses, str):
        return False
    name = action_name(uses)
    if name.startswith("./"):
        return True  # a local action is read from the checked-out (attacker's) tree
    if name in _READS_ONLY:
        return False
    if name == "actions/github-script":
        return True
    return bool(_RUNS_CODE_ACTION.search(name.split("/", 1)[-1]))


def _job_excluded(job: Any) -> bool:
    """The job's `if:` keeps forks out, or runs it only for an unprivileged event."""
    cond = job.get("if")
    if not isinstance(cond, str):
        return False
    if _SAME_REPO_GUARD.search(cond):
        return True
    events = set(_EVENT_IS.findall(cond))
    return bool(events) and "||" not in cond and not events & PRIVILEGED


def _gate(job: Any, step: Any) -> str | None:
    for holder in (job, step):
        cond = holder.get("if")
        if isinstance(cond, str) and _APPROVAL_GATE.search(cond):
            return ("HIGH: the job runs only after a maintainer's label/role check, but a push after the "
                    "approval still runs")
    return None


def _job_findings(f: SourceFile, name: str, job: Any, workflow_env: Any, on: set[str]) -> Iterator[Hit]:
    trigger = " / ".join(f"`{t}`" for t in sorted(on))
    subject = f"{name}/untrusted-checkout"  # the job's checkout, whichever ref spelling it uses
    env_job = [job.get("env"), workflow_env]
    for line, what in reusable_call_refs(f, job, env_values(env_job), on):
        yield Hit(line, message=f"This {trigger} workflow passes the pull request head ({what}) to the reusable "
                                f"workflow `{job['uses']}`, which runs with the base repository's secrets",
                  subject=subject)
        return
    steps = job_steps(job)
    for i, step in enumerate(steps):
        found = checkout_of_untrusted(f, step, env_values([step.get("env"), *env_job]), on)
        if found is None:
            continue
        line, what = found
        later = steps[i + 1:]
        if isinstance(step.get("run"), str) and runs_after(step["run"], what.strip("`")):
            later = [step, *later]  # the same script goes on to build/run the checkout
        runner = next((s for s in later if _runs_code(s)), None)
        if runner is None:
            continue
        label = runner.get("name") or runner.get("uses") or "a run step"
        note = _gate(job, step)
        yield Hit(line, message=f"This {trigger} workflow checks out the pull request's code with {what} and "
                                f"then runs it (`{label}`) with the base repository's secrets and token",
                  severity=Severity.HIGH if note else None, note=note, subject=subject)
        return


@rule(
    "ci.pwn-request",
    severity="CRITICAL",
    area="ci",
    title="Privileged workflow checks out and runs the pull request's code",
    why="`pull_request_target`, `workflow_run` and `issue_comment` run with the base repository's secrets "
        "and a write token; checking out a fork's head, merge ref or repository and building or testing it "
        "lets any outside contributor run code with them.",
    fix="Use `on: pull_request` for building and testing untrusted code; if a privileged trigger is needed "
        "(labels, comments), never check out the head, or split into a `pull_request` build plus a "
        "`workflow_run` job that only consumes its artifacts as data.",
    kinds={"gha"},
    include_tests=True,  # a workflow is CI wherever it lives
    example=Example(
        path=".github/workflows/ci.yml",
        bad="on: pull_request_target\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n        with:\n"
            "          ref: ${{ github.event.pull_request.head.sha }}\n"
            "      - run: npm ci && npm test\n",
        good="on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    for doc in f.yaml_docs:
        privileged = triggers(doc) & PRIVILEGED
        if not privileged:
            continue
        for name, job in gha_jobs(doc):
            if not _job_excluded(job):
                yield from _job_findings(f, name, job, doc.get("env"), privileged)
