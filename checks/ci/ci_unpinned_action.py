"""ci.unpinned-action: GitHub Actions referenced by a movable tag or branch instead of a commit SHA."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.ci._ci import composite_runs, gha_jobs, job_steps, key_line
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_SHA = re.compile(r"^[0-9a-f]{40}$", re.I)
_FIRST_PARTY = {"actions", "github"}


def _problem(uses: str, pin_first_party: bool) -> str | None:
    ref_full = uses.strip()
    if not ref_full or ref_full.startswith("./") or ref_full.startswith("../") or "${{" in ref_full:
        return None
    if ref_full.startswith("docker://"):
        if "@sha256:" in ref_full:
            return None
        return f"`{ref_full}` runs a container image by tag, which can be re-pushed"
    target, sep, ref = ref_full.partition("@")
    if "/" not in target:
        return None
    owner = target.split("/", 1)[0].lower()
    if owner in _FIRST_PARTY and not pin_first_party:
        return None
    if sep and _SHA.match(ref.strip()):
        return None
    party = "first-party" if owner in _FIRST_PARTY else "third-party"
    if not sep:
        return f"{party} action `{target}` has no ref at all (it follows the default branch)"
    return f"{party} action `{target}` is pinned to `@{ref.strip()}`, a movable tag/branch, not a full commit SHA"


@rule(
    "ci.unpinned-action",
    severity="LOW",
    area="ci",
    title="GitHub Action not pinned to a commit SHA",
    why="Tags and branches of an action can be moved by its owner or by whoever compromises it, and the "
        "new code runs with your workflow's token and secrets (as in the tj-actions/changed-files incident).",
    fix="Pin third-party actions to a full 40-character commit SHA and keep the version in a comment "
        "(`uses: owner/action@<sha> # v1.2.3`); let Dependabot/Renovate update the pins.",
    kinds={"gha"},  # workflows and composite actions (`action.yml` with `using: composite`)
    include_tests=True,  # CI files are CI wherever they live
    prefilter=("uses",),
    options={"pin_first_party": False},
    example=Example(
        path=".github/workflows/ci.yml",
        bad="on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - uses: golangci/golangci-lint-action@v6\n",
        good="on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: actions/checkout@v4\n"
             "      - uses: golangci/golangci-lint-action@aaa42aa0628b4ae2578232a66b541047968fac86 # v6.1.0\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    pin_first = bool(ctx.options.get("pin_first_party", False))
    for doc in f.yaml_docs:
        runs = composite_runs(doc)
        groups = list(gha_jobs(doc)) + ([("runs", runs)] if runs is not None else [])
        for job_name, job in groups:
            holders = [job, *job_steps(job)]  # job-level `uses:` calls a reusable workflow
            for h in holders:
                uses = h.get("uses")
                if not isinstance(uses, str):
                    continue
                problem = _problem(uses, pin_first)
                if problem:
                    # The subject is the action in its job, not the ref: a bot bumping `@v3` to
                    # `@v4` does not make the old finding look new.
                    yield Hit(key_line(h, "uses"), message=problem[0].upper() + problem[1:],
                              subject=f"{job_name}/{uses.split('@', 1)[0].strip().lower()}")
