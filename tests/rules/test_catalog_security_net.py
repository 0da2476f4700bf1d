"""Catalog conformance: net/exec/deserialization security rules, written from the catalog rows.

Each case is `(path, text, expected_lines)`. Cases are written with a `«` marker at the end of each
line the rule must flag; `case()` strips the markers and records those line numbers, so the rule
sees ordinary source text and the expected set is the exact set of flagged lines.
"""
from __future__ import annotations


import pytest

from checks import all_rules
from tests.rule_harness import case, findings as _findings

RULES = all_rules()


def run(rule_id: str, path: str, text: str) -> set[int]:
    return {f.line for f in findings(rule_id, path, text)}


def table(rule_id: str, cases: list[tuple[str, str, set[int]]]):
    return [pytest.param(rule_id, *c, id=f"{rule_id}-{i}-{c[0]}") for i, c in enumerate(cases)]


# --- net.untrusted-proxy -----------------------------------------------------------------------

PROXY = [
    case("internal/middleware/ratelimit.go", """
        package middleware

        import (
        	"net/http"

        	"github.com/gin-gonic/gin"
        )

        func RateLimit(l *Limiter) gin.HandlerFunc {
        	return func(c *gin.Context) {
        		ip := c.GetHeader("X-Forwarded-For")  «
        		if !l.Allow(ip) {
        			c.AbortWithStatus(http.StatusTooManyRequests)
        			return
        		}
        		c.Next()
        	}
        }
    """),
    case("internal/api/admin.go", """
        package api

        import (
        	"net/http"
        	"strings"
        )

        func adminOnly(next http.Handler) http.Handler {
        	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        		clientIP := strings.Split(r.Header.Get("X-Forwarded-For"), ",")[0]  «
        		if !allowedAdminIPs[clientIP] {
        			http.Error(w, "forbidden", http.StatusForbidden)
        			return
        		}
        		next.ServeHTTP(w, r)
        	})
        }
    """),
    case("app/ratelimit.py", """
        from flask import request, abort

        def check_rate_limit():
            ip = request.headers["X-Forwarded-For"]  «
            if limiter.hit(ip) > 100:
                abort(429)
    """),
    case("app/middleware.py", """
        from fastapi import Request, HTTPException

        async def ip_allowlist(request: Request, call_next):
            client_ip = request.headers.get('x-forwarded-for', '').split(',')[0]  «
            if client_ip not in settings.ADMIN_IPS:
                raise HTTPException(status_code=403)
            return await call_next(request)
    """),
    case("cmd/server/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	r := gin.Default()  «
        	r.GET("/healthz", func(c *gin.Context) { c.String(200, "ok") })
        	r.Run(":8080")
        }
    """),
    # --- not
    case("cmd/server/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	r := gin.Default()
        	if err := r.SetTrustedProxies([]string{"10.0.0.0/8"}); err != nil {
        		panic(err)
        	}
        	r.GET("/ip", func(c *gin.Context) { c.String(200, c.ClientIP()) })
        	r.Run(":8080")
        }
    """),
    case("internal/middleware/ratelimit.go", """
        package middleware

        import "github.com/gin-gonic/gin"

        func Setup(r *gin.Engine, l *Limiter) {
        	_ = r.SetTrustedProxies([]string{"10.0.0.0/8"})
        	r.Use(func(c *gin.Context) {
        		if !l.Allow(c.ClientIP()) {
        			c.AbortWithStatus(429)
        		}
        	})
        }
    """),
    case("internal/api/logging.go", """
        package api

        import (
        	"log"
        	"net/http"
        )

        func logRequest(r *http.Request) {
        	log.Printf("path=%s xff=%s", r.URL.Path, r.Header.Get("X-Forwarded-For"))
        }
    """),
    case("app/wsgi.py", """
        from flask import Flask
        from werkzeug.middleware.proxy_fix import ProxyFix

        app = Flask(__name__)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    """),
]


# --- net.ssrf-unvalidated-endpoint ---------------------------------------------------------------

# A URL only the operator sets (environment, flags, settings filled from them) is not SSRF: the cases
# reading os.Getenv / os.environ below stay silent; settings whose origin is unseen fire at MEDIUM.
SSRF = [
    case("internal/notify/webhook.go", """
        package notify

        import (
        	"bytes"
        	"net/http"
        )

        type Publisher struct {
        	endpoint string
        	client   *http.Client
        }

        func (p *Publisher) Send(body []byte) error {
        	req, err := http.NewRequest("POST", p.endpoint+"/v1/events", bytes.NewReader(body))  «
        	if err != nil {
        		return err
        	}
        	_, err = p.client.Do(req)
        	return err
        }
    """),
    case("internal/notify/webhook.go", """
        package notify

        import (
        	"context"
        	"net/http"
        	"os"
        )

        func Ping(ctx context.Context) error {
        	base := os.Getenv("CALLBACK_URL")
        	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ping", nil)
        	if err != nil {
        		return err
        	}
        	_, err = http.DefaultClient.Do(req)
        	return err
        }
    """),
    case("app/webhooks.py", """
        import requests
        from django.conf import settings

        def notify(payload):
            return requests.post(settings.WEBHOOK_URL + "/notify", json=payload, timeout=5)  «
    """),
    case("app/webhooks.py", """
        import requests
        from app.config import settings

        def notify(event):
            requests.post(  «
                f"{settings.WEBHOOK_URL}/events",
                json=event,
                timeout=5,
            )
    """),
    case("app/api/preview.py", """
        import httpx
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/preview")
        async def preview(user_url: str):
            resp = httpx.get(user_url, timeout=5)  «
            return {"status": resp.status_code}
    """),
    case("app/fetch.py", """
        import os
        import requests as http

        def fetch_config():
            return http.get(os.environ["CONFIG_SERVICE_URL"], timeout=3).json()
    """),
    # --- not: validated values, constants
    case("internal/notify/webhook.go", """
        package notify

        import (
        	"bytes"
        	"net/http"
        )

        type Publisher struct{ endpoint string }

        func New(endpoint string) (*Publisher, error) {
        	if err := ValidateEndpoint(endpoint); err != nil {
        		return nil, err
        	}
        	return &Publisher{endpoint: endpoint}, nil
        }

        func (p *Publisher) Send(body []byte) error {
        	req, err := http.NewRequest("POST", p.endpoint+"/v1/events", bytes.NewReader(body))
        	if err != nil {
        		return err
        	}
        	_, err = http.DefaultClient.Do(req)
        	return err
        }
    """),
    case("app/webhooks.py", """
        from urllib.parse import urlparse
        import requests
        from django.conf import settings

        def notify(payload):
            url = settings.WEBHOOK_URL
            if urlparse(url).scheme != "https":
                raise ValueError("webhook must be https")
            return requests.post(url + "/notify", json=payload, timeout=5)
    """),
    case("app/github.py", """
        import requests

        API = "https://api.github.com"

        def repo(name):
            return requests.get(f"{API}/repos/{name}", timeout=5).json()
    """),
    case("internal/status/client.go", """
        package status

        import "net/http"

        const baseURL = "https://status.example.com"

        func Get() (*http.Response, error) {
        	req, err := http.NewRequest("GET", baseURL+"/api/v2/status.json", nil)
        	if err != nil {
        		return nil, err
        	}
        	return http.DefaultClient.Do(req)
        }
    """),
]


# --- exec.command-injection ----------------------------------------------------------------------

EXEC = [
    case("app/tasks.py", """
        import subprocess

        def clone(repo_url: str, dest: str) -> None:
            subprocess.run(f"git clone {repo_url} {dest}", shell=True, check=True)  «
    """),
    case("app/tasks.py", """
        import subprocess as sp

        def archive(path):
            sp.check_call(  «
                "tar czf /tmp/out.tgz " + path,
                shell=True,
            )
    """),
    case("app/tasks.py", """
        from subprocess import Popen, PIPE

        def grep(pattern, filename):
            cmd = "grep '%s' %s" % (pattern, filename)
            return Popen(cmd, shell=True, stdout=PIPE).communicate()[0]  «
    """),
    case("app/tasks.py", """
        import os

        def cleanup(path):
            os.system("rm -rf " + path)  «
    """),
    case("app/tasks.py", """
        import os

        def ls(directory):
            return os.popen(f"ls -la {directory}").read()  «
    """),
    case("internal/tools/run.go", """
        package tools

        import "os/exec"

        func Run(script string) ([]byte, error) {
        	return exec.Command("sh", "-c", script).CombinedOutput()  «
        }
    """),
    case("internal/tools/run.go", """
        package tools

        import (
        	"context"
        	"fmt"
        	"os/exec"
        )

        func Extract(ctx context.Context, file string) error {
        	cmd := exec.CommandContext(ctx, "bash", "-c", fmt.Sprintf("tar xzf %s -C /data", file))  «
        	return cmd.Run()
        }
    """),
    case("internal/tools/run.go", """
        package tools

        import osexec "os/exec"

        func Convert(in, out string) error {
        	return osexec.Command("/bin/sh", "-c", "convert "+in+" "+out).Run()  «
        }
    """),
    # --- not: list argv with constants, shlex.quote, constant shell strings
    case("app/tasks.py", """
        import subprocess

        def status():
            subprocess.run(["git", "status", "--short"], check=True)
            subprocess.run("make build", shell=True, check=True)
    """),
    case("app/tasks.py", """
        import shlex
        import subprocess

        def archive(path):
            subprocess.run(f"tar czf /tmp/out.tgz {shlex.quote(path)}", shell=True, check=True)
    """),
    case("app/tasks.py", """
        import subprocess

        def clone(url, dest):
            subprocess.run(["git", "clone", "--", url, dest], check=True)
    """),
    case("app/tasks.py", """
        import os

        def clear():
            os.system("clear")
    """),
    case("internal/tools/run.go", """
        package tools

        import "os/exec"

        const script = "ls -la /data | wc -l"

        func Count() ([]byte, error) {
        	return exec.Command("sh", "-c", script).Output()
        }

        func Status(dir string) ([]byte, error) {
        	return exec.Command("git", "-C", dir, "status").Output()
        }
    """),
]


# --- code.unsafe-deserialization -----------------------------------------------------------------

DESER = [
    case("app/config.py", """
        import yaml

        def load(path):
            with open(path) as fh:
                return yaml.load(fh)  «
    """),
    case("app/config.py", """
        import yaml

        def parse(text):
            return yaml.load(text, Loader=yaml.Loader)  «
    """),
    case("app/config.py", """
        from yaml import load, FullLoader

        def parse(text):
            return load(  «
                text,
                Loader=FullLoader,
            )
    """),
    case("app/cache.py", """
        import pickle

        def get(redis, key):
            raw = redis.get(key)
            return pickle.loads(raw)  «
    """),
    case("app/api.py", """
        import pickle as pkl
        from flask import request

        @app.post("/import")
        def import_state():
            state = pkl.loads(request.data)  «
            return restore(state)
    """),
    case("app/calc.py", """
        def calculate(expression):
            return eval(expression)  «
    """),
    case("app/plugins.py", """
        def run_plugin(source_code, env):
            exec(source_code, env)  «
    """),
    case("app/cache.py", """
        import marshal

        def load_code(blob):
            return marshal.loads(blob)  «
    """),
    # --- not
    case("app/config.py", """
        import yaml

        def parse(text):
            data = yaml.safe_load(text)
            more = yaml.load(text, Loader=yaml.SafeLoader)
            return data, more
    """),
    case("app/config.py", """
        from yaml import load, CSafeLoader

        def parse(text):
            return load(text, Loader=CSafeLoader)
    """),
    case("app/calc.py", """
        import ast

        def parse_literal(s):
            return ast.literal_eval(s)

        TOTAL = eval("2 + 3")
    """),
]


# --- net.tls-verify-off --------------------------------------------------------------------------

TLS = [
    case("app/clients/partner.py", """
        import requests

        def fetch(url):
            return requests.get(url, verify=False, timeout=10)  «
    """),
    case("app/clients/partner.py", """
        import requests

        session = requests.Session()
        session.verify = False  «
    """),
    case("app/clients/partner.py", """
        import httpx

        client = httpx.AsyncClient(
            base_url=settings.PARTNER_URL,
            timeout=10,
            verify=False,  «
        )
    """),
    case("app/clients/partner.py", """
        from httpx import Client as HttpClient

        def make():
            return HttpClient(verify=False, timeout=5)  «
    """),
    case("app/clients/legacy.py", """
        import ssl
        import urllib.request

        ctx = ssl._create_unverified_context()  «

        def fetch(url):
            return urllib.request.urlopen(url, context=ctx, timeout=5).read()
    """),
    case("app/clients/legacy.py", """
        import ssl

        ssl._create_default_https_context = ssl._create_unverified_context  «
    """),
    case("internal/client/http.go", """
        package client

        import (
        	"crypto/tls"
        	"net/http"
        	"time"
        )

        func New() *http.Client {
        	return &http.Client{
        		Timeout: 10 * time.Second,
        		Transport: &http.Transport{
        			TLSClientConfig: &tls.Config{InsecureSkipVerify: true},  «
        		},
        	}
        }
    """),
    case("internal/client/http.go", """
        package client

        import (
        	gotls "crypto/tls"
        )

        func config() *gotls.Config {
        	cfg := &gotls.Config{MinVersion: gotls.VersionTLS12}
        	cfg.InsecureSkipVerify = true  «
        	return cfg
        }
    """),
    # --- not: tests, verification on, custom CA
    case("tests/test_partner.py", """
        import requests

        def test_fetch(server):
            assert requests.get(server.url, verify=False).ok
    """),
    case("internal/client/http_test.go", """
        package client

        import "crypto/tls"

        var insecure = &tls.Config{InsecureSkipVerify: true}
    """),
    case("app/clients/partner.py", """
        import requests
        import httpx

        def fetch(url):
            a = requests.get(url, verify=True, timeout=10)
            b = requests.get(url, verify="/etc/ssl/certs/partner-ca.pem", timeout=10)
            c = httpx.Client(verify=settings.CA_BUNDLE, timeout=10)
            return a, b, c
    """),
    case("internal/client/http.go", """
        package client

        import "crypto/tls"

        var cfg = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: false}
    """),
    case("app/auth.py", """
        import jwt

        def claims(token):
            return jwt.decode(token, SECRET, algorithms=["HS256"], verify=False)
    """),
]


# --- more variations -----------------------------------------------------------------------------

PROXY += [
    case("app/ratelimit.py", """
        from flask import request

        def client_key():
            return request.headers.get("X-Real-IP") or request.remote_addr  «

        limiter = Limiter(key_func=client_key)
    """),
    case("internal/api/ratelimit.go", """
        package api

        import "net/http"

        func limit(next http.Handler, l *Limiter) http.Handler {
        	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        		ip := r.Header.Get("X-Real-Ip")  «
        		if !l.Allow(ip) {
        			w.WriteHeader(http.StatusTooManyRequests)
        			return
        		}
        		next.ServeHTTP(w, r)
        	})
        }
    """),
]

SSRF += [
    case("app/proxy.py", """
        import httpx
        from flask import request

        @app.post("/fetch")
        def fetch():
            target = request.json["url"]
            with httpx.Client(timeout=5) as client:
                return client.get(target).text  «
    """),
]

EXEC += [
    case("app/tasks.py", """
        import subprocess

        def convert(src, dst):
            cmd = "convert {} {}".format(src, dst)
            subprocess.check_output(cmd, shell=True)  «
    """),
    case("internal/tools/run.go", """
        package tools

        import "os/exec"

        func Ping(host string) error {
        	return exec.Command("sh", "-c", "ping -c 1 "+host).Run()  «
        }
    """),
]

DESER += [
    case("app/config.py", """
        import yaml

        def parse(text):
            return yaml.unsafe_load(text)  «
    """),
    case("app/ml.py", """
        import pickle

        def load_model():
            with open("models/classifier.pkl", "rb") as fh:
                return pickle.load(fh)
    """),
]

TLS += [
    case("app/clients/partner.py", """
        import requests

        def call(method, url, **kw):
            return requests.request(method, url, verify=False, timeout=10, **kw)  «
    """),
    case("app/clients/partner.py", """
        import aiohttp

        async def fetch(url):
            connector = aiohttp.TCPConnector(ssl=False)  «
            async with aiohttp.ClientSession(connector=connector) as s:
                return await s.get(url)
    """),
]


# --- more variations (2) --------------------------------------------------------------------------

PROXY += [
    case("app/views.py", """
        from django.http import HttpResponseForbidden

        def admin_panel(request):
            ip = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0]  «
            if ip not in ADMIN_IPS:
                return HttpResponseForbidden()
            return render(request, "admin.html")
    """),
]

SSRF += [
    case("internal/notify/slack.go", """
        package notify

        import (
        	"bytes"
        	"net/http"
        )

        type Config struct{ WebhookURL string }

        func Post(cfg Config, body []byte) error {
        	_, err := http.Post(cfg.WebhookURL, "application/json", bytes.NewReader(body))  «
        	return err
        }
    """),
    case("app/notify.py", """
        import aiohttp
        from app.config import settings

        async def notify(event):
            async with aiohttp.ClientSession() as session:
                async with session.post(settings.webhook_url, json=event) as resp:  «
                    return resp.status
    """),
]

EXEC += [
    case("app/tasks.py", """
        import asyncio

        async def run(cmd):
            proc = await asyncio.create_subprocess_shell(cmd)  «
            return await proc.wait()
    """),
    case("internal/tools/run.go", """
        package tools

        import (
        	"fmt"
        	"os/exec"
        )

        func Backup(db string) error {
        	script := fmt.Sprintf("pg_dump %s | gzip > /backups/%s.gz", db, db)
        	return exec.Command("bash", "-c", script).Run()  «
        }
    """),
]

DESER += [
    case("app/config.py", """
        import yaml

        def parse_all(text):
            return list(yaml.load_all(text))  «
    """),
    case("app/config.py", """
        import yaml

        def parse_all(text):
            return list(yaml.safe_load_all(text)) + list(yaml.load_all(text, Loader=yaml.SafeLoader))
    """),
    case("app/calc.py", """
        from flask import request

        @app.post("/calc")
        def calc():
            return str(eval(request.form["expr"]))  «
    """),
]

TLS += [
    case("app/clients/partner.py", """
        import ssl

        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  «
    """),
    case("app/clients/partner.py", """
        import requests

        session = requests.Session()

        def fetch(url):
            return session.get(url, verify=False, timeout=5)  «
    """),
]


# --- forms found while probing (each was silent before the fix) ----------------------------------

EXEC += [
    case("app/git.py", """
        import subprocess
        from flask import request

        @app.post("/checkout")
        def checkout():
            branch = request.json["branch"]
            subprocess.run(["git", "checkout", branch], check=True)  «
    """),
    case("app/git.py", """
        import subprocess
        from flask import request

        @app.post("/checkout")
        def checkout():
            branch = request.json["branch"]
            subprocess.run(["git", "checkout", "--", branch], check=True)
    """),
    case("app/tasks.py", """
        import subprocess

        def notify(message):
            subprocess.Popen(["sh", "-c", "echo " + message + " | wall"])  «
    """),
    case("internal/api/repos.go", """
        package api

        import (
        	"os/exec"

        	"github.com/gin-gonic/gin"
        )

        func Clone(c *gin.Context) {
        	repo := c.Query("repo")
        	if err := exec.Command("git", "clone", repo, "/tmp/src").Run(); err != nil {  «
        		c.AbortWithStatus(500)
        	}
        }
    """),
    case("internal/api/repos.go", """
        package api

        import (
        	"net/http"
        	"os/exec"
        )

        func Clone(w http.ResponseWriter, r *http.Request) {
        	exec.Command("git", "clone", "--", r.URL.Query().Get("repo"), "/tmp/src").Run()
        }
    """),
]

TLS += [
    case("app/clients/partner.py", """
        import requests

        VERIFY_SSL = False

        def fetch(url):
            return requests.get(url, verify=VERIFY_SSL, timeout=5)  «
    """),
]


SSRF += [
    case("internal/client/api.go", """
        package client

        import (
        	"net/http"
        	"os"
        )

        var base = os.Getenv("API_BASE")

        func Get(path string) (*http.Response, error) {
        	return http.Get(base + path)
        }
    """),
    case("internal/notify/webhook.go", """
        package notify

        import (
        	"bytes"
        	"net/http"

        	"example.com/app/internal/netutil"
        )

        type Publisher struct{ endpoint string }

        func New(endpoint string) (*Publisher, error) {
        	if err := netutil.ValidateEndpoint(endpoint); err != nil {
        		return nil, err
        	}
        	return &Publisher{endpoint: endpoint}, nil
        }

        func (p *Publisher) Send(body []byte) error {
        	_, err := http.Post(p.endpoint+"/v1/events", "application/json", bytes.NewReader(body))
        	return err
        }
    """),
]


ALL = (
    table("net.untrusted-proxy", PROXY)
    + table("net.ssrf-unvalidated-endpoint", SSRF)
    + table("exec.command-injection", EXEC)
    + table("code.unsafe-deserialization", DESER)
    + table("net.tls-verify-off", TLS)
)


@pytest.mark.parametrize("rule_id,path,text,expected", ALL)
def test_catalog_case(rule_id: str, path: str, text: str, expected: set[int]) -> None:
    assert run(rule_id, path, text) == expected


def findings(rule_id: str, path: str, text: str):
    return _findings(rule_id, path, text, strict=True)
