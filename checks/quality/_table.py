"""Table-like function bodies: literal mappings, flat lists of assignments/field copies, linear loaders.

Such bodies are long because the data is long, not because the logic is: splitting them does not help.
"""
from __future__ import annotations

import ast

from checks.lang import golang

# Share of a body's statement lines that must be flat for the body to count as a table.
_FLAT_SHARE = 0.8

_PY_FLAT = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Pass, ast.Import, ast.ImportFrom,
            ast.Return, ast.Delete, ast.Global, ast.Nonlocal)
_GO_FLAT = {"short_var_declaration", "assignment_statement", "var_declaration", "const_declaration",
            "inc_statement", "dec_statement", "expression_statement", "return_statement", "defer_statement",
            "empty_statement", "type_declaration"}
_GO_ASSIGN = {"short_var_declaration", "assignment_statement", "expression_statement", "inc_statement",
              "dec_statement", "var_declaration"}


def _span(node) -> int:
    return (node.end_lineno or node.lineno) - node.lineno + 1


def _py_flat(st: ast.stmt) -> bool:
    if isinstance(st, _PY_FLAT):
        return not any(isinstance(n, ast.Lambda) for n in ast.walk(st))
    # `if "X" in env: cfg.x = env["X"]`: guarded assignments of a linear config loader
    if isinstance(st, ast.If):
        return all(isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)) or
                   (isinstance(s, ast.If) and _py_flat(s)) for s in [*st.body, *st.orelse])
    return False


def py_table_like(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = fn.body
    total = sum(_span(s) for s in body)
    flat = sum(_span(s) for s in body if _py_flat(s))
    return total > 0 and flat >= _FLAT_SHARE * total


def _go_span(node) -> int:
    return golang.end_line(node) - golang.line(node) + 1


def _go_statements(block) -> list:
    out = []
    for c in block.named_children:
        if c.type == "statement_list":
            out.extend(x for x in c.named_children if x.type != "comment")
        elif c.type != "comment":
            out.append(c)
    return out


def _go_flat(st) -> bool:
    if st.type in _GO_FLAT:
        return next(golang.walk(st, "func_literal"), None) is None
    if st.type == "if_statement":
        return _go_guarded(st)
    if st.type == "expression_switch_statement":
        # a switch that maps each case to literal values: `case "a": x = A` / `case "b": return B`
        stmts = [s for case in st.named_children if case.type in ("expression_case", "default_case")
                 for s in case.named_children if s.type.endswith(("statement", "declaration"))]
        return all(s.type in _GO_ASSIGN or s.type == "return_statement" for s in stmts) and \
            next(golang.walk(st, "func_literal"), None) is None
    return False


def _go_guarded(st) -> bool:
    """`if cfg.X == nil { cfg.X = &T{} }`, nested too: assignments and calls under conditions, nothing else."""
    if st.type != "if_statement" or next(golang.walk(st, "func_literal"), None) is not None:
        return False
    blocks = [st.child_by_field_name("consequence"), st.child_by_field_name("alternative")]
    stmts = [s for b in blocks if b is not None and b.type == "block" for s in _go_statements(b)]
    if any(b is not None and b.type == "if_statement" and not _go_guarded(b) for b in blocks):
        return False
    return all(s.type in _GO_ASSIGN or _go_guarded(s) for s in stmts)


def go_table_like(body) -> bool:
    stmts = _go_statements(body)
    total = sum(_go_span(s) for s in stmts)
    flat = sum(_go_span(s) for s in stmts if _go_flat(s))
    return total > 0 and flat >= _FLAT_SHARE * total
