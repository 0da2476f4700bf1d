"""Shared helpers for the network/exec security rules: scopes, constants, tainted sources, validators."""
from __future__ import annotations

import ast
import re

from checks.lang import golang as go
from checks.lang.pyflow import Flow
from checks.lang.python import qualname

# --- Python: scopes (the shared value flow lives in checks/lang/pyflow.py) ---------------------

Scopes = Flow  # the name the network rules have always used


_PY_VALIDATOR = re.compile(
    r"(?i)(valid|verif|allow|safe|check|sanitiz|restrict|whitelist|permit)\w*(url|uri|endpoint|host|domain|"
    r"target|webhook|addr|destination|scheme)|(url|uri|endpoint|host|domain|webhook|scheme)\w*"
    r"(valid|verif|allow|safe|check|sanitiz|permit)|^is_safe_url$|url_has_allowed_host_and_scheme|"
    r"^validate$|^validators\.url$|^ssrf"
)


_ADDRESS_CHECKS = {"is_private", "is_loopback", "is_link_local", "is_reserved", "is_global"}


def python_has_url_validation(tree: ast.Module, imports: dict[str, str],
                              nodes: "list[ast.AST] | None" = None) -> bool:
    """True when the module calls a URL/host validator or compares a parsed URL's scheme/host.

    `nodes`: the file's shared walk (`f.python_of(ast.Call, ast.Compare, ast.FunctionDef)`)."""
    for node in (ast.walk(tree) if nodes is None else nodes):
        if isinstance(node, ast.Call):
            name = qualname(node.func, imports) or ""
            if _PY_VALIDATOR.search(name.rsplit(".", 1)[-1]) or name == "validators.url":
                return True
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr in ("scheme", "hostname", "netloc", "host"):
                    return True
        elif isinstance(node, ast.FunctionDef) and _PY_VALIDATOR.search(node.name):
            return True
        elif isinstance(node, ast.Attribute) and node.attr in _ADDRESS_CHECKS:
            return True  # ipaddress checks: `ip.is_private`, `addr.is_loopback` (SSRF guards at resolve time)
    return False


# --- Go helpers ------------------------------------------------------------------------------

def go_local_name(root, path: str) -> str | None:
    """The local name under which `path` is imported in this Go file."""
    for name, p in go.imports(root).items():
        if p == path:
            return name
    return None


def go_consts(root) -> set[str]:
    """Identifiers declared with `const` anywhere in the file."""
    out: set[str] = set()
    for spec in go.walk(root, "const_spec"):
        for child in spec.children_by_field_name("name"):
            out.add(go.text(child))
    return out


def go_enclosing_func(node):
    for anc in go.ancestors(node):
        if anc.type in ("function_declaration", "method_declaration", "func_literal"):
            return anc
    return None


def go_literal_vars(func) -> dict[str, bool]:
    """Local variable -> True when every assignment to it in `func` is a string literal."""
    out: dict[str, bool] = {}
    if func is None:
        return out
    for node in go.walk(func, "short_var_declaration", "assignment_statement", "var_spec"):
        if node.type == "var_spec":
            names = [go.text(n) for n in node.children_by_field_name("name")]
            value = node.child_by_field_name("value")
            vals = [c for c in value.named_children] if value is not None else []
        else:
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            names = [go.text(n) for n in left.named_children] if left is not None else []
            vals = list(right.named_children) if right is not None else []
        for i, name in enumerate(names):
            lit = i < len(vals) and len(vals) == len(names) and _go_is_literal(vals[i])
            out[name] = out.get(name, True) and lit
    return out


def _go_is_literal(node) -> bool:
    if node.type in ("interpreted_string_literal", "raw_string_literal", "int_literal"):
        return True
    if node.type == "binary_expression":
        return all(_go_is_literal(c) for c in (node.child_by_field_name("left"), node.child_by_field_name("right")))
    if node.type == "parenthesized_expression":
        return all(_go_is_literal(c) for c in node.named_children)
    return False


def go_is_constant(node, consts: set[str], literal_vars: dict[str, bool]) -> bool:
    if node.type in ("interpreted_string_literal", "raw_string_literal", "int_literal"):
        return True
    if node.type == "binary_expression":
        return go_is_constant(node.child_by_field_name("left"), consts, literal_vars) and go_is_constant(
            node.child_by_field_name("right"), consts, literal_vars)
    if node.type == "parenthesized_expression":
        return all(go_is_constant(c, consts, literal_vars) for c in node.named_children)
    if node.type == "identifier":
        name = go.text(node)
        return name in consts or literal_vars.get(name, False)
    return False


def same_package_go(f, ctx) -> list:
    """Other Go files in the same directory as `f` (when the engine gave us the repository)."""
    return ctx.repo.siblings(f.path, "go") if ctx.repo is not None else []


def strip_go_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
