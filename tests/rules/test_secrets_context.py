"""Secrets rules on the forms real repositories write (issues 13, 14, 16): every interpolation form is a
reference, weak human-chosen passwords are findings, the missed token shapes, and severity from context
(test and dev folders, Compose-only env files, split settings, the code that reads an origin allowlist).

Token-shaped values are assembled at run time so the repository carries no literal that trips a scanner.
"""
from __future__ import annotations

import pytest

from bot.config import Config
from bot.engine import analyze_file
from bot.models import Severity
from checks import all_rules
from checks.registry import RepoView
from checks.source import SourceFile
from tests.rule_harness import case, findings, lines

AWS_ID = "AK" + "IA" + "Z7Q4X2LMN8RTV3PW"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq8Kd3LmQ2"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJ1c2VyIjoiYWxpY2UiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3MDAwMDAwMDB9"
       + ".Qm9xZ2hUeTNrN2JVd0xWdzJ4ZkZqS1hDUkdn")
JWT_DOCS_SAMPLE = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
                   + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
SLACK_HOOK = "https://hooks.slack.com/services/" + "T0A1B2C3D/B0123ABCD/aZ8kQ2mX9pL4rT7wN3zB6cY1"
SLACK_BOT = "xo" + "xb-" + "284719305618-5820194736152-" + "Kq9Lm2Xz7Rt4Vp8Wn3Bc6Yh1"
PYPI = "py" + "pi-AgEIcHlwaS5vcmc" + "CJGE4ZjJkNTYzLWI4ZjQtNDk3Mi05ZmY4LTNjYWQ2MzM1MDk5ZgACKlsxLFsicHJvamVjdCJdXQ"
GLPAT = "gl" + "pat-" + "Ab3dE5fG7hI9jK1lM3nO5pQ7"
SENDGRID = "SG" + ".aB3dE5fG7hI9jK1lM3nO5p." + "Q7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3rS"
TWILIO_KEY = "SK" + "8f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c"
NPM = "np" + "m_" + "Zx8Kq2Lm9Pz4Rt6Vw8Xy1Nc3Hd5Jf0GsAbQr"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
PEM_JSON = ("-----BEGIN " + "PRIVATE KEY-----\\n" + PEM_BODY + "\\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNb"
            + "\\n-----END " + "PRIVATE KEY-----\\n")
RANDOM = "Tg7#pLq2" + "xW9zR4mK"


def check(rule_id: str, c) -> None:
    path, text, expected = c
    assert lines(rule_id, path, text) == expected, (path, text)


# --- every interpolation form and modifier is a reference, not a value (issue 13) ----------------
REFERENCES = [
    case("docker-compose.yml", """
        services:
          api:
            environment:
              DB_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}
              REDIS_PASSWORD: ${REDIS_PASSWORD?required}
              JWT_SECRET: $JWT_SECRET
              API_TOKEN: "${API_TOKEN}"
              DATABASE_URL: postgres://app:${PW:?unset}@db/app
              CACHE_URL: redis://:$REDIS_PASSWORD@cache:6379/0
              SMTP_PASSWORD: ${SMTP_PASSWORD:-}
        """),
    case("deploy/values.yaml", """
        db:
          password: "{{ .Values.db.password }}"
          url: "postgres://app:{{ .Values.db.password }}@db/app"
        """),
    case(".github/workflows/deploy.yml", """
        env:
          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
          DB_URL: postgres://ci:${{ secrets.DB_PASSWORD }}@db/ci
        """),
    case("app/config.py", """
        DSN = "postgresql://%(user)s:%(password)s@%(host)s/app"
        URL = f"postgresql+psycopg2://{config.DB_USER}:{config._QUOTED_DB_PASSWORD}@{host}/{name}"
        OTHER = "mysql://{user}:{password}@{host}/db".format(**cfg)
        """),
    case("config/app.ini", """
        [db]
        password = %(DB_PASSWORD)s
        """),
    # A fallback that is itself a secret is a hardcoded secret.
    case("docker-compose.yml", f"""
        services:
          api:
            environment:
              DB_PASSWORD: ${{DB_PASSWORD:-{RANDOM}}} «
        """),
]


@pytest.mark.parametrize("c", REFERENCES)
def test_interpolation_is_a_reference(c) -> None:
    check("secrets.hardcoded", c)


@pytest.mark.parametrize("c", REFERENCES[:1])
def test_compose_plaintext_credentials_same_classification(c) -> None:
    check("compose.plaintext-credentials", c)


# --- weak human-chosen passwords are findings; placeholders only when they are one (issue 16) ----
WEAK = [
    case("app/settings.py", """
        ADMIN_PASSWORD = "SuperSecret123!" «
        DB_PASSWORD = "admin12345" «
        SMTP_PASSWORD = "MyPassword2024" «
        REDIS_PASSWORD = "changeme"
        API_TOKEN = "<your-token>"
        SECRET_KEY = "${SECRET_KEY}"
        PASSWORD = "xxxxxxxx"
        TOKEN = "password"
        """),
    case("deploy/app.env", """
        POSTGRES_PASSWORD=Winter2024! «
        RABBITMQ_PASSWORD=your-password-here
        SIGNING_SECRET_NAME=DD_SIGNING_SECRET_V2
        """),
]


@pytest.mark.parametrize("c", WEAK)
def test_weak_human_passwords(c) -> None:
    check("secrets.hardcoded", c)


# --- token shapes (issue 14) ---------------------------------------------------------------------
SHAPES = [
    case("config/settings.yaml", f"""
        auth:
          service_token: {JWT} «
          docs_example: {JWT_DOCS_SAMPLE}
        """),
    case("deploy/notify.env", f"""
        SLACK_WEBHOOK={SLACK_HOOK} «
        SLACK_BOT={SLACK_BOT} «
        SLACK_PLACEHOLDER=xoxb-xoxb-my-bot-token
        SLACK_MASKED=xoxp-123456789012-123456789012-####
        """),
    case("scripts/upload.py", f"""
        client = boto3.client("s3",
            aws_access_key_id="{AWS_ID}", «
            aws_secret_access_key_value_here=None,
        )
        s3 = connect("{AWS_ID}", «
                     "{AWS_SECRET}") «
        """),
    case("keys/service-account.json", f"""
        {{
          "type": "service_account",
          "private_key": "{PEM_JSON}", «
          "client_email": "svc@proj.iam.gserviceaccount.com"
        }}
        """),
    case(".pypirc", f"""
        [pypi]
        username = __token__
        password = {PYPI} «
        """),
    case("ci/tokens.yaml", f"""
        gitlab: {GLPAT} «
        sendgrid: {SENDGRID} «
        twilio_api_key: {TWILIO_KEY} «
        npm: {NPM} «
        """),
    case("app/db.py", """
        engine = create_engine("mysql://admin:Hunter2Pass9@db.internal/app") «
        cache = "redis://:s3cr3tR3dis@cache:6379" «
        amqp = "amqp://guest:guest@rabbit:5672/"
        doc = httpx.URL("https://jo%40email.com:a%20secret@example.de:1234/pa%20th")
        """),
]


@pytest.mark.parametrize("c", SHAPES)
def test_token_shapes(c) -> None:
    check("secrets.hardcoded", c)


# --- severity from where the file is and what the repository says --------------------------------
def _repo(rule_id: str, files: dict[str, str]) -> dict[str, list]:
    rule = all_rules()[rule_id]
    sources = {p: SourceFile(p, t) for p, t in files.items()}
    repo = RepoView(sources, changed=sources)
    return {p: analyze_file(s, {rule_id: rule}, Config(), repo).findings for p, s in sources.items()}


@pytest.mark.parametrize("path", [
    "tests/fixtures/app.env", "internal/testdata/config.yaml", "scripts/test-environments/oidc/idp.yml",
    "e2e/config.yaml", ".devcontainer/setup.sh", "contrib/bruno/login.yaml", "integration_tests/env.yaml",
])
def test_test_and_dev_folders_are_low(path: str) -> None:
    (f,) = findings("secrets.hardcoded", path, f"DB_PASSWORD={RANDOM}\n")
    assert f.severity == Severity.LOW and f.note


def test_same_secret_in_production_config_stays_critical() -> None:
    (f,) = findings("secrets.hardcoded", "deploy/app.env", f"DB_PASSWORD={RANDOM}\n")
    assert f.severity == Severity.CRITICAL


def test_env_file_read_only_by_compose_is_low_with_note() -> None:
    got = _repo("secrets.hardcoded", {
        "env/db.env": f"POSTGRES_PASSWORD={RANDOM}\n",
        "env/prod.env": f"POSTGRES_PASSWORD={RANDOM}\n",
        "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n    env_file: env/db.env\n",
    })
    (low,) = got["env/db.env"]
    assert low.severity == Severity.LOW and "docker-compose.yml:4" in low.note
    (crit,) = got["env/prod.env"]
    assert crit.severity == Severity.CRITICAL


def test_token_shape_in_compose_env_file_stays_critical() -> None:
    got = _repo("secrets.hardcoded", {
        "env/app.env": f"GITLAB_TOKEN={GLPAT}\n",
        "docker-compose.yml": "services:\n  app:\n    image: app:1\n    env_file: [env/app.env]\n",
    })
    assert [f.severity for f in got["env/app.env"]] == [Severity.CRITICAL]


def test_split_settings_development_default_is_low() -> None:
    got = _repo("secrets.hardcoded", {
        "proj/settings/base.py": 'SECRET_KEY = "kgq$h3@!!vbb6*nzfz(dbze=*)zsroqa8gvc0#1gx$3cd8z99^"\n',
        "proj/settings/prod.py": 'from .base import *\n\nSECRET_KEY = open("/run/secrets/key").read().strip()\n',
    })
    (f,) = got["proj/settings/base.py"]
    assert f.severity == Severity.LOW and "proj/settings/prod.py:3" in f.note


def test_split_settings_with_only_literals_stays_critical() -> None:
    got = _repo("secrets.hardcoded", {
        "proj/settings/base.py": 'SECRET_KEY = "kgq$h3@!!vbb6*nzfz(dbze=*)zsroqa8gvc0#1gx$3cd8z99^"\n',
        "proj/settings/prod.py": 'SECRET_KEY = "another-literal-Kq9Lm2Xz7Rt4"\n',
    })
    assert [f.severity for f in got["proj/settings/base.py"]] == [Severity.CRITICAL]


# --- config.placeholder-value in context --------------------------------------------------------
PLACEHOLDERS = [
    case("deploy/k8s/configmap.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api
          namespace: placeholder
        data:
          STRIPE_WEBHOOK_SECRET: REPLACE_WITH_WEBHOOK_SECRET «
          DOCS_URL: https://docs.acme.io/faq/using-your-own-domain
          CALLBACK_URL: https://your-domain.example/callback «
          MAIL_FROM: noreply@example.com
          ADMIN_URL: https://admin.example.com «
        """),
    case("config/certmanager/certificate.yaml", """
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: serving-cert
        spec:
          dnsNames:
          - SERVICE_NAME_PLACEHOLDER.SERVICE_NAMESPACE_PLACEHOLDER.svc
          - PLACEHOLDER «
        """),
    case("chart/values.yaml", """
        image:
          repository: placeholder
          tag: placeholder
        credentials:
          apiKey: placeholder «
        """),
    case("infra/terraform.tfvars", """
        project_id = "<project_id_here>"
        region     = "europe-west1"
        """),
    case("scripts/test-environments/oidc/config.yml", """
        authelia_url: 'https://authelia.example.com'
        """),
]


@pytest.mark.parametrize("c", PLACEHOLDERS)
def test_placeholder_value_forms(c) -> None:
    check("config.placeholder-value", c)


def test_placeholder_in_compose_file_is_low() -> None:
    fs = findings("config.placeholder-value", "contrib/compose/docker-compose.yml",
                  "services:\n  app:\n    environment:\n      - BASE_URL=https://app.example.org\n")
    assert not fs  # a contrib recipe: sample material
    fs = findings("config.placeholder-value", "docker-compose.yml",
                  "services:\n  app:\n    environment:\n      - BASE_URL=https://app.example.org\n")
    assert [f.severity for f in fs] == [Severity.LOW] and fs[0].note


def test_placeholder_in_env_file_read_only_by_compose_is_low() -> None:
    got = _repo("config.placeholder-value", {
        ".env": "API_KEY=REPLACE_WITH_API_KEY\n",
        "docker-compose.yml": "services:\n  app:\n    image: app:1\n",
    })
    assert [f.severity for f in got[".env"]] == [Severity.LOW]


# --- config.empty-origin-allowlist graded by the code that reads it ------------------------------
ENV = {"deploy/api.env": "CORS_ALLOWED_ORIGINS=\n"}


def _origin(code: dict[str, str]) -> list:
    return _repo("config.empty-origin-allowlist", {**ENV, **code})["deploy/api.env"]


def test_empty_origins_critical_when_code_allows_all_on_empty() -> None:
    go = ('package cors\n\nfunc load() []string {\n\treturn strings.Split(os.Getenv("CORS_ALLOWED_ORIGINS"), ",")\n}\n\n'
          'func allowed(origins []string, o string) bool {\n\tif len(origins) == 0 {\n\t\treturn true\n\t}\n'
          '\treturn slices.Contains(origins, o)\n}\n')
    (f,) = _origin({"internal/cors/cors.go": go})
    assert f.severity == Severity.CRITICAL and "internal/cors/cors.go:4" in f.message
    (f,) = _origin({"src/server.js": 'const origins = process.env.CORS_ALLOWED_ORIGINS || "*";\n'})
    assert f.severity == Severity.CRITICAL


def test_empty_origins_parsed_into_empty_list_is_silent() -> None:
    py = 'CORS_ALLOWED_ORIGINS = [o for o in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",") if o]\n'
    assert _origin({"app/settings.py": py}) == []


def test_empty_origins_without_reading_code_is_medium_verify() -> None:
    (f,) = _origin({})
    assert f.severity == Severity.MEDIUM and "verify" in f.message and f.note


# --- an unparsable file is listed as skipped and the text rules still run (issue 14) -------------
@pytest.mark.parametrize("path,text,line", [
    ("deploy/cm.yaml", f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\ndata:\n  DB_PASSWORD: {RANDOM}\n", 6),
    ("chart/templates/secret.yaml", "{{- if .Values.enabled }}\napiVersion: v1\nkind: Secret\nmetadata:\n"
     f"  name: {{{{ .Release.Name }}}}\nstringData:\n  password: {RANDOM}\n{{{{- end }}}}\n", 7),
])
def test_unparsable_yaml_is_skipped_and_still_scanned_for_secrets(path: str, text: str, line: int) -> None:
    result = analyze_file(SourceFile(path, text), all_rules(), Config())
    assert result.skipped is not None and "YAML error" in result.skipped.reason
    assert [(f.rule, f.line) for f in result.findings if f.rule == "secrets.hardcoded"] == [("secrets.hardcoded", line)]


def test_value_shared_with_dev_container_is_low() -> None:
    got = _repo("secrets.hardcoded", {
        "data/.env": f"ENCRYPTION_KEY={RANDOM}\n",
        ".devcontainer/setup.sh": f"#!/bin/sh\nexport ENCRYPTION_KEY=\"{RANDOM}\"\n",
        "deploy/prod.env": "ENCRYPTION_KEY=Qz8Lm2Xv7Rt4Kp9W\n",
    })
    (f,) = got["data/.env"]
    assert f.severity == Severity.LOW and ".devcontainer/setup.sh:2" in f.note
    assert [x.severity for x in got["deploy/prod.env"]] == [Severity.CRITICAL]
