"""ci.pwn-request: pull_request_target workflows that check out and run the pull request's code."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.ci._ci import action_name, gha_jobs, job_steps, key_line, scalar_lines, triggers
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_PR_HEAD = re.compile(
    r"github\.event\.pull_request\.(?:head\.(?:sha|ref)|merge_commit_sha|number)"
    r"|github\.head_ref"
    r"|github\.event\.number"
    r"|refs/pull/",
    re.I,
)
# Shell commands that fetch / check out the pull request's head inside a run step.
_RUN_CHECKOUT = re.compile(
    r"\bgh\s+pr\s+checkout\b"
    r"|\bgit\s+(?:fetch|checkout|switch|pull)\b[^\n]*(?:pull/|\$\{\{\s*github\.(?:event\.pull_request\.head|head_ref))",
    re.I,
)
# Actions that build, test or otherwise execute code from the working tree.
_RUNS_CODE_ACTION = re.compile(
    r"(build|test|lint|gradle|maven|npm|yarn|pnpm|make|cmake|compile|bundle|cypress|playwright|"
    r"sonar|golangci|eslint|pre-commit|tox|nox|docker|publish|deploy|release|run|exec|script|"
    r"terraform|cargo|composer|bazel|setup-python-deps|install)",
    re.I,
)
# Job conditions that keep forks out (only same-repository pull requests run).
_SAME_REPO_GUARD = re.compile(
    r"pull_request\.head\.repo\.full_name\s*==\s*github\.repository"
    r"|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name"
    r"|pull_request\.head\.repo\.fork\s*==\s*false"
    r"|!\s*github\.event\.pull_request\.head\.repo\.fork",
    re.I,
)


def _runs_code(step: dict) -> bool:
    if isinstance(step.get("run"), str) and step["run"].strip():
        return True
    uses = step.get("uses")
    if not isinstance(uses, str):
        return False
    name = action_name(uses)
    if name.startswith("./"):
        return True  # a local action is read from the checked-out (attacker's) tree
    if name in ("actions/checkout", "actions/upload-artifact", "actions/download-artifact",
                "actions/cache", "actions/labeler"):
        return False
    if name == "actions/github-script":
        return True
    return bool(_RUNS_CODE_ACTION.search(name.split("/", 1)[-1]))


def _builds_after_checkout(script: str) -> bool:
    m = _RUN_CHECKOUT.search(script)
    if not m:
        return False
    rest = script[m.end():]
    rest = rest.split("\n", 1)[1] if "\n" in rest else re.split(r"&&|;", rest, maxsplit=1)[-1] if re.search(r"&&|;", rest) else ""
    return any(ln.strip() and not ln.strip().startswith("#") for ln in rest.splitlines())


@rule(
    "ci.pwn-request",
    severity="CRITICAL",
    area="ci",
    title="pull_request_target workflow checks out and runs the pull request's code",
    why="`pull_request_target` runs with the base repository's secrets and a write token; checking out "
        "the fork's head and building or testing it lets any outside contributor run code with them.",
    fix="Use `on: pull_request` for building and testing untrusted code; if `pull_request_target` is needed "
        "(labels, comments), never check out the head ref, or split into a `pull_request` build plus a "
        "`workflow_run` job that only consumes artifacts.",
    kinds={"gha"},
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
        if "pull_request_target" not in triggers(doc):
            continue
        for _name, job in gha_jobs(doc):
            cond = job.get("if")
            if isinstance(cond, str) and _SAME_REPO_GUARD.search(cond):
                continue
            steps = job_steps(job)
            for i, step in enumerate(steps):
                hit_line = None
                what = ""
                if action_name(step.get("uses")) == "actions/checkout":
                    w = step.get("with")
                    if isinstance(w, dict):
                        ref = w.get("ref")
                        repo = w.get("repository")
                        if isinstance(ref, str) and _PR_HEAD.search(ref):
                            hit_line = key_line(w, "ref")
                            what = f"`ref: {ref.strip()}`"
                        elif isinstance(repo, str) and re.search(r"pull_request\.head\.repo", repo, re.I):
                            hit_line = key_line(w, "repository")
                            what = f"`repository: {repo.strip()}`"
                elif isinstance(step.get("run"), str) and _RUN_CHECKOUT.search(step["run"]):
                    for line, text in scalar_lines(f, step, "run"):
                        if _RUN_CHECKOUT.search(text):
                            hit_line = line
                            what = f"`{text.strip()}`"
                            break
                    if hit_line is None:
                        hit_line = key_line(step, "run")
                        what = "a `git`/`gh` checkout of the pull request"
                if hit_line is None:
                    continue
                later = steps[i + 1:]
                if isinstance(step.get("run"), str) and _builds_after_checkout(step["run"]):
                    later = [step, *later]  # the same script goes on to build/run the checkout
                runner = next((s for s in later if _runs_code(s)), None)
                if runner is None:
                    continue
                label = runner.get("name") or runner.get("uses") or "a run step"
                yield Hit(hit_line, message=f"This pull_request_target workflow checks out the pull "
                                            f"request head with {what} and then runs it (`{label}`) "
                                            "with the base repository's secrets")
                break
