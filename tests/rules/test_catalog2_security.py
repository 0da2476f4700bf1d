"""Catalog conformance, second round: security rules, written from the catalog rows only.

Each case is `(path, text, expected_lines)`; a line ending in `«` must be flagged, no other line may be.
"""
from __future__ import annotations

import pytest

from tests.rule_harness import case, findings


def table(rule_id: str, cases):
    return [pytest.param(rule_id, *c, id=f"{rule_id}-{i}-{c[0]}") for i, c in enumerate(cases)]


# --- cors.wildcard -----------------------------------------------------------------------------

CORS = [
    case("api/app.py", """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        origins = ["*"]
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"])  «
    """),
    case("api/app.py", """
        from fastapi import FastAPI
        from starlette.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com", "https://admin.example.com"],
            allow_credentials=True,
        )
    """),
    case("web/server.py", """
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        cors = CORS(app, resources={r"/api/*": {"origins": ["https://app.example.com"]}})
    """),
    case("myproject/settings.py", """
        INSTALLED_APPS = ["corsheaders"]
        CORS_ALLOW_ALL_ORIGINS = True  «
    """),
    case("myproject/settings.py", """
        CORS_ORIGIN_ALLOW_ALL = True  «
    """),
    case("cmd/server/main.go", """
        package main

        import (
        	"github.com/gin-contrib/cors"
        	"github.com/gin-gonic/gin"
        )

        func main() {
        	r := gin.New()
        	config := cors.DefaultConfig()
        	config.AllowAllOrigins = true  «
        	r.Use(cors.New(config))
        	r.Run()
        }
    """),
    case("cmd/server/main.go", """
        package main

        import (
        	"github.com/gin-contrib/cors"
        	"github.com/gin-gonic/gin"
        )

        func main() {
        	r := gin.New()
        	cfg := cors.DefaultConfig()
        	cfg.AllowOrigins = []string{"*"}  «
        	r.Use(cors.New(cfg))
        }
    """),
    case("cmd/server/main.go", """
        package main

        import (
        	"github.com/gin-contrib/cors"
        	"github.com/gin-gonic/gin"
        )

        func main() {
        	r := gin.New()
        	cfg := cors.DefaultConfig()
        	cfg.AllowOrigins = []string{"https://app.example.com"}
        	r.Use(cors.New(cfg))
        }
    """),
    case("internal/http/cors.go", """
        package http

        import "net/http"

        func withCORS(next http.Handler) http.Handler {
        	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        		w.Header().Set("Access-Control-Allow-Origin", "*")  «
        		next.ServeHTTP(w, r)
        	})
        }
    """),
    case("internal/http/router.go", """
        package http

        import "github.com/go-chi/cors"

        var corsHandler = cors.Handler(cors.Options{
        	AllowedOrigins:   []string{"*"},  «
        	AllowCredentials: true,
        })
    """),
    case("deploy/ingress.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: api
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: '*'  «
        spec:
          rules: []
    """),
    case("deploy/ingress.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: api
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.com"
        spec:
          rules: []
    """),
]

# --- ws.origin-unchecked -----------------------------------------------------------------------

WS = [
    case("internal/ws/hub.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        var upgrader = websocket.Upgrader{
        	ReadBufferSize:  1024,
        	WriteBufferSize: 1024,
        	CheckOrigin: func(r *http.Request) bool { return true },  «
        }
    """),
    case("internal/ws/hub.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        var upgrader = websocket.Upgrader{
        	CheckOrigin: func(r *http.Request) bool {  «
        		return true
        	},
        }
    """),
    case("internal/ws/origin.go", """
        package ws

        import "net/http"

        func checkOrigin(r *http.Request) bool {
        	origin := r.Header.Get("Origin")
        	if origin == "" {  «
        		return true
        	}
        	return allowed[origin]
        }
    """),
    case("internal/ws/origin.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        var allowed = map[string]bool{"https://app.example.com": true}

        var upgrader = websocket.Upgrader{
        	CheckOrigin: func(r *http.Request) bool {
        		return allowed[r.Header.Get("Origin")]
        	},
        }
    """),
    case("app/ws_server.py", """
        import asyncio
        import websockets

        async def main():
            async with websockets.serve(handler, "0.0.0.0", 8765):  «
                await asyncio.Future()
    """),
    case("app/ws_server.py", """
        import asyncio
        import websockets

        async def main():
            async with websockets.serve(handler, "0.0.0.0", 8765, origins=["https://app.example.com"]):
                await asyncio.Future()
    """),
]

# --- auth.token-in-url -------------------------------------------------------------------------

TOKEN_URL = [
    case("internal/api/auth.go", """
        package api

        import "net/http"

        func authMiddleware(next http.Handler) http.Handler {
        	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        		token := r.URL.Query().Get("token")  «
        		if !valid(token) {
        			http.Error(w, "unauthorized", 401)
        			return
        		}
        		next.ServeHTTP(w, r)
        	})
        }
    """),
    case("internal/api/ws.go", """
        package api

        import "github.com/gin-gonic/gin"

        func wsHandler(c *gin.Context) {
        	tok := c.Query("access_token")  «
        	_ = tok
        }
    """),
    case("app/views.py", """
        from flask import request

        def download():
            token = request.args.get("token")  «
            return check(token)
    """),
    case("app/routes.py", """
        from fastapi import Request

        async def stream(request: Request):
            token = request.query_params["access_token"]  «
            return await verify(token)
    """),
    case("web/src/socket.js", """
        const token = getToken();
        const ws = new WebSocket(`wss://api.example.com/ws?token=${token}`);  «
    """),
    case("app/views.py", """
        from flask import request

        def search():
            page = request.args.get("page", 1)
            q = request.args.get("q")
            return run(q, page)
    """),
]

# --- auth.jwt-no-verify ------------------------------------------------------------------------

JWT = [
    case("app/auth.py", """
        import jwt

        def current_user(token):
            payload = jwt.decode(token, options={"verify_signature": False})  «
            return payload["sub"]
    """),
    case("app/auth.py", """
        import jwt

        def current_user(token):
            payload = jwt.decode(token, "secret", algorithms=["none"])  «
            return payload["sub"]
    """),
    case("app/auth.py", """
        import jwt

        NO_VERIFY = {"verify_signature": False}

        def claims(token, key):
            return jwt.decode(  «
                token,
                key,
                algorithms=["HS256"],
                options=NO_VERIFY,
            )
    """),
    case("app/auth.py", """
        import jwt

        def current_user(token, key):
            payload = jwt.decode(token, key, algorithms=["HS256"])
            return payload["sub"]
    """),
    case("internal/auth/jwt.go", """
        package auth

        import "github.com/golang-jwt/jwt/v5"

        func Parse(s string) (*jwt.Token, error) {
        	return jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {  «
        		return []byte(secret), nil
        	})
        }
    """),
    case("internal/auth/jwt.go", """
        package auth

        import (
        	"fmt"

        	"github.com/golang-jwt/jwt/v5"
        )

        func Parse(s string) (*jwt.Token, error) {
        	return jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {
        		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
        			return nil, fmt.Errorf("unexpected method %v", t.Header["alg"])
        		}
        		return []byte(secret), nil
        	})
        }
    """),
    case("internal/auth/jwt.go", """
        package auth

        import "github.com/golang-jwt/jwt/v5"

        func Claims(s string) jwt.MapClaims {
        	claims := jwt.MapClaims{}
        	_, _, _ = jwt.NewParser().ParseUnverified(s, claims)  «
        	return claims
        }
    """),
    case("internal/auth/jwt_test.go", """
        package auth

        import "github.com/golang-jwt/jwt/v5"

        func claims(s string) jwt.MapClaims {
        	claims := jwt.MapClaims{}
        	_, _, _ = jwt.NewParser().ParseUnverified(s, claims)
        	return claims
        }
    """),
]

# --- auth.hardcoded-identity -------------------------------------------------------------------

IDENTITY = [
    case("app/api/orders.py", """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/orders")
        async def list_orders():
            user_id = "11111111-1111-1111-1111-111111111111"  «
            return await repo.orders_for(user_id)
    """),
    case("app/deps.py", """
        from app.models import User

        async def get_current_user():
            current_user = User(id=1)  «
            return current_user
    """),
    case("app/config.py", """
        SKIP_AUTH = True  «
    """),
    case("app/config.py", """
        import os

        DISABLE_AUTH = True  «
    """),
    case("tests/conftest.py", """
        from app.models import User

        def make_user():
            current_user = User(id=1)
            return current_user
    """),
    case("app/seed.py", """
        from app.models import User

        def seed(db):
            db.add(User(id=1, email="admin@example.com"))
    """),
]

# --- auth.token-in-web-storage -----------------------------------------------------------------

STORAGE = [
    case("web/src/auth.js", """
        export function login(resp) {
          localStorage.setItem('jwt_token', resp.token);  «
        }
    """),
    case("web/src/auth.ts", """
        export function login(token: string) {
          sessionStorage.setItem("accessToken", token);  «
        }
    """),
    case("web/src/auth.js", """
        export function login(resp) {
          localStorage.token = resp.token;  «
        }
    """),
    case("web/src/auth.js", """
        export function login(resp) {
          window.localStorage.setItem("refresh_token", resp.refresh);  «
        }
    """),
    case("web/src/prefs.js", """
        export function savePrefs(theme) {
          localStorage.setItem('theme', theme);
          localStorage.lang = 'en';
        }
    """),
]

# --- web.csrf-disabled -------------------------------------------------------------------------

CSRF = [
    case("shop/views.py", """
        from django.http import JsonResponse
        from django.views.decorators.csrf import csrf_exempt

        @csrf_exempt  «
        def checkout(request):
            if request.method == "POST":
                order = create_order(request.POST)
                return JsonResponse({"id": order.id})
    """),
    case("app/config.py", """
        class ProductionConfig:
            WTF_CSRF_ENABLED = False  «
    """),
    case("app/config.py", """
        CSRF_ENABLED = False  «
    """),
    case("mysite/settings.py", """
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            # "django.middleware.csrf.CsrfViewMiddleware",  «
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ]
    """),
    case("config/app.yaml", """
        security:
          csrf: false  «
    """),
    case("app/__init__.py", """
        from flask import Flask

        app = Flask(__name__)
        app.config["WTF_CSRF_ENABLED"] = False  «
    """),
]

# --- web.template-autoescape-off ---------------------------------------------------------------

AUTOESCAPE = [
    case("app/render.py", """
        from jinja2 import Environment, FileSystemLoader

        env = Environment(loader=FileSystemLoader("templates"))  «
    """),
    case("app/render.py", """
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html", "xml"]))
    """),
    case("app/render.py", """
        import jinja2

        def render(src, **ctx):
            return jinja2.Template(src).render(**ctx)  «
    """),
    case("app/render.py", """
        import jinja2

        env = jinja2.Environment(autoescape=False)  «
    """),
    case("app/views.py", """
        from markupsafe import Markup

        def greet(name):
            return Markup("<b>%s</b>" % name)  «
    """),
    case("app/templates/page.html", """
        <div>
        {% autoescape off %}  «
          {{ body }}
        {% endautoescape %}
        </div>
    """),
    case("app/render.py", """
        from jinja2 import Environment

        env = Environment(autoescape=True)
    """),
]

# --- web.html-injection ------------------------------------------------------------------------

HTML = [
    case("internal/web/handler.go", """
        package web

        import (
        	"fmt"
        	"net/http"
        )

        func hello(w http.ResponseWriter, r *http.Request) {
        	name := r.URL.Query().Get("name")
        	fmt.Fprintf(w, fmt.Sprintf("<h1>Hello %s</h1>", name))  «
        }
    """),
    case("internal/web/handler.go", """
        package web

        import (
        	"fmt"
        	"html"
        	"net/http"
        )

        func hello(w http.ResponseWriter, r *http.Request) {
        	name := r.URL.Query().Get("name")
        	body := fmt.Sprintf("<h1>Hello %s</h1>", html.EscapeString(name))
        	w.Write([]byte(body))
        }
    """),
    case("app/views.py", """
        from flask import Flask, request

        app = Flask(__name__)

        @app.route("/hello")
        def hello():
            name = request.args.get("name", "")
            return f"<h1>Hello {name}</h1>"  «
    """),
    case("app/api.py", """
        from fastapi import FastAPI
        from fastapi.responses import HTMLResponse

        app = FastAPI()

        @app.get("/hello")
        async def hello(name: str):
            html = f"<html><body><h1>Hello {name}</h1></body></html>"  «
            return HTMLResponse(content=html)
    """),
    case("app/mail.py", """
        from django.core.mail import send_mail

        def welcome(user):
            body = "<p>Welcome, %s!</p>" % user.display_name  «
            send_mail("Welcome", "", "noreply@example.com", [user.email], html_message=body)
    """),
    case("app/mail.py", """
        import smtplib
        from email.mime.text import MIMEText

        def welcome(user):
            msg = MIMEText("<p>Welcome, {}!</p>".format(user.display_name), "html")  «
            smtplib.SMTP("localhost").send_message(msg)
    """),
    case("web/src/render.js", """
        function show(msg) {
          document.getElementById("out").innerHTML = msg;  «
        }
    """),
    case("web/src/render.js", """
        function show() {
          document.getElementById("out").innerHTML = "<p>Loading…</p>";
        }
    """),
]

# --- web.unsafe-url-scheme ---------------------------------------------------------------------

URL_SCHEME = [
    case("internal/model/attachment.go", """
        package model

        import "errors"

        type Attachment struct {
        	Name    string
        	FileURL string  «
        }

        func (a Attachment) Validate() error {
        	if a.Name == "" {
        		return errors.New("name required")
        	}
        	return nil
        }
    """),
    case("internal/model/attachment.go", """
        package model

        import (
        	"errors"
        	"net/url"
        )

        type Attachment struct {
        	Name    string
        	FileURL string
        }

        func (a Attachment) Validate() error {
        	if a.Name == "" {
        		return errors.New("name required")
        	}
        	u, err := url.Parse(a.FileURL)
        	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
        		return errors.New("bad url")
        	}
        	return nil
        }
    """),
    case("internal/model/attachment.go", """
        package model

        type Attachment struct {
        	Name    string
        	FileURL string
        }
    """),
]

# --- web.hsts-missing --------------------------------------------------------------------------

HSTS = [
    case("deploy/nginx/site.conf", """
        server {  «
            listen 443 ssl;
            listen [::]:443 ssl;
            server_name shop.example.com;
            ssl_certificate /etc/letsencrypt/live/shop/fullchain.pem;
            ssl_certificate_key /etc/letsencrypt/live/shop/privkey.pem;
            location / { proxy_pass http://127.0.0.1:8080; }
        }
    """),
    case("deploy/nginx/site.conf", """
        server {
            listen 443 ssl;
            ssl_certificate /etc/ssl/a.crt;
            ssl_certificate_key /etc/ssl/a.key;
            add_header Strict-Transport-Security "max-age=31536000" always;
        }
    """),
    case("deploy/nginx/site.conf", """
        server {
            listen 443 ssl;
            ssl_certificate /etc/ssl/a.crt;
            ssl_certificate_key /etc/ssl/a.key;
            #add_header Strict-Transport-Security "max-age=31536000" always;  «
        }
    """),
]

# --- web.debug-enabled -------------------------------------------------------------------------

DEBUG = [
    case("app.py", """
        from flask import Flask

        app = Flask(__name__)

        if __name__ == "__main__":
            app.run(host="0.0.0.0", debug=True)  «
    """),
    case("mysite/settings/production.py", """
        from .base import *

        DEBUG = True  «
    """),
    case("mysite/settings/local.py", """
        DEBUG = True
    """),
    case("mysite/settings/dev.py", """
        DEBUG = True
    """),
    case("api/main.py", """
        from fastapi import FastAPI

        app = FastAPI(title="api", debug=True)  «
    """),
    case("deploy/k8s/deployment.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              containers:
                - name: api
                  image: api:1.0
                  env:
                    - name: GIN_MODE
                      value: debug  «
    """),
    case("cmd/api/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	gin.SetMode(gin.DebugMode)  «
        	r := gin.New()
        	r.Run()
        }
    """),
    case("cmd/api/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	gin.SetMode(gin.ReleaseMode)
        	r := gin.New()
        	r.Run()
        }
    """),
]

# --- net.untrusted-proxy -----------------------------------------------------------------------

PROXY = [
    case("internal/middleware/ratelimit.go", """
        package middleware

        import "github.com/gin-gonic/gin"

        func RateLimit() gin.HandlerFunc {
        	return func(c *gin.Context) {
        		ip := c.GetHeader("X-Forwarded-For")  «
        		if !limiter.Allow(ip) {
        			c.AbortWithStatus(429)
        			return
        		}
        		c.Next()
        	}
        }
    """),
    case("internal/middleware/ratelimit.go", """
        package middleware

        import "net/http"

        func clientIP(r *http.Request) string {
        	if ip := r.Header.Get("X-Forwarded-For"); ip != "" {  «
        		return ip
        	}
        	return r.RemoteAddr
        }

        func Limit(next http.Handler) http.Handler {
        	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        		if !limiter.Allow(clientIP(r)) {
        			http.Error(w, "slow down", 429)
        			return
        		}
        		next.ServeHTTP(w, r)
        	})
        }
    """),
    case("app/ratelimit.py", """
        from flask import request

        def client_key():
            return request.headers["X-Forwarded-For"]  «
    """),
    case("cmd/api/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	r := gin.Default()  «
        	r.GET("/", index)
        	r.Run(":8080")
        }
    """),
    case("cmd/api/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	r := gin.Default()
        	r.SetTrustedProxies([]string{"10.0.0.0/8"})
        	r.GET("/", index)
        	r.Run(":8080")
        }
    """),
    case("app/wsgi.py", """
        from werkzeug.middleware.proxy_fix import ProxyFix
        from app import app

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    """),
]

# --- net.ssrf-unvalidated-endpoint -------------------------------------------------------------

SSRF = [
    case("internal/notify/webhook.go", """
        package notify

        import (
        	"bytes"
        	"net/http"
        )

        type Provider struct {
        	endpoint string
        	client   *http.Client
        }

        func (p *Provider) Send(body []byte) error {
        	req, err := http.NewRequest("POST", p.endpoint+"/hooks", bytes.NewReader(body))  «
        	if err != nil {
        		return err
        	}
        	_, err = p.client.Do(req)
        	return err
        }
    """),
    case("app/notify.py", """
        import requests
        from django.conf import settings

        def notify(payload):
            requests.post(settings.WEBHOOK_URL + "/events", json=payload, timeout=5)  «
    """),
    case("app/fetch.py", """
        import httpx
        from fastapi import Request

        async def preview(request: Request):
            user_url = request.query_params.get("url")
            r = httpx.get(user_url, timeout=5)  «
            return r.text
    """),
    case("app/notify.py", """
        import os
        from urllib.parse import urlparse

        import requests

        WEBHOOK_URL = os.environ["WEBHOOK_URL"]
        if urlparse(WEBHOOK_URL).scheme != "https":
            raise RuntimeError("WEBHOOK_URL must be https")

        def notify(payload):
            requests.post(WEBHOOK_URL, json=payload, timeout=5)
    """),
    case("app/notify.py", """
        import requests

        def ping():
            requests.get("https://status.example.com/ping", timeout=5)
    """),
]

# --- exec.command-injection --------------------------------------------------------------------

EXEC = [
    case("app/tools.py", """
        import subprocess

        def archive(name):
            subprocess.run(f"tar czf /tmp/{name}.tgz /data", shell=True, check=True)  «
    """),
    case("app/tools.py", """
        import os

        def ping(host):
            os.system("ping -c 1 " + host)  «
    """),
    case("app/tools.py", """
        import os

        def ls(path):
            return os.popen("ls -l %s" % path).read()  «
    """),
    case("app/tools.py", """
        import subprocess

        def ping(host):
            subprocess.run(["ping", "-c", "1", host], check=True)
    """),
    case("app/tools.py", """
        import shlex
        import subprocess

        def ping(host):
            subprocess.run("ping -c 1 " + shlex.quote(host), shell=True, check=True)
    """),
    case("internal/tools/run.go", """
        package tools

        import "os/exec"

        func Run(script string) ([]byte, error) {
        	return exec.Command("sh", "-c", script).Output()  «
        }
    """),
    case("internal/tools/run.go", """
        package tools

        import (
        	"fmt"
        	"os/exec"
        )

        func Backup(db string) error {
        	cmd := exec.Command("bash", "-c", fmt.Sprintf("pg_dump %s > /tmp/out.sql", db))  «
        	return cmd.Run()
        }
    """),
    case("internal/tools/run.go", """
        package tools

        import "os/exec"

        func Version() ([]byte, error) {
        	return exec.Command("sh", "-c", "git rev-parse HEAD").Output()
        }
    """),
]

# --- code.unsafe-deserialization ---------------------------------------------------------------

DESER = [
    case("app/config.py", """
        import yaml

        def load(path):
            with open(path) as fh:
                return yaml.load(fh)  «
    """),
    case("app/config.py", """
        import yaml

        def load(text):
            return yaml.load(text, Loader=yaml.Loader)  «
    """),
    case("app/config.py", """
        import yaml

        def load(text):
            return yaml.load(text, Loader=yaml.SafeLoader)
    """),
    case("app/config.py", """
        import yaml

        def load(text):
            return yaml.safe_load(text)
    """),
    case("app/cache.py", """
        import pickle

        def get(redis, key):
            raw = redis.get(key)
            return pickle.loads(raw)  «
    """),
    case("app/calc.py", """
        def compute(expr):
            return eval(expr)  «
    """),
    case("app/plugin.py", """
        import marshal

        def load_code(blob):
            return marshal.loads(blob)  «
    """),
]

# --- net.tls-verify-off ------------------------------------------------------------------------

TLS = [
    case("app/client.py", """
        import requests

        def fetch(url):
            return requests.get(url, verify=False, timeout=5)  «
    """),
    case("app/client.py", """
        import httpx

        client = httpx.Client(verify=False, timeout=5)  «
    """),
    case("app/client.py", """
        import ssl
        import urllib.request

        ctx = ssl._create_unverified_context()  «
        urllib.request.urlopen("https://internal", context=ctx)
    """),
    case("internal/client/http.go", """
        package client

        import (
        	"crypto/tls"
        	"net/http"
        )

        var Client = &http.Client{
        	Transport: &http.Transport{
        		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},  «
        	},
        }
    """),
    case("tests/test_client.py", """
        import requests

        def test_fetch():
            requests.get("https://localhost", verify=False)
    """),
    case("internal/client/http_test.go", """
        package client

        import "crypto/tls"

        var cfg = &tls.Config{InsecureSkipVerify: true}
    """),
    case("app/client.py", """
        import requests

        def fetch(url):
            return requests.get(url, verify="/etc/ssl/ca.pem", timeout=5)
    """),
]


# --- second batch: other spellings of the same rows ----------------------------------------------

CORS += [
    case("nginx/conf.d/api.conf", """
        server {
            listen 443 ssl;
            server_name api.example.com;
            ssl_certificate /etc/ssl/api.crt;
            ssl_certificate_key /etc/ssl/api.key;
            add_header Strict-Transport-Security "max-age=31536000" always;
            add_header 'Access-Control-Allow-Origin' '*' always;  «
            add_header Access-Control-Allow-Origin $cors_origin;
            location / { proxy_pass http://api:8000; }
        }
    """),
    case("deploy/ingress.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: api
          annotations:
            nginx.ingress.kubernetes.io/configuration-snippet: |
              add_header Access-Control-Allow-Origin "*";  «
        spec:
          rules: []
    """),
    case("internal/http/cors.go", """
        package http

        import "github.com/rs/cors"

        func Handler() *cors.Cors {
        	return cors.New(cors.Options{
        		AllowedOrigins:   []string{"*"},  «
        		AllowCredentials: true,
        	})
        }
    """),
]

WS += [
    case("internal/ws/handler.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        func Serve(w http.ResponseWriter, r *http.Request) {
        	up := websocket.Upgrader{}
        	up.CheckOrigin = func(r *http.Request) bool { return true }  «
        	conn, err := up.Upgrade(w, r, nil)
        	if err != nil {
        		return
        	}
        	defer conn.Close()
        }
    """),
    case("app/ws.py", """
        from websockets.asyncio.server import serve

        async def main():
            async with serve(handler, "", 8001) as server:  «
                await server.serve_forever()
    """),
]

TOKEN_URL += [
    case("internal/api/ws.go", """
        package api

        import "github.com/labstack/echo/v4"

        func Subscribe(c echo.Context) error {
        	token := c.QueryParam("token")  «
        	return hub.Join(c, token)
        }
    """),
    case("app/views.py", """
        from django.http import JsonResponse

        def export(request):
            token = request.GET.get("access_token")  «
            return JsonResponse(load(token))
    """),
    case("web/src/live.ts", """
        export function connect(token: string) {
          return new WebSocket("wss://api.example.com/live?token=" + token);  «
        }
    """),
]

JWT += [
    case("app/auth.py", """
        import jwt

        def user_from(token):
            return jwt.decode(token, verify=False)["sub"]  «
    """),
    case("app/auth.py", """
        import jwt

        def user_from(token, key):
            return jwt.decode(token, key, algorithms=["RS256"], options={"verify_exp": True})["sub"]
    """),
    case("internal/auth/jwt.go", """
        package auth

        import jwt "github.com/dgrijalva/jwt-go"

        func Parse(s string) (*Claims, error) {
        	claims := &Claims{}
        	_, err := jwt.ParseWithClaims(s, claims, func(token *jwt.Token) (interface{}, error) {  «
        		return jwtKey, nil
        	})
        	return claims, err
        }
    """),
]

IDENTITY += [
    case("app/deps.py", """
        async def get_current_user():
            # TODO: plug in real auth
            return {"id": 1, "username": "admin"}  «
    """),
    case("internal/api/middleware.go", """
        package api

        import (
        	"context"
        	"net/http"
        )

        func Auth(next http.Handler) http.Handler {
        	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        		ctx := context.WithValue(r.Context(), userKey, "11111111-1111-1111-1111-111111111111")  «
        		next.ServeHTTP(w, r.WithContext(ctx))
        	})
        }
    """),
    case("app/settings.py", """
        import os

        DISABLE_AUTH = os.getenv("DISABLE_AUTH", "false") == "true"
    """),
]

STORAGE += [
    case("web/src/Login.jsx", """
        export default function Login() {
          const onSuccess = (res) => {
            localStorage.setItem("access_token", res.data.access_token);  «
          };
          return null;
        }
    """),
    case("web/src/session.js", """
        export const readToken = () => localStorage.getItem("token");
        export const logout = () => localStorage.removeItem("token");
    """),
]

CSRF += [
    case("hooks/views.py", """
        from django.utils.decorators import method_decorator
        from django.views import View
        from django.views.decorators.csrf import csrf_exempt

        @method_decorator(csrf_exempt, name="dispatch")  «
        class ProfileUpdate(View):
            def post(self, request):
                request.user.profile.save()
    """),
    case("api/views.py", """
        from django.views.decorators.csrf import csrf_exempt
        from rest_framework.authentication import TokenAuthentication
        from rest_framework.decorators import api_view, authentication_classes

        @csrf_exempt  # token-authenticated API, no cookies
        @api_view(["POST"])
        @authentication_classes([TokenAuthentication])
        def create(request):
            return save(request.data)
    """),
]

AUTOESCAPE += [
    case("app/render.py", """
        from jinja2 import Environment, PackageLoader

        env = Environment(  «
            loader=PackageLoader("app"),
            trim_blocks=True,
        )
    """),
    case("app/render.py", """
        import jinja2

        env = jinja2.Environment(loader=jinja2.FileSystemLoader("t"), autoescape=jinja2.select_autoescape())
    """),
    case("app/templates/email.html", """
        <html><body>
        {% autoescape false %}  «
        <p>{{ message }}</p>
        {% endautoescape %}
        </body></html>
    """),
]

HTML += [
    case("internal/web/hello.go", """
        package web

        import "net/http"

        func Hello(w http.ResponseWriter, r *http.Request) {
        	name := r.URL.Query().Get("name")
        	w.Write([]byte("<h1>Hello " + name + "</h1>"))  «
        }
    """),
    case("internal/web/hello.go", """
        package web

        import (
        	"html"
        	"net/http"
        )

        const header = "<header>Shop</header>"

        func Hello(w http.ResponseWriter, r *http.Request) {
        	name := r.URL.Query().Get("name")
        	w.Write([]byte(header + "<h1>Hello " + html.EscapeString(name) + "</h1>"))
        }
    """),
    case("internal/web/hello.go", """
        package web

        import (
        	"fmt"
        	"net/http"
        )

        func Count(w http.ResponseWriter, n int) {
        	fmt.Fprintf(w, "<p>%d items</p>", n)
        }
    """),
    case("app/views.py", """
        from django.http import HttpResponse
        from django.utils.html import escape

        def search(request):
            q = request.GET.get("q", "")
            return HttpResponse(f"<p>No results for {escape(q)}</p>")
    """),
    case("web/src/list.js", """
        function add(list, item) {
          list.insertAdjacentHTML("beforeend", "<li>" + item.name + "</li>");  «
        }
    """),
]

DEBUG += [
    case("app/__init__.py", """
        from flask import Flask

        app = Flask(__name__)
        app.config["DEBUG"] = True  «
    """),
    case("Dockerfile", """
        FROM golang:1.22
        ENV GIN_MODE=debug  «
        CMD ["/app"]
    """),
    case("docker-compose.dev.yml", """
        services:
          api:
            environment:
              GIN_MODE: debug
    """),
    case("mysite/settings/test.py", """
        DEBUG = True
    """),
]

PROXY += [
    case("app/ratelimit.py", """
        from fastapi import Request

        async def limit(request: Request):
            ip = request.headers.get("x-forwarded-for", request.client.host)  «
            await limiter.hit(ip)
    """),
    case("app/ratelimit.py", """
        def client_ip(request):
            return request.META.get("HTTP_X_FORWARDED_FOR")  «
    """),
    case("app/wsgi.py", """
        from werkzeug.middleware.proxy_fix import ProxyFix
        from app import app

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=10)  «
    """),
]

SSRF += [
    case("internal/events/client.go", """
        package events

        import (
        	"context"
        	"net/http"
        	"strings"
        )

        type Client struct {
        	baseURL string
        	hc      *http.Client
        }

        func (c *Client) Publish(ctx context.Context) error {
        	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/v1/events", strings.NewReader("{}"))  «
        	if err != nil {
        		return err
        	}
        	_, err = c.hc.Do(req)
        	return err
        }
    """),
    case("app/proxy.py", """
        import requests
        from flask import request

        def proxy():
            target = request.args["target"]
            return requests.get(target, timeout=5).text  «
    """),
    case("app/notify.py", """
        import requests
        from app.config import settings

        def notify(p):
            requests.post(f"{settings.webhook_url}/notify", json=p, timeout=3)  «
    """),
]

EXEC += [
    case("app/git.py", """
        import subprocess
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/checkout")
        def checkout():
            subprocess.run(["git", "checkout", request.form["branch"]], check=True)  «
            return "ok"
    """),
    case("app/git.py", """
        import subprocess
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/checkout")
        def checkout():
            branch = request.get_json()["branch"]
            subprocess.run(["git", "checkout", "--", branch], check=True)
            return "ok"
    """),
    case("internal/repo/clone.go", """
        package repo

        import (
        	"net/http"
        	"os/exec"
        )

        func Clone(w http.ResponseWriter, r *http.Request) {
        	url := r.URL.Query().Get("repo")
        	_ = exec.Command("git", "clone", url).Run()  «
        }
    """),
    case("app/tasks.py", """
        import subprocess

        def disk_usage(path):
            return subprocess.check_output("du -sh " + path, shell=True)  «
    """),
    case("internal/tools/run.go", """
        package tools

        import (
        	"context"
        	"os/exec"
        )

        func Echo(ctx context.Context, s string) error {
        	return exec.CommandContext(ctx, "/bin/sh", "-c", "echo "+s).Run()  «
        }
    """),
]

DESER += [
    case("app/upload.py", """
        import pickle
        from flask import request

        def upload():
            obj = pickle.loads(request.data)  «
            return str(obj)
    """),
    case("app/config.py", """
        from yaml import load, CSafeLoader

        def read(text):
            return load(text, Loader=CSafeLoader)
    """),
    case("app/run.py", """
        def run(code):
            exec(code)  «
    """),
    case("app/parse.py", """
        import ast

        def parse(s):
            return ast.literal_eval(s)
    """),
]

TLS += [
    case("app/client.py", """
        import requests

        session = requests.Session()
        session.verify = False  «
    """),
    case("app/client.py", """
        import httpx

        async def fetch(url):
            async with httpx.AsyncClient(verify=False) as client:  «
                return await client.get(url)
    """),
    case("internal/client/tls.go", """
        package client

        import "crypto/tls"

        func Config() *tls.Config {
        	c := &tls.Config{MinVersion: tls.VersionTLS12}
        	c.InsecureSkipVerify = true  «
        	return c
        }
    """),
    case("testdata/client.go", """
        package client

        import "crypto/tls"

        var Cfg = &tls.Config{InsecureSkipVerify: true}
    """),
]

HSTS += [
    case("deploy/nginx.conf", """
        server {  «
            listen 443;
            ssl on;
            ssl_certificate /etc/ssl/a.crt;
            ssl_certificate_key /etc/ssl/a.key;
        }
    """),
    case("deploy/ingress-nginx-configmap.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ingress-nginx-controller
          namespace: ingress-nginx
        data:
          hsts: "false"  «
    """),
    case("nginx/conf.d/redirect.conf", """
        server {
            listen 80;
            server_name shop.example.com;
            return 301 https://$host$request_uri;
        }
    """),
]

URL_SCHEME += [
    case("app/schemas.py", """
        from pydantic import BaseModel, field_validator

        class ProfileIn(BaseModel):
            name: str
            website: str  «

            @field_validator("name")
            @classmethod
            def name_not_empty(cls, v):
                if not v.strip():
                    raise ValueError("name required")
                return v
    """),
    case("app/schemas.py", """
        from pydantic import BaseModel, HttpUrl, field_validator

        class ProfileIn(BaseModel):
            name: str
            website: HttpUrl

            @field_validator("name")
            @classmethod
            def name_not_empty(cls, v):
                return v.strip()
    """),
    case("internal/api/links.go", """
        package api

        import "errors"

        type CreateLinkRequest struct {
        	Title string `json:"title"`
        	Href  string `json:"href"`  «
        }

        func (r CreateLinkRequest) Validate() error {
        	if r.Title == "" {
        		return errors.New("title required")
        	}
        	return nil
        }
    """),
]


ALL = (
    table("cors.wildcard", CORS)
    + table("ws.origin-unchecked", WS)
    + table("auth.token-in-url", TOKEN_URL)
    + table("auth.jwt-no-verify", JWT)
    + table("auth.hardcoded-identity", IDENTITY)
    + table("auth.token-in-web-storage", STORAGE)
    + table("web.csrf-disabled", CSRF)
    + table("web.template-autoescape-off", AUTOESCAPE)
    + table("web.html-injection", HTML)
    + table("web.unsafe-url-scheme", URL_SCHEME)
    + table("web.hsts-missing", HSTS)
    + table("web.debug-enabled", DEBUG)
    + table("net.untrusted-proxy", PROXY)
    + table("net.ssrf-unvalidated-endpoint", SSRF)
    + table("exec.command-injection", EXEC)
    + table("code.unsafe-deserialization", DESER)
    + table("net.tls-verify-off", TLS)
)


@pytest.mark.parametrize("rule_id,path,text,expected", ALL)
def test_catalog2_case(rule_id: str, path: str, text: str, expected: set[int]) -> None:
    got = {f.line for f in findings(rule_id, path, text, strict=True)}
    assert got == expected


def test_cors_public_route_without_credentials_is_medium_at_most() -> None:
    text = case("app/main.py", """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        # Public, read-only API: no cookies or credentials.
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False, allow_methods=["GET"])
    """)[1]
    got = findings("cors.wildcard", "app/main.py", text, strict=True)
    assert [f.line for f in got] == [6]
    assert all(f.severity.name in ("MEDIUM", "LOW") for f in got)


def test_cors_wildcard_with_credentials_is_high() -> None:
    text = case("app/main.py", """
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app, origins="*", supports_credentials=True)
    """)[1]
    got = findings("cors.wildcard", "app/main.py", text, strict=True)
    assert [f.severity.name for f in got] == ["HIGH"]
