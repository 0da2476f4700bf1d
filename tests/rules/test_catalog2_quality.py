"""Second-round catalog tests for the quality area (quality.*).

Written from the catalog rows only, in forms the first round (test_catalog_quality.py) does not
use. A line ending in ` «` must be flagged; no other line may be.
"""
from __future__ import annotations

import pytest

from bot.models import Severity
from tests.rule_harness import case as C, findings, lines, repo_lines


def _py_stmts(n: int, indent: str = "    ") -> str:
    return "".join(f"{indent}if compute({i}): return {i}\n" for i in range(n))


def _go_stmts(n: int, indent: str = "\t") -> str:
    return "".join(f"{indent}if x{i} := compute({i}); x{i} > 0 {{\n{indent}\treturn\n{indent}}}\n"
                   for i in range(n // 3))


CASES: list[tuple[str, tuple[str, str, set[int]]]] = []


def add(rule_id: str, *cases) -> None:
    CASES.extend((rule_id, c) for c in cases)


# --- quality.function-too-long --------------------------------------------------------------
add("quality.function-too-long",
    # long nested function inside a short outer one; short sibling method silent
    C("app/service.py", "class Service:\n    def ping(self):\n        return 1\n\n"
      "    def handle(self, request): «\n" + _py_stmts(60, "        ") + "        return request\n"),
    C("app/short.py", "def f(a):\n" + _py_stmts(40) + "    return a\n"),
    # Go: method of a generic type and a long func literal passed to HandleFunc inside a short func
    C("internal/store/cache.go", "package store\n\nfunc (c *Cache[K, V]) Load(k K) V { «\n" + _go_stmts(60)
      + "\tvar v V\n\treturn v\n}\n"),
    C("cmd/api/main.go", "package main\n\nfunc main() { «\n\thttp.HandleFunc(\"/\", func(w http.ResponseWriter, r *http.Request) {\n"
      + _go_stmts(60, "\t\t") + "\t})\n}\n"),
)

# --- quality.deep-nesting -------------------------------------------------------------------
add("quality.deep-nesting",
    C("app/loader.py", """
        def load(paths):
            for p in paths:
                try:
                    with open(p) as fh:
                        for line in fh:
                            while line:
                                if line.startswith("#"): «
                                    break
                                line = fh.readline()
                except OSError:
                    pass
        """),
    C("app/flat.py", """
        def load(paths):
            for p in paths:
                if not p:
                    continue
                with open(p) as fh:
                    for line in fh:
                        handle(line)
        """),
    C("internal/worker/loop.go", """
        package worker

        func Run(ch chan Job, done chan struct{}) {
        \tfor {
        \t\tselect {
        \t\tcase j := <-ch:
        \t\t\tif j.Valid {
        \t\t\t\tfor _, t := range j.Tasks {
        \t\t\t\t\tif t.Ready {
        \t\t\t\t\t\tif t.Retry { «
        \t\t\t\t\t\t\tt.Run()
        \t\t\t\t\t\t}
        \t\t\t\t\t}
        \t\t\t\t}
        \t\t\t}
        \t\tcase <-done:
        \t\t\treturn
        \t\t}
        \t}
        }
        """),
)

# --- quality.mock-in-production -------------------------------------------------------------
add("quality.mock-in-production",
    C("app/factory.py", """
        from flask import Flask

        from app.payments import StubPaymentGateway
        from app.testing.fakes import FakeClient


        def create_app():
            app = Flask(__name__)
            app.extensions["client"] = FakeClient() «
            app.extensions["payments"] = StubPaymentGateway(timeout=3) «
            return app
        """),
    C("cmd/server/main.go", """
        package main

        import (
        \t"example.com/svc/internal/mail"
        \t"example.com/svc/internal/server"
        )

        func main() {
        \tsrv := server.New(
        \t\tmail.NewMockSender(), «
        \t)
        \tsrv.Run()
        }
        """),
    # definitions are not wiring; tests are tests
    C("app/fakes.py", """
        class FakeClient:
            def get(self, url):
                return None
        """),
    C("tests/conftest.py", """
        import pytest

        from app.providers import MockProvider


        @pytest.fixture
        def provider():
            return MockProvider()
        """),
    C("cmd/server/main_test.go", """
        package main

        func TestMain(t *testing.T) {
        \t_ = &FakeClient{}
        }
        """),
)

# --- quality.not-implemented ----------------------------------------------------------------
add("quality.not-implemented",
    C("app/storage.py", """
        from abc import ABC, abstractmethod
        from typing import Protocol


        class Storage(ABC):
            @abstractmethod
            def put(self, key, value):
                raise NotImplementedError


        class Reader(Protocol):
            def read(self) -> bytes:
                raise NotImplementedError


        class S3Storage(Storage):
            def put(self, key, value):
                raise NotImplementedError «
        """),
    C("app/views.py", """
        from flask import Flask, abort, jsonify

        app = Flask(__name__)


        @app.route("/export")
        def export():
            abort(501) «


        @app.route("/import", methods=["POST"])
        def import_():
            return jsonify(error="not implemented"), 501 «


        @app.route("/ok")
        def ok():
            return jsonify(ok=True), 200
        """),
    C("internal/api/handlers.go", """
        package api

        import "net/http"

        func Export(w http.ResponseWriter, r *http.Request) {
        \thttp.Error(w, "not implemented", http.StatusNotImplemented) «
        }

        func Import(w http.ResponseWriter, r *http.Request) {
        \tw.WriteHeader(501) «
        }

        func (s *Service) Refund(id string) error {
        \tpanic("not implemented") «
        }

        func (s *Service) Ok() error {
        \treturn nil
        }
        """),
    C("internal/api/gin.go", """
        package api

        import (
        \t"net/http"

        \t"github.com/gin-gonic/gin"
        )

        func Search(c *gin.Context) {
        \tc.JSON(http.StatusNotImplemented, gin.H{"error": "todo"}) «
        }
        """),
    C("tests/test_storage.py", """
        def test_x():
            raise NotImplementedError
        """),
)

# --- quality.deprecated-dependency ----------------------------------------------------------
add("quality.deprecated-dependency",
    C("go.mod", """
        module example.com/svc

        go 1.21

        require (
        \tgithub.com/gin-gonic/gin v1.9.1
        \tgithub.com/pkg/errors v0.9.1 // errors with stack «
        )

        require golang.org/x/sys v0.20.0 // indirect
        """),
    C("internal/errs/wrap.go", """
        package errs

        import (
        \t"fmt"

        \t"github.com/pkg/errors" «
        )

        func Wrap(err error) error { return errors.Wrap(err, fmt.Sprint("x")) }
        """),
    C("internal/files/tmp.go", """
        package files

        import (
        \t"io/ioutil" «
        )

        func Tmp() (string, error) {
        \tdir, err := ioutil.TempDir("", "x") «
        \tif err != nil {
        \t\treturn "", err
        \t}
        \t_ = ioutil.Discard «
        \treturn dir, nil
        }
        """),
    C("requirements-dev.txt", """
        pytest==8.2.0
        mock==5.1.0 «
        """),
)

# --- quality.sleep-in-tests -----------------------------------------------------------------
add("quality.sleep-in-tests",
    C("tests/test_queue.py", """
        from time import sleep


        def test_consumer(queue):
            queue.put(1)
            sleep(0.2) «
            assert queue.empty()
            sleep(0.2)
            assert queue.processed == 1
        """),
    C("internal/queue/queue_test.go", """
        package queue

        import (
        \t"testing"
        \t"time"
        )

        func TestConsume(t *testing.T) {
        \tq := New()
        \tq.Put(1)
        \ttime.Sleep(50 * time.Millisecond) «
        \tif !q.Empty() {
        \t\tt.Fatal("not consumed")
        \t}
        }
        """),
    C("app/retry.py", """
        import time


        def retry(fn):
            for _ in range(3):
                try:
                    return fn()
                except Exception:
                    time.sleep(1)
        """),
    C("app/tests/test_retry.py", """
        import time


        def test_retry():
            time.sleep(1) «
        """),
)

# --- quality.misplaced-doc-comment ----------------------------------------------------------
add("quality.misplaced-doc-comment",
    C("internal/user/user.go", """
        package user

        // GetUser returns the user with the given id. «
        func FetchUser(id string) (*User, error) { return nil, nil }

        // Order is a purchase. «
        type Invoice struct{}

        // MaxRetries is the number of retries.
        const MaxRetries = 3

        // User is an account holder.
        type User struct{}

        // Save persists the user.
        func (u *User) Save() error { return nil }

        // Delete persists the user. «
        func (u *User) Store() error { return nil }
        """),
)


# --- second batch -------------------------------------------------------------------------------
add("quality.not-implemented",
    C("app/models.py", """
        import abc


        class Money:
            def __eq__(self, other):
                if not isinstance(other, Money):
                    return NotImplemented
                return self.cents == other.cents


        class Exporter(metaclass=abc.ABCMeta):
            @abc.abstractmethod
            def export(self):
                raise NotImplementedError()


        def migrate():
            raise NotImplementedError("TODO") «
        """),
    C("app/api.py", """
        from django.http import HttpResponse, JsonResponse
        from fastapi import Response


        def legacy(request):
            return HttpResponse(status=501) «


        def v2(request):
            return Response(status_code=501) «


        def ok(request):
            return JsonResponse({"ok": True})
        """),
    C("internal/svc/svc.go", """
        package svc

        import "errors"

        func (s *Server) Cancel(id string) error {
        \tpanic("TODO: not implemented") «
        }

        func (s *Server) Other() error {
        \treturn errors.New("other")
        }
        """),
    C("internal/svc/svc_test.go", """
        package svc

        func helper() { panic("not implemented") }
        """),
)
add("quality.mock-in-production",
    C("app/__init__.py", """
        from unittest import mock


        def build_services():
            return {"mailer": mock.Mock()} «
        """),
    C("internal/app/wire.go", """
        package app

        import "example.com/svc/internal/pay"

        func NewApp() *App {
        \treturn &App{payments: pay.NewStubProvider()} «
        }
        """),
)
add("quality.deep-nesting",
    C("web/src/sync.js", """
        export function sync(items) {
          for (const item of items) {
            if (item.ok) {
              for (const part of item.parts) {
                if (part.ready) {
                  while (part.pending) {
                    if (part.retry) { «
                      part.run();
                    }
                  }
                }
              }
            }
          }
        }
        """),
)
add("quality.sleep-in-tests",
    C("internal/api/api_test.go", """
        package api

        import (
        \t"testing"
        \tgotime "time"
        )

        func TestA(t *testing.T) {
        \tgo serve()
        \tgotime.Sleep(gotime.Second) «
        }

        func TestB(t *testing.T) {
        \tgotime.Sleep(gotime.Second)
        }
        """),
    C("app/sleep_test.py", """
        import time


        def test_poll():
            time.sleep(0.1) «
        """),
)
add("quality.misplaced-doc-comment",
    C("internal/cfg/cfg.go", """
        package cfg

        const (
        \t// DefaultPort is the port.
        \tDefaultPort = 8080
        \t// DefaultHost is the timeout. «
        \tDefaultTimeout = 30
        )

        // Loader reads configuration.
        type Loader interface {
        \tLoad() error
        }

        // Parser reads configuration. «
        type Reader interface {
        \tRead() error
        }

        // An Option configures the loader.
        type Option func(*Loader)
        """),
)
add("quality.deprecated-dependency",
    C("pyproject.toml", """
        [tool.poetry]
        name = "svc"

        [tool.poetry.dependencies]
        python = "^3.11"
        pycrypto = "^2.6" «
        httpx = "^0.27"
        """),
)


@pytest.mark.parametrize("rule_id,case", CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(CASES)])
def test_catalog2_quality(rule_id: str, case) -> None:
    path, text, expected = case
    assert lines(rule_id, path, text) == expected


# --- file-too-long ---------------------------------------------------------------------------
def test_file_too_long_default_and_option() -> None:
    text = "".join(f"V{i} = {i}\n" for i in range(801))
    got = findings("quality.file-too-long", "app/big.py", text)
    assert [(f.line, f.severity) for f in got] == [(801, Severity.MEDIUM)]
    assert lines("quality.file-too-long", "app/big.py", text[: text.index("V800")]) == set()
    assert lines("quality.file-too-long", "app/mid.py", "".join(f"V{i} = {i}\n" for i in range(150)),
                 max_lines=100) == {101}


def test_file_too_long_generated_go_skipped() -> None:
    text = "// Code generated by mockgen. DO NOT EDIT.\n\npackage mocks\n" + "".join(
        f"var v{i} = {i}\n" for i in range(1200))
    assert lines("quality.file-too-long", "internal/mocks/mock_store.go", text) == set()


def test_function_too_long_option() -> None:
    text = "def f(a):\n" + _py_stmts(25) + "    return a\n"
    assert lines("quality.function-too-long", "app/f.py", text) == set()
    assert lines("quality.function-too-long", "app/f.py", text, max_lines=20) == {1}


def test_deep_nesting_option() -> None:
    text = "def f(a):\n    if a:\n        if a:\n            if a:\n                return a\n"
    assert lines("quality.deep-nesting", "app/f.py", text) == set()
    assert lines("quality.deep-nesting", "app/f.py", text, max_depth=2) == {4}


def test_function_too_long_reports_length() -> None:
    text = "def handle(request):\n" + _py_stmts(70) + "    return request\n"
    (f,) = findings("quality.function-too-long", "app/h.py", text)
    assert f.line == 1 and "72" in f.message or "71" in f.message


def test_sleep_in_tests_once_per_file_with_count() -> None:
    text = "import time\n\n\ndef test_a():\n    time.sleep(1)\n    time.sleep(1)\n    time.sleep(1)\n"
    (f,) = findings("quality.sleep-in-tests", "tests/test_a.py", text)
    assert f.line == 5 and "3" in f.message and f.severity is Severity.LOW


def test_duplicate_definition_three_packages() -> None:
    got, want = repo_lines("quality.duplicate-definition", [
        C("internal/auth/errors.go", """
            package auth

            import "errors"

            var ErrUserNotFound = errors.New("user not found") «
            """),
        C("internal/users/errors.go", """
            package users

            import "errors"

            // ErrUserNotFound is returned when no user matches.
            var ErrUserNotFound = errors.New("user not found") «

            type NotFoundError struct{ ID, Kind string } «
            """),
        C("internal/billing/errors.go", """
            package billing

            var ErrUserNotFound error = newErr("user not found") «

            type NotFoundError struct { «
            \tID   string
            \tKind string
            }
            """),
    ])
    assert got == want
