"""CI file kinds, and the untrusted-input forms of ci.script-injection / ci.pwn-request (issue 14)."""
from __future__ import annotations

import pytest

from bot.models import Severity
from checks.source import SourceFile
from tests.rule_harness import case, findings, lines

COMPOSITE = "name: a\nruns:\n  using: 'composite'\n  steps:\n    - run: echo hi\n      shell: bash\n"
NODE = "name: a\nruns:\n  using: node20\n  main: index.js\n"


@pytest.mark.parametrize("path, text, kind", [
    (".github/workflows/ci.yml", "on: push\n", "gha"),
    ("e2e/.github/workflows/ci.yaml", "on: push\n", "gha"),
    (".forgejo/workflows/ci.yaml", "on: push\n", "gha"),
    (".github/actions/setup/action.yml", COMPOSITE, "gha"),
    ("tests/e2e/action.yaml", COMPOSITE, "gha"),
    ("action.yml", COMPOSITE.replace("'composite'", "Composite  # steps below"), "gha"),
    (".gitlab-ci.yml", "test:\n  script: [make]\n", "gitlab-ci"),
    (".gitlab/ci/build.gitlab-ci.yml", "b:\n  script: [make]\n", "gitlab-ci"),
    (".gitlab/ci/deploy.yml", "d:\n  script: [make]\n", "gitlab-ci"),
])
def test_ci_file_kinds(path: str, text: str, kind: str) -> None:
    assert kind in SourceFile(path, text).kinds


@pytest.mark.parametrize("path, text", [
    ("action.yml", NODE),  # a JavaScript action has no steps
    ("deploy/action.yml", "action: restart\nsteps: [a]\n"),
    ("workflows/ci.yml", "on: push\n"),  # not under .github/
    ("docs/x.github/workflows/ci.yml", "on: push\n"),
])
def test_not_ci_file_kinds(path: str, text: str) -> None:
    assert not SourceFile(path, text).kinds & {"gha", "gitlab-ci"}


INJECTION = [
    case("e2e/.github/workflows/notes.yml", """
        on: push
        jobs:
          notes:
            runs-on: ubuntu-latest
            steps:
              - run: echo "${{ join(github.event.commits.*.message, ' ') }}" >> notes.md «
        """),
    case(".github/workflows/merge-queue.yml", """
        on: merge_group
        jobs:
          check:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  set -eu
                  ./check-message.sh "${{ github.event.merge_group.head_commit.message }}" «
        """),
    case(".github/workflows/fork-meta.yml", """
        on: pull_request_target
        jobs:
          meta:
            runs-on: ubuntu-latest
            steps:
              - run: >
                  echo "${{ github.event.pull_request.head.repo.description }}" «
                  > description.txt
        """),
    case(".github/workflows/wr.yml", """
        on:
          workflow_run:
            workflows: [ci]
            types: [completed]
        jobs:
          comment:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/github-script@v6
                with:
                  script: |
                    const pr = ${{ toJSON(github.event.workflow_run.pull_requests[0].head.ref) }}; «
        """),
    case(".github/workflows/job-env.yml", """
        on: pull_request_target
        jobs:
          a:
            runs-on: ubuntu-latest
            env:
              BRANCH: ${{ github.head_ref }}
            steps:
              - run: git push origin "HEAD:${{ env.BRANCH }}" «
              - run: git push origin "HEAD:$BRANCH"
        """),
    # --- not
    case(".github/workflows/ok.yml", """
        on: issues
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - name: ${{ github.event.issue.title }}
                if: ${{ contains(github.event.issue.body, 'bug') }}
                run: echo "${{ github.event.issue.number }} ${{ github.event.issue.user.login }}"
              - uses: actions/labeler@v5
                with:
                  sync-labels: ${{ github.event.issue.title }}
        """),
    case("docs/example-workflow.yml", """
        on: issues
        jobs:
          a:
            steps:
              - run: echo "${{ github.event.issue.title }}"
        """),
]


@pytest.mark.parametrize("c", INJECTION)
def test_script_injection_forms(c) -> None:
    path, text, expected = c
    assert lines("ci.script-injection", path, text) == expected


PWN = [
    case(".github/workflows/a.yml", """
        on:
          pull_request_target:
            types: [opened]
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
                with:
                  ref: "refs/pull/${{ github.event.number }}/merge" «
              - run: ./build.sh
        """),
    case("tests/e2e/.github/workflows/b.yml", """
        on: pull_request_target
        jobs:
          b:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  git remote add fork "${{ github.event.pull_request.head.repo.clone_url }}"
                  git pull fork "${{ github.event.pull_request.head.ref }}" «
                  npm test
        """),
    # --- not: a privileged trigger that only reads the base, a checkout followed by nothing that runs
    case(".github/workflows/c.yml", """
        on: pull_request_target
        jobs:
          c:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
                with:
                  ref: ${{ github.event.pull_request.base.sha }}
              - run: make lint
        """),
    case(".github/workflows/d.yml", """
        on: workflow_run
        jobs:
          d:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
                with:
                  ref: ${{ github.event.workflow_run.head_sha }}
                  path: pr
              - uses: actions/upload-artifact@v4
                with:
                  path: pr/dist
        """),
]


@pytest.mark.parametrize("c", PWN)
def test_pwn_request_forms(c) -> None:
    path, text, expected = c
    assert lines("ci.pwn-request", path, text) == expected


def test_pwn_request_label_gate_is_high_with_a_note() -> None:
    text = (
        "on: pull_request_target\njobs:\n  e2e:\n"
        "    if: contains(github.event.pull_request.labels.*.name, 'ok-to-test')\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make e2e\n"
    )
    [finding] = findings("ci.pwn-request", ".github/workflows/e2e.yml", text)
    assert finding.severity == Severity.HIGH and finding.line == 9
    assert "maintainer" in (finding.note or "")


def test_caller_inputs_are_low_and_event_fields_high() -> None:
    text = (
        "name: x\ninputs:\n  ref:\n    required: true\nruns:\n  using: composite\n  steps:\n"
        "    - shell: bash\n      run: |\n        git checkout ${{ inputs.ref }}\n"
        "        echo \"${{ github.event.pull_request.title }}\"\n"
    )
    got = {f.line: f.severity for f in findings("ci.script-injection", ".github/actions/co/action.yml", text)}
    assert got == {10: Severity.LOW, 11: Severity.HIGH}


def test_workflow_dispatch_string_inputs_are_low_and_typed_ones_silent() -> None:
    text = (
        "on:\n  workflow_dispatch:\n    inputs:\n      version:\n        type: string\n"
        "      dry-run:\n        type: boolean\njobs:\n  r:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - run: git tag ${{ inputs.version }}\n"
        "      - run: ./release --dry-run=${{ inputs.dry-run }}\n"
    )
    got = [(f.line, f.severity) for f in findings("ci.script-injection", ".github/workflows/release.yml", text)]
    assert got == [(12, Severity.LOW)]


def test_unpinned_action_tag_bump_keeps_its_fingerprint() -> None:
    before = ("on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
              "      - uses: docker/login-action@v2\n")
    after = before.replace("@v2", "@v3")
    pinned = before.replace("@v2", "@" + "a" * 40)
    [old] = findings("ci.unpinned-action", ".github/workflows/release.yml", before)
    [new] = findings("ci.unpinned-action", ".github/workflows/release.yml", after)
    assert old.fingerprint == new.fingerprint
    assert not findings("ci.unpinned-action", ".github/workflows/release.yml", pinned)


def test_script_injection_keeps_its_fingerprint_when_the_line_is_reworded() -> None:
    before = ("on: issues\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n"
              "      - run: echo \"${{ github.event.issue.title }}\"\n")
    after = before.replace('echo "', 'echo "New issue - ')
    [old] = findings("ci.script-injection", ".github/workflows/t.yml", before)
    [new] = findings("ci.script-injection", ".github/workflows/t.yml", after)
    assert old.fingerprint == new.fingerprint


@pytest.mark.parametrize("on, severity", [
    ("push", Severity.LOW),  # head_ref is empty on push
    ("[push, pull_request]", Severity.HIGH),
    ("workflow_call", Severity.HIGH),  # a reusable workflow runs on its caller's event
])
def test_contexts_are_high_on_triggers_that_fill_them(on: str, severity: Severity) -> None:
    text = (f"on: {on}\njobs:\n  tag:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: echo \"tag=${{ github.head_ref || github.ref_name }}\" >> \"$GITHUB_OUTPUT\"\n")
    [finding] = findings("ci.script-injection", ".github/workflows/tag.yml", text)
    assert (finding.line, finding.severity) == (6, severity)
