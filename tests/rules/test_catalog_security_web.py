"""Catalog conformance: web/auth security rules (cors, ws, auth.*, web.*), written from the catalog rows.

Each case is `(path, text, expected_lines)`. Cases are written with a `«` marker at the end of each
line the rule must flag; `case()` strips the markers and records those line numbers, so the rule
sees ordinary source text and the expected set is the exact set of flagged lines.
"""
from __future__ import annotations


import pytest

from bot.models import Severity
from checks import all_rules
from tests.rule_harness import case, findings as _findings

RULES = all_rules()


def run(rule_id: str, path: str, text: str) -> set[int]:
    return {f.line for f in findings(rule_id, path, text)}


def table(rule_id: str, cases: list[tuple[str, str, set[int]]]):
    return [pytest.param(rule_id, *c, id=f"{rule_id}-{i}-{c[0]}") for i, c in enumerate(cases)]


# --- cors.wildcard -----------------------------------------------------------------------------

CORS = [
    case("app/main.py", """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(  «
            CORSMiddleware,
            allow_origins=["*"],
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    """),
    case("app/main.py", """
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware as Cors

        middleware = [
            Middleware(Cors, allow_origins=['*'], allow_methods=['GET', 'POST']),  «
        ]
        app = Starlette(routes=routes, middleware=middleware)
    """),
    case("app/__init__.py", """
        from flask import Flask
        from flask_cors import CORS

        def create_app():
            app = Flask(__name__)
            CORS(app)  «
            return app
    """),
    case("app/__init__.py", """
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app, origins="*", supports_credentials=True)  «
    """),
    case("app/__init__.py", """
        from flask import Flask
        import flask_cors

        app = Flask(__name__)
        flask_cors.CORS(  «
            app,
            resources={r"/api/*": {"origins": "*"}},
        )
    """),
    case("config/settings/production.py", """
        INSTALLED_APPS += ["corsheaders"]
        MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")
        CORS_ALLOW_ALL_ORIGINS = True  «
        CORS_ALLOW_CREDENTIALS = True
    """),
    case("internal/server/router.go", """
        package server

        import (
        	"github.com/gin-contrib/cors"
        	"github.com/gin-gonic/gin"
        )

        func NewRouter() *gin.Engine {
        	r := gin.New()
        	r.Use(cors.New(cors.Config{
        		AllowAllOrigins:  true,  «
        		AllowMethods:     []string{"GET", "POST"},
        		AllowCredentials: true,
        	}))
        	return r
        }
    """),
    case("internal/server/router.go", """
        package server

        import (
        	"github.com/gin-contrib/cors"
        	"github.com/gin-gonic/gin"
        )

        func NewRouter() *gin.Engine {
        	r := gin.New()
        	cfg := cors.DefaultConfig()
        	r.Use(cors.New(cors.Config{
        		AllowOrigins: []string{"*"},  «
        		AllowHeaders: []string{"Authorization"},
        	}))
        	_ = cfg
        	return r
        }
    """),
    case("cmd/api/main.go", """
        package main

        import (
        	"net/http"

        	"github.com/rs/cors"
        )

        func main() {
        	mux := http.NewServeMux()
        	c := cors.New(cors.Options{
        		AllowedOrigins:   []string{"*"},  «
        		AllowCredentials: true,
        	})
        	http.ListenAndServe(":8080", c.Handler(mux))
        }
    """),
    case("internal/api/middleware.go", """
        package api

        import "net/http"

        func withCORS(next http.Handler) http.Handler {
        	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        		w.Header().Set("Access-Control-Allow-Origin", "*")  «
        		w.Header().Set("Access-Control-Allow-Credentials", "true")
        		next.ServeHTTP(w, r)
        	})
        }
    """),
    case("internal/api/middleware.go", """
        package api

        import "github.com/gin-gonic/gin"

        func CORS() gin.HandlerFunc {
        	return func(c *gin.Context) {
        		c.Writer.Header().Set("Access-Control-Allow-Origin", "*")  «
        		c.Next()
        	}
        }
    """),
    case("deploy/k8s/ingress.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: api
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "*"  «
        spec:
          ingressClassName: nginx
    """),
    case("deploy/k8s/ingress.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          annotations:
            nginx.ingress.kubernetes.io/cors-allow-origin: '*'  «
            nginx.ingress.kubernetes.io/enable-cors: 'true'
          name: web
    """),
    # --- not: explicit origin lists
    case("app/main.py", """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com", "https://admin.example.com"],
            allow_credentials=True,
        )
    """),
    case("app/main.py", """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from app.config import settings

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"])
    """),
    case("app/__init__.py", """
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com"], supports_credentials=True)
    """),
    case("config/settings/production.py", """
        CORS_ALLOW_ALL_ORIGINS = False
        CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    """),
    case("internal/server/router.go", """
        package server

        import (
        	"github.com/gin-contrib/cors"
        	"github.com/gin-gonic/gin"
        )

        func NewRouter(origins []string) *gin.Engine {
        	r := gin.New()
        	r.Use(cors.New(cors.Config{
        		AllowOrigins: []string{"https://app.example.com"},
        		AllowHeaders: []string{"*"},
        	}))
        	return r
        }
    """),
    case("deploy/k8s/ingress.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: api
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.com"
    """),
]


def test_cors_public_route_without_credentials_is_medium_at_most() -> None:
    path, text, _ = case("app/public.py", """
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        # Public, read-only status endpoint: no cookies, no credentials.
        CORS(app, resources={r"/public/*": {"origins": "*"}}, supports_credentials=False)
    """)
    for f in findings("cors.wildcard", path, text):
        assert f.severity in (Severity.MEDIUM, Severity.LOW), f.severity


def test_cors_wildcard_with_credentials_is_high() -> None:
    path, text, _ = CORS[0]
    sev = {f.severity for f in findings("cors.wildcard", path, text)}
    assert sev == {Severity.HIGH}


# --- ws.origin-unchecked -------------------------------------------------------------------------

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
        	CheckOrigin:     func(r *http.Request) bool { return true },  «
        }
    """),
    case("internal/ws/hub.go", """
        package ws

        import (
        	"net/http"

        	ws "github.com/gorilla/websocket"
        )

        var upgrader = ws.Upgrader{
        	CheckOrigin: func(r *http.Request) bool {  «
        		return true
        	},
        }
    """),
    case("internal/ws/server.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        func newUpgrader() *websocket.Upgrader {
        	u := &websocket.Upgrader{}
        	u.CheckOrigin = func(_ *http.Request) bool { return true }  «
        	return u
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
        		origin := r.Header.Get("Origin")
        		if origin == "" {  «
        			return true
        		}
        		return allowed[origin]
        	},
        }
    """),
    case("app/ws_server.py", """
        import asyncio
        import websockets

        async def handler(websocket):
            async for message in websocket:
                await websocket.send(message)

        async def main():
            async with websockets.serve(handler, "0.0.0.0", 8765):  «
                await asyncio.Future()
    """),
    case("app/ws_server.py", """
        import asyncio
        from websockets.asyncio.server import serve

        async def main(host: str, port: int):
            server = await serve(  «
                handler,
                host,
                port,
            )
            await server.serve_forever()
    """),
    # --- not
    case("internal/ws/hub.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        var allowedOrigins = map[string]bool{"https://app.example.com": true}

        var upgrader = websocket.Upgrader{
        	CheckOrigin: func(r *http.Request) bool {
        		return allowedOrigins[r.Header.Get("Origin")]
        	},
        }
    """),
    case("internal/ws/hub.go", """
        package ws

        import "github.com/gorilla/websocket"

        var upgrader = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024}
    """),
    case("internal/ws/origin.go", """
        package ws

        import (
        	"net/http"
        	"slices"

        	"github.com/gorilla/websocket"
        )

        func upgrader(allowed []string) websocket.Upgrader {
        	return websocket.Upgrader{
        		CheckOrigin: func(r *http.Request) bool {
        			origin := r.Header.Get("Origin")
        			if origin == "" {
        				return false
        			}
        			return slices.Contains(allowed, origin)
        		},
        	}
        }
    """),
    case("app/ws_server.py", """
        import websockets

        ALLOWED = ["https://app.example.com"]

        async def main():
            async with websockets.serve(handler, "0.0.0.0", 8765, origins=ALLOWED):
                await asyncio.Future()
    """),
    case("internal/ws/hub_test.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        var testUpgrader = websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return true }}
    """),
]


# --- auth.token-in-url ---------------------------------------------------------------------------

TOKEN_URL = [
    case("internal/api/auth.go", """
        package api

        import "net/http"

        func authMiddleware(next http.Handler) http.Handler {
        	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
        		token := r.URL.Query().Get("token")  «
        		if !valid(token) {
        			http.Error(w, "unauthorized", http.StatusUnauthorized)
        			return
        		}
        		next.ServeHTTP(w, r)
        	})
        }
    """),
    case("internal/api/ws.go", """
        package api

        import "github.com/gin-gonic/gin"

        func (h *Handler) Stream(c *gin.Context) {
        	jwt := c.Query("access_token")  «
        	claims, err := h.auth.Verify(jwt)
        	if err != nil {
        		c.AbortWithStatus(401)
        		return
        	}
        	h.serve(c, claims)
        }
    """),
    case("internal/api/ws.go", """
        package api

        import "github.com/gin-gonic/gin"

        func (h *Handler) Stream(ctx *gin.Context) {
        	tok := ctx.Query("token")  «
        	_ = tok
        }
    """),
    case("app/views.py", """
        from flask import Blueprint, request, abort

        bp = Blueprint("api", __name__)

        @bp.route("/export")
        def export():
            token = request.args.get("token")  «
            if not verify(token):
                abort(401)
            return build_export()
    """),
    case("app/views.py", """
        from flask import request

        @app.get("/download")
        def download():
            jwt_token = request.args['jwt']  «
            return send(jwt_token)
    """),
    case("app/api/ws.py", """
        from fastapi import APIRouter, Request

        router = APIRouter()

        @router.get("/me")
        async def me(request: Request):
            token = request.query_params["access_token"]  «
            return await users.from_token(token)
    """),
    case("app/api/ws.py", """
        from fastapi import APIRouter, WebSocket

        router = APIRouter()

        @router.websocket("/ws")
        async def ws_endpoint(websocket: WebSocket):
            token = websocket.query_params.get('token')  «
            user = await authenticate(token)
            await websocket.accept()
    """),
    case("web/src/realtime.ts", """
        import { getToken } from './auth';

        export function connect(baseUrl: string): WebSocket {
          const token = getToken();
          const ws = new WebSocket(`${baseUrl}/ws?token=${token}`);  «
          ws.onmessage = (ev) => console.log(ev.data);
          return ws;
        }
    """),
    case("web/src/socket.js", """
        const token = localStore.get();
        const socket = new WebSocket(WS_URL + "?token=" + encodeURIComponent(token));  «
        socket.addEventListener("open", () => socket.send("hello"));
    """),
    # --- not: non-secret query params
    case("internal/api/list.go", """
        package api

        import (
        	"net/http"
        	"strconv"
        )

        func list(w http.ResponseWriter, r *http.Request) {
        	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
        	token := r.Header.Get("Authorization")
        	render(w, page, token)
        }
    """),
    case("internal/api/list.go", """
        package api

        import "github.com/gin-gonic/gin"

        func (h *Handler) List(c *gin.Context) {
        	limit := c.Query("limit")
        	cursor := c.DefaultQuery("cursor", "")
        	h.list(c, limit, cursor)
        }
    """),
    case("app/views.py", """
        from flask import request

        @app.get("/search")
        def search():
            q = request.args.get("q", "")
            page_token = request.args.get("page_token")
            return do_search(q, page_token)
    """),
    case("web/src/realtime.ts", """
        export function connect(baseUrl: string): WebSocket {
          const ws = new WebSocket(`${baseUrl}/ws?room=${encodeURIComponent(room)}`);
          ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: getToken() }));
          return ws;
        }
    """),
]


# --- auth.jwt-no-verify ------------------------------------------------------------------------

JWT = [
    case("app/auth.py", """
        import jwt

        def current_claims(token: str) -> dict:
            return jwt.decode(token, options={"verify_signature": False})  «
    """),
    case("app/auth.py", """
        import jwt

        def current_claims(token: str) -> dict:
            claims = jwt.decode(
                token,
                settings.JWT_SECRET,
                algorithms=["HS256"],
                options={'verify_signature': False, 'verify_exp': True},  «
            )
            return claims
    """),
    case("app/auth.py", """
        import jwt as pyjwt

        def claims(token):
            return pyjwt.decode(token, SECRET, verify=False)  «
    """),
    case("app/auth.py", """
        from jwt import decode as jwt_decode

        def claims(token):
            return jwt_decode(token, SECRET, algorithms=["none"])  «
    """),
    case("app/auth.py", """
        from jose import jwt

        def claims(token):
            return jwt.decode(token, key, options={"verify_signature": False})  «
    """),
    case("internal/auth/jwt.go", """
        package auth

        import "github.com/golang-jwt/jwt/v5"

        func Parse(tokenString string, secret []byte) (*jwt.Token, error) {
        	return jwt.Parse(tokenString, func(token *jwt.Token) (interface{}, error) {  «
        		return secret, nil
        	})
        }
    """),
    case("internal/auth/jwt.go", """
        package auth

        import jwtlib "github.com/golang-jwt/jwt/v4"

        type Claims struct {
        	jwtlib.RegisteredClaims
        	UserID string `json:"uid"`
        }

        func Parse(raw string, key []byte) (*Claims, error) {
        	claims := &Claims{}
        	_, err := jwtlib.ParseWithClaims(raw, claims, func(t *jwtlib.Token) (any, error) {  «
        		return key, nil
        	})
        	return claims, err
        }
    """),
    case("internal/auth/jwt.go", """
        package auth

        import "github.com/golang-jwt/jwt/v5"

        func Subject(raw string) (string, error) {
        	claims := jwt.MapClaims{}
        	_, _, err := jwt.NewParser().ParseUnverified(raw, claims)  «
        	if err != nil {
        		return "", err
        	}
        	return claims["sub"].(string), nil
        }
    """),
    # --- not: verification on
    case("app/auth.py", """
        import jwt

        def claims(token: str) -> dict:
            return jwt.decode(token, settings.JWT_SECRET, algorithms=["HS256"], audience="api")
    """),
    case("app/auth.py", """
        import jwt

        def claims(token: str) -> dict:
            return jwt.decode(
                token,
                PUBLIC_KEY,
                algorithms=["RS256"],
                options={"verify_signature": True, "require": ["exp"]},
            )
    """),
    case("internal/auth/jwt.go", """
        package auth

        import (
        	"fmt"

        	"github.com/golang-jwt/jwt/v5"
        )

        func Parse(tokenString string, secret []byte) (*jwt.Token, error) {
        	return jwt.Parse(tokenString, func(token *jwt.Token) (interface{}, error) {
        		if _, ok := token.Method.(*jwt.SigningMethodHMAC); !ok {
        			return nil, fmt.Errorf("unexpected signing method: %v", token.Header["alg"])
        		}
        		return secret, nil
        	})
        }
    """),
    case("internal/auth/jwt.go", """
        package auth

        import "github.com/golang-jwt/jwt/v5"

        func Parse(raw string, key []byte) (*jwt.Token, error) {
        	return jwt.Parse(raw, func(t *jwt.Token) (any, error) {
        		return key, nil
        	}, jwt.WithValidMethods([]string{"HS256"}))
        }
    """),
    case("internal/auth/jwt_test.go", """
        package auth

        import (
        	"testing"

        	"github.com/golang-jwt/jwt/v5"
        )

        func TestSubject(t *testing.T) {
        	claims := jwt.MapClaims{}
        	_, _, err := jwt.NewParser().ParseUnverified(sample, claims)
        	if err != nil {
        		t.Fatal(err)
        	}
        }
    """),
]


# --- auth.hardcoded-identity --------------------------------------------------------------------

IDENTITY = [
    case("app/api/orders.py", """
        from fastapi import APIRouter, Request

        router = APIRouter()

        @router.get("/orders")
        async def list_orders(request: Request):
            # TODO: take the user from the session once auth is wired
            user_id = "11111111-1111-1111-1111-111111111111"  «
            return await orders.for_user(user_id)
    """),
    case("app/views.py", """
        from flask import Blueprint
        from app.models import User

        bp = Blueprint("profile", __name__)

        @bp.route("/profile", methods=["POST"])
        def update_profile():
            current_user = User(id=1)  «
            current_user.update(request.json)
            return "", 204
    """),
    case("app/config.py", """
        import os

        # TODO remove before launch: auth bypass for the demo
        SKIP_AUTH = True  «
        DATABASE_URL = os.environ["DATABASE_URL"]
    """),
    case("app/settings.py", """
        DISABLE_AUTH = True  «
        LOG_LEVEL = "INFO"
    """),
    case("internal/api/handlers.go", """
        package api

        import "net/http"

        func (s *Server) ListProjects(w http.ResponseWriter, r *http.Request) {
        	// TODO: read from the JWT once auth lands
        	tenantID := "00000000-0000-0000-0000-000000000001"  «
        	projects, err := s.store.Projects(r.Context(), tenantID)
        	if err != nil {
        		http.Error(w, err.Error(), 500)
        		return
        	}
        	writeJSON(w, projects)
        }
    """),
    # --- not: tests, fixtures, seed data, real identities
    case("tests/test_orders.py", """
        from app.models import User

        def test_orders(client):
            current_user = User(id=1)
            user_id = "11111111-1111-1111-1111-111111111111"
            assert client.get("/orders").status_code == 200
    """),
    case("tests/conftest.py", """
        import pytest
        from app.models import User

        @pytest.fixture
        def current_user():
            return User(id=1)
    """),
    case("scripts/seed.py", """
        from app.models import User

        def seed(session):
            admin = User(id=1, email="admin@example.com")
            session.add(admin)
    """),
    case("app/db/seed_data.py", """
        DEMO_TENANT_ID = "00000000-0000-0000-0000-000000000001"
        DEMO_USER_ID = "11111111-1111-1111-1111-111111111111"
    """),
    case("app/api/orders.py", """
        from fastapi import APIRouter, Depends

        router = APIRouter()

        @router.get("/orders")
        async def list_orders(user=Depends(current_user)):
            user_id = user.id
            return await orders.for_user(user_id)
    """),
    case("app/config.py", """
        import os

        SKIP_AUTH = False
        DISABLE_AUTH = False
    """),
]


# --- auth.token-in-web-storage -------------------------------------------------------------------

STORAGE = [
    case("web/src/auth.ts", """
        export async function login(user: string, password: string): Promise<void> {
          const res = await api.post('/login', { user, password });
          localStorage.setItem('jwt_token', res.data.token);  «
        }
    """),
    case("web/src/auth.js", """
        export function saveSession(data) {
          sessionStorage.setItem("access_token", data.access_token);  «
          sessionStorage.setItem("refresh_token", data.refresh_token);  «
        }
    """),
    case("web/src/auth.js", """
        function onLogin(resp) {
          localStorage.token = resp.token;  «
        }
    """),
    case("web/src/store/session.tsx", """
        export const persist = (authToken: string) => {
          window.localStorage.setItem(  «
            "authToken",
            authToken,
          );
        };
    """),
    case("web/src/auth.ts", """
        const TOKEN_KEY = 'token';

        export function store(token: string): void {
          localStorage.setItem(TOKEN_KEY, token);  «
        }
    """),
    case("web/src/auth.js", """
        export function remember(jwt) {
          localStorage['jwt'] = jwt;  «
        }
    """),
    # --- not: non-credential keys, reads and removals, tests
    case("web/src/prefs.ts", """
        export function saveTheme(theme: string): void {
          localStorage.setItem('theme', theme);
          sessionStorage.setItem("sidebar-open", "true");
        }
    """),
    case("web/src/auth.ts", """
        export function logout(): void {
          localStorage.removeItem('token');
          const t = localStorage.getItem('token');
          console.log(Boolean(t));
        }
    """),
    case("web/src/auth.test.ts", """
        it('stores the token', () => {
          localStorage.setItem('token', 'abc');
          expect(getToken()).toBe('abc');
        });
    """),
]


# --- web.csrf-disabled ---------------------------------------------------------------------------

CSRF = [
    case("app/views.py", """
        from django.http import JsonResponse
        from django.views.decorators.csrf import csrf_exempt

        @csrf_exempt  «
        def update_profile(request):
            if request.method == "POST":
                request.user.profile.update(request.POST)
            return JsonResponse({"ok": True})
    """),
    case("app/views.py", """
        from django.views.decorators.csrf import csrf_exempt as no_csrf
        from django.views.decorators.http import require_POST

        @require_POST
        @no_csrf  «
        def transfer(request):
            Account.objects.transfer(request.POST["to"], request.POST["amount"])
            return redirect("/")
    """),
    case("app/views.py", """
        from django.utils.decorators import method_decorator
        from django.views import View
        from django.views.decorators.csrf import csrf_exempt

        @method_decorator(csrf_exempt, name="dispatch")  «
        class CommentView(View):
            def post(self, request):
                Comment.objects.create(body=request.POST["body"], author=request.user)
                return redirect("/")
    """),
    case("app/config.py", """
        class ProductionConfig(Config):
            DEBUG = False
            WTF_CSRF_ENABLED = False  «
    """),
    case("app/__init__.py", """
        from flask import Flask

        app = Flask(__name__)
        app.config["WTF_CSRF_ENABLED"] = False  «
    """),
    case("app/settings.py", """
        SECRET_KEY = os.environ["SECRET_KEY"]
        CSRF_ENABLED=False  «
    """),
    case("mysite/settings.py", """
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            # "django.middleware.csrf.CsrfViewMiddleware",  «
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ]
    """),
    case("config/app.yaml", """
        server:
          port: 8080
        security:
          csrf: false  «
          session_timeout: 30m
    """),
    # --- not
    case("app/api/views.py", """
        from django.views.decorators.csrf import csrf_exempt
        from rest_framework.authentication import TokenAuthentication
        from rest_framework.decorators import api_view, authentication_classes

        # Token-authenticated API: no cookies, so CSRF does not apply.
        @csrf_exempt
        @api_view(["POST"])
        @authentication_classes([TokenAuthentication])
        def create_item(request):
            return Response(Item.objects.create(**request.data).pk)
    """),
    case("app/views.py", """
        from django.views.decorators.csrf import csrf_exempt
        from django.views.decorators.http import require_GET

        @csrf_exempt
        @require_GET
        def health(request):
            return JsonResponse({"status": "ok"})
    """),
    case("mysite/settings.py", """
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ]
    """),
    case("app/config.py", """
        class ProductionConfig(Config):
            WTF_CSRF_ENABLED = True
    """),
    case("tests/conftest.py", """
        import pytest

        @pytest.fixture
        def app():
            app = create_app()
            app.config["WTF_CSRF_ENABLED"] = False
            return app
    """),
]


# --- web.template-autoescape-off -----------------------------------------------------------------

AUTOESCAPE = [
    case("app/render.py", """
        from jinja2 import Template

        def render_greeting(src: str, name: str) -> str:
            return Template(src).render(name=name)  «
    """),
    case("app/render.py", """
        import jinja2

        env = jinja2.Environment(  «
            loader=jinja2.FileSystemLoader("templates"),
            trim_blocks=True,
        )
    """),
    case("app/render.py", """
        from jinja2 import Environment, PackageLoader

        env = Environment(loader=PackageLoader("app"), autoescape=False)  «
    """),
    case("app/views.py", """
        from markupsafe import Markup

        def bio(user):
            return Markup(user.bio)  «
    """),
    case("app/views.py", """
        from markupsafe import Markup

        def greeting(name):
            return Markup(f"<b>Hello {name}</b>")  «
    """),
    case("blog/templatetags/blog.py", """
        from django import template
        from django.utils.safestring import mark_safe as safe

        register = template.Library()

        @register.filter
        def render_comment(comment):
            return safe(comment.body)  «
    """),
    case("templates/comment.html", """
        <div class="comment">
          {% autoescape off %}  «
            {{ comment.body }}
          {% endautoescape %}
        </div>
    """),
    case("app/templates/email.j2", """
        {% autoescape false %}  «
        <p>{{ message }}</p>
        {% endautoescape %}
    """),
    # --- not
    case("app/render.py", """
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        env = Environment(
            loader=FileSystemLoader("templates"),
            autoescape=select_autoescape(["html", "xml"]),
        )
    """),
    case("app/render.py", """
        import jinja2

        env = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"), autoescape=True)
    """),
    case("app/views.py", """
        from markupsafe import Markup, escape
        from django.utils.safestring import mark_safe

        BR = Markup("<br>")
        HR = mark_safe("<hr>")

        def bold(name):
            return Markup("<b>%s</b>") % name
    """),
    case("app/render.py", """
        from string import Template

        def greeting(name):
            return Template("Hello $name").substitute(name=name)
    """),
    case("templates/page.html", """
        {% autoescape true %}
          <p>{{ body }}</p>
        {% endautoescape %}
    """),
]


# --- web.html-injection --------------------------------------------------------------------------

HTML = [
    case("internal/web/handlers.go", """
        package web

        import (
        	"fmt"
        	"net/http"
        )

        func hello(w http.ResponseWriter, r *http.Request) {
        	name := r.URL.Query().Get("name")
        	body := fmt.Sprintf("<h1>Hello, %s</h1>", name)  «
        	w.Write([]byte(body))
        }
    """),
    case("internal/notify/email.go", """
        package notify

        import "fmt"

        func renderInvite(inviter, team string) string {
        	return fmt.Sprintf(  «
        		`<p>%s invited you to join <strong>%s</strong></p>`,
        		inviter,
        		team,
        	)
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
    case("app/views.py", """
        from flask import request

        @app.route("/comment", methods=["POST"])
        def comment():
            body = request.form["body"]
            return "<div class='comment'>%s</div>" % body  «
    """),
    case("app/api.py", """
        from fastapi import FastAPI
        from fastapi.responses import HTMLResponse

        app = FastAPI()

        @app.get("/items/{item_id}", response_class=HTMLResponse)
        async def item(item_id: str):
            return HTMLResponse("<p>Item {}</p>".format(item_id))  «
    """),
    case("app/mail.py", """
        from django.core.mail import send_mail

        def send_welcome(user):
            html = f"<p>Welcome, {user.first_name}!</p>"  «
            send_mail("Welcome", "", "noreply@example.com", [user.email], html_message=html)
    """),
    case("web/src/list.ts", """
        export function renderItems(list: HTMLElement, items: Item[]): void {
          for (const item of items) {
            list.innerHTML += `<li>${item.name}</li>`;  «
          }
        }
    """),
    case("web/src/flash.js", """
        function showMessage(msg) {
          const el = document.getElementById("flash");
          el.innerHTML = msg;  «
        }
    """),
    # --- not: html/template, escaped args, constant strings
    case("internal/web/handlers.go", """
        package web

        import (
        	"fmt"
        	"html"
        	"net/http"
        )

        func hello(w http.ResponseWriter, r *http.Request) {
        	name := r.URL.Query().Get("name")
        	fmt.Fprint(w, fmt.Sprintf("<h1>Hello, %s</h1>", html.EscapeString(name)))
        }
    """),
    case("internal/web/handlers.go", """
        package web

        import (
        	"fmt"
        	"html/template"
        )

        func cell(v string) string {
        	return fmt.Sprintf("<td>%s</td>", template.HTMLEscapeString(v))
        }
    """),
    case("internal/web/page.go", """
        package web

        import (
        	"html/template"
        	"net/http"
        )

        var page = template.Must(template.New("p").Parse("<h1>Hello, {{.}}</h1>"))

        func hello(w http.ResponseWriter, r *http.Request) {
        	page.Execute(w, r.URL.Query().Get("name"))
        }
    """),
    case("internal/web/log.go", """
        package web

        import "fmt"

        func describe(name string, n int) string {
        	return fmt.Sprintf("user %s has %d items", name, n)
        }
    """),
    case("app/views.py", """
        from flask import request
        from markupsafe import escape

        @app.route("/hello")
        def hello():
            name = request.args.get("name", "")
            return f"<h1>Hello {escape(name)}</h1>"
    """),
    case("app/views.py", """
        @app.route("/ping")
        def ping():
            return "<p>pong</p>"
    """),
    case("web/src/flash.js", """
        function clear(el, name) {
          el.innerHTML = '';
          el.innerHTML = '<span class="spinner"></span>';
          el.textContent = name;
        }
    """),
]


# --- web.unsafe-url-scheme -----------------------------------------------------------------------

URL_SCHEME = [
    case("internal/model/attachment.go", """
        package model

        import "errors"

        type Attachment struct {
        	Name    string `json:"name"`
        	FileURL string `json:"file_url"`  «
        }

        func (a Attachment) Validate() error {
        	if a.Name == "" {
        		return errors.New("name is required")
        	}
        	return nil
        }
    """),
    case("app/schemas.py", """
        from pydantic import BaseModel, field_validator

        class Profile(BaseModel):
            display_name: str
            avatar_url: str  «

            @field_validator("display_name")
            @classmethod
            def name_not_empty(cls, v: str) -> str:
                if not v.strip():
                    raise ValueError("display_name is required")
                return v
    """),
    # --- not
    case("internal/model/attachment.go", """
        package model

        import (
        	"errors"
        	"net/url"
        )

        type Attachment struct {
        	Name    string `json:"name"`
        	FileURL string `json:"file_url"`
        }

        func (a Attachment) Validate() error {
        	if a.Name == "" {
        		return errors.New("name is required")
        	}
        	u, err := url.Parse(a.FileURL)
        	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
        		return errors.New("file_url must be http(s)")
        	}
        	return nil
        }
    """),
    case("internal/model/attachment.go", """
        package model

        type Attachment struct {
        	Name    string `json:"name"`
        	FileURL string `json:"file_url"`
        }
    """),
    case("app/schemas.py", """
        from pydantic import BaseModel, HttpUrl, field_validator

        class Profile(BaseModel):
            display_name: str
            avatar_url: HttpUrl

            @field_validator("display_name")
            @classmethod
            def name_not_empty(cls, v: str) -> str:
                return v
    """),
    case("app/schemas.py", """
        from urllib.parse import urlparse
        from pydantic import BaseModel, field_validator

        class Profile(BaseModel):
            display_name: str
            avatar_url: str

            @field_validator("avatar_url")
            @classmethod
            def https_only(cls, v: str) -> str:
                if urlparse(v).scheme != "https":
                    raise ValueError("avatar_url must be https")
                return v
    """),
]


# --- web.hsts-missing ----------------------------------------------------------------------------

HSTS = [
    case("nginx/nginx.conf", """
        http {
            server {  «
                listen 443 ssl http2;
                server_name app.example.com;
                ssl_certificate     /etc/nginx/tls/tls.crt;
                ssl_certificate_key /etc/nginx/tls/tls.key;
                location / {
                    proxy_pass http://app:8000;
                }
            }
        }
    """),
    case("deploy/nginx/default.conf", """
        server {
            listen 443 ssl;
            server_name api.example.com;
            ssl_certificate /etc/ssl/api.crt;
            ssl_certificate_key /etc/ssl/api.key;
            # add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;  «
            add_header X-Frame-Options DENY;
        }
    """),
    # --- not
    case("nginx/nginx.conf", """
        server {
            listen 443 ssl;
            server_name app.example.com;
            ssl_certificate /etc/ssl/app.crt;
            ssl_certificate_key /etc/ssl/app.key;
            add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        }
    """),
    case("nginx/nginx.conf", """
        server {
            listen 80;
            server_name app.example.com;
            return 301 https://$host$request_uri;
        }
    """),
    case("nginx/nginx.conf", """
        http {
            add_header Strict-Transport-Security 'max-age=31536000' always;
            server {
                listen 443 ssl;
                ssl_certificate /etc/ssl/app.crt;
                ssl_certificate_key /etc/ssl/app.key;
            }
        }
    """),
]


# --- web.debug-enabled ---------------------------------------------------------------------------

DEBUG = [
    case("app/main.py", """
        from flask import Flask

        app = Flask(__name__)

        if __name__ == "__main__":
            app.run(host="0.0.0.0", port=5000, debug=True)  «
    """),
    case("app/main.py", """
        from flask import Flask

        app = Flask(__name__)
        app.run(  «
            host='0.0.0.0',
            debug=True,
        )
    """),
    case("mysite/settings.py", """
        import os

        DEBUG = True  «
        ALLOWED_HOSTS = ["app.example.com"]
    """),
    case("config/settings/production.py", """
        from .base import *

        DEBUG = True  «
    """),
    case("app/main.py", """
        from fastapi import FastAPI

        app = FastAPI(title="orders", debug=True)  «
    """),
    case("app/main.py", """
        from starlette.applications import Starlette

        app = Starlette(  «
            debug=True,
            routes=routes,
        )
    """),
    case("cmd/server/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	gin.SetMode(gin.DebugMode)  «
        	r := gin.New()
        	r.Run(":8080")
        }
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
                  image: example/api:1.0
                  env:
                    - name: PORT
                      value: "8080"
                    - name: GIN_MODE
                      value: debug  «
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
                  env:
                    - value: "debug"  «
                      name: GIN_MODE
    """),
    case("docker-compose.yml", """
        services:
          api:
            image: example/api:1.0
            environment:
              GIN_MODE: debug  «
              PORT: "8080"
    """),
    case("docker-compose.yml", """
        services:
          api:
            image: example/api:1.0
            environment:
              - PORT=8080
              - GIN_MODE=debug  «
    """),
    case("Dockerfile", """
        FROM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -o /app ./cmd/server
        FROM gcr.io/distroless/base
        ENV GIN_MODE=debug  «
        COPY --from=build /app /app
        ENTRYPOINT ["/app"]
    """),
    # --- not: dev/local/test settings, release mode, env-driven
    case("config/settings/dev.py", """
        from .base import *

        DEBUG = True
    """),
    case("mysite/settings_local.py", """
        DEBUG = True
    """),
    case("mysite/settings.py", """
        import os

        DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    """),
    case("app/main.py", """
        import os
        from flask import Flask

        app = Flask(__name__)
        app.run(debug=False)
        app.run(debug=os.getenv("FLASK_DEBUG") == "1")
    """),
    case("cmd/server/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	gin.SetMode(gin.ReleaseMode)
        	gin.New().Run(":8080")
        }
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
                  env:
                    - name: GIN_MODE
                      value: release
    """),
    case("tests/test_app.py", """
        def test_debug(app):
            app.run(debug=True)
    """),
]


# --- more variations -----------------------------------------------------------------------------

WS += [
    case("app/ws_server.py", """
        import websockets as ws

        async def main():
            server = await ws.serve(handler, "0.0.0.0", 8765, origins=None)  «
            await server.wait_closed()
    """),
    case("app/ws_server.py", """
        from websockets.sync.server import serve

        def main():
            with serve(handler, "0.0.0.0", 8765, origins=["https://app.example.com", None]) as server:
                server.serve_forever()
    """),
]

TOKEN_URL += [
    case("internal/api/auth.go", """
        package api

        import "net/http"

        func tokenFrom(r *http.Request) string {
        	q := r.URL.Query()
        	return q.Get("access_token")  «
        }
    """),
    case("app/api/deps.py", """
        from starlette.requests import Request

        def get_token(req: Request) -> str | None:
            return req.query_params.get("jwt")  «
    """),
]

JWT += [
    case("app/auth.py", """
        import jwt

        NO_VERIFY = {"verify_signature": False}

        def claims(token):
            return jwt.decode(token, options=NO_VERIFY)  «
    """),
    case("app/auth.py", """
        import jwt

        def claims(token):
            return jwt.decode(token, key, algorithms=['HS256', 'none'])  «
    """),
    case("tests/test_auth.py", """
        import jwt

        def test_claims(token):
            assert jwt.decode(token, options={"verify_signature": False})["sub"] == "u1"
    """),
]

IDENTITY += [
    case("app/api/deps.py", """
        from fastapi import Request

        async def get_current_user(request: Request):
            # auth disabled for the beta
            return User(id=1, email="beta@example.com")  «
    """),
]

STORAGE += [
    case("web/src/api/client.ts", """
        export function onAuthenticated(resp: AuthResponse): void {
          localStorage.setItem("refreshToken", resp.refreshToken);  «
          localStorage.setItem("lastLogin", new Date().toISOString());
        }
    """),
    case("web/src/auth.js", """
        export const save = (t) => sessionStorage.setItem(`id_token`, t);  «
    """),
]

CSRF += [
    case("app/views.py", """
        from django.views.decorators import csrf

        @csrf.csrf_exempt  «
        def delete_account(request):
            if request.method == "DELETE":
                request.user.delete()
            return HttpResponse(status=204)
    """),
    case("app/config.py", """
        class Config:
            SECRET_KEY = os.environ["SECRET_KEY"]

        class TestingConfig(Config):
            TESTING = True
            WTF_CSRF_ENABLED = False
    """),
    case("config/app.yaml", """
        security:
          csrf: true
    """),
]

AUTOESCAPE += [
    case("app/render.py", """
        from jinja2 import Environment, FileSystemLoader

        env = Environment(loader=FileSystemLoader("templates"))  «

        def page(user):
            return env.get_template("profile.html").render(user=user)
    """),
    case("app/render.py", """
        from flask import Flask

        app = Flask(__name__)
        app.jinja_env.autoescape = False  «
    """),
    case("tools/gen_manifests.py", """
        import jinja2

        env = jinja2.Environment(loader=jinja2.FileSystemLoader("deploy"), keep_trailing_newline=True)
        out = env.get_template("deployment.yaml.j2").render(image=image)
    """),
]

HTML += [
    case("internal/web/handlers.go", """
        package web

        import (
        	"fmt"
        	"net/http"
        )

        func greet(w http.ResponseWriter, r *http.Request) {
        	fmt.Fprintf(w, "<p>Hello %s</p>", r.FormValue("name"))  «
        }
    """),
    case("web/src/comments.ts", """
        export function render(container: HTMLElement, comment: Comment): void {
          container.innerHTML = '<p class="body">' + comment.body + '</p>';  «
        }
    """),
]

URL_SCHEME += [
    case("internal/api/types.go", """
        package api

        import "fmt"

        type CreateLinkRequest struct {
        	Title  string `json:"title"`
        	Target string `json:"target"`
        	IconURL string `json:"icon_url"`  «
        }

        func (r *CreateLinkRequest) Validate() error {
        	if r.Title == "" {
        		return fmt.Errorf("title required")
        	}
        	if len(r.Target) > 2048 {
        		return fmt.Errorf("target too long")
        	}
        	return nil
        }
    """),
    case("app/schemas.py", """
        from pydantic import BaseModel, validator

        class Link(BaseModel):
            title: str
            href: str  «

            @validator("title")
            def title_ok(cls, v):
                return v.strip()
    """),
]

HSTS += [
    case("nginx/conf.d/app.conf", """
        server {
            listen 80;
            return 301 https://$host$request_uri;
        }

        server {  «
            listen 443 ssl;
            server_name app.example.com;
            ssl_certificate /etc/ssl/app.crt;
            ssl_certificate_key /etc/ssl/app.key;
            add_header X-Content-Type-Options nosniff;
        }
    """),
    case("nginx/nginx.conf", """
        server {
            listen 443 ssl;
            ssl_certificate /etc/ssl/app.crt;
            ssl_certificate_key /etc/ssl/app.key;
            #add_header Strict-Transport-Security 'max-age=31536000';  «
        }
    """),
]

DEBUG += [
    case(".env", """
        PORT=8080
        GIN_MODE=debug  «
    """),
    case(".env.local", """
        GIN_MODE=debug
    """),
    case("config/settings/test.py", """
        DEBUG = True
    """),
    case("app/main.py", """
        import uvicorn
        from fastapi import FastAPI

        app = FastAPI(debug=settings.DEBUG)
    """),
]


# --- more variations (2) --------------------------------------------------------------------------

CORS += [
    case("mysite/settings.py", """
        CORS_ORIGIN_ALLOW_ALL = True  «
    """),
    case("internal/server/router.go", """
        package server

        import (
        	"github.com/gin-contrib/cors"
        	"github.com/gin-gonic/gin"
        )

        func NewRouter() *gin.Engine {
        	r := gin.New()
        	r.Use(cors.Default())  «
        	return r
        }
    """),
    case("cmd/api/main.go", """
        package main

        import (
        	"net/http"

        	"github.com/rs/cors"
        )

        func main() {
        	handler := cors.AllowAll().Handler(http.DefaultServeMux)  «
        	http.ListenAndServe(":8080", handler)
        }
    """),
    case("internal/api/middleware.go", """
        package api

        import "github.com/gin-gonic/gin"

        func CORS() gin.HandlerFunc {
        	return func(c *gin.Context) {
        		c.Header("Access-Control-Allow-Origin", "*")  «
        		c.Next()
        	}
        }
    """),
    case("app/middleware.py", """
        def add_cors(response):
            response.headers["Access-Control-Allow-Origin"] = "*"  «
            return response
    """),
]

WS += [
    case("internal/ws/hub.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        var upgrader = websocket.Upgrader{
        	CheckOrigin: func(*http.Request) bool { return true },  «
        }
    """),
    case("app/ws_server.py", """
        from websockets import serve

        async def main():
            async with serve(echo, "localhost", 8765):  «
                await asyncio.get_running_loop().create_future()
    """),
]

TOKEN_URL += [
    case("app/views.py", """
        from django.http import JsonResponse

        def export(request):
            token = request.GET.get("access_token")  «
            user = authenticate_token(token)
            return JsonResponse(user.export())
    """),
    case("app/handlers.py", """
        from aiohttp import web

        async def stream(request: web.Request) -> web.StreamResponse:
            token = request.query.get("token")  «
            await authorize(token)
            return web.Response(text="ok")
    """),
    case("web/src/live.ts", """
        const url = `wss://${location.host}/live?access_token=${auth.accessToken}`;  «
        export const socket = new WebSocket(url);
    """),
]

JWT += [
    case("internal/auth/jwt.go", """
        package auth

        import "github.com/golang-jwt/jwt/v5"

        func keyFunc(t *jwt.Token) (interface{}, error) {
        	return signingKey, nil
        }

        func Parse(raw string) (*jwt.Token, error) {
        	return jwt.Parse(raw, keyFunc)  «
        }
    """),
    case("internal/auth/jwt.go", """
        package auth

        import (
        	"errors"

        	"github.com/golang-jwt/jwt/v5"
        )

        func keyFunc(t *jwt.Token) (interface{}, error) {
        	if t.Method.Alg() != jwt.SigningMethodRS256.Alg() {
        		return nil, errors.New("bad alg")
        	}
        	return publicKey, nil
        }

        func Parse(raw string) (*jwt.Token, error) {
        	return jwt.Parse(raw, keyFunc)
        }
    """),
]

IDENTITY += [
    case("app/settings.py", """
        BYPASS_AUTH = True  «
    """),
]

CSRF += [
    case("app/__init__.py", """
        from flask import Flask

        app = Flask(__name__)
        app.config.update(  «
            SECRET_KEY=os.environ["SECRET_KEY"],
            WTF_CSRF_ENABLED=False,
        )
    """),
]

AUTOESCAPE += [
    case("app/views.py", """
        from flask import request
        from markupsafe import Markup

        @app.get("/search")
        def search():
            return Markup(request.args["q"])  «
    """),
    case("app/render.py", """
        import jinja2

        def render(src, **ctx):
            return jinja2.Template(src, autoescape=True).render(**ctx)
    """),
]

HTML += [
    case("internal/web/handlers.go", """
        package web

        import (
        	"fmt"
        	"html/template"
        )

        func badge(name string) template.HTML {
        	return template.HTML(fmt.Sprintf("<span class=\\"badge\\">%s</span>", name))  «
        }
    """),
    case("web/src/preview.js", """
        import DOMPurify from "dompurify";

        export function preview(el, html) {
          el.innerHTML = DOMPurify.sanitize(html);
        }
    """),
]

DEBUG += [
    case("deploy/k8s/configmap.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api-config
        data:
          LOG_LEVEL: info
          GIN_MODE: "debug"  «
    """),
    case("Dockerfile", """
        FROM golang:1.22
        ENV GIN_MODE debug  «
        CMD ["/app"]
    """),
    case("cmd/server/main.go", """
        package main

        import "github.com/gin-gonic/gin"

        func main() {
        	gin.SetMode("debug")  «
        	gin.New().Run()
        }
    """),
    case("config/settings/prod.py", """
        from .base import *

        DEBUG = True  «
    """),
]


IDENTITY += [
    case(".env", """
        DATABASE_URL=postgres://db/app
        SKIP_AUTH=true  «
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
                  env:
                    - name: DISABLE_AUTH
                      value: "true"  «
                    - name: LOG_LEVEL
                      value: info
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
                  env:
                    - name: DISABLE_AUTH
                      value: "false"
    """),
    case(".env.example", """
        SKIP_AUTH=true
    """),
    case("deploy/loki/config.yaml", """
        auth_enabled: false
        server:
          http_listen_port: 3100
    """),
]


# --- forms found while probing (each was silent before the fix) ----------------------------------

CORS += [
    case("app/main.py", """
        import os
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=os.getenv("CORS_ORIGINS", "*").split(","))  «
    """),
    case("app/config.py", """
        class ProductionConfig:
            CORS_ORIGINS = "*"  «
            CORS_SUPPORTS_CREDENTIALS = True
    """),
    case("mysite/settings.py", """
        CORS_ALLOWED_ORIGIN_REGEXES = [r".*"]  «
    """),
    case("app/main.py", """
        import os
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=os.environ["CORS_ORIGINS"].split(","))
    """),
]

WS += [
    case("internal/ws/hub.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        var upgrader = websocket.Upgrader{
        	CheckOrigin: func(r *http.Request) bool {
        		if len(r.Header.Get("Origin")) == 0 {  «
        			return true
        		}
        		return r.Header.Get("Origin") == cfg.Origin
        	},
        }
    """),
    case("internal/ws/hub.go", """
        package ws

        import (
        	"net/http"

        	"github.com/gorilla/websocket"
        )

        var upgrader = websocket.Upgrader{
        	CheckOrigin: func(r *http.Request) bool {
        		origin := r.Header.Get("Origin")
        		if origin == "" || allowed[origin] {  «
        			return true
        		}
        		return false
        	},
        }
    """),
]

TOKEN_URL += [
    case("app/api/deps.py", """
        from fastapi import Query

        async def get_current_user(token: str = Query(...)):  «
            return await verify(token)
    """),
    case("app/api/deps.py", """
        from typing import Annotated
        from fastapi import Query, WebSocket

        async def ws_user(websocket: WebSocket, token: Annotated[str | None, Query()] = None):  «
            return await verify(token)
    """),
    case("app/api/deps.py", """
        from fastapi import Query

        async def pagination(page_token: str | None = Query(None), limit: int = Query(20)):
            return page_token, limit
    """),
]

JWT += [
    case("internal/auth/jwt.go", """
        package auth

        import "github.com/dgrijalva/jwt-go"

        func Parse(raw string) (*jwt.Token, error) {
        	return jwt.Parse(raw, func(token *jwt.Token) (interface{}, error) {  «
        		return secret, nil
        	})
        }
    """),
]

STORAGE += [
    case("web/src/auth.ts", """
        const storage = window.localStorage;

        export function save(token: string): void {
          storage.setItem('jwt', token);  «
          storage.setItem('theme', 'dark');
        }
    """),
]

CSRF += [
    case("mysite/settings.py", """
        MIDDLEWARE = [  «
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ]
    """),
    case("config/settings/production.py", """
        from .base import *

        MIDDLEWARE.remove("django.middleware.csrf.CsrfViewMiddleware")  «
    """),
    case("config/settings/production.py", """
        from .base import MIDDLEWARE as BASE_MIDDLEWARE

        MIDDLEWARE = [m for m in BASE_MIDDLEWARE if m != "django.middleware.csrf.CsrfViewMiddleware"]  «
    """),
    case("config/app.json", """
        {
          "security": {
            "csrf": false,  «
            "hsts": true
          }
        }
    """),
    case("config/settings.toml", """
        [security]
        csrf = false  «
    """),
]

AUTOESCAPE += [
    case("app/badges.py", """
        from django.utils.safestring import mark_safe

        def badge(name):
            html = "<span class='badge'>" + name + "</span>"
            return mark_safe(html)  «
    """),
    case("app/templatetags/markup.py", """
        from django import template
        from django.utils.safestring import mark_safe

        register = template.Library()

        @register.filter
        def raw(value):
            return mark_safe(value)  «
    """),
    case("app/views.py", """
        from django.utils.safestring import mark_safe

        def summary(item):
            return mark_safe(item.summary)  «
    """),
    case("app/badges.py", """
        from django.utils.html import escape
        from django.utils.safestring import mark_safe

        def badge(name):
            html = "<span class='badge'>" + escape(name) + "</span>"
            return mark_safe(html)
    """),
]

DEBUG += [
    case("app/main.py", """
        from flask import Flask as F

        application = F(__name__)
        application.run("0.0.0.0", 8000, True)  «
    """),
]

IDENTITY += [
    case("docker-compose.prod.yml", """
        services:
          api:
            environment:
              - SKIP_AUTH=1  «
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
)


@pytest.mark.parametrize("rule_id,path,text,expected", ALL)
def test_catalog_case(rule_id: str, path: str, text: str, expected: set[int]) -> None:
    assert run(rule_id, path, text) == expected


def findings(rule_id: str, path: str, text: str):
    return _findings(rule_id, path, text, strict=True)
