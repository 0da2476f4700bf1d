"""Fuzz the review core: random text under a path of every file kind never crashes a rule."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config
from bot.models import ChangedFile
from bot.review import review
from checks import all_rules

RULES = all_rules()
PATHS = [
    "app/main.py", "cmd/server/main.go", "deploy/app.yaml", "deploy/k8s.yaml", "Dockerfile",
    ".env", ".github/workflows/x.yml", "Makefile", "web/app.js", "web/app.ts", "nginx.conf",
    "docker-compose.yml", ".gitlab-ci.yml",
]
K8S_HEADER = "apiVersion: apps/v1\nkind: Deployment\n"
# Fragments real files of these kinds contain, so random text reaches past the rules' prefilters.
FRAGMENTS = [
    "import os\n", "import requests as r\n", "def f(x):\n", "    return x\n", "async def h():\n",
    "r.get(url)\n", "subprocess.run(cmd, shell=True)\n", "except Exception:\n    pass\n",
    "package main\n", "func main() {\n", "}\n", "go func() {}()\n", "http.ListenAndServe(\":80\", nil)\n",
    "kind: Deployment\n", "spec:\n", "  containers:\n", "  - name: app\n", "    image: nginx:latest\n",
    "  <<: *base\n", "base: &base {a: 1}\n", "x: !Ref y\n", "- *a\n", "!!int abc\n", "key: |\n  text\n",
    "FROM python:3\n", "USER root\n", "RUN curl x | sh \\\n  && echo\n", "ADD http://x/y /z\n",
    "RUN <<EOF\necho\nEOF\n", "PASSWORD=hunter2\n", "SECRET_KEY=changeme\n", "AWS_KEY=AKIAABCDEFGHIJKLMNOP\n",
    "on: pull_request_target\n", "jobs:\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n",
    "      - run: echo ${{ github.event.issue.title }}\n", "all:\n\tgo build ./...\n",
    "el.innerHTML = location.hash;\n", "localStorage.setItem('token', t);\n",
    "server {\n  listen 80;\n}\n", "\t", "\r\n", "\ufeff", "\x0c", "\u2028", "\x85", "'", '"', "\\", "{", "[",
    "x" * 300, "    " * 40 + "if x:\n",
]
text_st = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=25).map("".join)


def _review(path: str, text: str):
    return review([ChangedFile(path, status="added", whole_file=True)], {path: text}, Config(), rules=RULES)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), body=text_st, k8s=st.booleans(), crlf=st.booleans())
def test_no_rule_crashes_and_findings_are_stable(path: str, body: str, k8s: bool, crlf: bool) -> None:
    text = (K8S_HEADER if k8s and path.endswith((".yaml", ".yml")) else "") + body
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    first = _review(path, text)
    assert first.errors == []
    n_lines = max(1, len(text.split("\n")))
    for f in first.findings:
        assert 1 <= f.line <= f.end_line <= n_lines, f
    again = _review(path, text)
    assert [(f.rule, f.line, f.fingerprint) for f in again.findings] == \
           [(f.rule, f.line, f.fingerprint) for f in first.findings]


ODD_FILES = [
    ("deploy/app.yaml", K8S_HEADER + "metadata: {name: !!int abc}\n"),
    ("deploy/app.yaml", K8S_HEADER + "spec: !!map x\n"),
    ("deploy/app.yaml", K8S_HEADER + "spec: !!seq x\n"),
    ("deploy/app.yaml", K8S_HEADER + "spec: {replicas: !!bool maybe}\n"),
    ("deploy/app.yaml", K8S_HEADER + "spec:\n" + "  - " * 2000 + "x\n"),
    ("app/main.py", "x = " + "+".join(["1"] * 100_000) + "\n"),
]


def test_odd_files_are_skipped_with_a_reason_not_crashed_on() -> None:
    for path, text in ODD_FILES:
        r = _review(path, text)
        assert r.errors == [], (path, text[:60])
        assert r.skipped and r.skipped[0].path == path
