"""Table tests for the infrastructure rules (k8s.*, docker.*, compose.*): payload → flagged lines."""
from __future__ import annotations

import textwrap

import pytest

from bot.config import Config
from bot.engine import analyze_file
from checks import all_rules
from checks.registry import RepoView
from checks.source import SourceFile
from tests.rule_harness import run_on_text

RULES = all_rules()


def _lines(rule_id: str, path: str, text: str) -> set[int]:
    return run_on_text(RULES[rule_id], path, textwrap.dedent(text).lstrip("\n"))


def _findings(rule_id: str, path: str, text: str):
    src = SourceFile(path, textwrap.dedent(text).lstrip("\n"))
    repo = RepoView({path: src}, changed=[path]) if RULES[rule_id].repo_kinds else None
    return analyze_file(src, {rule_id: RULES[rule_id]}, Config(), repo).findings


POD = """
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: {image}
      imagePullPolicy: {policy}
"""


@pytest.mark.parametrize("image,flag", [
    ("nginx", True),
    ("nginx:latest", True),
    ("localhost:5000/app", True),
    ("registry.local:5000/team/app:latest", True),
    ("registry.local:5000/team/app:2.1", False),
    ("nginx@sha256:" + "a" * 64, False),
    ("nginx:1.27.0", False),
    ('"{{ .Values.image }}"', False),
])
def test_k8s_image_latest(image: str, flag: bool) -> None:
    assert bool(_lines("k8s.image-latest", "deploy/pod.yaml", POD.format(image=image, policy="Always"))) is flag


def test_k8s_image_latest_medium_with_if_not_present() -> None:
    (f,) = _findings("k8s.image-latest", "deploy/pod.yaml", POD.format(image="app:latest", policy="IfNotPresent"))
    assert f.severity.name == "MEDIUM"
    (f,) = _findings("k8s.image-latest", "deploy/pod.yaml", POD.format(image="app:latest", policy="Always"))
    assert f.severity.name == "LOW"


def test_k8s_security_context_message_lists_missing() -> None:
    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api}
    spec:
      template:
        spec:
          securityContext: {runAsNonRoot: true}
          containers:
            - name: api
              image: api:1.0.0
              securityContext:
                readOnlyRootFilesystem: true
                capabilities: {drop: ["NET_RAW"]}
    """
    (f,) = _findings("k8s.security-context", "deploy/api.yaml", text)
    assert f.line == 9
    assert "allowPrivilegeEscalation" in f.message and "capabilities.drop" in f.message
    assert "runAsNonRoot" not in f.message and "readOnlyRootFilesystem" not in f.message


def test_k8s_cross_file_service_account() -> None:
    dep = textwrap.dedent("""
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api}
    spec:
      template:
        spec:
          serviceAccountName: api
          containers: [{name: api, image: "api:1.0.0"}]
    """).lstrip()
    sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\nautomountServiceAccountToken: false\n"
    files = {"deploy/dep.yaml": SourceFile("deploy/dep.yaml", dep)}
    rule = RULES["k8s.sa-token-automount"]
    alone = analyze_file(files["deploy/dep.yaml"], {rule.id: rule}, Config(), RepoView(files))
    assert [f.line for f in alone.findings] == [6]
    files["deploy/sa.yaml"] = SourceFile("deploy/sa.yaml", sa)
    both = analyze_file(files["deploy/dep.yaml"], {rule.id: rule}, Config(), RepoView(files))
    assert both.findings == []


@pytest.mark.parametrize("dockerfile,lines", [
    ("FROM python\n", {1}),
    ("FROM python:latest AS build\nFROM python:3.12-slim\n", {1}),
    ("FROM scratch\n", set()),
    ("ARG BASE=python:3.12\nFROM ${BASE}\n", set()),
    ("ARG BASE=python\nFROM $BASE\n", {2}),
    ("ARG BASE\nFROM ${BASE}\n", set()),
    ("FROM golang:1.22 AS build\nFROM BUILD\n", set()),
    ("FROM --platform=linux/amd64 node:20@sha256:" + "b" * 64 + "\n", set()),
])
def test_docker_unpinned_base(dockerfile: str, lines: set[int]) -> None:
    assert _lines("docker.unpinned-base", "Dockerfile", dockerfile) == lines


def test_docker_unpinned_base_severity_and_minimum() -> None:
    (f,) = _findings("docker.unpinned-base", "Dockerfile", "FROM node:latest\n")
    assert f.severity.name == "MEDIUM"
    (f,) = _findings("docker.unpinned-base", "Dockerfile", "FROM node AS build\nFROM node:20.1\n")
    assert f.severity.name == "LOW"
    rule = RULES["docker.unpinned-base"]
    from bot.config import RuleSettings
    cfg = Config(rules={rule.id: RuleSettings(options={"minimum_tags": {"python": "3.11"}})})
    for text, n in (("FROM python:3.9-slim\n", 1), ("FROM python:3.12-slim\n", 0), ("FROM python:3\n", 0)):
        res = analyze_file(SourceFile("Dockerfile", text), {rule.id: rule}, cfg)
        assert len(res.findings) == n, text


@pytest.mark.parametrize("text,flag", [
    ("FROM alpine:3.19\nARG GITHUB_TOKEN\n", True),
    ("FROM alpine:3.19\nENV SECRET_KEY=abc\n", True),
    ("FROM alpine:3.19\nENV DJANGO_SECRET_KEY abc\n", True),
    ("FROM alpine:3.19\nENV TOKENIZERS_PARALLELISM=false\n", False),
    ("FROM alpine:3.19\nENV DB_PASSWORD_FILE=/run/secrets/db\n", False),
    ("FROM alpine:3.19\nARG VERSION=1.0\n", False),
    ("FROM alpine:3.19\nENV PASSWORD_MIN_LENGTH=12\n", False),
])
def test_docker_secret_in_build_dockerfile(text: str, flag: bool) -> None:
    assert bool(_lines("docker.secret-in-build", "Dockerfile", text)) is flag


@pytest.mark.parametrize("text,flag", [
    ("docker build --build-arg NPM_TOKEN=$NPM_TOKEN .\n", True),
    ("docker build --build-arg=API_KEY .\n", True),
    ("docker build --build-arg VERSION=1.2 .\n", False),
    ("docker build --secret id=npm,env=NPM_TOKEN .\n", False),
    ("# docker build --build-arg NPM_TOKEN=x .\n", False),
])
def test_docker_secret_in_build_scripts(text: str, flag: bool) -> None:
    assert bool(_lines("docker.secret-in-build", "scripts/build.sh", text)) is flag


@pytest.mark.parametrize("compose,lines", [
    ("services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: example\n", {4}),
    ("services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=example\n", {4}),
    ("services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${PW}\n", set()),
    ("services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: $PW\n", set()),
    ("services:\n  db:\n    env_file: .env\n", set()),
    ("services:\n  app:\n    environment:\n      DB_URL: mysql://root:root@db/app\n", {4}),
    ("services:\n  app:\n    environment:\n      DB_URL: mysql://root:${PW}@db/app\n", set()),
    ("services:\n  app:\n    environment:\n      API_TOKEN: 12345abc\n      LOG_LEVEL: debug\n", {4}),
])
def test_compose_plaintext_credentials(compose: str, lines: set[int]) -> None:
    assert _lines("compose.plaintext-credentials", "docker-compose.yml", compose) == lines


@pytest.mark.parametrize("compose,flag", [
    ("services:\n  r:\n    image: redis\n", True),
    ("services:\n  r:\n    image: redis:latest\n", True),
    ("services:\n  r:\n    image: redis:7\n", False),
    ("services:\n  r:\n    build: .\n    image: me/app\n", False),
    ("services:\n  m:\n    image: mailhog/mailhog:v1.0.1\n", True),
    ("services:\n  m:\n    image: docker.io/mailhog/mailhog\n", True),
])
def test_compose_image_latest(compose: str, flag: bool) -> None:
    assert bool(_lines("compose.image-latest", "compose.yaml", compose)) is flag


@pytest.mark.parametrize("dockerfile,flag", [
    ("FROM python:3.12\nCOPY .env .\n", True),
    ("FROM python:3.12\nCOPY .env.example .env\n", False),
    ("FROM python:3.12\nCOPY key.pem /k\n", True),
    ("FROM python:3.12\nCOPY . .\n", False),
    ("FROM python:3.12 AS b\nCOPY .env .\nFROM python:3.12\nCOPY --from=b /app /app\n", False),
])
def test_docker_config_baked_in(dockerfile: str, flag: bool) -> None:
    assert bool(_lines("docker.config-baked-in", "Dockerfile", dockerfile)) is flag
