"""What each fixer writes, in the style of the surrounding code, and when it declines."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from bot.config import Config
from bot.engine import analyze_file
from checks import all_rules
from checks.fixes import apply
from checks.registry import RepoView
from checks.source import SourceFile
from tests.rule_harness import dedent

SHA = "8e5e7e5ab8b370d6c329ec480221332ada57f0ab"


def fixed(rule_id: str, path: str, text: str, resolve=None) -> str:
    """`text` with every fix of `rule_id` applied (the text itself when there is none)."""
    source = SourceFile(path, dedent(text))
    rule = all_rules()[rule_id]
    repo = RepoView({path: source}, changed=[path]) if rule.repo_kinds else None
    result = analyze_file(source, {rule_id: rule}, Config(), repo, resolve=resolve)
    assert result.findings, f"{rule_id} did not fire"
    return apply(source.text, [f.suggestion for f in result.findings if f.suggestion])


CASES = [
    ("http.client-no-timeout", "app/a.py", """
        import requests


        def f(url):
            return requests.post(
                url,
                json={"a": 1},
            )
        """, """
        import requests


        def f(url):
            return requests.post(
                url,
                json={"a": 1},
                timeout=10,
            )
        """),
    ("http.client-no-timeout", "app/a.py", """
        import httpx

        client = httpx.AsyncClient()
        """, """
        import httpx

        client = httpx.AsyncClient(timeout=10)
        """),
    ("http.client-no-timeout", "internal/c.go", """
        package c

        import (
        \t"net/http"
        \t"time"
        )

        var client = &http.Client{
        \tTransport: http.DefaultTransport,
        }
        """, """
        package c

        import (
        \t"net/http"
        \t"time"
        )

        var client = &http.Client{
        \tTransport: http.DefaultTransport,
        \tTimeout:   10 * time.Second,
        }
        """),
    ("net.tls-verify-off", "app/a.py", """
        import requests

        r = requests.get(
            "https://x",
            verify=False,
            timeout=5,
        )
        """, """
        import requests

        r = requests.get(
            "https://x",
            timeout=5,
        )
        """),
    ("net.tls-verify-off", "internal/t.go", """
        package t

        import "crypto/tls"

        var cfg = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
        """, """
        package t

        import "crypto/tls"

        var cfg = &tls.Config{MinVersion: tls.VersionTLS12}
        """),
    ("net.tls-verify-off", "internal/t.go", """
        package t

        import "crypto/tls"

        var cfg = &tls.Config{
        \tMinVersion:         tls.VersionTLS12,
        \tInsecureSkipVerify: true, // self-signed in staging
        \tServerName:         "api.internal",
        }
        """, """
        package t

        import "crypto/tls"

        var cfg = &tls.Config{
        \tMinVersion: tls.VersionTLS12,
        \tServerName: "api.internal",
        }
        """),
    ("net.tls-verify-off", "internal/t.go", """
        package t

        import "crypto/tls"

        var cfg = &tls.Config{
        \tInsecureSkipVerify: true,
        }
        """, """
        package t

        import "crypto/tls"

        var cfg = &tls.Config{}
        """),
    ("code.unsafe-deserialization", "app/a.py", """
        import yaml

        a = yaml.load(text)
        b = yaml.load(text, Loader=yaml.CLoader)
        """, """
        import yaml

        a = yaml.safe_load(text)
        b = yaml.load(text, Loader=yaml.CSafeLoader)
        """),
    ("auth.jwt-no-verify", "app/a.py", """
        import jwt


        def issue(claims, key):
            return jwt.encode(claims, key, algorithm="HS256")


        def read(token, key):
            return jwt.decode(token, key, options={"verify_signature": False})
        """, """
        import jwt


        def issue(claims, key):
            return jwt.encode(claims, key, algorithm="HS256")


        def read(token, key):
            return jwt.decode(token, key, algorithms=["HS256"])
        """),
    ("k8s.sa-token-automount", "deploy/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          automountServiceAccountToken: true
          containers:
            - name: web
              image: web:1.0
        """, """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          automountServiceAccountToken: false
          containers:
            - name: web
              image: web:1.0
        """),
    ("k8s.security-context", "deploy/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
            containers:
            -   name: web
                image: web:1.0
                ports: [{containerPort: 80}]
        """, """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
            containers:
            -   name: web
                image: web:1.0
                ports: [{containerPort: 80}]
                securityContext:
                  runAsNonRoot: true
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                  capabilities:
                    drop: [ALL]
        """),
    ("compose.obsolete-version", "docker-compose.yml", """
        version: '3'

        services:
          web:
            image: nginx:1.27
        """, """
        services:
          web:
            image: nginx:1.27
        """),
    ("docker.root-user", "Dockerfile", """
        FROM node:20-alpine
        COPY . /app
        CMD ["node", "/app/server.js"]
        """, """
        FROM node:20-alpine
        COPY . /app
        USER node
        CMD ["node", "/app/server.js"]
        """),
    ("docker.root-user", "Dockerfile", """
        FROM alpine:3.20
        RUN apk add --no-cache curl \\
            jq
        ENTRYPOINT ["/bin/sh"]
        """, """
        FROM alpine:3.20
        RUN apk add --no-cache curl \\
            jq
        RUN adduser -D -H -u 10001 app
        USER 10001
        ENTRYPOINT ["/bin/sh"]
        """),
    ("ci.script-injection", ".github/workflows/t.yml", """
        on: pull_request_target
        jobs:
          t:
            runs-on: ubuntu-latest
            steps:
              - name: greet
                env:
                  GREETING: hi
                run: echo '${{ github.event.pull_request.title }}'
        """, """
        on: pull_request_target
        jobs:
          t:
            runs-on: ubuntu-latest
            steps:
              - name: greet
                env:
                  GREETING: hi
                  PULL_REQUEST_TITLE: ${{ github.event.pull_request.title }}
                run: echo "${PULL_REQUEST_TITLE}"
        """),
    ("quality.deprecated-dependency", "internal/r.go", """
        package r

        import (
        \t"io"
        \t"io/ioutil"
        \t"net/http"
        )

        func Body(resp *http.Response) ([]byte, error) {
        \tdefer resp.Body.Close()
        \tif _, err := io.Copy(io.Discard, resp.Body); err != nil {
        \t\treturn nil, err
        \t}
        \treturn ioutil.ReadAll(resp.Body)
        }
        """, """
        package r

        import (
        \t"io"
        \t"io/ioutil"
        \t"net/http"
        )

        func Body(resp *http.Response) ([]byte, error) {
        \tdefer resp.Body.Close()
        \tif _, err := io.Copy(io.Discard, resp.Body); err != nil {
        \t\treturn nil, err
        \t}
        \treturn io.ReadAll(resp.Body)
        }
        """),
]


@pytest.mark.parametrize(("rule_id", "path", "before", "after"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_fix_writes_the_code_a_reviewer_would(rule_id, path, before, after) -> None:
    assert fixed(rule_id, path, before) == dedent(after)


def test_unpinned_action_is_pinned_with_the_tag_kept_as_a_comment() -> None:
    text = """
        on: push
        jobs:
          lint:
            runs-on: ubuntu-latest
            steps:
              - uses: "golangci/golangci-lint-action@v6"
              - uses: docker://hadolint/hadolint:latest
        """
    assert 'uses: "golangci/golangci-lint-action@' + SHA + '" # v6' in \
        fixed("ci.unpinned-action", ".github/workflows/ci.yml", text, resolve=lambda repo, ref: SHA)
    # no resolver (or no network): no fix, and an image tag is never "resolved" here
    assert fixed("ci.unpinned-action", ".github/workflows/ci.yml", text) == dedent(text)
    assert fixed("ci.unpinned-action", ".github/workflows/ci.yml", text, resolve=lambda repo, ref: None) == \
        dedent(text)


DECLINED = [
    # the Go client needs a new `time` import, in another part of the file
    ("http.client-no-timeout", "internal/c.go", 'package c\n\nimport "net/http"\n\nvar c = &http.Client{}\n'),
    # which client should replace http.Get is a design choice
    ("http.client-no-timeout", "internal/c.go",
     ('package c\n\nimport (\n\t"net/http"\n\t"time"\n)\n\nvar _ = time.Second\n\n'
     'func f() { _, _ = http.Get("http://x") }\n')),
    # aiohttp's ClientTimeout is not reachable without a new import
    ("http.client-no-timeout", "app/a.py",
     "from aiohttp import ClientSession\n\n\nasync def f():\n    async with ClientSession() as s:\n        pass\n"),
    # no key in the call: which key verifies the tokens is not ours to pick
    ("auth.jwt-no-verify", "app/a.py",
     'import jwt\n\n\ndef read(token):\n    return jwt.decode(token, options={"verify_signature": False})\n'),
    # the image tag the deployment should run is unknown
    ("k8s.image-latest", "deploy/pod.yaml",
     ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n"
     "      image: web:latest\n")),
    ("compose.image-latest", "docker-compose.yml", "services:\n  web:\n    image: nginx:latest\n"),
    # an unknown distro family: creating a user could break the build
    ("docker.root-user", "Dockerfile", 'FROM mycorp/base:7\nCOPY . /app\nCMD ["/app/run"]\n'),
    # pwsh reads variables as $env:NAME
    ("ci.script-injection", ".github/workflows/t.yml",
     ("on: issues\njobs:\n  t:\n    runs-on: windows-latest\n    steps:\n"
     "      - run: echo \"${{ github.event.issue.title }}\"\n")),
    # `os` is not imported: the drop-in needs an import edit elsewhere
    ("quality.deprecated-dependency", "internal/r.go",
     'package r\n\nimport "io/ioutil"\n\nfunc Read(p string) ([]byte, error) { return ioutil.ReadFile(p) }\n'),
]


@pytest.mark.parametrize(("rule_id", "path", "text"), DECLINED, ids=[f"{c[0]}-{i}" for i, c in enumerate(DECLINED)])
def test_no_fix_where_it_would_be_a_guess(rule_id, path, text) -> None:
    assert fixed(rule_id, path, text) == text


GO_CASES = [c for c in CASES if c[1].endswith(".go")]


@pytest.mark.skipif(shutil.which("gofmt") is None, reason="gofmt is not installed")
@pytest.mark.parametrize(("rule_id", "path", "before", "after"), GO_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(GO_CASES)])
def test_go_fixes_are_gofmt_clean(rule_id, path, before, after) -> None:
    def gofmt(text: str) -> str:
        return subprocess.run(["gofmt"], input=text, capture_output=True, text=True, check=True).stdout

    assert gofmt(dedent(before)) == dedent(before)
    out = fixed(rule_id, path, before)
    assert gofmt(out) == out
