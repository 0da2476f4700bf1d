"""code.unsafe-deserialization: `yaml.load(x)` -> `yaml.safe_load(x)`, unsafe loaders -> SafeLoader."""
from __future__ import annotations

import ast

from checks.fixes import FixContext, Suggestion, Where, _py, fixer
from checks.fixes._edit import splice
from checks.lang.python import call_name, kwarg, qualname
from checks.source import SourceFile

_SAFE_FUNCS = {"load": "safe_load", "load_all": "safe_load_all", "unsafe_load": "safe_load",
               "unsafe_load_all": "safe_load_all", "full_load": "safe_load", "full_load_all": "safe_load_all"}
_UNSAFE_LOADERS = {"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"}


@fixer("code.unsafe-deserialization")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    imports = f.python_imports
    calls = [c for c in f.python_of(ast.Call) if c.lineno == where.line and
             call_name(c, imports).startswith("yaml.") and call_name(c, imports)[5:] in _SAFE_FUNCS]
    if len(calls) != 1:
        return None
    call = calls[0]
    fn = call_name(call, imports)[5:]
    loader = kwarg(call, "Loader") or (call.args[1] if len(call.args) > 1 else None)
    if loader is not None:
        short = (qualname(loader, imports) or "").rsplit(".", 1)[-1]
        if short not in _UNSAFE_LOADERS or not isinstance(loader, (ast.Name, ast.Attribute)):
            return None
        safe = "CSafeLoader" if short.startswith("C") else "SafeLoader"
        if isinstance(loader, ast.Attribute) and isinstance(loader.value, ast.Name):
            new = f"{loader.value.id}.{safe}"
        else:
            new = _safe_loader(imports, safe)
        if new is None:
            return None  # the safe loader is not in scope under a name we can write
        return splice(f, (loader.lineno, loader.col_offset), (loader.end_lineno, loader.end_col_offset), new)
    if any(kw.arg is None for kw in call.keywords):
        return None
    func = call.func
    if not isinstance(func, ast.Attribute):  # `from yaml import load as yload`: name the loader
        new = _safe_loader(imports, "SafeLoader")
        if fn not in ("load", "load_all") or new is None:
            return None
        return _py.add_keyword(f, call, f"Loader={new}")
    # `yaml.load(...)`: rename the attribute, keep the module's local name
    start = (func.end_lineno, func.end_col_offset - len(func.attr.encode("utf-8")))
    return splice(f, start, (func.end_lineno, func.end_col_offset), _SAFE_FUNCS[fn])


def _safe_loader(imports: dict[str, str], name: str) -> str | None:
    """How this module can write `yaml.<name>`: the imported class, else through the module."""
    if imports.get(name) == f"yaml.{name}":
        return name
    module = next((local for local, full in imports.items() if full == "yaml"), None)
    return f"{module}.{name}" if module else None
