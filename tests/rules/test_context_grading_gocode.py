"""Severity in context for the Go/web rules: the same pattern graded by where values come from and go.

Each case is (rule, path, source, expected [(line, severity)]); an empty list means the rule stays silent.
"""
from __future__ import annotations

import pytest

from bot.config import Config
from bot.engine import analyze_file
from checks import all_rules
from checks.model import Severity
from checks.registry import RepoView
from checks.source import SourceFile
from tests.rule_harness import dedent, findings

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW

GO_HANDLER_HEAD = 'package web\n\nimport (\n\t"fmt"\n\t"io"\n\t"net/http"\n\t"strings"\n)\n\n'

CASES = [
    # --- web.html-injection (Go): origin x destination ------------------------------------------
    ("web.html-injection", "internal/web/a.go", GO_HANDLER_HEAD + dedent("""
        func Greet(w http.ResponseWriter, r *http.Request) {
        	name := r.URL.Query().Get("name")
        	fmt.Fprintf(w, "<h1>Hello %s</h1>", name)
        }
        """), [(12, C)]),
    ("web.html-injection", "internal/web/a.go", GO_HANDLER_HEAD + dedent("""
        func Greet(w http.ResponseWriter, r *http.Request) {
        	q := strings.TrimSpace(r.FormValue("q"))
        	page := "<p>Results for " + q + "</p>"
        	io.WriteString(w, page)
        }
        """), [(12, C)]),
    ("web.html-injection", "internal/web/a.go", GO_HANDLER_HEAD + dedent("""
        func Row(title string) string {
        	var b strings.Builder
        	b.WriteString("<li>" + title + "</li>")
        	return b.String()
        }
        """), [(12, M)]),
    ("web.html-injection", "internal/web/a.go", GO_HANDLER_HEAD.replace('"strings"', '"html/template"') + dedent("""
        func Cell(title string) template.HTML {
        	return template.HTML("<td>" + title + "</td>")
        }
        """), [(11, H)]),
    ("web.html-injection", "internal/web/a.go", GO_HANDLER_HEAD + dedent("""
        func Preview(w http.ResponseWriter, r *http.Request, p interface{ Sanitize(string) string }) {
        	out := fmt.Sprintf("<div>%s</div>", r.FormValue("comment"))
        	io.WriteString(w, p.Sanitize(out))
        }
        """), []),
    # --- web.html-injection (JS): bundled libraries and Trusted Types ------------------------------
    ("web.html-injection", "static/js/lib.js", "/*!\n * Widget.js v2.6.8\n */\nel.innerHTML = html;\n", []),
    ("web.html-injection", "static/js/app.js", "el.innerHTML = policy.createHTML(data.content);\n", []),
    ("web.html-injection", "static/js/app.js", "el.innerHTML = data.content;\n", [(1, C)]),
    # --- go.unbounded-read: who the peer is -----------------------------------------------------
    ("go.unbounded-read", "internal/api/h.go", GO_HANDLER_HEAD + dedent("""
        func Upload(w http.ResponseWriter, r *http.Request) {
        	data, _ := io.ReadAll(r.Body)
        	_, _ = w.Write(data)
        }
        """), [(11, H)]),
    ("go.unbounded-read", "internal/api/h.go", GO_HANDLER_HEAD + dedent("""
        func Upload(w http.ResponseWriter, r *http.Request) {
        	user := currentUser(r)
        	data, _ := io.ReadAll(r.Body)
        	fmt.Fprint(w, user, len(data))
        }
        """), [(12, M)]),
    ("go.unbounded-read", "internal/api/h.go", GO_HANDLER_HEAD + dedent("""
        func Fetch(link string) ([]byte, error) {
        	resp, err := http.Get(link)
        	if err != nil {
        		return nil, err
        	}
        	defer resp.Body.Close()
        	return io.ReadAll(resp.Body)
        }
        """), [(16, M)]),
    ("go.unbounded-read", "internal/api/h.go", GO_HANDLER_HEAD + dedent("""
        type Client struct{ cfg struct{ BackendURL string } }

        func (c *Client) Status() ([]byte, error) {
        	req, _ := http.NewRequest(http.MethodGet, c.cfg.BackendURL+"/status", nil)
        	resp, err := http.DefaultClient.Do(req)
        	if err != nil {
        		return nil, err
        	}
        	defer resp.Body.Close()
        	return io.ReadAll(resp.Body)
        }
        """), []),
    # --- ws.origin-unchecked: a missing Origin passing is LOW; TLS options are not origin checks -----
    ("ws.origin-unchecked", "internal/ws/origin.go", dedent("""
        package ws

        import "net/http"

        func checkOrigin(r *http.Request) bool {
        	origin := r.Header.Get("Origin")
        	if origin == "" {
        		return true
        	}
        	return allowed[origin]
        }
        """), [(7, L)]),
    ("ws.origin-unchecked", "cmd/cli/check.go", dedent("""
        package main

        import (
        	"crypto/tls"

        	"nhooyr.io/websocket"
        )

        var _ = websocket.Accept
        var cfg = &tls.Config{
        	InsecureSkipVerify: true,
        }
        """), []),
    # --- quality.function-too-long: LOW up to twice the limit, MEDIUM past it, tables silent ----------
    ("quality.function-too-long", "app/h.py",
     "def handle(r):\n" + "".join(f"    if r.get({i}):\n        return {i}\n" for i in range(35)), [(1, L)]),
    ("quality.function-too-long", "app/h.py",
     "def handle(r):\n" + "".join(f"    if r.get({i}):\n        return {i}\n" for i in range(70)), [(1, M)]),
    ("quality.function-too-long", "app/settings.py",
     "def load(env, s):\n" + "".join(f"    s.opt_{i} = env.get('OPT_{i}')\n" for i in range(150)), []),
    ("quality.function-too-long", "internal/config/config.go",
     "package config\n\nfunc (c *Config) Load() {\n" + "".join(f"\tc.Opt{i} = getEnv(\"OPT_{i}\")\n"
                                                           for i in range(150)) + "}\n", []),
]


@pytest.mark.parametrize("rule_id,path,text,expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_graded(rule_id: str, path: str, text: str, expected: list[tuple[int, Severity]]) -> None:
    got = [(f.line, f.severity) for f in findings(rule_id, path, text)]
    assert sorted(got) == sorted(expected)


def test_lowered_findings_say_why() -> None:
    (f,) = findings("go.unbounded-read", "internal/api/h.go", CASES[10][2])
    assert f.note and f.note.startswith("MEDIUM")


def test_function_findings_carry_a_subject() -> None:
    text = "package api\n\nfunc (h *Handler) Serve() {\n" + "".join(
        f"\tif h.n > {i} {{ return }}\n" for i in range(70)) + "}\n"
    (f,) = findings("quality.function-too-long", "internal/api/h.go", text)
    assert f.subject == "func:Handler.Serve"


def test_html_with_unseen_destination_is_low_when_the_project_sanitizes_html() -> None:
    rewrite = SourceFile("internal/rewrite/rewrite.go", GO_HANDLER_HEAD + dedent("""
        func AddPlayer(videoURL string) string {
        	return `<iframe src="` + videoURL + `"></iframe>`
        }
        """))
    sanitizer = SourceFile("internal/sanitizer/sanitizer.go",
                           "package sanitizer\n\nfunc SanitizeHTML(baseURL, input string) string { return input }\n")
    files = {s.path: s for s in (rewrite, sanitizer)}
    rule = all_rules()["web.html-injection"]
    (f,) = analyze_file(rewrite, {rule.id: rule}, Config(), RepoView(files, changed=files)).findings
    assert f.severity is L and "SanitizeHTML" in (f.note or "")
    (f,) = findings("web.html-injection", rewrite.path, rewrite.text)
    assert f.severity is M


def test_goroutine_findings_carry_their_function() -> None:
    text = dedent("""
        package web

        import "net/http"

        type API struct{ send func(string) }

        func (a *API) Signup(w http.ResponseWriter, r *http.Request) {
        	go func() {
        		a.send(r.FormValue("email"))
        	}()
        }
        """)
    (f,) = findings("go.goroutine-no-recover", "internal/web/api.go", text)
    assert f.line == 8 and f.subject == "func:API.Signup"
