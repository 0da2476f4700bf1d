"""Unsafe deserialization outside Python: Go `encoding/gob` on network input, JS `node-serialize`."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.model import Hit
from checks.security import _web
from checks.security._net import go_enclosing_func, go_local_name

# a reader a remote peer writes: a request/response body, a connection, a websocket/stream
_GO_NETWORK_READER = re.compile(r"(^|\.)(Body|Conn|conn|Stream|stream)$|^(c|conn|ws|sock|socket|stream|client)$|"
                                r"\.Request\.Body$|NetConn\(\)$")
_GO_NET_PARAM = re.compile(r"\b(net\.Conn|\*http\.Request|http\.Request|\*websocket\.Conn|io\.ReadCloser|"
                           r"net\.Listener)\b")


def go_gob_from_network(root: go.Node) -> Iterator[Hit]:
    gob = go_local_name(root, "encoding/gob")
    if gob is None:
        return
    for call in go.walk(root, "call_expression"):
        if go.call_name(call) != f"{gob}.NewDecoder":
            continue
        args = go.call_args(call)
        if not args:
            continue
        reader = go.text(args[0]).strip().lstrip("&")
        func = go_enclosing_func(call)
        params = go.text(func.child_by_field_name("parameters")) if func is not None and \
            func.child_by_field_name("parameters") is not None else ""
        if _GO_NETWORK_READER.search(reader) or (reader in params and _GO_NET_PARAM.search(params)):
            yield Hit(go.line(call), end_line=go.end_line(call),
                      message=f"`{gob}.NewDecoder({reader})` decodes data a remote peer sends; gob trusts the "
                              "type information in the stream (unbounded allocations, any registered type)")


_JS_NODE_SERIALIZE = re.compile(r"""(?:require\(\s*['"]node-serialize['"]\s*\)|from\s+['"]node-serialize['"])""")
_JS_BINDING = re.compile(r"""(?:const|let|var|import)\s+(?:\*\s+as\s+)?\{?\s*(\w+)[^=;\n]*?(?:=\s*require\(\s*['"]"""
                         r"""node-serialize['"]|\s+from\s+['"]node-serialize['"])""")


def js_node_serialize(path: str, text: str, line_at) -> Iterator[Hit]:
    if _web.is_vendored_js(path) or not _JS_NODE_SERIALIZE.search(text):
        return
    code = _web.strip_js_comments(text)
    names = {m.group(1) for m in _JS_BINDING.finditer(code)} | {"serialize"}
    call = re.compile(r"\b(?:(?:" + "|".join(map(re.escape, sorted(names))) +
                      r")\s*\.\s*)?unserialize\s*\(\s*([^)\s][^)]*)\)")
    inline = re.compile(r"""require\(\s*['"]node-serialize['"]\s*\)\s*\.\s*unserialize\s*\(""")
    seen: set[int] = set()
    for m in [*call.finditer(code), *inline.finditer(code)]:
        line = line_at(m.start())
        if line in seen:
            continue
        seen.add(line)
        yield Hit(line, message="`node-serialize` `unserialize()` evaluates functions embedded in the payload "
                                "(`_$$ND_FUNC$$_`), so whoever controls the input runs code")
