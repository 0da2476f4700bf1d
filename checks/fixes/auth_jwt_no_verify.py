"""auth.jwt-no-verify (Python): drop `none` from `algorithms`, and where the key is passed, replace the
option that turns verification off with the algorithm list the module already uses elsewhere."""
from __future__ import annotations

import ast

from checks.fixes import FixContext, Suggestion, Where, _py, fixer
from checks.fixes._edit import splice
from checks.lang.python import call_name, kwarg
from checks.source import SourceFile

_DECODERS = ("decode", "decode_complete")


@fixer("auth.jwt-no-verify")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    if "python" not in f.kinds:
        return None
    calls = [c for c in _py.calls_on(f, where.line) if call_name(c, f.python_imports).rsplit(".", 1)[-1]
             in (*_DECODERS, "jwt_decode") or "decode" in call_name(c, f.python_imports)]
    if len(calls) != 1:
        return None
    call = calls[0]
    algorithms = kwarg(call, "algorithms")
    if _has_none(algorithms):
        return _without_none(f, algorithms)
    disabling = _disabling_keyword(call)
    has_key = len(call.args) >= 2 or kwarg(call, "key") is not None
    if disabling is None or not has_key:
        return None  # no key in the call: which key verifies these tokens is a design decision
    if algorithms is not None:
        return _py.drop_keyword(f, call, disabling)
    known = _algorithm_lists(f, call)
    if len(known) != 1:
        return None
    return splice(f, (disabling.lineno, disabling.col_offset), (disabling.end_lineno, disabling.end_col_offset),
                  f"algorithms={known.pop()}")


def _strings(node: ast.AST | None) -> list[ast.Constant] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts and \
            all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return list(node.elts)
    return None


def _has_none(node: ast.AST | None) -> bool:
    return any(e.value.lower() == "none" for e in _strings(node) or [])


def _source(f: SourceFile, node: ast.AST) -> str:
    return _py.between(f, (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset))


def _without_none(f: SourceFile, algorithms: ast.AST) -> Suggestion | None:
    keep = [_source(f, e) for e in _strings(algorithms) if e.value.lower() != "none"]
    if not keep or algorithms.lineno != algorithms.end_lineno:
        return None
    open_, close = ("[", "]") if isinstance(algorithms, ast.List) else ("(", ",)" if len(keep) == 1 else ")")
    return splice(f, (algorithms.lineno, algorithms.col_offset), (algorithms.end_lineno, algorithms.end_col_offset),
                  f"{open_}{', '.join(keep)}{close}")


def _disabling_keyword(call: ast.Call) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == "verify" and isinstance(kw.value, ast.Constant) and kw.value.value is False:
            return kw
        if kw.arg == "options" and isinstance(kw.value, ast.Dict) and len(kw.value.keys) == 1 and \
                isinstance(kw.value.keys[0], ast.Constant) and kw.value.keys[0].value == "verify_signature" and \
                isinstance(kw.value.values[0], ast.Constant) and kw.value.values[0].value is False:
            return kw
    return None


def _algorithm_lists(f: SourceFile, skip: ast.Call) -> set[str]:
    """The algorithm lists other JWT calls of the module verify or sign with, as source text."""
    out = set()
    for call in f.python_of(ast.Call):
        if call is skip:
            continue
        short = call_name(call, f.python_imports).rsplit(".", 1)[-1]
        algorithms = kwarg(call, "algorithms")
        if short in _DECODERS and _strings(algorithms) and not _has_none(algorithms):
            out.add(_source(f, algorithms))
        algorithm = kwarg(call, "algorithm")
        if short == "encode" and isinstance(algorithm, ast.Constant) and isinstance(algorithm.value, str):
            out.add(f"[{_source(f, algorithm)}]")
    return out
