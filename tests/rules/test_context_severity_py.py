"""Severity in context and value flow for the Python/Go security and reliability rules (issues 13/14).

Each case: (rule, path, source, expected {line: severity}); lines not listed must not fire.
"""
from __future__ import annotations

import pytest

from tests.rule_harness import dedent, findings

CASES = [
    # --- net.ssrf-unvalidated-endpoint: origin decides ------------------------------------------
    ("net.ssrf-unvalidated-endpoint", "app/front.py", """
        import os
        import requests
        from flask import Flask, request
        app = Flask(__name__)
        app.config["TX_URI"] = "http://{}/tx".format(os.environ.get("TX_ADDR"))

        def transfer():
            return requests.post(url=app.config["TX_URI"], timeout=3)

        def consent():
            target = request.args["redirect_uri"]
            return _callback(target)

        def _callback(redirect_uri):
            return requests.post(url=redirect_uri, timeout=3)

        def notify(settings):
            return requests.post(settings.WEBHOOK_URL, timeout=3)
    """, {15: "HIGH", 18: "MEDIUM"}),
    ("net.ssrf-unvalidated-endpoint", "app/meta.py", """
        import os
        import requests

        server = os.getenv("METADATA_SERVER", "metadata.google.internal")
        base = f"http://{server}/computeMetadata/v1/"

        def zone():
            return requests.get(base + "instance/zone", timeout=3)
    """, {}),
    ("net.ssrf-unvalidated-endpoint", "internal/hooks/send.go", """
        package hooks

        import (
        	"net/http"
        	"strings"
        )

        type Client struct{ endpoint string }

        func (c *Client) Send(body string) error {
        	req, err := http.NewRequest(http.MethodPost, c.endpoint, strings.NewReader(body))
        	if err != nil {
        		return err
        	}
        	_, err = http.DefaultClient.Do(req)
        	return err
        }
    """, {11: "MEDIUM"}),
    ("net.ssrf-unvalidated-endpoint", "internal/hooks/send.go", """
        package hooks

        import (
        	"net/http"
        	"strings"
        )

        type Client struct{ endpoint string }

        func (c *Client) Send(body string) error {
        	req, err := http.NewRequest(http.MethodPost, c.endpoint, strings.NewReader(body))
        	if err != nil {
        		return err
        	}
        	hc := newClient(Options{BlockPrivateNetworks: true})
        	_, err = hc.Do(req)
        	return err
        }
    """, {}),
    # --- exec.command-injection: graded by where the command comes from -----------------------
    ("exec.command-injection", "app/views.py", """
        import subprocess
        from flask import request

        def ping():
            host = request.args["host"]
            cmd = "ping -c1 {}".format(host)
            return subprocess.check_output(cmd, shell=True)

        def archive(name):
            subprocess.run(f"tar czf /tmp/{name}.tgz /data", shell=True)

        def clean(path):
            use_shell = True
            subprocess.run("rm -rf %s" % path, shell=use_shell)
    """, {7: "CRITICAL", 10: "HIGH", 14: "HIGH"}),
    ("exec.command-injection", "utils/gh.py", """
        import subprocess
        import click

        def run_command(command: str) -> str:
            return subprocess.check_output(command, shell=True).decode()

        @click.command()
        @click.option("--label")
        def prs(label):
            run_command(f"gh pr list --label {label}")
    """, {5: "MEDIUM"}),
    # a route handler's path/query parameters are request data; values the framework injects are not
    ("exec.command-injection", "app/routes.py", """
        import subprocess
        from fastapi import APIRouter, Depends

        router = APIRouter()

        @router.post("/orders/{order_id}/refund")
        async def refund(order_id: str):
            subprocess.run(f"./notify.sh {order_id}", shell=True)

        @router.post("/reindex")
        async def reindex(index: str = Depends(current_index)):
            subprocess.run(f"./reindex.sh {index}", shell=True)
    """, {8: "CRITICAL", 12: "HIGH"}),
    # --- auth.jwt-no-verify: options through variables -------------------------------------------
    ("auth.jwt-no-verify", "app/auth.py", """
        import jwt

        def claims(token):
            opts = {"verify_signature": False}
            return jwt.decode(token, options=opts)

        def claims_updated(token, key):
            opts = {"verify_exp": True}
            opts["verify_signature"] = False
            return jwt.decode(token, key, algorithms=["HS256"], options=opts)

        def claims_kwargs(token, key):
            kwargs = dict(algorithms=["HS256"], options={"verify_signature": False})
            return jwt.decode(token, key, **kwargs)
    """, {5: "CRITICAL", 10: "CRITICAL", 14: "CRITICAL"}),
    # claims read without verification in a module that verifies the same tokens with its key first
    ("auth.jwt-no-verify", "app/frontend.py", """
        import jwt

        def verify_token(token, key):
            opts = {"verify_signature": True}
            return jwt.decode(token, key, algorithms=["RS256"], options=opts)

        def decode_token(token):
            return jwt.decode(algorithms="RS256", jwt=token, options={"verify_signature": False})
    """, {8: "MEDIUM"}),
    # --- net.tls-verify-off: flags through variables; Go context ---------------------------------
    ("net.tls-verify-off", "app/client.py", """
        import requests

        def fetch(url):
            verify = False
            return requests.get(url, verify=verify, timeout=5)

        def fetch_kwargs(url):
            kw = {"verify": False, "timeout": 5}
            return requests.get(url, **kw)

        def fetch_ok(url, ca):
            verify = ca or True
            return requests.get(url, verify=verify, timeout=5)
    """, {5: "HIGH", 9: "HIGH"}),
    ("net.tls-verify-off", "internal/fetch/transport.go", """
        package fetch

        import (
        	"crypto/tls"
        	"net/http"
        )

        func Transport(ignoreTLSErrors bool) *http.Transport {
        	t := &http.Transport{}
        	if ignoreTLSErrors {
        		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
        	}
        	return t
        }

        func Expiry(conn *tls.Conn) {
        	cfg := &tls.Config{InsecureSkipVerify: true}
        	_ = cfg
        	_ = conn.ConnectionState().PeerCertificates[0].NotAfter
        }
    """, {11: "MEDIUM", 17: "LOW"}),
    # --- web.template-autoescape-off -------------------------------------------------------------
    ("web.template-autoescape-off", "app/issues.py", """
        from jinja2 import Template

        SUMMARY = "*Incident* {{ title }} ({{ severity }})"

        def summary(incident):
            return Template(SUMMARY).render(title=incident.title, severity=incident.severity)

        def page(body):
            return Template("<p>{{ body }}</p>").render(body=body)
    """, {9: "CRITICAL"}),
    ("web.template-autoescape-off", "blog/templatetags/forms.py", """
        from django import template
        from django.utils.safestring import mark_safe

        register = template.Library()

        @register.simple_tag
        def formlabel(field, label_text):
            return mark_safe(f'<label for="{field.id_for_label}">{label_text}</label>')

        @register.simple_tag
        def greeting(request):
            return mark_safe(f"<b>{request.GET['name']}</b>")
    """, {8: "MEDIUM", 12: "CRITICAL"}),
    # --- cors.wildcard: header-token APIs ----------------------------------------------------------
    ("cors.wildcard", "internal/api/cors.go", """
        package api

        import "net/http"

        func cors(w http.ResponseWriter) {
        	w.Header().Set("Access-Control-Allow-Origin", "*")
        	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
        }
    """, {6: "MEDIUM"}),
    ("cors.wildcard", "internal/api/cors.go", """
        package api

        import "net/http"

        func cors(w http.ResponseWriter) {
        	w.Header().Set("Access-Control-Allow-Origin", "*")
        	w.Header().Set("Access-Control-Allow-Credentials", "true")
        	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
        }
    """, {6: "HIGH"}),
    # --- http.client-no-timeout --------------------------------------------------------------------
    ("http.client-no-timeout", "internal/sdk/client.go", """
        package sdk

        import (
        	"context"
        	"net/http"
        	"time"
        )

        type Client struct{ hc *http.Client }

        func New() *Client {
        	return &Client{hc: http.DefaultClient}
        }

        func withDefaultTimeout() (context.Context, func()) {
        	return context.WithTimeout(context.Background(), 30*time.Second)
        }
    """, {12: "LOW"}),
    # --- code.unsafe-deserialization -----------------------------------------------------------
    ("code.unsafe-deserialization", "app/cache.py", """
        import os
        import pickle
        import pandas as pd
        from flask import request

        def frame(path):
            return pd.read_pickle(path)

        def upload():
            return pd.read_pickle(request.files["f"])

        def model():
            return pd.read_pickle(os.environ["FRAME_PATH"])

        def blob(data):
            return pickle.loads(data)
    """, {7: "MEDIUM", 10: "HIGH", 16: "HIGH"}),
]


@pytest.mark.parametrize("rule_id,path,text,expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_severity_in_context(rule_id: str, path: str, text: str, expected: dict[int, str]) -> None:
    got = {f.line: f.severity.name for f in findings(rule_id, path, dedent(text))}
    assert got == expected
