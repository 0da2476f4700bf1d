"""Table tests for the exec/deserialization/TLS/debug/proxy/SSRF/HSTS security rules."""
from __future__ import annotations

import pytest

from checks import all_rules
from tests.rule_harness import run_on_text

RULES = all_rules()

CASES = [
    # --- exec.command-injection -------------------------------------------------------------
    ("exec.command-injection", "app/a.py", "import subprocess\ndef f(x):\n    subprocess.call('ls ' + x, shell=True)\n", True),
    ("exec.command-injection", "app/a.py", "from subprocess import check_output as co\ndef f(x):\n    co(f'du -sh {x}', shell=True)\n", True),
    ("exec.command-injection", "app/a.py", "import os\ndef f(cmd):\n    os.system(cmd)\n", True),
    ("exec.command-injection", "app/a.py", "import subprocess\ndef f(x):\n    return subprocess.getoutput('whois ' + x)\n", True),
    ("exec.command-injection", "app/a.py", "import subprocess\ndef f(x):\n    cmd = 'ping -c1 %s' % x\n    subprocess.run(cmd, shell=True)\n", True),
    ("exec.command-injection", "app/a.py", "import subprocess\ndef f(x):\n    subprocess.run(['ping', '-c1', x])\n", False),
    ("exec.command-injection", "app/a.py", "import subprocess, shlex\ndef f(x):\n    subprocess.run('ping -c1 ' + shlex.quote(x), shell=True)\n", False),
    ("exec.command-injection", "app/a.py", "from shlex import quote\nimport subprocess\ndef f(x):\n    subprocess.run(f'ping -c1 {quote(x)}', shell=True)\n", False),
    ("exec.command-injection", "app/a.py", "import os\nos.system('clear')\n", False),
    ("exec.command-injection", "app/a.py", "import subprocess\nCMD = 'make build'\nsubprocess.run(CMD, shell=True)\n", False),
    ("exec.command-injection", "app/a.py", "import subprocess\ndef f(x):\n    subprocess.run('echo hi', shell=False)\n", False),
    ("exec.command-injection", "internal/x/run.go",
     'package x\n\nimport "os/exec"\n\nfunc R(s string) error {\n\treturn exec.Command("sh", "-c", s).Run()\n}\n', True),
    ("exec.command-injection", "internal/x/run.go",
     'package x\n\nimport (\n\t"fmt"\n\t"os/exec"\n)\n\nfunc R(s string) error {\n\treturn exec.Command("bash", "-c", fmt.Sprintf("echo %s", s)).Run()\n}\n', True),
    ("exec.command-injection", "internal/x/run.go",
     'package x\n\nimport "os/exec"\n\nfunc R(s string) error {\n\treturn exec.Command("ls", "-la", s).Run()\n}\n', False),
    ("exec.command-injection", "internal/x/run.go",
     'package x\n\nimport "os/exec"\n\nfunc R() error {\n\treturn exec.Command("sh", "-c", "ls | wc -l").Run()\n}\n', False),
    # --- code.unsafe-deserialization ----------------------------------------------------------
    ("code.unsafe-deserialization", "app/a.py", "import yaml as y\ndef f(s):\n    return y.load(s)\n", True),
    ("code.unsafe-deserialization", "app/a.py", "import yaml\ndef f(s):\n    return yaml.load(s, Loader=yaml.UnsafeLoader)\n", True),
    ("code.unsafe-deserialization", "app/a.py", "import yaml\ndef f(s):\n    return yaml.full_load(s)\n", True),
    ("code.unsafe-deserialization", "app/a.py", "import yaml\ndef f(s):\n    return yaml.load(s, Loader=yaml.CSafeLoader)\n", False),
    ("code.unsafe-deserialization", "app/a.py", "from yaml import safe_load\ndef f(s):\n    return safe_load(s)\n", False),
    ("code.unsafe-deserialization", "app/a.py", "import pickle\ndef f(resp):\n    return pickle.loads(resp.content)\n", True),
    ("code.unsafe-deserialization", "app/a.py", "import dill\ndef f(blob):\n    return dill.loads(blob)\n", True),
    ("code.unsafe-deserialization", "app/a.py", "import pickle\ndef f(o):\n    return pickle.loads(pickle.dumps(o))\n", False),
    ("code.unsafe-deserialization", "app/a.py", "def f(request):\n    return eval(request.GET['q'])\n", True),
    ("code.unsafe-deserialization", "app/a.py", "def f():\n    return eval('2 + 2')\n", False),
    ("code.unsafe-deserialization", "app/a.py", "class M:\n    def eval(self, x):\n        return x\n\nm = M()\nm.eval('x')\n", False),
    # --- net.tls-verify-off ------------------------------------------------------------------
    ("net.tls-verify-off", "app/a.py", "import requests\nrequests.post('https://x', data={}, verify=False)\n", True),
    ("net.tls-verify-off", "app/a.py", "import httpx\nasync def f():\n    async with httpx.AsyncClient(verify=False) as c:\n        pass\n", True),
    ("net.tls-verify-off", "app/a.py", "import ssl\nssl._create_default_https_context = ssl._create_unverified_context\n", True),
    ("net.tls-verify-off", "app/a.py", "import urllib3\nhttp = urllib3.PoolManager(cert_reqs='CERT_NONE')\n", True),
    ("net.tls-verify-off", "app/a.py", "import jwt\ndef f(t):\n    return jwt.decode(t, verify=False)\n", False),
    ("net.tls-verify-off", "app/a.py", "import requests\nrequests.get('https://x', verify=True)\n", False),
    ("net.tls-verify-off", "tests/test_a.py", "import requests\nrequests.get('https://x', verify=False)\n", False),
    # --- web.debug-enabled -------------------------------------------------------------------
    ("web.debug-enabled", "app/server.py", "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n", True),
    ("web.debug-enabled", "app/server.py", "import asyncio\nasyncio.run(main(), debug=True)\n", False),
    ("web.debug-enabled", "config/settings/prod.py", "DEBUG = True\n", True),
    ("web.debug-enabled", "config/settings/dev.py", "DEBUG = True\n", False),
    ("web.debug-enabled", "config/settings_test.py", "DEBUG = True\n", False),
    ("web.debug-enabled", "app/models.py", "DEBUG = True\n", False),
    ("web.debug-enabled", "deploy/values.yaml", "env:\n  GIN_MODE: debug\n", True),
    ("web.debug-enabled", "deploy/values.yaml", "env:\n  GIN_MODE: release\n", False),
    ("web.debug-enabled", ".env", "GIN_MODE=debug\n", True),
    ("web.debug-enabled", ".env.local", "GIN_MODE=debug\n", False),
    # --- net.untrusted-proxy -------------------------------------------------------------------
    ("net.untrusted-proxy", "app/a.py", "from fastapi import Request\nasync def f(request: Request):\n    return request.headers.get('x-forwarded-for')\n", True),
    ("net.untrusted-proxy", "app/a.py", "from fastapi import Request\nasync def f(request: Request):\n    return request.client.host\n", False),
    ("net.untrusted-proxy", "app/a.py", "from werkzeug.middleware.proxy_fix import ProxyFix\ndef w(app):\n    return ProxyFix(app)\n", False),
    # --- net.ssrf-unvalidated-endpoint ----------------------------------------------------------
    ("net.ssrf-unvalidated-endpoint", "app/a.py", "import requests\nfrom app.config import settings\ndef f(p):\n    return requests.post(f'{settings.crm_base_url}/leads', json=p)\n", True),
    ("net.ssrf-unvalidated-endpoint", "app/a.py", "import aiohttp\nasync def f(s: aiohttp.ClientSession, webhook_url):\n    await s.post(webhook_url, json={})\n", True),
    ("net.ssrf-unvalidated-endpoint", "app/a.py", "import requests\ndef f(path):\n    return requests.get('https://api.github.com/' + path)\n", False),
    ("net.ssrf-unvalidated-endpoint", "app/a.py", "import requests\nfrom urllib.parse import urlparse\ndef f(webhook_url):\n    if urlparse(webhook_url).scheme != 'https':\n        raise ValueError\n    requests.post(webhook_url)\n", False),
    # --- web.hsts-missing ---------------------------------------------------------------------
    ("web.hsts-missing", "nginx/default.conf", "server {\n  listen 443 ssl;\n  ssl_certificate /a.crt;\n}\n", True),
    ("web.hsts-missing", "nginx/default.conf", "server {\n  listen 80;\n  location / { proxy_pass http://a; }\n}\n", False),
    ("web.hsts-missing", "nginx/default.conf",
     "server {\n  listen 443 ssl;\n  ssl_certificate /a.crt;\n  add_header Strict-Transport-Security \"max-age=31536000\" always;\n}\n", False),
]


@pytest.mark.parametrize("rule_id,path,text,should_flag", CASES)
def test_forms(rule_id: str, path: str, text: str, should_flag: bool) -> None:
    flagged = run_on_text(RULES[rule_id], path, text)
    assert bool(flagged) == should_flag, (rule_id, path, flagged)


MORE = [
    ("net.ssrf-unvalidated-endpoint", "app/api.py",
     "import httpx\nfrom fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get('/fetch')\n"
     "async def fetch(url: str):\n    async with httpx.AsyncClient() as c:\n        return (await c.get(url)).text\n", True),
    ("net.ssrf-unvalidated-endpoint", "app/api.py",
     "import httpx\n\ndef fetch(url: str):\n    return httpx.get(url).text\n", False),
    ("web.debug-enabled", "app/config.py",
     "class Config:\n    DEBUG = False\n\nclass ProductionConfig(Config):\n    DEBUG = True\n", True),
    ("web.debug-enabled", "app/config.py",
     "class Config:\n    DEBUG = False\n\nclass DevelopmentConfig(Config):\n    DEBUG = True\n", False),
]


@pytest.mark.parametrize("rule_id,path,text,should_flag", MORE)
def test_more_forms(rule_id: str, path: str, text: str, should_flag: bool) -> None:
    flagged = run_on_text(RULES[rule_id], path, text)
    assert bool(flagged) == should_flag, (rule_id, path, flagged)


TEMPLATES = [
    ("web.hsts-missing", "chart/templates/ingress.yaml",
     "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n"
     "    {{- if .Values.x }}\n    nginx.ingress.kubernetes.io/hsts: \"false\"\n    {{- end }}\n", {7}),
    ("web.debug-enabled", "chart/templates/cm.yaml",
     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  {{- if .Values.x }}\n"
     "  GIN_MODE: debug\n  {{- end }}\n", {7}),
    ("web.debug-enabled", "chart/templates/cm.yaml",
     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  GIN_MODE: {{ .Values.ginMode }}\n",
     set()),
]


@pytest.mark.parametrize("rule_id,path,text,lines", TEMPLATES)
def test_unparseable_templates(rule_id: str, path: str, text: str, lines: set[int]) -> None:
    assert run_on_text(RULES[rule_id], path, text) == lines


def test_websocket_accept_options_are_not_tls() -> None:
    text = ('package rt\n\nimport (\n\t"net/http"\n\n\t"nhooyr.io/websocket"\n)\n\n'
            'func H(w http.ResponseWriter, r *http.Request) {\n'
            '\t_, _ = websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})\n}\n')
    assert run_on_text(RULES["net.tls-verify-off"], "internal/rt/ws.go", text) == set()


def test_tls_config_in_slice_of_structs() -> None:
    text = ('package c\n\nimport stdtls "crypto/tls"\n\nvar cfgs = []*stdtls.Config{\n'
            '\t{InsecureSkipVerify: true},\n}\n')
    assert run_on_text(RULES["net.tls-verify-off"], "internal/c/c.go", text) == {6}


def test_websocket_client_sslopt() -> None:
    text = 'import ssl\nimport websocket\n\nws = websocket.create_connection(\n    "wss://x",\n    sslopt={"cert_reqs": ssl.CERT_NONE},\n)\n'
    assert run_on_text(RULES["net.tls-verify-off"], "app/ws.py", text) == {6}
