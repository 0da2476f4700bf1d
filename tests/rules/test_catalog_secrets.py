"""Catalog-driven table tests for the secrets area: (path, text, exact flagged lines).

Written from the rows of the rule catalog (rules-catalog.md, "Secrets and configuration"), not from
the implementation. Token-shaped strings are assembled by concatenation so this file carries no
literal that trips a secret scanner.
"""
from __future__ import annotations


import pytest

from bot.models import Severity
from checks import all_rules
from tests.rule_harness import run_on_text
from tests.rule_harness import dedent as d, findings

RULES = all_rules()


# Token-shaped test values, built at run time.
AWS_ID = "AKIA" + "Z7Q4X2LMN8RTV3PW"
GHP = "ghp_" + "a1B2c3D4" * 4 + "e5F6"
GH_PAT = "github_pat_" + "11QWRTZP0" + "aB3dE5fG7h" * 8
GHS = "ghs_" + "Zq8Wv2Lm4Np6" * 3
SLACK = "xox" + "b-2817465093-4829173650284-" + "qW3eRt5yUi7oP9aSdF1gH2jK"
STRIPE = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc" + "Q8rT"
GOOGLE = "AI" + "za" + "SyD3kLm9Pq2Rs7Tu1Vw5Xy8Zb4Cd6Ef0Gh"
PEM_HEAD = "-----BEGIN " + "RSA PRIVATE KEY-----"
PEM_TAIL = "-----END " + "RSA PRIVATE KEY-----"
PEM_BODY = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Uw9NwRk0qX8cLzV1yJp4dHs5eKf"
HIGH_ENTROPY = "Tg7pLq2xW9zR4mKv" + "N3bY8"
HIGH_ENTROPY_2 = "c9Qm2Xv7Lp4Zk8Rw" + "1Tn6Bj3"

HARDCODED = [
    # --- known token shapes, every file kind the row lists
    ("app/settings.py", d(f'''
        import os

        AWS_ACCESS_KEY_ID = "{AWS_ID}"
        AWS_REGION = os.getenv("AWS_REGION", "eu-west-1")
        '''), {3}),
    (".env", f"APP_ENV=production\nGITHUB_TOKEN={GHP}\nLOG_LEVEL=info\n", {2}),
    ("deploy/hosts.env", f"DB_HOST=db.internal\nDB_PASSWORD={HIGH_ENTROPY}\n", {2}),
    ("config/app.yaml", d(f'''
        notifications:
          slack:
            channel: "#alerts"
            bot: {SLACK}
        '''), {4}),
    ("config/settings.toml", d(f'''
        [billing]
        provider = "stripe"
        key = "{STRIPE}"
        '''), {3}),
    ("config/app.ini", d(f'''
        [database]
        host = db.internal
        password = {HIGH_ENTROPY}
        '''), {3}),
    ("config/firebase.json", d(f'''
        {{
          "projectId": "acme-prod",
          "apiKey": "{GOOGLE}",
          "authDomain": "acme-prod.firebaseapp.com"
        }}
        '''), {3}),
    ("internal/api/client.go", d(f'''
        package api

        const defaultToken = "{GH_PAT}"

        func New() *Client {{ return &Client{{token: defaultToken}} }}
        '''), {3}),
    ("web/src/auth.ts", d(f'''
        export const config = {{
          region: 'eu-west-1',
          accessKeyId: '{AWS_ID}',
        }};
        '''), {3}),
    ("deploy/ci/release.yml", f"steps:\n  - name: publish\n    env:\n      GH_TOKEN: {GHS}\n", {4}),
    # private key file and an embedded PEM
    ("deploy/certs/server.key", f"{PEM_HEAD}\n{PEM_BODY}\n{PEM_TAIL}\n", {1}),
    ("app/signing.py", d(f'''
        SIGNING_KEY = """{PEM_HEAD}
        {PEM_BODY}
        {PEM_TAIL}
        """
        '''), {1}),
    # high-entropy values on secret-like keys: other names, quoting, kwargs, dicts
    ("app/db.py", f"db_password = '{HIGH_ENTROPY}'\n", {1}),
    ("app/oauth.py", d(f'''
        client = OAuthClient(
            client_id="acme-web",
            client_secret="{HIGH_ENTROPY_2}",
        )
        '''), {3}),
    ("app/config.py", d(f'''
        SETTINGS = {{
            "url": "https://api.internal",
            "api_key": "{HIGH_ENTROPY_2}",
        }}
        '''), {3}),
    ("docker-compose.yml", d(f'''
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_PASSWORD: "{HIGH_ENTROPY}"
        '''), {5}),
    ("internal/config/config.go", d(f'''
        package config

        var SessionSecret = "{HIGH_ENTROPY_2}"
        '''), {3}),
    # GCP service-account JSON: the PEM sits inside a JSON string with \\n escapes
    ("deploy/gcp-sa.json", '{\n  "type": "service_account",\n  "private_key": "' + PEM_HEAD.replace("RSA ", "")
     + "\\n" + PEM_BODY + "\\n" + PEM_TAIL.replace("RSA ", "") + '\\n"\n}\n', {3}),
    ("config/app.json", '{"db": {"user": "app", "password": "' + HIGH_ENTROPY + '"}}\n', {1}),
    ("charts/api/values.yaml", "---\nreplicas: 1\n---\nauth:\n  jwtSecret: " + HIGH_ENTROPY_2 + "\n", {5}),
    # --- not: placeholders, references, secret stores
    (".env", d('''
        DB_PASSWORD=changeme
        API_KEY=<secret>
        JWT_SECRET=${JWT_SECRET}
        SESSION_SECRET=REPLACE_WITH_SESSION_SECRET
        GITHUB_TOKEN=xxxxxxxxxxxxxxxxxxxx
        STRIPE_API_KEY=example-stripe-key
        '''), set()),
    ("deploy/helm/templates/deployment.yaml", d('''
        env:
          - name: DB_PASSWORD
            value: "{{ .Values.db.password }}"
          - name: API_TOKEN
            valueFrom:
              secretKeyRef:
                name: api
                key: token
        '''), set()),
    ("app/settings.py", d('''
        import os
        from os import environ as env

        SECRET_KEY = os.environ["SECRET_KEY"]
        DB_PASSWORD = env.get("DB_PASSWORD")
        API_TOKEN = get_secret("projects/acme/secrets/api-token/versions/latest")
        '''), set()),
    ("internal/config/config.go", d('''
        package config

        import "os"

        var jwtSecret = os.Getenv("JWT_SECRET")
        '''), set()),
    ("docker-compose.yml", d('''
        services:
          db:
            environment:
              POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}
              API_KEY: "${API_KEY}"
        '''), set()),
    ("config/app.yaml", "vault:\n  db_password: vault:secret/data/db#password\n", set()),
    ("app/llm.py", 'max_tokens = 4096\ntoken_type = "Bearer"\npassword_field = "password"\n', set()),
]


@pytest.mark.parametrize("path,text,expected", HARDCODED)
def test_secrets_hardcoded(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["secrets.hardcoded"], path, text) == expected


@pytest.mark.parametrize("path", ["tests/test_client.py", "testdata/config.py",
                                  "internal/api/testdata/config.py", "pkg/client_test.go"])
def test_secrets_hardcoded_is_low_at_most_in_test_fixtures(path: str) -> None:
    if path.endswith(".go"):
        text = f'package api\n\nconst tok = "{GHP}"\n'
    else:
        text = f'TOKEN = "{GHP}"\n'
    for f in findings("secrets.hardcoded", path, text):
        assert f.severity <= Severity.LOW, (path, f.severity)


def test_secrets_hardcoded_is_critical_in_code() -> None:
    (f,) = findings("secrets.hardcoded", "app/settings.py", f'TOKEN = "{GHP}"\n')
    assert f.severity == Severity.CRITICAL
    assert GHP not in (f.snippet or "") and GHP not in f.message


# --------------------------------------------------------------------------------------------
SECRET_MANIFEST = d('''
    apiVersion: v1
    kind: Secret
    metadata:
      name: db-credentials
    type: Opaque
    stringData:
      username: app
      password: s3cr3t-Pa55
    ''')

K8S_SECRET = [
    ("deploy/k8s/secret.yaml", SECRET_MANIFEST, {6}),  # reported on the `stringData:` key
    # data (base64) instead of stringData, keys in another order
    ("deploy/k8s/tls.yaml", d('''
        data:
          tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
          tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t
        type: kubernetes.io/tls
        metadata:
          name: ingress-tls
        kind: Secret
        apiVersion: v1
        '''), {1}),
    # multi-document file: the Secret is the second document
    ("deploy/k8s/app.yaml", d('''
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          replicas: 2
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: api-env
        stringData:
          API_TOKEN: "tok-123456"
        '''), {12}),
    ("charts/api/secret.yml", "apiVersion: v1\nkind: 'Secret'\nmetadata:\n  name: x\ndata:\n  k: dmFsdWU=\n", {5}),
    # not: empty values
    ("deploy/k8s/secret.yaml", d('''
        apiVersion: v1
        kind: Secret
        metadata:
          name: db-credentials
        stringData:
          password: ""
          username: ''
        '''), set()),
    ("deploy/k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata: {}\n", set()),
    ("deploy/k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ntype: Opaque\n", set()),
    # not: template / example / sample files
    ("deploy/k8s/secret.template.yaml", SECRET_MANIFEST, set()),
    ("deploy/k8s/secret.example.yaml", SECRET_MANIFEST, set()),
    ("deploy/k8s/secret.sample.yml", SECRET_MANIFEST, set()),
    ("deploy/k8s/secret.yaml.example", SECRET_MANIFEST, set()),
    # not: sealed / external secrets
    ("deploy/k8s/sealed.yaml", d('''
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata:
          name: db-credentials
        spec:
          encryptedData:
            password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
        '''), set()),
    ("deploy/k8s/external.yaml", d('''
        apiVersion: external-secrets.io/v1beta1
        kind: ExternalSecret
        metadata:
          name: db
        spec:
          data:
            - secretKey: password
              remoteRef:
                key: prod/db
        '''), set()),
    # not: other kinds that merely carry a data map
    ("deploy/k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  LOG_LEVEL: info\n", set()),
]


@pytest.mark.parametrize("path,text,expected", K8S_SECRET)
def test_k8s_secret_in_vcs(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["k8s.secret-in-vcs"], path, text) == expected


# --------------------------------------------------------------------------------------------
WEAK_DEFAULT = [
    ("app/config.py", d('''
        import os

        JWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")
        '''), {3}),
    ("app/config.py", d('''
        import os as _os

        SECRET_KEY = _os.environ.get('SECRET_KEY', 'insecure-dev-key')
        '''), {3}),
    ("app/config.py", d('''
        from os import getenv as env

        token = env("API_TOKEN", "local-token")
        '''), {3}),
    ("app/config.py", d('''
        from os import environ

        db_password = environ.get(
            "DB_PASSWORD",
            "postgres",
        )
        '''), {3}),
    ("app/settings.py", d('''
        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            app_name: str = "api"
            secret_key: str = "changeme"
            jwt_secret: str = "dev"
        '''), {6, 7}),
    ("internal/config/config.go", d('''
        package config

        import "os"

        func JWTSecret() string {
        	secret := os.Getenv("JWT_SECRET")
        	if secret == "" {
        		secret = "default-secret"
        	}
        	return secret
        }
        '''), {8}),
    ("internal/config/env.go", d('''
        package config

        func Load() Config {
        	return Config{
        		Port:      getEnv("PORT", "8080"),
        		JWTSecret: getEnv("JWT_SECRET", "x"),
        	}
        }
        '''), {6}),
    ("web/src/server.js", d('''
        const session = require('express-session');
        app.use(session({
          secret: process.env.SESSION_SECRET || 'keyboard cat',
        }));
        '''), {3}),
    ("app/config.py", 'import os\nDB_PASSWORD = os.getenv(key="DB_PASSWORD", default="postgres")\n', {2}),
    ("app/config.py", 'import os\nAPI_KEY = os.getenv("API_KEY") or "local-key"\n', {2}),
    ("app/config.py", 'import os\nSECRET = os.environ["SECRET"] if "SECRET" in os.environ else "dev"\n', {2}),
    ("app/config.py", 'from decouple import config\nSECRET_KEY = config("SECRET_KEY", default="django-insecure-x")\n', {2}),
    ("app/settings.py", d('''
        from pydantic import Field
        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            api_token: str = Field(default="local")
        '''), {6}),
    ("web/src/config.ts", "export const JWT_SECRET = process.env.JWT_SECRET ?? 'dev-secret';\n", {1}),
    ("internal/config/config.go", d('''
        package config

        import "os"

        func Token() string {
        	token, ok := os.LookupEnv("API_TOKEN")
        	if !ok {
        		token = "dev-token"
        	}
        	return token
        }
        '''), {8}),
    ("internal/config/config.go", 'package config\n\ntype Config struct {\n'
     '\tJWTSecret string `env:"JWT_SECRET" envDefault:"dev-secret"`\n'
     '\tPort      string `env:"PORT" envDefault:"8080"`\n}\n', {4}),
    ("app/config.py", 'import os\nsecret = os.getenv("SECRET_KEY")\nif secret is None:\n    secret = "dev"\n', {4}),
    # --- not
    ("internal/config/config.go", d('''
        package config

        import "os"

        func Port() string {
        	port, ok := os.LookupEnv("PORT")
        	if !ok {
        		port = "8080"
        	}
        	return port
        }
        '''), set()),
    ("app/config.py", 'import os\nLEVEL = os.environ["LOG_LEVEL"] if "LOG_LEVEL" in os.environ else "info"\n', set()),
    ("web/src/config.ts", "export const API_URL = process.env.API_URL || 'http://localhost:8080';\n", set()),
    ("app/config.py", d('''
        import os

        SECRET_KEY = os.getenv("SECRET_KEY")
        if not SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set")
        JWT_SECRET = os.environ.get("JWT_SECRET", None)
        if JWT_SECRET is None:
            raise RuntimeError("JWT_SECRET must be set")
        '''), set()),
    ("app/config.py", d('''
        import os

        LOG_LEVEL = os.getenv("LOG_LEVEL", "info")
        PORT = int(os.environ.get("PORT", "8080"))
        DATABASE_HOST = os.getenv("DATABASE_HOST", "localhost")
        '''), set()),
    ("app/settings.py", d('''
        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            secret_key: str
            api_token: str | None = None
            log_level: str = "info"
        '''), set()),
    ("internal/config/config.go", d('''
        package config

        import "os"

        func Port() string {
        	port := os.Getenv("PORT")
        	if port == "" {
        		port = "8080"
        	}
        	return port
        }
        '''), set()),
    ("tests/conftest.py", 'import os\n\nos.environ.setdefault("SECRET_KEY", "test")\nK = os.getenv("JWT_SECRET", "t")\n', set()),
]


@pytest.mark.parametrize("path,text,expected", WEAK_DEFAULT)
def test_config_weak_default_secret(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["config.weak-default-secret"], path, text) == expected


# --------------------------------------------------------------------------------------------
PLACEHOLDER = [
    ("deploy/k8s/configmap.yaml", d('''
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api
        data:
          LOG_LEVEL: info
          PAYMENTS_API_KEY: REPLACE_WITH_PAYMENTS_KEY
        '''), {7}),
    ("charts/api/values.yaml", d('''
        replicaCount: 2
        maps:
          apiKey: your-maps-api-key
        '''), {3}),
    ("config/settings.toml", d('''
        [auth]
        issuer = "https://auth.acme.io"
        signing_secret = "CHANGE-ME"
        '''), {3}),
    ("config/app.ini", "[mail]\nhost = smtp.acme.io\ntoken = PLACEHOLDER\n", {3}),
    (".env", d('''
        APP_ENV=production
        ADMIN_URL=https://admin.example.com/login
        OAUTH_CALLBACK_URL=https://example.com/oauth/callback
        '''), {2, 3}),
    ("charts/api/values.yaml", d('''
        oauth:
          clientId: acme
          redirectUrls:
            - https://app.acme.io/callback
            - PLACEHOLDER
        '''), {5}),
    ("docker-compose.yml", "services:\n  api:\n    environment:\n      - API_KEY=CHANGE-ME\n      - SENTRY_DSN=\n", {4}),
    ("config/app.ini", "[oauth]\nredirect_uri = https://example.com/oauth2/callback\n", {2}),
    # example.com admin/callback links in application code
    ("app/config.py", 'ADMIN_URL = "https://admin.example.com/dashboard"\nLOG_LEVEL = "info"\n', {1}),
    ("internal/config/config.go", 'package config\n\nconst callbackURL = "https://example.com/oauth/callback"\n', {3}),
    ("web/src/config.ts", d('''
        export const config = {
          adminUrl: 'https://admin.example.com',
          homeUrl: 'https://example.com',
        };
        const redirectUri: string = "https://example.com/cb";
        '''), {2, 5}),
    # --- not: template/example files and docs, real values
    ("app/config.py", 'ADMIN_URL = "https://admin.acme.io"\nCALLBACK = "https://example.org.acme.io/cb"\n', set()),
    ("app/cli.py", 'parser.add_argument("--admin-url", default="https://admin.example.com")\n'
                   '# ADMIN_URL = "https://admin.example.com"\n', set()),
    ("app/tests/test_config.py", 'ADMIN_URL = "https://admin.example.com"\n', set()),
    ("deploy/k8s/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n"
                                  "  PLACEHOLDER_IMAGE: /static/img/placeholder.png\n", set()),
    ("config/settings.toml.example", 'signing_secret = "CHANGE-ME"\n', set()),
    ("config/settings.example.toml", 'signing_secret = "CHANGE-ME"\n', set()),
    ("deploy/k8s/configmap.template.yaml", d('''
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api
        data:
          PAYMENTS_API_KEY: REPLACE_WITH_PAYMENTS_KEY
        '''), set()),
    (".env.example", "ADMIN_URL=https://admin.example.com/login\nAPI_KEY=your-api-key\n", set()),
    ("docs/configuration.md", "Set `API_KEY=REPLACE_WITH_KEY` and `ADMIN_URL=https://admin.example.com`.\n", set()),
    ("tests/fixtures/config.toml", 'signing_secret = "CHANGE-ME"\n', set()),
    ("charts/api/values.yaml", "replicaCount: 2\nimage:\n  repository: ghcr.io/acme/api\n  tag: 1.4.2\n", set()),
]


@pytest.mark.parametrize("path,text,expected", PLACEHOLDER)
def test_config_placeholder_value(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["config.placeholder-value"], path, text) == expected


# --------------------------------------------------------------------------------------------
EMPTY_ORIGIN = [
    ("deploy/k8s/configmap.yaml", d('''
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api
        data:
          LOG_LEVEL: info
          CORS_ALLOWED_ORIGINS: ""
        '''), {7}),
    ("deploy/k8s/configmap.yaml", d('''
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ws
        data:
          WS_ALLOWED_ORIGINS: ''
        '''), {6}),
    (".env", "DEBUG=false\nALLOWED_HOSTS=\nDATABASE_URL=postgres://db/app\n", {2}),
    ("docker-compose.yml", d('''
        services:
          api:
            image: acme/api
            environment:
              - LOG_LEVEL=info
              - CORS_ALLOWED_ORIGINS=
        '''), {6}),
    ("docker-compose.yml", d('''
        services:
          api:
            environment:
              CORS_ALLOWED_ORIGINS: ""
              LOG_LEVEL: info
        '''), {4}),
    ("deploy/k8s/deployment.yaml", d('''
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              containers:
                - name: api
                  env:
                    - name: WS_ALLOWED_ORIGINS
                      value: ""
        '''), {11, 12}),
    # --- not
    ("deploy/k8s/configmap.yaml", d('''
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api
        data:
          CORS_ALLOWED_ORIGINS: "https://app.acme.io,https://admin.acme.io"
          WS_ALLOWED_ORIGINS: https://app.acme.io
          LOG_FILE: ""
        '''), set()),
    (".env", "ALLOWED_HOSTS=api.acme.io,localhost\nSENTRY_DSN=\n", set()),
    ("docker-compose.yml", d('''
        services:
          api:
            environment:
              - CORS_ALLOWED_ORIGINS=${CORS_ALLOWED_ORIGINS}
              - EXTRA_ARGS=
        '''), set()),
]


@pytest.mark.parametrize("path,text,expected", EMPTY_ORIGIN)
def test_config_empty_origin_allowlist(path: str, text: str, expected: set[int]) -> None:
    got = run_on_text(RULES["config.empty-origin-allowlist"], path, text)
    if len(expected) > 1:  # env-list form: either the name or the value line is a fair report
        assert len(got) == 1 and got <= expected, got
    else:
        assert got == expected


# --------------------------------------------------------------------------------------------
SECRET_DUMP = [
    ("scripts/backup.sh", d('''
        #!/usr/bin/env bash
        set -euo pipefail
        kubectl get secret db-credentials -n prod -o yaml > db-credentials.yaml
        '''), {3}),
    ("scripts/backup.sh", d('''
        #!/bin/sh
        kubectl -n prod get secrets -o json >"$BACKUP_DIR/secrets.json"
        '''), {2}),
    ("scripts/export.sh", d('''
        #!/bin/bash
        kubectl get secret api -o jsonpath='{.data.token}' | base64 -d > token.txt
        kubectl get secret api -o yaml >> all-secrets.yaml
        '''), {2, 3}),
    ("Makefile", d('''
        .PHONY: backup
        backup:
        \tkubectl get secret $(NAME) -o yaml > backup/$(NAME).yaml
        ''').replace("\\t", "\t"), {3}),
    (".gitlab-ci.yml", d('''
        debug:
          stage: test
          script:
            - env > env.txt
            - make test
          artifacts:
            paths: [env.txt]
        '''), {4}),
    (".github/workflows/ci.yml", d('''
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  printenv > environment.log
                  make build
        '''), {7}),
    ("scripts/backup.sh", "#!/bin/bash\nkubectl get secret db -o yaml | tee db-secret.yaml\n", {2}),
    ("scripts/backup.sh", "#!/bin/bash\nkubectl get secret \\\n  db -n prod \\\n  -o yaml > db.yaml\n", {2}),
    (".gitlab-ci.yml", "debug:\n  script:\n    - printenv | sort > env.txt\n", {3}),
    ("Jenkinsfile", d('''
        node {
          sh "printenv | sort > env.txt"
          sh(script: 'env > e.txt')
          sh 'envsubst < a > b'
          sh 'set -e; make'
        }
        '''), {2, 3}),
    # --- not: reading a secret into a variable, piping to kubectl, non-secret resources
    ("scripts/deploy.sh", d('''
        #!/usr/bin/env bash
        PASSWORD=$(kubectl get secret db -o jsonpath='{.data.password}' | base64 -d)
        kubectl get secret db -o yaml | kubectl apply -n staging -f -
        kubectl get pods -o yaml > pods.yaml
        kubectl get secret db > /dev/null 2>&1 || echo missing
        env | grep -q CI && echo "in CI"
        '''), set()),
    (".gitlab-ci.yml", d('''
        test:
          script:
            - envsubst < deploy/app.tpl > deploy/app.yaml
            - echo "$CI_COMMIT_SHA" > version.txt
        '''), set()),
]


@pytest.mark.parametrize("path,text,expected", SECRET_DUMP)
def test_config_secret_dump(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["config.secret-dump"], path, text) == expected


# --------------------------------------------------------------------------------------------
REALISTIC = [
    (".env.example", "AWS_ACCESS_KEY_ID=AKIA" + "X" * 16 + "\nAWS_REGION=eu-west-1\n", {1}),
    ("config/twilio.env.example", "TWILIO_ACCOUNT_SID=AC" + "X" * 32 + "\nTWILIO_FROM=+15550100\n", {1}),
    ("deploy/values.template.yaml", "aws:\n  accessKeyId: AKIA" + "X" * 16 + "\n  region: eu-west-1\n", {2}),
    ("config/settings.toml.sample", '[aws]\naccess_key_id = "AKIA' + "X" * 16 + '"\n', {2}),
    # --- not
    (".env.example", "AWS_ACCESS_KEY_ID=REPLACE_WITH_ACCESS_KEY_ID\nTWILIO_ACCOUNT_SID=REPLACE_WITH_SID\n", set()),
    (".env.example", "AWS_ACCESS_KEY_ID=<your-access-key-id>\nAWS_SECRET_ACCESS_KEY=\n", set()),
]


@pytest.mark.parametrize("path,text,expected", REALISTIC)
def test_config_realistic_placeholder(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["config.realistic-placeholder"], path, text) == expected


def test_config_realistic_placeholder_is_low() -> None:
    fs = findings("config.realistic-placeholder", ".env.example", "AWS_ACCESS_KEY_ID=AKIA" + "X" * 16 + "\n")
    assert [f.severity for f in fs] == [Severity.LOW]
