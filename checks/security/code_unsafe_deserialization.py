"""code.unsafe-deserialization: yaml.load without a safe loader, pickle/marshal of outside data, eval/exec."""
from __future__ import annotations

import ast
from collections.abc import Iterator

from checks.lang.python import call_name, dotted, kwarg, qualname
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.security import _net
from checks.security._deser_other import go_gob_from_network, js_node_serialize
from checks.security._py_origin import OPERATOR, REQUEST, Origins
from checks.source import SourceFile

_SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
_UNSAFE_LOADERS = {"Loader", "CLoader", "UnsafeLoader", "CUnsafeLoader", "FullLoader", "CFullLoader"}
_YAML_UNSAFE_FUNCS = {"yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"}
_PICKLE_MODS = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "jsonpickle"}
_PICKLE_LOADS = {"loads", "load", "Unpickler", "decode"}
# readers that unpickle a file or buffer they are given
_PICKLE_FILE_READERS = {"pandas.read_pickle", "torch.load", "numpy.load", "joblib.load",
                        "sklearn.externals.joblib.load"}


@rule(
    "code.unsafe-deserialization",
    severity="HIGH",
    area="security",
    title="Unsafe deserialization or dynamic code execution",
    why="`yaml.load` with the default/full loader, `pickle` (and `dill`, `shelve`, `jsonpickle`, `torch.load`), "
        "`marshal`, `eval`/`exec`, JS `node-serialize` and Go `gob` streams from the network can construct "
        "arbitrary objects or run code, so whoever controls the input controls the process.",
    fix="Use `yaml.safe_load` (or `Loader=yaml.SafeLoader`), exchange data as JSON instead of pickle/marshal, "
        "and replace `eval` with `ast.literal_eval` or an explicit parser.",
    kinds={"python", "go", "js"},
    # every finding names yaml.*, a pickle-family module (cPickle, dill, shelve...), marshal, eval or exec,
    # torch.load, Go's encoding/gob or JS node-serialize
    prefilter=("yaml", "pickle", "Pickle", "dill", "shelve", "marshal", "eval", "exec", "torch", "gob",
               "node-serialize"),
    example=Example(
        path="app/config_loader.py",
        bad='import yaml\n\n\ndef load(path):\n    with open(path) as fh:\n        return yaml.load(fh)\n',
        good='import yaml\n\n\ndef load(path):\n    with open(path) as fh:\n        return yaml.safe_load(fh)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "go" in f.kinds:
        yield from go_gob_from_network(f.go)
    elif "js" in f.kinds:
        yield from js_node_serialize(f.path, f.text, f.line_at)
    elif "python" in f.kinds:
        yield from _python(f)


def _python(f: SourceFile) -> Iterator[Hit]:
    tree = f.python
    imports = f.python_imports
    scopes = _net.Scopes(tree, f.python_parents)
    origins = Origins(tree, imports, scopes, f.python_of(ast.Call))
    defined = {n.name for n in f.python_of(ast.FunctionDef, ast.AsyncFunctionDef)}
    safe_classes = _safe_loader_classes(f.python_of(ast.ClassDef), imports)
    for call in f.python_of(ast.Call):
        name = call_name(call, imports)
        mod, _, fn = name.rpartition(".")
        if name in _YAML_UNSAFE_FUNCS:
            yield Hit(call.lineno, end_line=call.end_lineno,
                      message=f"`{dotted(call.func)}` can construct arbitrary Python objects from the YAML input")
        elif name in ("yaml.load", "yaml.load_all"):
            loader = scopes.keyword(call, "Loader") or (call.args[1] if len(call.args) > 1 else None)
            problem = _loader_problem(scopes.resolve(loader), imports, safe_classes, call)
            if problem:
                yield Hit(call.lineno, end_line=call.end_lineno, message=f"`{dotted(call.func)}` {problem}")
        elif mod.split(".")[0] in _PICKLE_MODS and fn in _PICKLE_LOADS and (mod != "jsonpickle" or fn == "decode"):
            if fn == "decode" and mod != "jsonpickle":
                continue
            data = call.args[0] if call.args else (kwarg(call, "data") or kwarg(call, "file"))
            if data is None or scopes.is_constant(data):
                continue
            if fn in ("load", "Unpickler") and _local_file(data, scopes, imports):
                continue
            if isinstance(data, ast.Call) and isinstance(data.func, ast.Attribute) and data.func.attr == "dumps":
                continue  # pickle.loads(pickle.dumps(x)): a deep copy of a local object
            yield Hit(call.lineno, end_line=call.end_lineno,
                      message=f"`{dotted(call.func)}` deserializes {_what(data)} with {mod}, which runs code "
                              "embedded in the payload")
        elif name in ("shelve.open", "shelve.DbfilenameShelf") or name in _PICKLE_FILE_READERS:
            data = call.args[0] if call.args else (kwarg(call, "filename") or kwarg(call, "filepath_or_buffer")
                                                   or kwarg(call, "f"))
            if data is None or scopes.is_constant(data) or _local_file(data, scopes, imports):
                continue
            if name == "torch.load" and scopes.constant(kwarg(call, "weights_only")) is True:
                continue
            if name == "numpy.load" and scopes.constant(kwarg(call, "allow_pickle")) is not True:
                continue
            origin = origins.of(data)
            if origin is not None and origin.kind == OPERATOR:
                continue  # a model/cache file the operator points at
            message = f"`{dotted(call.func)}` unpickles {_what(data)}, which runs code embedded in the file"
            if origin is not None and origin.kind == REQUEST:
                yield Hit(call.lineno, end_line=call.end_lineno, message=message)
            else:
                yield Hit(call.lineno, end_line=call.end_lineno, message=message, severity=Severity.MEDIUM,
                          note="MEDIUM: a file path; dangerous when someone else can write that file")
        elif name in ("marshal.loads", "marshal.load"):
            data = call.args[0] if call.args else None
            if data is not None and not scopes.is_constant(data):
                yield Hit(call.lineno, end_line=call.end_lineno,
                          message=f"`{dotted(call.func)}` deserializes {_what(data)}; marshal is not safe for "
                                  "untrusted data")
        elif isinstance(call.func, ast.Name) and call.func.id in ("eval", "exec") and \
                call.func.id not in imports and call.func.id not in defined or name in ("builtins.eval",
                                                                                        "builtins.exec"):
            fn = name.rsplit(".", 1)[-1]
            code = call.args[0] if call.args else kwarg(call, "source")
            if code is None or scopes.is_constant(code):
                continue
            if _compiled_or_local(code, scopes, imports):
                continue
            yield Hit(call.lineno, end_line=call.end_lineno,
                      message=f"`{fn}` runs {_what(code)} as Python code")


def _what(node: ast.AST) -> str:
    name = dotted(node)
    if name and len(name) <= 40:
        return f"`{name}`"
    if isinstance(node, ast.Call):
        inner = dotted(node.func)
        if inner:
            return f"the result of `{inner}(...)`"
    return "a non-constant value"


def _safe_loader_classes(classes: list[ast.ClassDef], imports: dict[str, str]) -> set[str]:
    """Classes in this module that derive (directly or not) from a safe loader."""
    safe: set[str] = set()
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name in safe:
                continue
            for base in cls.bases:
                bname = (qualname(base, imports) or "").rsplit(".", 1)[-1]
                if bname in _SAFE_LOADERS or bname in safe:
                    safe.add(cls.name)
                    changed = True
                    break
    return safe


def _loader_problem(loader: ast.AST | None, imports: dict[str, str], safe_classes: set[str],
                    call: ast.Call) -> str | None:
    if loader is None:
        if any(kw.arg is None for kw in call.keywords):
            return None
        return "is called without `Loader=yaml.SafeLoader`, so tagged YAML can build arbitrary objects"
    name = qualname(loader, imports) or ""
    short = name.rsplit(".", 1)[-1]
    if short in _SAFE_LOADERS or short in safe_classes:
        return None
    if short in _UNSAFE_LOADERS and (name.startswith("yaml.") or name == short):
        return f"uses `{dotted(loader)}`, which can construct arbitrary Python objects; use `yaml.SafeLoader`"
    return None


def _local_file(node: ast.AST, scopes: _net.Scopes, imports: dict[str, str], depth: int = 0) -> bool:
    """True for a file object opened from the local filesystem (`open(...)`, `with open(...) as fh`)."""
    if depth > 3:
        return False
    if isinstance(node, ast.Call):
        name = call_name(node, imports)
        return name in ("open", "io.open", "gzip.open", "bz2.open", "lzma.open", "builtins.open") or \
            name.endswith((".open", ".open_binary", "Path.open")) and not name.startswith(("urllib", "requests"))
    if isinstance(node, ast.Name):
        values = scopes.values_of(node.id, node)
        return bool(values) and all(_local_file(v, scopes, imports, depth + 1) for v in values)
    return False


def _compiled_or_local(node: ast.AST, scopes: _net.Scopes, imports: dict[str, str], depth: int = 0) -> bool:
    """Code objects (`compile(...)`, parameters typed `CodeType`) and source read from a local file."""
    if depth > 3:
        return False
    if isinstance(node, ast.Call):
        name = call_name(node, imports)
        if name in ("compile", "builtins.compile"):
            return True
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("read", "read_text", "read_bytes", "replace",
                                                             "decode", "strip"):
            if func.attr in ("read_text", "read_bytes"):
                return True
            return _local_file(func.value, scopes, imports) or _compiled_or_local(func.value, scopes, imports,
                                                                                     depth + 1)
        return False
    if isinstance(node, ast.Name):
        func = scopes.function_of(node)
        if func is not None and not isinstance(func, ast.Lambda):
            a = func.args
            for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs):
                if arg.arg == node.id and arg.annotation is not None and \
                        "CodeType" in (dotted(arg.annotation) or ast.unparse(arg.annotation)):
                    return True
        values = scopes.values_of(node.id, node)
        return bool(values) and all(_compiled_or_local(v, scopes, imports, depth + 1) for v in values)
    return False
