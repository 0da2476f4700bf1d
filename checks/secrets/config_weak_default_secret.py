"""config.weak-default-secret: code that falls back to a literal when a secret is not configured."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.lang.python import call_name, dotted, kwarg
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.secrets._patterns import is_secret_name
from checks.source import SourceFile

# Python: os.getenv / os.environ.get / environs / django-environ / python-decouple style readers.
_PY_ENV_QUALNAMES = {"os.getenv", "os.environ.get", "os.environ.setdefault", "os.environ.pop"}
_PY_ENV_TAIL = re.compile(r"(?:^|\.)(?:getenv|get_env|getEnv|env|config|environ\.get|env\.(?:str|get|bytes))$")
_SETTINGS_BASE = re.compile(r"(?:Settings|Config|Configuration|BaseModel)$")
_DEV_CLASS = re.compile(r"(?i)test|dev|local|mock|fake|example")
# Go: getEnv("X", "def"), GetEnvOrDefault, envOr, viper.SetDefault, config.GetStringOrDefault...
_GO_ENV_HELPER = re.compile(r"(?i)env|default|fallback")
_GO_TAG_DEFAULT = re.compile(r'\b(?:default|envDefault)\s*:\s*"([^"]*)"')
_GO_TAG_NAME = re.compile(r'\b(?:env|envconfig|mapstructure|yaml|json|koanf|split_words)\s*:\s*"([^",]*)')


@rule(
    "config.weak-default-secret",
    severity="HIGH",
    area="secrets",
    title="Secret falls back to a hardcoded default",
    why="When the secret is not configured the service silently starts with a value that is in the "
        "source code, so anyone who reads it can forge tokens or log in.",
    fix="Read the secret without a default and refuse to start when it is missing "
        '(`secret = os.environ["JWT_SECRET"]`, or `if s == "" { log.Fatal(\"JWT_SECRET is required\") }`).',
    kinds={"python", "go", "js"},
    example=Example(
        path="app/config.py",
        bad='import os\n\nJWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")\n',
        good='import os\n\nJWT_SECRET = os.environ["JWT_SECRET"]\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _golang(f)
    elif "js" in f.kinds:
        yield from _javascript(f)


# --- JavaScript / TypeScript (no parser for TS: comments blanked, then a regex) ---------------

_JS_FALLBACK = re.compile(
    r"""process\.env(?:\.(?P<a>[A-Za-z_$][\w$]*)|\[\s*["'`](?P<b>[^"'`]+)["'`]\s*\])\s*(?:\|\||\?\?)\s*"""
    r"""(?P<q>["'`])(?P<val>[^"'`\n]*?)(?P=q)"""
)
# `const { JWT_SECRET = "dev", PORT = 3000 } = process.env;`: destructuring defaults.
_JS_DESTRUCTURE = re.compile(r"\{(?P<body>[^{}]*)\}\s*=\s*process\.env\b")
_JS_DEFAULT = re.compile(r"""(?:^|,)\s*(?P<name>[A-Za-z_$][\w$]*)\s*(?::\s*[A-Za-z_$][\w$]*\s*)?=\s*"""
                         r"""(?P<q>["'`])(?P<val>[^"'`\n]*?)(?P=q)""")
_JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\\\w\"'])//[^\n]*", re.S)


def _javascript(f: SourceFile) -> Iterator[Hit]:
    text = _JS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), f.text)
    for m in _JS_FALLBACK.finditer(text):
        name = m.group("a") or m.group("b")
        if is_secret_name(name) and m.group("val").strip() and "${" not in m.group("val"):
            yield Hit(f.line_at(m.start()), message=f"`{name}` falls back to a hardcoded literal when it is not set")
    for m in _JS_DESTRUCTURE.finditer(text):
        for d in _JS_DEFAULT.finditer(m.group("body")):
            name = d.group("name")
            if is_secret_name(name) and d.group("val").strip() and "${" not in d.group("val"):
                yield Hit(f.line_at(m.start("body") + d.start("name")),
                          message=f"`{name}` falls back to a hardcoded literal when it is not set")


# --- Python -----------------------------------------------------------------------------------

def _nonempty_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        value = node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
        return value if value.strip() and not value.strip().isdigit() else None
    return None


def _py_env_name(call: ast.AST, imports: dict[str, str]) -> str | None:
    """The secret-like variable name read by an env/config lookup call, else None."""
    if not isinstance(call, ast.Call):
        return None
    # os.getenv("X", ...) or the keyword form os.getenv(key="X", default=...)
    name = call.args[0] if call.args else (kwarg(call, "key") or kwarg(call, "var") or kwarg(call, "name"))
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return None
    qn = call_name(call, imports)
    raw = dotted(call.func) or ""
    if qn not in _PY_ENV_QUALNAMES and not _PY_ENV_TAIL.search(raw) and not qn.startswith("os.environ."):
        return None
    return name.value if is_secret_name(name.value) else None


def _python(f: SourceFile) -> Iterator[Hit]:
    tree = f.python
    imports = f.python_imports
    seen: set[int] = set()
    env_vars: dict[str, str] = {}  # `s = os.getenv("JWT_SECRET")` -> s: JWT_SECRET
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            name = _py_env_name(node.value, imports)
            target = dotted(node.targets[0])
            if name and target:
                env_vars[target] = name

    def hit(node: ast.AST, message: str) -> Iterator[Hit]:
        if node.lineno not in seen:
            seen.add(node.lineno)
            yield Hit(node.lineno, end_line=getattr(node, "end_lineno", None), message=message)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _py_env_name(node, imports)
            if name:
                default = node.args[1] if len(node.args) > 1 else kwarg(node, "default")
                if _nonempty_str(default) is not None:
                    yield from hit(node, f"`{name}` falls back to a hardcoded literal when it is not set")
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) >= 2:
            name = _py_env_name(node.values[0], imports)
            if name and any(_nonempty_str(v) is not None for v in node.values[1:]):
                yield from hit(node, f"`{name}` falls back to a hardcoded literal via `or` when it is not set")
        elif isinstance(node, ast.IfExp) and _nonempty_str(node.orelse) is not None:
            # `os.getenv("S") if os.getenv("S") else "dev"`, `os.environ["S"] if "S" in os.environ else "dev"`
            name = _py_env_name(node.body, imports) or _py_env_name(node.test, imports) \
                or _py_environ_item(node.body, imports)
            if name:
                yield from hit(node, f"`{name}` falls back to a hardcoded literal when it is not set")
        elif isinstance(node, ast.If) and not node.orelse:
            target = _py_unset_test(node.test)
            if target and (is_secret_name(target.split(".")[-1]) or is_secret_name(env_vars.get(target, ""))):
                for stmt in node.body:
                    if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                            and dotted(stmt.targets[0]) == target and _nonempty_str(stmt.value) is not None):
                        env = env_vars.get(target)
                        what = f"`{target}` (from `{env}`)" if env else f"`{target}`"
                        yield from hit(stmt, f"{what} is set to a hardcoded literal when it is empty")
        elif isinstance(node, ast.ClassDef) and _is_settings_class(node):
            for stmt in node.body:
                yield from _settings_field(stmt, hit)


def _py_environ_item(node: ast.AST, imports: dict[str, str]) -> str | None:
    """`os.environ["JWT_SECRET"]` -> "JWT_SECRET" when the name is secret-like."""
    if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Constant):
        return None
    base = dotted(node.value) or ""
    head, _, rest = base.partition(".")
    qualified = imports.get(head, head) + (f".{rest}" if rest else "")
    key = node.slice.value
    if qualified in ("os.environ", "environ") and isinstance(key, str) and is_secret_name(key):
        return key
    return None


def _py_unset_test(test: ast.AST) -> str | None:
    """`not X`, `X is None`, `X == ""`, `len(X) == 0` -> "X"."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return dotted(test.operand)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.Eq)):
        left, right = test.left, test.comparators[0]
        for a, b in ((left, right), (right, left)):
            if isinstance(b, ast.Constant) and b.value in (None, ""):
                return dotted(a)
    return None


def _is_settings_class(node: ast.ClassDef) -> bool:
    if _DEV_CLASS.search(node.name):
        return False
    bases = [dotted(b) or "" for b in node.bases]
    if any(_SETTINGS_BASE.search(b) for b in bases) or re.search(r"(?:Settings|Config)$", node.name):
        return True
    for dec in node.decorator_list:
        d = dotted(dec.func if isinstance(dec, ast.Call) else dec) or ""
        if d.split(".")[-1] in ("dataclass", "define", "frozen", "s", "attrs"):
            return True
    return False


def _settings_field(stmt: ast.stmt, hit) -> Iterator[Hit]:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        name, value = stmt.target.id, stmt.value
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        name, value = stmt.targets[0].id, stmt.value
    else:
        return
    if value is None or not is_secret_name(name):
        return
    if isinstance(value, ast.Call):  # Field("x"), Field(default="x"), SecretStr("x")
        fn = (dotted(value.func) or "").split(".")[-1]
        if fn not in ("Field", "field", "SecretStr", "SecretBytes", "attrib", "ib"):
            return
        value = value.args[0] if value.args else kwarg(value, "default")
    if _nonempty_str(value) is not None:
        yield from hit(stmt, f"Settings field `{name}` defaults to a hardcoded literal")


# --- Go ---------------------------------------------------------------------------------------

def _go_str(node) -> str | None:
    value = go.string_value(node) if node is not None else None
    return value if value and value.strip() and not value.strip().isdigit() else None


def _golang(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    seen: set[int] = set()
    env_vars: dict[str, str] = {}  # `s := os.Getenv("JWT_SECRET")` -> s: JWT_SECRET
    ok_vars: dict[str, str] = {}
    for node in go.walk(root, "short_var_declaration", "assignment_statement", "var_spec"):
        if node.type == "var_spec":
            lhs, rhs = node.children_by_field_name("name"), node.child_by_field_name("value")
        else:
            left = node.child_by_field_name("left")
            lhs, rhs = (left.named_children if left is not None else []), node.child_by_field_name("right")
        rhs_nodes = rhs.named_children if rhs is not None else []
        if lhs and rhs_nodes and rhs_nodes[0].type == "call_expression":
            call = rhs_nodes[0]
            args = go.call_args(call)
            if go.call_name(call) in ("os.Getenv", "os.LookupEnv") and args and go.string_value(args[0]):
                env_vars[go.text(lhs[0])] = go.string_value(args[0])
                if go.call_name(call) == "os.LookupEnv" and len(lhs) > 1:
                    ok_vars[go.text(lhs[1])] = go.text(lhs[0])  # `v, ok := os.LookupEnv(...)`: ok -> v

    def hit(node, message: str) -> Iterator[Hit]:
        line = go.line(node)
        if line not in seen:
            seen.add(line)
            yield Hit(line, end_line=go.end_line(node), message=message)

    for node in go.walk(root, "call_expression", "if_statement", "field_declaration"):
        if node.type == "call_expression":
            yield from _go_call(node, hit)
        elif node.type == "if_statement":
            yield from _go_if(node, hit, env_vars, ok_vars)
        else:
            yield from _go_field(node, hit)


def _go_call(call, hit) -> Iterator[Hit]:
    fname = go.call_name(call)
    tail = fname.split(".")[-1]
    args = go.call_args(call)
    if len(args) < 2:
        return
    if tail == "Or" and fname in ("cmp.Or", "Or"):
        env = next((a for a in args if a.type == "call_expression" and go.call_name(a).endswith("Getenv")), None)
        name = go.string_value(go.call_args(env)[0]) if env is not None and go.call_args(env) else None
        if name and is_secret_name(name) and any(_go_str(a) for a in args):
            yield from hit(call, f"`{name}` falls back to a hardcoded literal via `cmp.Or` when it is not set")
        return
    if "flag" in fname.lower() and tail in ("String", "StringVar", "StringP", "StringVarP"):
        name_i, val_i = {"String": (0, 1), "StringVar": (1, 2), "StringP": (0, 2), "StringVarP": (1, 3)}[tail]
        if len(args) > val_i:
            name, value = go.string_value(args[name_i]), _go_str(args[val_i])
            if name and value and is_secret_name(name):
                yield from hit(call, f"Flag `{name}` defaults to a hardcoded literal")
        return
    if not _GO_ENV_HELPER.search(tail) or fname in ("os.Getenv", "os.LookupEnv", "os.Setenv"):
        return
    name = go.string_value(args[0])
    if name and is_secret_name(name) and _go_str(args[1]):
        yield from hit(call, f"`{name}` falls back to a hardcoded literal when it is not set")


def _go_empty_target(cond) -> str | None:
    """`X == ""` / `"" == X` / `len(X) == 0` -> "X"."""
    while cond is not None and cond.type == "parenthesized_expression":
        cond = cond.named_children[0] if cond.named_children else None
    if cond is None or cond.type != "binary_expression":
        return None
    op = cond.child_by_field_name("operator")
    if go.text(op) != "==":
        return None
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    for a, b in ((left, right), (right, left)):
        if b is not None and go.text(b) in ('""', "``") and a is not None and a.type in ("identifier", "selector_expression"):
            return go.text(a)
        if (b is not None and go.text(b) == "0" and a is not None and a.type == "call_expression"
                and go.call_name(a) == "len" and go.call_args(a)):
            return go.text(go.call_args(a)[0])
    return None


def _go_if(node, hit, env_vars: dict[str, str], ok_vars: dict[str, str] | None = None) -> Iterator[Hit]:
    cond = node.child_by_field_name("condition")
    target = _go_empty_target(cond)
    if not target and ok_vars and cond is not None and cond.type == "unary_expression":
        operand = cond.child_by_field_name("operand")
        if go.text(cond).startswith("!") and operand is not None and operand.type == "identifier":
            target = ok_vars.get(go.text(operand))  # `if !ok { v = "dev" }`
    if not target:
        return
    env = env_vars.get(target)
    if not is_secret_name(target.split(".")[-1]) and not (env and is_secret_name(env)):
        return
    body = node.child_by_field_name("consequence")
    if body is None:
        return
    stmts = [c for child in body.named_children
             for c in (child.named_children if child.type == "statement_list" else [child])]
    for stmt in stmts:
        if stmt.type != "assignment_statement":
            continue
        left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
        lhs = [c for c in left.named_children] if left is not None else []
        rhs = [c for c in right.named_children] if right is not None else []
        if len(lhs) == 1 and len(rhs) == 1 and go.text(lhs[0]) == target and _go_str(rhs[0]):
            what = f"`{target}` (from `{env}`)" if env else f"`{target}`"
            yield from hit(stmt, f"{what} is set to a hardcoded literal when it is empty")


def _go_field(node, hit) -> Iterator[Hit]:
    tag = node.child_by_field_name("tag")
    if tag is None:
        return
    text = go.text(tag)
    m = _GO_TAG_DEFAULT.search(text)
    if not m or not m.group(1).strip():
        return
    names = [go.text(n) for n in node.children_by_field_name("name")]
    names += _GO_TAG_NAME.findall(text)
    secret = next((n for n in names if n and is_secret_name(n)), None)
    if secret:
        yield from hit(node, f"Config field `{secret}` has a hardcoded `default` in its struct tag")
