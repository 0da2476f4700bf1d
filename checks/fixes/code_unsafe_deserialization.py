"""code.unsafe-deserialization: `yaml.load(x)` -> `yaml.safe_load(x)`, unsafe loaders -> SafeLoader."""
from __future__ import annotations

import ast

from checks.fixes import FixContext, Suggestion, Where, fixer
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
        if isinstance(loader, ast.Attribute) and isinstance(loader.value, ast.Name):
            new = f"{loader.value.id}.{'CSafeLoader' if short.startswith('C') else 'SafeLoader'}"
        elif "SafeLoader" in _local_names(imports):
            new = "SafeLoader"
        else:
            return None  # the safe loader is not in scope under a name we can write
        return splice(f, (loader.lineno, loader.col_offset), (loader.end_lineno, loader.end_col_offset), new)
    if any(kw.arg is None for kw in call.keywords) or not isinstance(call.func, ast.Attribute):
        return None
    func = call.func  # `yaml.load(...)`: rename the attribute, keep the module's local name
    start = (func.end_lineno, func.end_col_offset - len(func.attr.encode("utf-8")))
    return splice(f, start, (func.end_lineno, func.end_col_offset), _SAFE_FUNCS[fn])


def _local_names(imports: dict[str, str]) -> set[str]:
    return {local for local, full in imports.items() if full == f"yaml.{local}"}
