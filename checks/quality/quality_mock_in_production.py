"""quality.mock-in-production: mock/fake/stub implementations wired up in main, cmd/ or app factories."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang
from checks.lang.python import call_name, dotted
from checks.model import Hit
from checks.quality._q import is_vendored_or_generated
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_MOCK_TYPE = re.compile(r"^(Mock|Fake|Stub|Dummy|InMemoryMock)[A-Z_]\w*$|^(Mock|MagicMock|AsyncMock|NonCallableMock)$")
_MOCK_CTOR = re.compile(r"^(New|new_?|make_?|Make|create_?|Create)(Mock|Fake|Stub|Dummy)[A-Z_]?\w*$")
_MOCK_PKG = {"mock", "mocks", "fake", "fakes", "stub", "stubs", "mockery", "gomock", "fakeclient", "testutil",
             "testutils", "testhelpers"}
_PY_MOCK_MODULES = ("unittest.mock.", "mock.", "pytest_mock.", "asynctest.")
_WIRING_FILE = re.compile(
    r"^(main|app|application|__main__|wsgi|asgi|server|factory|factories|wire|wiring|wire_gen|container|"
    r"containers|bootstrap|providers?|dependencies|deps|di|inject|injector|setup_app|create_app)\.(py|go)$"
)
_SKIP_PATH = re.compile(r"(^|/)(examples?|demo|demos|sandbox|mocks?|fakes?|stubs?|testutils?|testhelpers?|"
                        r"testing|devtools|scripts?|hack|tools)/")
# Factories and dependency providers: app builders, and get_/make_/build_/provide_ functions whose
# name is about a dependency (a `get_cookie_header` helper is not wiring).
_DEPENDENCY = r"\w*(client|service|provider|sender|mailer|gateway|repo|repository|store|storage|backend|adapter|" \
              r"notifier|publisher|queue|cache|db|database|session|api|container|deps|dependencies|app)"
_FACTORY_FUNC = re.compile(r"^(main|create_app|make_app|build_app|get_app|app_factory|New\w*|Build\w*|Wire\w*|"
                           r"Init\w*|Setup\w*|setup_\w*|init_\w*|Provide\w*|"
                           rf"(get|make|build|provide|create)_{_DEPENDENCY})$", re.I)


# unittest/pytest fixture hooks match `Setup\w*`/`setup_\w*` but set up tests, not the application
_TEST_HOOKS = {"setUp", "setUpClass", "asyncSetUp", "setup_method", "setup_class", "setup_module",
               "setup_function", "setUpTestData"}
_MOCKISH = re.compile(r"(mock|fake|stub|dummy)", re.I)


def _wiring_path(path: str, name: str) -> bool:
    return bool(_WIRING_FILE.match(name)) or path.startswith("cmd/") or "/cmd/" in path


def _mock_name(name: str) -> bool:
    parts = name.split(".")
    last = parts[-1]
    if _MOCK_TYPE.match(last) or _MOCK_CTOR.match(last):
        return True
    return len(parts) >= 2 and parts[-2].lower() in _MOCK_PKG and last[:1].isupper()


def _py(f: SourceFile, wiring_file: bool) -> Iterator[Hit]:
    tree = f.python
    imports = f.python_imports
    # In other files, only inside app-factory functions.
    scopes: list[ast.AST] = [tree] if wiring_file else [
        n for n in f.python_of(ast.FunctionDef, ast.AsyncFunctionDef)
        if _FACTORY_FUNC.match(n.name) and not _MOCKISH.search(n.name) and n.name not in _TEST_HOOKS
    ]
    seen: set[int] = set()
    for scope in scopes:
        for node in (f.python_of(ast.Call) if scope is tree else ast.walk(scope)):
            if not isinstance(node, ast.Call) or id(node) in seen:
                continue
            seen.add(id(node))
            raw = dotted(node.func) or ""
            resolved = call_name(node, imports)
            if resolved.startswith(_PY_MOCK_MODULES) or raw in ("patch",) and resolved.startswith("unittest"):
                label = resolved
            elif _mock_name(raw) or _mock_name(resolved):
                label = raw
            else:
                continue
            yield Hit(node.lineno, message=f"`{label}(...)` constructs a mock/fake/stub in production wiring code")


def _go(f: SourceFile, wiring_file: bool) -> Iterator[Hit]:
    root = f.go
    pkg = next((golang.text(n.named_children[0]) for n in golang.walk(root, "package_clause")
                if n.named_children), "")
    wiring_file = wiring_file or pkg == "main"
    scopes = [root] if wiring_file else [
        n for n in golang.walk(root, "function_declaration")
        if _FACTORY_FUNC.match(golang.func_name(n)) and not _MOCKISH.search(golang.func_name(n))
    ]
    seen: set[int] = set()
    for scope in scopes:
        for node in golang.walk(scope, "composite_literal", "call_expression"):
            if node.start_byte in seen:
                continue
            seen.add(node.start_byte)
            if node.type == "composite_literal":
                t = node.child_by_field_name("type")
                name = golang.text(t)
            else:
                name = golang.call_name(node)
                if name.startswith("gomock.") or name.endswith(".NewController"):
                    name = "gomock.NewController" if name.startswith("gomock.") else ""
                    if not name:
                        continue
            if name.startswith("gomock.") or _mock_name(re.sub(r"\[.*\]$", "", name.lstrip("&*"))):
                yield Hit(golang.line(node), message=f"`{name}` constructs a mock/fake/stub in production "
                                                     "wiring code")


@rule(
    "quality.mock-in-production",
    severity="HIGH",
    area="quality",
    title="Mock or fake implementation wired into production code",
    why="A mock provider constructed in main or an app factory silently replaces the real integration: "
        "payments, messages or emails are 'sent' and dropped in production.",
    fix="Construct the real implementation in production wiring and keep mocks/fakes in tests; if a "
        "sandbox mode is needed, select it explicitly from configuration and fail closed in production.",
    kinds={"python", "go"},
    example=Example(
        path="cmd/api/main.go",
        bad="package main\n\nfunc main() {\n\tsender := &MockSender{}\n\trun(sender)\n}\n",
        good="package main\n\nfunc main() {\n\tsender := twilio.NewSender(cfg.Twilio)\n\trun(sender)\n}\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if f.is_test or is_vendored_or_generated(f) or _SKIP_PATH.search(f.path) or _MOCKISH.search(f.name):
        return
    wiring = _wiring_path(f.path, f.name)
    if "python" in f.kinds:
        yield from _py(f, wiring)
    elif "go" in f.kinds:
        yield from _go(f, wiring)
