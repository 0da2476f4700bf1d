"""Extra (payload, should_flag) cases for the web/auth security rules."""
from __future__ import annotations

import pytest

from checks import all_rules
from tests.rule_harness import run_on_text

RULES = all_rules()

CASES = [
    # cors.wildcard
    ("cors.wildcard", "app.py", "from starlette.middleware.cors import CORSMiddleware as C\n"
     "app.add_middleware(C, allow_origins=('*',))\n", True),
    ("cors.wildcard", "app.py", "import flask_cors\nflask_cors.CORS(app, supports_credentials=True)\n", True),
    ("cors.wildcard", "app.py", "from flask_cors import CORS\nCORS(app, origins=cfg.ORIGINS)\n", False),
    ("cors.wildcard", "deploy/values.yaml", "ingress:\n  annotations:\n"
     "    nginx.ingress.kubernetes.io/cors-allow-origin: '*'\n", True),
    # ws.origin-unchecked
    ("ws.origin-unchecked", "srv.py", "from websockets.sync.server import serve\nserve(h, '0.0.0.0', 1)\n", True),
    ("ws.origin-unchecked", "srv.py", "import websockets\nwebsockets.serve(h, 'x', 1, origins=ORIGINS)\n", False),
    # auth.token-in-url
    ("auth.token-in-url", "h.py", "def v(request):\n    return request.query_params['access_token']\n", True),
    ("auth.token-in-url", "h.py", "def v(request):\n    return request.query_params['page']\n", False),
    # auth.jwt-no-verify
    ("auth.jwt-no-verify", "a.py", "from jwt import decode\ndecode(t, k, algorithms=['none'])\n", True),
    ("auth.jwt-no-verify", "a.py", "import jwt\njwt.decode(t, k, algorithms=['ES256'])\n", False),
    # auth.hardcoded-identity
    ("auth.hardcoded-identity", "app/settings.py", "DISABLE_AUTH = True\n", True),
    ("auth.hardcoded-identity", "app/settings/local.py", "DISABLE_AUTH = True\n", False),
    # auth.token-in-web-storage
    ("auth.token-in-web-storage", "src/a.ts", "sessionStorage.setItem(`jwt`, t);\n", True),
    ("auth.token-in-web-storage", "src/a.ts", "sessionStorage.setItem('sidebar', 'open');\n", False),
    # web.csrf-disabled
    ("web.csrf-disabled", "cfg.py", "class ProdConfig:\n    WTF_CSRF_ENABLED = False\n", True),
    ("web.csrf-disabled", "cfg.py", "class TestConfig:\n    WTF_CSRF_ENABLED = False\n", False),
    # web.template-autoescape-off
    ("web.template-autoescape-off", "v.py", "from django.utils.safestring import mark_safe\n"
     "def f(comment):\n    return mark_safe(comment.text)\n", True),
    ("web.template-autoescape-off", "v.py", "from django.utils.safestring import mark_safe\n"
     "def f():\n    return mark_safe('<br>')\n", False),
    # web.html-injection
    ("web.html-injection", "a.js", "el.innerHTML = '<b>' + user.name + '</b>';\n", True),
    ("web.html-injection", "a.js", "el.innerHTML = '<b>' + escapeHtml(user.name) + '</b>';\n", False),
    # web.unsafe-url-scheme
    ("web.unsafe-url-scheme", "m.py", "from pydantic import BaseModel, field_validator\n"
     "class A(BaseModel):\n    title: str\n    image_url: str\n"
     "    @field_validator('title')\n    def t(cls, v):\n        return v\n", True),
    ("web.unsafe-url-scheme", "m.py", "from pydantic import BaseModel, field_validator\n"
     "class A(BaseModel):\n    title: str\n    image_url: str\n"
     "    @field_validator('title', 'image_url')\n    def t(cls, v):\n        return v\n", False),
]


@pytest.mark.parametrize("rule_id,path,text,should_flag", CASES)
def test_table(rule_id: str, path: str, text: str, should_flag: bool) -> None:
    assert bool(run_on_text(RULES[rule_id], path, text)) is should_flag
