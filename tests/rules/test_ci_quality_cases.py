"""Extra (payload, should_flag) cases for the ci and quality rules."""
from __future__ import annotations

import pytest

from checks import all_rules
from tests.rule_harness import run_on_text

RULES = all_rules()

CASES = [
    # pwn-request: map form of `on`, quoted key, head.ref
    ("ci.pwn-request", ".github/workflows/a.yml",
     "on:\n  pull_request_target:\n    types: [opened]\njobs:\n  t:\n    runs-on: x\n    steps:\n"
     "      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.ref }}\n"
     "      - run: make test\n", True),
    ("ci.pwn-request", ".github/workflows/a.yml",
     "on:\n  pull_request_target:\njobs:\n  t:\n    runs-on: x\n    steps:\n"
     "      - uses: actions/checkout@v4\n      - run: make test\n", False),
    # script-injection: env passing is fine; github-script interpolation is not
    ("ci.script-injection", ".github/workflows/a.yml",
     "on: issues\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: actions/github-script@v7\n"
     "        with:\n          script: |\n            core.info(`${{ github.event.issue.body }}`)\n", True),
    ("ci.script-injection", ".github/workflows/a.yml",
     "on: issues\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: echo \"$BODY\"\n"
     "        env:\n          BODY: ${{ github.event.issue.body }}\n", False),
    # unpinned-action: first-party is fine by default
    ("ci.unpinned-action", ".github/workflows/a.yml",
     "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: actions/setup-go@v5\n", False),
    # secret-build-arg in a shell script, `--secret` is fine
    ("ci.secret-build-arg", "scripts/build.sh",
     "#!/bin/sh\ndocker build \\\n  --build-arg SENTRY_AUTH_TOKEN=\"$SENTRY_AUTH_TOKEN\" .\n", True),
    ("ci.secret-build-arg", "scripts/build.sh",
     "#!/bin/sh\ndocker build --secret id=sentry,env=SENTRY_AUTH_TOKEN .\n", False),
    # coverage gate
    ("ci.coverage-gate-lowered", "tox.ini", "[testenv]\ncommands = pytest --cov --cov-fail-under=30\n", True),
    ("ci.coverage-gate-lowered", "tox.ini", "[testenv]\ncommands = pytest --cov --cov-fail-under=90\n", False),
    # missing artifact through `extends:`
    ("ci.missing-artifact", ".gitlab-ci.yml",
     ".py:\n  image: python:3.12\n  before_script:\n    - pip install -e .\n"
     "test:\n  extends: .py\n  script:\n    - pytest\n  artifacts:\n    reports:\n      junit: junit.xml\n", True),
    ("ci.missing-artifact", ".gitlab-ci.yml",
     "test:\n  script:\n    - pytest --junitxml=junit.xml\n  artifacts:\n    reports:\n      junit: junit.xml\n", False),
    # quality
    ("quality.not-implemented", "app/x.py",
     "import abc\nclass Repo(metaclass=abc.ABCMeta):\n    def get(self):\n        raise NotImplementedError\n", False),
    ("quality.not-implemented", "internal/x/x.go",
     "package x\n\nfunc Do() {\n\tpanic(\"TODO: implement Do\")\n}\n", True),
    ("quality.sleep-in-tests", "app/worker.py", "import time\n\ndef f():\n    time.sleep(1)\n", False),
    ("quality.mock-in-production", "internal/pay/stripe.go",
     "package pay\n\nfunc (s *Stripe) Charge() error {\n\treturn nil\n}\n", False),
    ("quality.deprecated-dependency", "requirements-dev.txt", "nose2==0.14\npytest\n", False),
    ("quality.deprecated-dependency", "setup.cfg",
     "[options]\ninstall_requires =\n    requests\n    pycrypto>=2.6\n", True),
]


@pytest.mark.parametrize("rule_id,path,text,should_flag", CASES)
def test_case(rule_id: str, path: str, text: str, should_flag: bool) -> None:
    flagged = run_on_text(RULES[rule_id], path, text)
    assert bool(flagged) == should_flag, (rule_id, path, flagged)
