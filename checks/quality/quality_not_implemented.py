"""quality.not-implemented: production code paths that are stubs (NotImplementedError, HTTP 501, panics)."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang
from checks.lang.python import call_name, const_value, dotted, kwarg
from checks.quality._q import is_vendored_or_generated
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_ABSTRACT_BASES = re.compile(r"(^|\.)(ABC|ABCMeta|Protocol|Interface|Generic|TypedDict|NamedTuple)$")
_ABSTRACT_NAME = re.compile(r"(^Base|Base$|^Abstract|Abstract|Interface$|^I[A-Z]\w*|Mixin$|Protocol$|Port$|Spec$)")
_ABSTRACT_DECOS = re.compile(r"(abstract\w*|overload|override)$")
_501_NAMES = re.compile(r"(HTTP_501_NOT_IMPLEMENTED|HTTPStatus\.NOT_IMPLEMENTED|codes\.not_implemented"
                        r"|status\.HTTP_501\w*|HTTPNotImplemented)$")
_PANIC_MSG = re.compile(r"^\s*(not\s+(yet\s+)?implemented|unimplemented|todo\b|implement\s+me|fixme\b|tbd\b)", re.I)
_GO_RESPOND = re.compile(r"(WriteHeader|Error|JSON|String|Status|Abort\w*|NoContent|NewHTTPError|SendStatus|"
                         r"SendString|Render|Data|Blob|HTML|IndentedJSON|PureJSON|XML|YAML|ProtoBuf|Respond\w*|"
                         r"Write\w*|Problem|Fail\w*)$")


def _is_nie(exc: ast.AST | None) -> bool:
    if isinstance(exc, ast.Call):
        exc = exc.func
    return dotted(exc) in ("NotImplementedError", "builtins.NotImplementedError") if exc is not None else False


def _abstract_class(cls: ast.ClassDef, subclassed: set[str]) -> bool:
    if cls.name in subclassed or _ABSTRACT_NAME.search(cls.name):
        return True
    for base in [*cls.bases, *(k.value for k in cls.keywords)]:
        name = dotted(base.value if isinstance(base, ast.Subscript) else base) or ""
        if _ABSTRACT_BASES.search(name) or _ABSTRACT_NAME.search(name.rsplit(".", 1)[-1]):
            return True
    for item in cls.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(_ABSTRACT_DECOS.search(dotted(d.func if isinstance(d, ast.Call) else d) or "")
                   for d in item.decorator_list):
                return True
    return False


_HOOK_TEXT = re.compile(r"subclass|overrid|must (be )?implement|should (be )?implement|implemented by|abstract|"
                        r"derived class|child class|to be implemented in", re.I)
_BASE_FILE = re.compile(r"^(base|abstract\w*|interfaces?|protocols?|abc|ports?)\.py$")


def _hook_documented(fn: ast.FunctionDef | ast.AsyncFunctionDef, raise_: ast.Raise) -> bool:
    """The method's docstring or error message says subclasses provide it."""
    doc = ast.get_docstring(fn) or ""
    msg = ""
    if isinstance(raise_.exc, ast.Call) and raise_.exc.args:
        v = const_value(raise_.exc.args[0])
        msg = v if isinstance(v, str) else ""
    return bool(_HOOK_TEXT.search(doc) or _HOOK_TEXT.search(msg))


def _stub_count(cls: ast.ClassDef) -> int:
    return sum(1 for item in cls.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
               and _stub_body(item) is not None)


def _stub_body(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Raise | None:
    """The `raise NotImplementedError` that is a top-level statement of the function, if any."""
    for st in fn.body:
        if isinstance(st, ast.Raise) and _is_nie(st.exc):
            return st
    return None


def _py(f: SourceFile) -> Iterator[Hit]:
    imports = f.python_imports
    parent = f.python_parents
    subclassed = {(dotted(b) or "").rsplit(".", 1)[-1] for n in f.python_of(ast.ClassDef) for b in n.bases}
    for node in f.python_of(ast.FunctionDef, ast.AsyncFunctionDef, ast.Call, ast.Return):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise_ = _stub_body(node)
            if raise_ is None or node.name.startswith("__") and node.name.endswith("__"):
                continue
            if any(_ABSTRACT_DECOS.search(dotted(d.func if isinstance(d, ast.Call) else d) or "")
                   for d in node.decorator_list):
                continue
            owner = parent.get(node)
            if isinstance(owner, ast.ClassDef):
                if _abstract_class(owner, subclassed) or _hook_documented(node, raise_):
                    continue
                plain_bases = [b for b in owner.bases if dotted(b) not in ("object",)]
                if not plain_bases and _stub_count(owner) >= 2:
                    continue  # a base class whose hooks all raise: abstract by convention
            where = f"`{owner.name}.{node.name}`" if isinstance(owner, ast.ClassDef) else f"`{node.name}`"
            yield Hit(raise_.lineno, message=f"{where} only raises NotImplementedError, so this production "
                                             "code path is a stub")
        elif isinstance(node, ast.Call):
            name = call_name(node, imports)
            last = name.rsplit(".", 1)[-1]
            status = None
            for kw in ("status_code", "status", "code"):
                v = kwarg(node, kw)
                if v is not None and (const_value(v) == 501 or _501_NAMES.search(dotted(v) or "")):
                    status = f"`{kw}=501`"
            if status is None and node.args and last in ("HTTPException", "abort", "HTTPError", "HttpResponse",
                                                         "Response", "JSONResponse", "make_response", "HTTPStatus"):
                for a in node.args[:2]:
                    if const_value(a) == 501 or _501_NAMES.search(dotted(a) or ""):
                        status = "HTTP 501"
            if status is None and _501_NAMES.search(name) and "HTTPNotImplemented" in name:
                status = f"`{last}`"
            if status:
                yield Hit(node.lineno, message=f"Handler responds {status} (Not Implemented): the endpoint is a stub")
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2:
            code = node.value.elts[1]
            if const_value(code) == 501 or _501_NAMES.search(dotted(code) or ""):
                yield Hit(node.lineno, message="Handler returns HTTP 501 (Not Implemented): the endpoint is a stub")


def _go(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    for call in golang.walk(root, "call_expression"):
        fn = golang.call_name(call)
        args = golang.call_args(call)
        if fn == "panic" and args:
            arg = args[0]
            msg = golang.string_value(arg)
            if msg is None and arg.type == "call_expression" and golang.call_name(arg) in (
                    "errors.New", "fmt.Errorf", "fmt.Sprintf", "fmt.Sprint"):
                inner = golang.call_args(arg)
                msg = golang.string_value(inner[0]) if inner else None
            if msg is not None and _PANIC_MSG.match(msg):
                yield Hit(golang.line(call), message=f"`panic(\"{msg[:40]}\")` leaves this code path "
                                                     "unimplemented and crashes the process when reached")
            continue
        last = fn.rsplit(".", 1)[-1]
        for a in args:
            t = golang.text(a)
            if t.endswith(".StatusNotImplemented") or (t == "501" and _GO_RESPOND.search(last)):
                yield Hit(golang.line(call), message=f"`{fn}(... {t} ...)` answers 501 Not Implemented: "
                                                     "the handler is a stub")
                break


@rule(
    "quality.not-implemented",
    severity="MEDIUM",
    area="quality",
    title="Unimplemented code path in production code",
    why="Stubs that raise NotImplementedError, panic or answer 501 ship a feature that fails at runtime; "
        "callers only find out in production.",
    fix="Implement the path, remove the route/method until it is ready, or hide it behind a feature flag; "
        "for interfaces, use an ABC with `@abstractmethod` or a `Protocol`.",
    kinds={"python", "go"},
    # Python: raise NotImplementedError or a 501 status (literal or named); Go: panic(...) or a 501 status
    prefilter=("NotImplementedError", "501", "NOT_IMPLEMENTED", "not_implemented", "HTTPNotImplemented",
               "panic", "StatusNotImplemented"),
    example=Example(
        path="app/payments.py",
        bad="class StripeGateway:\n    def charge(self, amount):\n        return self.client.charge(amount)\n\n"
            "    def refund(self, charge_id):\n        raise NotImplementedError(\"refunds\")\n",
        good="from abc import ABC, abstractmethod\n\n\nclass Gateway(ABC):\n    @abstractmethod\n"
             "    def refund(self, charge_id):\n        raise NotImplementedError\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if is_vendored_or_generated(f) or _BASE_FILE.match(f.name):
        return
    if "python" in f.kinds:
        yield from _py(f)
    elif "go" in f.kinds:
        yield from _go(f)
