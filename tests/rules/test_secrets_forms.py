"""(payload, should_flag) tables for the secrets rules: what they catch, and what they must leave alone."""
from __future__ import annotations

import pytest

from bot.config import Config
from bot.engine import analyze_file
from bot.models import Severity
from checks import all_rules
from checks.source import SourceFile

RULES = all_rules()


def findings(rule_id: str, path: str, text: str):
    return analyze_file(SourceFile(path, text), {rule_id: RULES[rule_id]}, Config()).findings


HARDCODED = [
    ("config.py", 'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n', True),
    ("app.yaml", "aws:\n  key: AKIAZ7Q4X2LMN8RTV3PW\n", True),
    ("main.go", 'package main\n\nvar tok = "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"\n', True),
    ("hosts.env", "DB_PASSWORD=Tg7#pLq2xW9zR4mK\n", True),
    ("settings.json", '{"apiKey": "c9Qm2Xv7Lp4Zk8Rw1Tn6Bj3"}\n', True),
    ("id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcn\n-----END OPENSSH PRIVATE KEY-----\n", True),
    ("app.rb", "config.api_key = 'Lm4Qz8Xv2Rt6Pw1Ky9Jb3Hn7'\n", True),
    ("db.properties", "spring.datasource.password=Wq4!zN8pXr2Lk7Tm\n", True),
    ("Dockerfile", "ENV SLACK_TOKEN=xoxp-2817465093-4829173650284-qW3eRt5yUi7oP9aS\n", True),
    # not
    ("config.py", 'PASSWORD = os.environ.get("PASSWORD")\n', False),
    ("config.py", "SECRET_KEY = get_random_secret_key()\n", False),
    ("config.py", 'API_KEY = "${API_KEY}"\n', False),
    ("app.yaml", "password: '{{ .Values.db.password }}'\n", False),
    ("app.yaml", "token: REPLACE_WITH_TOKEN\n", False),
    ("app.yaml", "password: xxxxxxxxxxxx\n", False),
    ("app.yaml", "secret: vault:secret/data/api#jwt\n", False),
    ("app.yaml", "apiKey: dummy-api-key-123\n", False),
    ("app.yaml", "password: example-password-1\n", False),
    ("app.env", "DB_PASSWORD=$(cat /run/secrets/db)\n", False),
    ("app.py", 'if "-----BEGIN RSA PRIVATE KEY-----" in pem:\n    pass\n', False),
    ("app.py", 'token_type = "Bearer"\nmax_tokens = 4096\n', False),
    ("app.py", "def f(secret_key: 'Optional[str]' = None):\n    pass\n", False),
    ("app.py", 'x = "AKIAIOSFODNN7EXAMPLE"\n', False),
    ("web.js", 'const password = form.elements["password"].value;\n', False),
    ("package-lock.json", '{"integrity": "sha512-Tg7pLq2xW9zR4mK"}\n', False),
    ("app.min.js", "var a='ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';\n", False),
]


@pytest.mark.parametrize("path,text,should_flag", HARDCODED)
def test_hardcoded(path: str, text: str, should_flag: bool) -> None:
    assert bool(findings("secrets.hardcoded", path, text)) is should_flag


def test_hardcoded_masks_secret_in_snippet_and_message() -> None:
    (f,) = findings("secrets.hardcoded", "config.py",
                    'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n')
    assert f.snippet == 'AWS_SECRET_ACCESS_KEY = "wJal…(masked)"'
    assert "K7MDENG" not in f.message and "K7MDENG" not in f.snippet
    (pem,) = findings("secrets.hardcoded", "deploy/key.pem",
                      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oRRB4AKXjx0nYzK2oAoGCCqGSM49\n"
                      "-----END EC PRIVATE KEY-----\n")
    assert "MHcC" not in pem.snippet


@pytest.mark.parametrize("path", ["tests/fixtures/creds.env", "testdata/keys.yaml", "pkg/auth/auth_test.go"])
def test_hardcoded_is_low_in_tests(path: str) -> None:
    text = 'package auth\n\nvar key = "AKIAZ7Q4X2LMN8RTV3PW"\n' if path.endswith(".go") else "token: AKIAZ7Q4X2LMN8RTV3PW\n"
    (f,) = findings("secrets.hardcoded", path, text)
    assert f.severity is Severity.LOW


WEAK_DEFAULT = [
    ("app/settings.py", 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", default="x")\n', True),
    ("app/settings.py", 'import environ\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY", default="dev")\n', True),
    ("app/settings.py", 'import os\nclass Config:\n    SECRET_KEY = os.environ.get("SECRET_KEY") or "hard to guess"\n', True),
    ("app/settings.py", 'from dataclasses import dataclass\n@dataclass\nclass AuthConfig:\n    api_key: str = "abc"\n', True),
    ("internal/cfg/cfg.go", 'package cfg\n\nimport "github.com/spf13/viper"\n\nfunc init() {\n\tviper.SetDefault("auth.jwt_secret", "changeme")\n}\n', True),
    ("internal/cfg/cfg.go", 'package cfg\n\nfunc Load() string {\n\tjwtSecret := lookup("JWT_SECRET")\n\tif jwtSecret == "" {\n\t\tjwtSecret = "dev"\n\t}\n\treturn jwtSecret\n}\n', True),
    # not
    ("app/settings.py", 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", None)\nif SECRET_KEY is None:\n    raise SystemExit("no key")\n', False),
    ("app/settings.py", 'import os\nDEBUG = os.getenv("DEBUG", "false")\n', False),
    ("app/settings.py", 'import os\nTOKEN_TTL = os.getenv("TOKEN_TTL", "3600")\n', False),
    ("app/settings.py", 'from pydantic import BaseModel\nclass Login(BaseModel):\n    password: str\n', False),
    ("internal/cfg/cfg.go", 'package cfg\n\nfunc Load() string {\n\tport := getEnv("PORT", "8080")\n\treturn port\n}\n', False),
    ("internal/cfg/cfg.go", 'package cfg\n\nimport "errors"\n\nfunc Check(secret string) error {\n\tif secret == "" {\n\t\treturn errors.New("JWT_SECRET is required")\n\t}\n\treturn nil\n}\n', False),
]


@pytest.mark.parametrize("path,text,should_flag", WEAK_DEFAULT)
def test_weak_default(path: str, text: str, should_flag: bool) -> None:
    assert bool(findings("config.weak-default-secret", path, text)) is should_flag


SECRET_DUMP = [
    ("deploy.sh", "kubectl get secret/api -o yaml > api.yaml\n", True),
    ("deploy.sh", "oc get secrets -o json | tee secrets.json\n", True),
    ("deploy.sh", "env >> debug.log\n", True),
    (".gitlab-ci.yml", "job:\n  script:\n    - env > variables.txt\n", True),
    ("Dockerfile", "FROM alpine\nRUN printenv > /env.txt\n", True),
    # not
    ("deploy.sh", "kubectl get secret api -o name\n", False),
    ("deploy.sh", "kubectl get secret api -o yaml 2>/dev/null | kubectl apply -f -\n", False),
    ("deploy.sh", "kubectl get pods -o yaml > pods.yaml\n", False),
    ("deploy.sh", "env > /dev/null\n", False),
    ("deploy.sh", "environment=prod > /dev/null\n", False),
]


@pytest.mark.parametrize("path,text,should_flag", SECRET_DUMP)
def test_secret_dump(path: str, text: str, should_flag: bool) -> None:
    assert bool(findings("config.secret-dump", path, text)) is should_flag


EMPTY_ORIGINS = [
    ("deploy/k8s/cm.yaml", 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  CORS_ALLOWED_ORIGINS: ""\n', True),
    ("config.toml", 'allowed_origins = ""\n', True),
    ("Dockerfile", 'FROM alpine\nENV WS_ALLOWED_ORIGINS=""\n', True),
    ("deploy/k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  CORS_ALLOWED_ORIGINS: https://a.io\n", False),
    ("values.yaml", "cors:\n  allowedOrigins:\n    - https://a.io\n", False),
    ("compose.yaml", "services:\n  a:\n    environment:\n      CORS_ALLOW_ALL_ORIGINS: \"\"\n", False),
]


@pytest.mark.parametrize("path,text,should_flag", EMPTY_ORIGINS)
def test_empty_origin_allowlist(path: str, text: str, should_flag: bool) -> None:
    assert bool(findings("config.empty-origin-allowlist", path, text)) is should_flag


PLACEHOLDERS = [
    ("config/prod.ini", "[auth]\nsecret = CHANGE_ME\n", True),
    ("deploy/app.env", "WEBHOOK_URL=https://hooks.example.com/notify\n", True),
    ("config/settings.json", '{"apiKey": "YOUR_API_KEY"}\n', True),
    ("config/settings.json", '{"apiKey": "${API_KEY}"}\n', False),
    ("config/app.env.template", "API_KEY=REPLACE_WITH_KEY\n", False),
    ("README.md", "API_KEY=REPLACE_WITH_KEY\n", False),
    ("deploy/app.env", "LOG_FORMAT=json\n", False),
]


@pytest.mark.parametrize("path,text,should_flag", PLACEHOLDERS)
def test_placeholder_value(path: str, text: str, should_flag: bool) -> None:
    assert bool(findings("config.placeholder-value", path, text)) is should_flag


REALISTIC = [
    ("config.example.yaml", "key: AKIAXXXXXXXXXXXXXXXX\n", True),
    ("deploy/app.env", "TWILIO_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", True),
    ("deploy/app.env", "AWS_ACCESS_KEY_ID=REPLACE_WITH_AWS_ACCESS_KEY_ID\n", False),
    ("deploy/app.env", "TWILIO_SID=AC3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c8e\n", False),
]


@pytest.mark.parametrize("path,text,should_flag", REALISTIC)
def test_realistic_placeholder(path: str, text: str, should_flag: bool) -> None:
    assert bool(findings("config.realistic-placeholder", path, text)) is should_flag
