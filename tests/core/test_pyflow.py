"""checks/lang/pyflow.py: what a name holds where it is used (shared by the security rules)."""
from __future__ import annotations

import ast
import textwrap

from checks.lang.pyflow import Flow
from checks.lang.python import NOT_CONST


def _flow_and_call(src: str, callee: str) -> tuple[Flow, ast.Call]:
    tree = ast.parse(textwrap.dedent(src))
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == callee)
    return Flow(tree), call


def test_constant_through_names_only_when_every_assignment_agrees() -> None:
    flow, call = _flow_and_call("""
        VERIFY = False
        def f(url, ca):
            on = False
            maybe = False
            if ca:
                maybe = ca
            use(VERIFY, on, maybe, ca)
    """, "use")
    values = [flow.constant(a) for a in call.args]
    assert values[:2] == [False, False]
    assert values[2] is NOT_CONST and values[3] is NOT_CONST


def test_dict_entry_follows_literals_updates_stores_and_spreads() -> None:
    flow, call = _flow_and_call("""
        BASE = {"verify_signature": True}
        def f():
            a = {"verify_exp": True}
            a["verify_signature"] = False
            b = dict(BASE, verify_exp=False)
            c = {**BASE, "leeway": 5}
            d = {}
            d.update(verify_signature=False)
            use(a, b, c, d)
    """, "use")
    entries = [flow.dict_entry(a, "verify_signature") for a in call.args]
    assert [flow.constant(e) for e in entries] == [False, True, True, False]


def test_keyword_reads_spread_options() -> None:
    flow, call = _flow_and_call("""
        def f(env, more):
            opts = {"autoescape": False}
            Environment(loader=None, **opts, **more)
    """, "Environment")
    assert flow.is_false(flow.keyword(call, "autoescape"))
    assert flow.keyword(call, "cache_size") is None


def test_string_pieces_of_fstrings_percent_format_and_concatenation() -> None:
    flow, call = _flow_and_call("""
        def f(host, port, user):
            base = "ssh " + user
            cmd = f"{base} -p {port} " + "%s" % (host,) + "{}".format(port)
            run(cmd)
    """, "run")
    assert sorted(ast.unparse(p) for p in flow.string_pieces(call.args[0])) == ["host", "port", "port", "user"]


def test_parameters_do_not_resolve() -> None:
    flow, call = _flow_and_call("""
        x = 1
        def f(x):
            use(x)
    """, "use")
    assert flow.values_of("x", call.args[0]) is None
    assert flow.resolve(call.args[0]) is call.args[0]
