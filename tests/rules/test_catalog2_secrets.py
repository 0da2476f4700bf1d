"""Second-round catalog tests for the secrets area (rules-catalog.md, "Secrets and configuration").

Independent of the first round: other spellings, languages and file kinds than
test_catalog_secrets.py / test_secrets_forms.py. Token-shaped values are assembled at run time so
the repository carries no literal that trips a secret scanner.
"""
from __future__ import annotations

import pytest

from bot.models import Severity
from tests.rule_harness import case, findings, lines

# Token-shaped test values, built at run time.
AWS_ID = "AK" + "IA" + "Q3MV7TZP2LXW9RKB"
AWS_SECRET = "uQ8+vK2mX9pL4" + "rT7/wN3zB6cY1hJ5sD0fG8kEaRt"
GHP = "gh" + "p_" + "Wq7Lm2Xz9Rt4" + "Kp8Vn3Bc6Yh1Jd5Fs0Ga"
GHO = "gh" + "o_" + "N4rTq8Lx2Wm6" * 3
SLACK_P = "xo" + "xp-" + "3918274650-5720183946-7392018465-" + "a8F3kQ9mZ2xL7pR4tW6vN1cB5yH0jD2s"
STRIPE = "sk" + "_live_" + "51HxQ2aLm9Rt7" + "Kp3Vn8Bc6Yh1Jd5Fs0GaW2"
GOOGLE = "AI" + "za" + "SyB7x-Kq2Lm9Pz4Rt6Vw8Xy1Nc3Hd5Jf0Gs"
NPM = "np" + "m_" + "Zx8Kq2Lm9Pz4Rt6Vw8Xy1Nc3Hd5Jf0GsAbQr"
PEM_HEAD = "-----BEGIN " + "PRIVATE KEY-----"
PEM_TAIL = "-----END " + "PRIVATE KEY-----"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
EC_HEAD = "-----BEGIN " + "EC PRIVATE KEY-----"
EC_TAIL = "-----END " + "EC PRIVATE KEY-----"
EC_BODY = "MHcCAQEEIOv2xJ4kLm7Qp9Rt3Vw8Xy1Nc6Hd5Jf0GsAbZq2Lm9PoAoGCCqGSM49AwEH"
RANDOM = "pX7q" + "Lm2Wz9" + "Rk4Tv8Nb"
RANDOM_2 = "G5h!" + "s8Qw2z" + "Lk7Pm3Xr"


def check(rule_id: str, c) -> None:
    path, text, expected = c
    assert lines(rule_id, path, text) == expected, (path, text)


# --- secrets.hardcoded -------------------------------------------------------------------------
HARDCODED = [
    case(".env", f"""
        NODE_ENV=production
        AWS_ACCESS_KEY_ID={AWS_ID} «
        AWS_SECRET_ACCESS_KEY={AWS_SECRET} «
        """),
    case("scripts/release.sh", f"""
        #!/usr/bin/env bash
        export GITHUB_TOKEN={GHP} «
        gh release create "$TAG"
        """),
    case("deploy/hosts.env", f"""
        SLACK_TOKEN={SLACK_P} «
        SLACK_CHANNEL=#deploys
        """),
    case("web/src/payments.js", f"""
        const stripe = require('stripe')('{STRIPE}'); «
        module.exports = stripe;
        """),
    case("android/app/src/main/java/com/acme/Maps.java", f"""
        public final class Maps {{
            private static final String API_KEY = "{GOOGLE}"; «
        }}
        """),
    case(".npmrc", f"""
        registry=https://registry.npmjs.org/
        //registry.npmjs.org/:_authToken={NPM} «
        """),
    case("frontend/.npmrc", f"""
        @acme:registry=https://npm.pkg.github.com/
        //npm.pkg.github.com/:_authToken={RANDOM} «
        """),
    case("deploy/tls/server.pem", f"""
        {PEM_HEAD} «
        {PEM_BODY}
        {PEM_TAIL}
        """),
    case("internal/auth/keys.go", f"""
        package auth

        const signingKey = `{EC_HEAD} «
        {EC_BODY}
        {EC_TAIL}`
        """),
    # high-entropy values on secret-like keys, various file kinds and name spellings
    case("src/main/resources/application.properties", f"""
        spring.datasource.url=jdbc:postgresql://db:5432/app
        spring.datasource.password={RANDOM} «
        app.jwt.secret={RANDOM_2} «
        """),
    case("config/database.yml", f"""
        production:
          adapter: postgresql
          username: app
          password: "{RANDOM}" «
        """),
    case("infra/main.tf", f"""
        resource "aws_db_instance" "db" {{
          username = "app"
          password = "{RANDOM_2}" «
        }}
        """),
    case("config/auth.json", f"""
        {{
          "client_id": "acme-web",
          "client_secret": "{RANDOM}" «
        }}
        """),
    case("internal/db/db.go", f"""
        package db

        var cfg = Config{{
        	User:     "app",
        	Password: "{RANDOM_2}", «
        }}
        """),
    case("Dockerfile", f"""
        FROM python:3.12-slim
        ENV API_KEY={RANDOM} «
        CMD ["python", "app.py"]
        """),
    case("app/settings.py", f"""
        import os

        GITHUB_TOKEN = "{GHO}" «
        DEBUG = os.getenv("DEBUG") == "1"
        """),
    # --- not: placeholders, references, secret stores
    case(".env", """
        DB_PASSWORD=changeme
        API_KEY=<secret>
        JWT_SECRET=${JWT_SECRET}
        GITHUB_TOKEN=REPLACE_WITH_GITHUB_TOKEN
        SESSION_SECRET=xxx
        STRIPE_SECRET_KEY=example
        """),
    case("charts/api/templates/secret-env.yaml", """
        env:
          - name: DB_PASSWORD
            value: {{ .Values.db.password | quote }}
          - name: API_TOKEN
            valueFrom:
              secretKeyRef:
                name: api
                key: token
        """),
    case("app/settings.py", """
        import os

        DB_PASSWORD = os.environ.get("DB_PASSWORD")
        API_KEY = os.getenv("API_KEY")
        JWT_SECRET = settings.JWT_SECRET
        """),
    case("web/src/config.ts", """
        export const config = {
          apiKey: process.env.API_KEY,
          secret: process.env.SESSION_SECRET!,
        };
        """),
    case("config/app.yaml", """
        database:
          password: ${DB_PASSWORD}
          token: "{{ vault_token }}"
        """),
]


@pytest.mark.parametrize("c", HARDCODED)
def test_secrets_hardcoded(c) -> None:
    check("secrets.hardcoded", c)


@pytest.mark.parametrize("path", ["tests/fixtures/aws.env", "testdata/creds.yaml", "tests/test_api.py"])
def test_secrets_hardcoded_low_at_most_under_tests(path: str) -> None:
    text = f"AWS_ACCESS_KEY_ID = '{AWS_ID}'\n" if path.endswith(".py") else f"aws_key: {AWS_ID}\n"
    fs = findings("secrets.hardcoded", path, text)
    assert all(f.severity <= Severity.LOW for f in fs), [(f.line, f.severity) for f in fs]


def test_secrets_hardcoded_critical_and_masked() -> None:
    (f,) = findings("secrets.hardcoded", "config/prod.env", f"STRIPE_KEY={STRIPE}\n")
    assert f.severity == Severity.CRITICAL
    assert STRIPE not in (f.snippet or "") and STRIPE not in f.message


# --- k8s.secret-in-vcs ------------------------------------------------------------------------
K8S = [
    case("k8s/secret.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: app-env
          namespace: prod
        type: Opaque
        data: «
          DATABASE_URL: cG9zdGdyZXM6Ly9hcHA6cGFzc0BkYi9hcHA=
        """),
    case("k8s/regcred.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: regcred
        type: kubernetes.io/dockerconfigjson
        data: «
          .dockerconfigjson: eyJhdXRocyI6eyJnaGNyLmlvIjp7ImF1dGgiOiJZV0pqIn19fQ==
        """),
    case("k8s/app-config.yml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: app-config
        stringData: «
          config.yaml: |
            db:
              password: hunter2
        """),
    case("manifests/all.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: api
        spec:
          ports:
            - port: 80
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: api
        stringData: «
          token: abc123
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api
        data:
          LOG_LEVEL: debug
        """),
    # --- not
    case("k8s/secret.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: app-env
        stringData:
          API_KEY:
          DB_PASSWORD: ""
        """),
    case("k8s/secret.yaml.sample", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: app-env
        stringData:
          DB_PASSWORD: s3cr3t
        """),
    case("k8s/secret.template", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: app-env
        stringData:
          DB_PASSWORD: s3cr3t
        """),
    case("k8s/sealed-secret.yaml", """
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata:
          name: app-env
        spec:
          encryptedData:
            DB_PASSWORD: AgA3kLm9Pq2Rs7Tu1Vw5Xy8Zb4Cd6Ef0Gh
          template:
            metadata:
              name: app-env
        """),
    case("k8s/external-secret.yaml", """
        apiVersion: external-secrets.io/v1beta1
        kind: ExternalSecret
        metadata:
          name: app-env
        spec:
          secretStoreRef:
            name: aws
            kind: ClusterSecretStore
          target:
            name: app-env
          data:
            - secretKey: DB_PASSWORD
              remoteRef:
                key: prod/app/db
        """),
]


@pytest.mark.parametrize("c", K8S)
def test_k8s_secret_in_vcs(c) -> None:
    check("k8s.secret-in-vcs", c)


def test_k8s_secret_in_vcs_is_critical() -> None:
    path, text, _ = K8S[0]
    assert [f.severity for f in findings("k8s.secret-in-vcs", path, text)] == [Severity.CRITICAL]


# --- config.weak-default-secret ---------------------------------------------------------------
WEAK = [
    case("app/__init__.py", """
        import os
        from flask import Flask

        app = Flask(__name__)
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev") «
        """),
    case("app/main.py", """
        import os
        from flask import Flask

        app = Flask(__name__)
        app.secret_key = os.getenv("FLASK_SECRET_KEY", "super-secret") «
        """),
    case("app/auth.py", """
        import os

        import jwt


        def issue(payload):
            return jwt.encode(payload, os.getenv("JWT_SECRET", "secret"), algorithm="HS256") «
        """),
    case("app/config.py", """
        import os


        class Config:
            def __init__(self):
                self.jwt_secret = os.environ.get("JWT_SECRET", "dev-secret") «
                self.port = int(os.environ.get("PORT", "8000"))
        """),
    case("app/settings.py", """
        from pydantic import SecretStr
        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            database_url: str = "postgresql://localhost/app"
            jwt_secret: str = "changeme" «
            admin_password: SecretStr = SecretStr("admin") «
        """),
    case("cmd/api/main.go", """
        package main

        import (
        	"log"
        	"os"
        )

        func main() {
        	jwtSecret := os.Getenv("JWT_SECRET")
        	if jwtSecret == "" {
        		jwtSecret = "default" «
        	}
        	log.Println(len(jwtSecret))
        }
        """),
    case("internal/config/config.go", """
        package config

        import "os"

        func getEnv(key, fallback string) string {
        	if v, ok := os.LookupEnv(key); ok {
        		return v
        	}
        	return fallback
        }

        var (
        	Port      = getEnv("PORT", "8080")
        	JWTSecret = getEnv("JWT_SECRET", "x") «
        )
        """),
    # --- not: fallback to None / empty then raise; non-secret names
    case("app/config.py", """
        import os

        JWT_SECRET = os.getenv("JWT_SECRET")
        if JWT_SECRET is None:
            raise RuntimeError("JWT_SECRET is not set")
        SECRET_KEY = os.environ.get("SECRET_KEY", "")
        if not SECRET_KEY:
            raise ValueError("SECRET_KEY is required")
        """),
    case("app/config.py", """
        import os

        DATABASE_HOST = os.getenv("DATABASE_HOST", "localhost")
        LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
        WORKERS = int(os.getenv("WORKERS", "4"))
        """),
    case("cmd/api/main.go", """
        package main

        import (
        	"log"
        	"os"
        )

        func main() {
        	jwtSecret := os.Getenv("JWT_SECRET")
        	if jwtSecret == "" {
        		log.Fatal("JWT_SECRET must be set")
        	}
        	addr := os.Getenv("ADDR")
        	if addr == "" {
        		addr = ":8080"
        	}
        }
        """),
]


@pytest.mark.parametrize("c", WEAK)
def test_config_weak_default_secret(c) -> None:
    check("config.weak-default-secret", c)


def test_config_weak_default_secret_is_high() -> None:
    fs = findings("config.weak-default-secret", "app/config.py",
                  'import os\nJWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")\n')
    assert [(f.line, f.severity) for f in fs] == [(2, Severity.HIGH)]


# --- config.placeholder-value -----------------------------------------------------------------
PLACEHOLDER = [
    case("k8s/configmap.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web
        data:
          SENDGRID_API_KEY: REPLACE_WITH_SENDGRID_KEY «
          ADMIN_URL: https://admin.example.com «
          LOG_LEVEL: info
        """),
    case("helm/web/values.yaml", """
        image:
          repository: ghcr.io/acme/web
        stripe:
          publishableKey: your-stripe-publishable-key «
          webhookSecret: CHANGE-ME «
        """),
    case("config/production.toml", """
        [oauth]
        client_id = "acme"
        callback_url = "https://example.com/auth/callback" «
        api_key = "PLACEHOLDER" «
        """),
    case("deploy/app.env", """
        APP_ENV=production
        MAILGUN_API_KEY=your-mailgun-api-key «
        """),
    case("config/app.ini", """
        [server]
        port = 8080
        secret = REPLACE_WITH_RANDOM_SECRET «
        """),
    # --- not: the same in templates, examples and docs
    case("helm/web/values.example.yaml", """
        stripe:
          publishableKey: your-stripe-publishable-key
          webhookSecret: CHANGE-ME
        """),
    case("deploy/app.env.template", "MAILGUN_API_KEY=your-mailgun-api-key\nADMIN_URL=https://admin.example.com\n"),
    case("docs/deploy.md", "Set `SENDGRID_API_KEY: REPLACE_WITH_SENDGRID_KEY` in the ConfigMap.\n"),
    case("config/production.toml", 'api_key = "${API_KEY}"\ncallback_url = "https://app.acme.io/auth/callback"\n'),
]


@pytest.mark.parametrize("c", PLACEHOLDER)
def test_config_placeholder_value(c) -> None:
    check("config.placeholder-value", c)


def test_config_placeholder_value_is_high() -> None:
    fs = findings("config.placeholder-value", "deploy/app.env", "API_KEY=REPLACE_WITH_API_KEY\n")
    assert [f.severity for f in fs] == [Severity.HIGH]


# --- config.empty-origin-allowlist ------------------------------------------------------------
EMPTY_ORIGIN = [
    case(".env", """
        PORT=8080
        CORS_ALLOWED_ORIGINS="" «
        """),
    case("deploy/prod.env", "WS_ALLOWED_ORIGINS=\nLOG_LEVEL=info\n".replace("WS_ALLOWED_ORIGINS=", "WS_ALLOWED_ORIGINS= «", 1)),
    case("k8s/configmap.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: django
        data:
          DEBUG: "false"
          ALLOWED_HOSTS: "" «
        """),
    case("docker-compose.yml", """
        services:
          ws:
            image: acme/ws
            environment:
              WS_ALLOWED_ORIGINS: '' «
        """),
    case("docker-compose.yaml", """
        services:
          web:
            environment:
              - ALLOWED_HOSTS= «
              - DEBUG=0
        """),
    # --- not: non-empty lists
    case(".env", "CORS_ALLOWED_ORIGINS=https://app.acme.io\nALLOWED_HOSTS=acme.io,www.acme.io\n"),
    case("k8s/configmap.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ws
        data:
          WS_ALLOWED_ORIGINS: "https://app.acme.io"
          CORS_ALLOWED_ORIGINS: https://app.acme.io,https://admin.acme.io
        """),
]


@pytest.mark.parametrize("c", EMPTY_ORIGIN)
def test_config_empty_origin_allowlist(c) -> None:
    check("config.empty-origin-allowlist", c)


def test_config_empty_origin_allowlist_without_reading_code_is_medium_verify() -> None:
    # CRITICAL needs the code that treats empty as allow-all (tests/rules/test_secrets_context.py).
    fs = findings("config.empty-origin-allowlist", ".env", 'CORS_ALLOWED_ORIGINS=""\n')
    assert [f.severity for f in fs] == [Severity.MEDIUM]
    assert "verify" in fs[0].message


# --- config.secret-dump -----------------------------------------------------------------------
SECRET_DUMP = [
    case("scripts/snapshot.sh", """
        #!/usr/bin/env bash
        kubectl get secret app-env -n prod -o=yaml > app-env.yaml «
        """),
    case("scripts/snapshot.sh", """
        #!/usr/bin/env bash
        kubectl get secrets --all-namespaces -o json > secrets-backup.json «
        kubectl get secret tls --namespace prod --output yaml > tls.yaml «
        """),
    case("Makefile", """
        dump-secrets:
        \tkubectl get secrets -o json > secrets.json «
        """.replace("\\t", "\t")),
    case(".github/workflows/debug.yml", """
        on: workflow_dispatch
        jobs:
          debug:
            runs-on: ubuntu-latest
            steps:
              - run: env > env-dump.txt «
              - uses: actions/upload-artifact@v4
                with:
                  path: env-dump.txt
        """),
    case(".gitlab-ci.yml", """
        debug:
          script:
            - env | sort > ci-env.txt «
        """),
    # --- not: reading a secret into a variable without writing it
    case("scripts/deploy.sh", """
        #!/usr/bin/env bash
        DB_PASS=$(kubectl get secret db -o jsonpath='{.data.password}' | base64 --decode)
        TOKEN="$(kubectl get secret api -o json | jq -r '.data.token' | base64 -d)"
        kubectl get configmap app -o yaml > app-config.yaml
        export DB_PASS TOKEN
        """),
]


@pytest.mark.parametrize("c", SECRET_DUMP)
def test_config_secret_dump(c) -> None:
    check("config.secret-dump", c)


def test_config_secret_dump_is_medium() -> None:
    fs = findings("config.secret-dump", "scripts/b.sh", "kubectl get secret x -o yaml > x.yaml\n")
    assert [f.severity for f in fs] == [Severity.MEDIUM]


# --- config.realistic-placeholder -------------------------------------------------------------
REALISTIC = [
    case(".env.template", "AWS_ACCESS_KEY_ID=AKIA" + "X" * 16 + " «\nAWS_DEFAULT_REGION=us-east-1\n"),
    case("deploy/values.example.yaml", "twilio:\n  accountSid: AC" + "X" * 32 + " «\n  fromNumber: '+15550100'\n"),
    case("config/aws.sample.json", '{\n  "accessKeyId": "AKIA' + "X" * 16 + '", «\n  "region": "eu-west-1"\n}\n'),
    # --- not
    case(".env.template", "AWS_ACCESS_KEY_ID=REPLACE_WITH_AWS_ACCESS_KEY_ID\nTWILIO_ACCOUNT_SID=REPLACE_WITH_TWILIO_SID\n"),
]


@pytest.mark.parametrize("c", REALISTIC)
def test_config_realistic_placeholder(c) -> None:
    check("config.realistic-placeholder", c)


# --- round 2: more spellings ------------------------------------------------------------------
RSA_HEAD = "-----BEGIN " + "RSA PRIVATE KEY-----"
RSA_TAIL = "-----END " + "RSA PRIVATE KEY-----"
GHP_X = "gh" + "p_" + "X" * 36
MORE = [
    ("secrets.hardcoded", case("k8s/deployment.yaml", f"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              containers:
                - name: api
                  image: acme/api:1.0
                  env:
                    - name: DB_PASSWORD
                      value: "{RANDOM}" «
        """)),
    ("secrets.hardcoded", case("appsettings.json", f"""
        {{
          "ConnectionStrings": {{
            "Default": "Server=db;Database=app;User Id=sa;Password={RANDOM_2};" «
          }}
        }}
        """)),
    ("secrets.hardcoded", case("k8s/tls.yaml", f"""
        tls:
          cert: ok
          key: |
            {RSA_HEAD} «
            {PEM_BODY}
            {RSA_TAIL}
        """)),
    ("secrets.hardcoded", case(".github/workflows/deploy.yml", f"""
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            env:
              DEPLOY_TOKEN: {RANDOM} «
            steps:
              - run: ./deploy.sh
        """)),
    ("secrets.hardcoded", case(".env", f"""
        export SECRET_KEY='{RANDOM_2}' «
        export DATABASE_URL=postgres://app:{RANDOM}@db:5432/app «
        """)),
    ("config.weak-default-secret", case("app/settings.py", """
        import os

        os.environ.setdefault("SECRET_KEY", "dev-secret-key") «
        JWT_SECRET: str = os.getenv("JWT_SECRET", "secret") «
        APP_NAME: str = os.getenv("APP_NAME", "secret-service")
        """)),
    ("config.weak-default-secret", case("internal/config/config.go", """
        package config

        import (
        	"cmp"
        	"os"
        )

        func Load() Config {
        	secret := os.Getenv("SESSION_SECRET")
        	if len(secret) == 0 {
        		secret = "keyboard-cat" «
        	}
        	return Config{
        		Secret: secret,
        		JWTKey: cmp.Or(os.Getenv("JWT_SECRET"), "dev"), «
        		Addr:   cmp.Or(os.Getenv("ADDR"), ":8080"),
        	}
        }
        """)),
    ("config.weak-default-secret", case("web/src/config.js", """
        const {
          PORT = "3000",
          JWT_SECRET = "dev-secret", «
          SESSION_SECRET: sessionSecret = "keyboard cat", «
        } = process.env;
        const { API_KEY, LOG_LEVEL = "info" } = process.env;
        """)),
    ("config.empty-origin-allowlist", case("config/production.json", """
        {
          "port": 8080,
          "cors": {
            "allowedOrigins": "", «
            "allowedMethods": ""
          }
        }
        """)),
    ("config.empty-origin-allowlist", case("config/production.json", """
        {"cors": {"allowedOrigins": "https://app.acme.io"}, "ALLOWED_HOSTS": "acme.io"}
        """)),
    ("config.placeholder-value", case("Dockerfile", """
        FROM node:20-alpine
        ENV STRIPE_SECRET_KEY=REPLACE_WITH_STRIPE_KEY «
        ENV NODE_ENV=production
        """)),
    ("config.placeholder-value", case("config/production.json", """
        {
          "apiKey": "PLACEHOLDER", «
          "adminUrl": "https://admin.example.com/panel", «
          "port": 8080
        }
        """)),
    ("config.placeholder-value", case(".env.production", """
        SENDGRID_API_KEY=your-sendgrid-api-key «
        APP_URL=https://app.acme.io
        """)),
    ("config.empty-origin-allowlist", case("helm/api/values.yaml", """
        replicaCount: 2
        env:
          CORS_ORIGINS: "" «
          ALLOWED_ORIGINS: '' «
        """)),
    ("config.empty-origin-allowlist", case(".env.production", """
        ALLOWED_ORIGINS="" «
        DEBUG=false
        """)),
    ("config.secret-dump", case("scripts/backup-secrets.sh", """
        #!/bin/bash
        for ns in prod staging; do
          kubectl get secrets -n "$ns" -oyaml > "backup/$ns-secrets.yaml" «
        done
        kubectl get secret app -o jsonpath='{.data.password}' > password.b64 «
        """)),
    ("config.secret-dump", case("scripts/seal.sh", """
        #!/bin/bash
        kubectl get secret app -o yaml | kubeseal --format yaml > sealed-app.yaml
        kubectl get secret app -o name > /dev/null
        kubectl get secret app -o yaml | sops --encrypt --input-type yaml /dev/stdin > app.enc.yaml
        """)),
    ("config.secret-dump", case("scripts/seal.sh", """
        #!/bin/bash
        kubectl get secret app -o yaml | tee app.yaml | kubeseal > sealed-app.yaml «
        """)),
    ("config.realistic-placeholder", case(".env.example", f"""
        GITHUB_TOKEN={GHP_X} «
        """)),
]


@pytest.mark.parametrize("rule_id,c", MORE)
def test_more_forms(rule_id: str, c) -> None:
    check(rule_id, c)
