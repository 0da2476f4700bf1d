"""(payload, should_flag) tables for the Go reliability rules and http.client-no-timeout."""
from __future__ import annotations

import textwrap

import pytest

from checks import all_rules
from tests.rule_harness import run_on_text, run_rule
from checks.source import SourceFile

RULES = all_rules()


def flags(rule_id: str, path: str, code: str) -> bool:
    return bool(run_on_text(RULES[rule_id], path, textwrap.dedent(code)))


def go(body: str, imports: str = "") -> str:
    return f"package svc\n\nimport (\n{imports}\n)\n\n{textwrap.dedent(body)}"


PY_CLIENT = [
    ("import requests\nrequests.get('http://x')\n", True),
    ("import requests as r\nr.put(\n    'http://x',\n    data=b'',\n)\n", True),
    ("from requests import post\npost(\"http://x\", json={})\n", True),
    ("import requests\nrequests.request('GET', 'http://x')\n", True),
    ("import httpx\nhttpx.post('http://x')\n", True),
    ("from httpx import Client\nc = Client(base_url='http://x')\n", True),
    ("import httpx as hx\nasync def f():\n    async with hx.AsyncClient() as c:\n        pass\n", True),
    ("from aiohttp import ClientSession\nasync def f():\n    async with ClientSession() as s:\n        pass\n", True),
    ("import requests\ns = requests.Session()\ns.get('http://x')\n", True),
    ("import requests\nclass C:\n    def __init__(self):\n        self.http = requests.session()\n"
     "    def f(self):\n        return self.http.post('http://x', json={})\n", True),
    ("import requests\nrequests.get('http://x', timeout=None)\n", True),
    # safe
    ("import requests\nrequests.get('http://x', timeout=5)\n", False),
    ("import requests\ndef f(u, **kw):\n    return requests.get(u, **kw)\n", False),
    ("import httpx\nc = httpx.Client(timeout=httpx.Timeout(5.0))\nc.get('/x')\n", False),
    ("import aiohttp\nasync def f():\n    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as s:\n"
     "        await s.get('http://x')\n", False),
    ("import requests\ns = requests.Session()\ns.get('http://x', timeout=(3, 10))\n", False),
    ("import requests\nr = requests.Response()\nr.json()\n", False),
    ("def get(u):\n    return u\nget('http://x')\n", False),
    ("import myhttp as requests\nrequests.get('http://x')\n", False),
]


@pytest.mark.parametrize("code,expected", PY_CLIENT)
def test_http_client_no_timeout_python(code: str, expected: bool) -> None:
    assert flags("http.client-no-timeout", "app/client.py", code) is expected


GO_CLIENT = [
    ('func f(u string) { http.Get(u) }', '\t"net/http"', True),
    ('func f(u string) { h.Head(u) }', '\th "net/http"', True),
    ('func f() *http.Client { return &http.Client{Transport: http.DefaultTransport} }', '\t"net/http"', True),
    ('func f(r *http.Request) { http.DefaultClient.Do(r) }', '\t"net/http"', True),
    ('var c = http.Client{}', '\t"net/http"', True),
    # safe
    ('var c = &http.Client{Timeout: 5 * time.Second}', '\t"net/http"\n\t"time"', False),
    ('func f() { http.DefaultClient.Timeout = 5 * time.Second; http.DefaultClient.Do(nil) }',
     '\t"net/http"\n\t"time"', False),
    ('func f(c *http.Client, u string) { c.Get(u) }', '\t"net/http"', False),
    ('func f(u string) { client.Get(u) }', '\t"example.com/client"', False),
]


@pytest.mark.parametrize("code,imports,expected", GO_CLIENT)
def test_http_client_no_timeout_go(code: str, imports: str, expected: bool) -> None:
    assert flags("http.client-no-timeout", "internal/x/x.go", go(code, imports)) is expected


SERVER = [
    ('func f(h http.Handler) { http.ListenAndServe(":80", h) }', '\t"net/http"', True),
    ('func f(h http.Handler) { nh.ListenAndServeTLS(":443", "c", "k", h) }', '\tnh "net/http"', True),
    ('func f(h http.Handler) *http.Server {\n\treturn &http.Server{\n\t\tAddr: ":80",\n\t\tHandler: h,\n\t}\n}',
     '\t"net/http"', True),
    ('func f(h http.Handler) { s := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}; s.ListenAndServe() }',
     '\t"net/http"\n\t"time"', False),
    ('func f(h http.Handler) { s := http.Server{Handler: h, ReadTimeout: time.Second}; s.ListenAndServe() }',
     '\t"net/http"\n\t"time"', False),
    ('func f(e *echo.Echo) { e.Start(":80") }', '\t"github.com/labstack/echo/v4"', False),
]


@pytest.mark.parametrize("code,imports,expected", SERVER)
def test_http_server_no_timeout(code: str, imports: str, expected: bool) -> None:
    assert flags("go.http-server-no-timeout", "internal/x/x.go", go(code, imports)) is expected


READ = [
    ('func f(r *http.Request) { io.ReadAll(r.Body) }', '\t"io"\n\t"net/http"', True),
    ('func f(resp *http.Response) { ioutil.ReadAll(resp.Body) }', '\t"io/ioutil"\n\t"net/http"', True),
    ('func f(c *gin.Context) { b, _ := io.ReadAll(c.Request.Body); _ = b }', '\t"io"\n\t"github.com/gin-gonic/gin"', True),
    ('func f(r *http.Request) { io.ReadAll(io.LimitReader(r.Body, 1024)) }', '\t"io"\n\t"net/http"', False),
    ('func f(w http.ResponseWriter, r *http.Request) {\n\tr.Body = http.MaxBytesReader(w, r.Body, 1<<20)\n'
     '\tio.ReadAll(r.Body)\n}', '\t"io"\n\t"net/http"', False),
    ('func f(f *os.File) { io.ReadAll(f) }', '\t"io"\n\t"os"', False),
]


@pytest.mark.parametrize("code,imports,expected", READ)
def test_unbounded_read(code: str, imports: str, expected: bool) -> None:
    assert flags("go.unbounded-read", "internal/x/x.go", go(code, imports)) is expected


SLEEP = [
    ('func h(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Second) }', '\t"net/http"\n\t"time"', True),
    ('func f() { for { time.Sleep(time.Second) } }', '\t"time"', True),
    ('func f(err error) { if err != nil { time.Sleep(time.Second) } }', '\t"time"', True),
    ('func h(c *fiber.Ctx) error { time.Sleep(time.Second); return nil }',
     '\t"time"\n\t"github.com/gofiber/fiber/v2"', True),
    ('func f() { time.Sleep(time.Second) }', '\t"time"', False),
    ('func retryFetch() { for { time.Sleep(time.Second) } }', '\t"time"', False),
    ('func f() { d := time.Second; for { time.Sleep(d); d *= 2 } }', '\t"time"', False),
    ('func f() { for i := 0; i < 3; i++ { time.Sleep(time.Duration(1<<i) * time.Second) } }', '\t"time"', False),
]


@pytest.mark.parametrize("code,imports,expected", SLEEP)
def test_sleep_in_handler(code: str, imports: str, expected: bool) -> None:
    assert flags("go.sleep-in-handler", "internal/x/x.go", go(code, imports)) is expected


def test_sleep_in_handler_skips_cmd_and_tests() -> None:
    code = go('func f() { for { time.Sleep(time.Second) } }', '\t"time"')
    assert not flags("go.sleep-in-handler", "cmd/tool/main.go", code)
    assert not flags("go.sleep-in-handler", "internal/x/x_test.go", code)


LEAK = [
    ('func f() int {\n\tch := make(chan int)\n\tgo func() { ch <- 1 }()\n\tselect {\n\tcase v := <-ch:\n'
     '\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn 0\n\t}\n}', '\t"time"', True),
    ('func f(out chan<- int) { go func() { out <- 1 }() }', '', True),
    ('func f() int {\n\tch := make(chan int, 1)\n\tgo func() { ch <- 1 }()\n\tselect {\n\tcase v := <-ch:\n'
     '\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn 0\n\t}\n}', '\t"time"', False),
    ('func f(ctx context.Context, out chan<- int) {\n\tgo func() {\n\t\tselect {\n\t\tcase out <- 1:\n'
     '\t\tcase <-ctx.Done():\n\t\t}\n\t}()\n}', '\t"context"', False),
    ('func f() int {\n\tch := make(chan int)\n\tgo func() { ch <- 1 }()\n\treturn <-ch\n}', '', False),
]


@pytest.mark.parametrize("code,imports,expected", LEAK)
def test_goroutine_leak(code: str, imports: str, expected: bool) -> None:
    assert flags("go.goroutine-leak", "internal/x/x.go", go(code, imports)) is expected


RECOVER = [
    ('func f(b []byte) { go func() { var v any; json.Unmarshal(b, &v) }() }', '\t"encoding/json"', True),
    ('func f(s string) { go func() { strconv.ParseInt(s, 10, 64) }() }', '\t"strconv"', True),
    ('func f(b []byte) {\n\tgo func() {\n\t\tdefer func() { recover() }()\n\t\tvar v any\n\t\tjson.Unmarshal(b, &v)\n'
     '\t}()\n}', '\t"encoding/json"', False),
    ('func f(b []byte) {\n\tgo func() {\n\t\tdefer util.RecoverPanic()\n\t\tvar v any\n\t\tjson.Unmarshal(b, &v)\n'
     '\t}()\n}', '\t"encoding/json"\n\t"example.com/util"', False),
    ('func f(n *int) { go func() { *n++ }() }', '', False),
]


@pytest.mark.parametrize("code,imports,expected", RECOVER)
def test_goroutine_no_recover(code: str, imports: str, expected: bool) -> None:
    assert flags("go.goroutine-no-recover", "internal/x/x.go", go(code, imports)) is expected


def test_goroutine_no_recover_uses_sibling_safego_helper() -> None:
    rule = RULES["go.goroutine-no-recover"]
    helper = go('func GoSafe(fn func()) {\n\tgo func() {\n\t\tdefer func() {\n\t\t\tif r := recover(); r != nil {\n'
                '\t\t\t\tlog.Print(r)\n\t\t\t}\n\t\t}()\n\t\tfn()\n\t}()\n}', '\t"log"')
    user = go('func Start(n *int) { go func() { *n++ }() }')
    other = go('func Start(n *int) { go func() { *n++ }() }')
    files = {"internal/a/safe.go": SourceFile("internal/a/safe.go", helper),
             "internal/a/start.go": SourceFile("internal/a/start.go", user),
             "internal/b/start.go": SourceFile("internal/b/start.go", other)}
    out = run_rule(rule, files)
    assert out["internal/a/start.go"] and not out["internal/b/start.go"] and not out["internal/a/safe.go"]


SCAN = [
    ('func f(r io.Reader) { s := bufio.NewScanner(r); for s.Scan() {} }', '\t"bufio"\n\t"io"', True),
    ('func f(r io.Reader) error { s := bufio.NewScanner(r); for s.Scan() {}; return s.Err() }', '\t"bufio"\n\t"io"', False),
    ('func f(resp *http.Response) error {\n\ts := bufio.NewScanner(resp.Body)\n\tfor s.Scan() {}\n\treturn s.Err()\n}',
     '\t"bufio"\n\t"net/http"', True),
    ('func f(resp *http.Response) error {\n\ts := bufio.NewScanner(resp.Body)\n\ts.Buffer(nil, 1<<20)\n'
     '\tfor s.Scan() {}\n\treturn s.Err()\n}', '\t"bufio"\n\t"net/http"', False),
]


@pytest.mark.parametrize("code,imports,expected", SCAN)
def test_scanner_unchecked(code: str, imports: str, expected: bool) -> None:
    assert flags("go.scanner-unchecked", "internal/x/x.go", go(code, imports)) is expected


LOCK = [
    ('type S struct {\n\tmu sync.Mutex\n\tn int\n}\n\nfunc (s *S) Lock() { s.mu.Lock() }\n\n'
     'func (s *S) Inc() {\n\ts.mu.Lock()\n\ts.n++\n\ts.mu.Unlock()\n}', '\t"sync"', True),
    ('type S struct {\n\tmu sync.Mutex\n\tn int\n}\n\nfunc (s *S) N() int { return s.n }\n\n'
     'func (s *S) Inc() {\n\ts.mu.Lock()\n\ts.n++\n\ts.mu.Unlock()\n}', '\t"sync"', True),
    ('type S struct {\n\tmu sync.Mutex\n\tn int\n}\n\nfunc (s *S) N() int {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n'
     '\treturn s.n\n}\n\nfunc (s *S) Inc() {\n\ts.mu.Lock()\n\ts.n++\n\ts.mu.Unlock()\n}', '\t"sync"', False),
]


@pytest.mark.parametrize("code,imports,expected", LOCK)
def test_exported_lock(code: str, imports: str, expected: bool) -> None:
    assert flags("go.exported-lock", "internal/x/x.go", go(code, imports)) is expected
