"""web.unsafe-url-scheme: a validated struct/model whose validator skips a user-supplied URL field."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as go
from checks.lang.python import dotted
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import SourceFile

_URL_TOKENS = {"url", "uri", "href", "link", "website", "homepage", "webpage"}
_GO_VALIDATOR = re.compile(r"^(Validate|validate|Valid|IsValid|Check|check|Verify|verify|Sanitize|sanitize)\w*$")
_GO_URL_TAG = re.compile(r"\b(url|uri|http_url|https_url|url_encoded|startswith=https?)\b")
_PY_FIELD_VALIDATORS = {"field_validator", "validator", "validates", "validate"}
_PY_MODEL_VALIDATORS = {"model_validator", "root_validator", "validates_schema", "pre_load", "post_load"}
_PY_MODEL_METHODS = {"__post_init__", "clean", "validate", "full_clean", "clean_fields", "model_post_init",
                     "is_valid", "check", "__attrs_post_init__"}
_PY_SAFE_TYPES = re.compile(r"Url|URL|HttpUrl|AnyUrl|AnyHttpUrl|URLField|fields\.Url|fields\.URL")
_PY_STR_FIELD = re.compile(r"(^|\.)(CharField|TextField|Str|String)$")


def _url_name(name: str) -> bool:
    toks = _web.name_tokens(name)
    return bool(toks) and toks[-1] in _URL_TOKENS


@rule(
    "web.unsafe-url-scheme",
    severity="MEDIUM",
    area="security",
    title="Validator skips a user-supplied URL field",
    why="The type has a validator, but a URL field it stores or renders is never checked, so values such as "
        "`javascript:alert(1)`, `data:` or `file:///etc/passwd` pass validation and end up in links or fetches.",
    fix="Check the URL in the existing validator: parse it and require an `http`/`https` scheme and a host "
        "(or use a URL type such as pydantic `HttpUrl`, Django `URLField`, or a `validate:\"http_url\"` tag).",
    kinds={"go", "python"},
    example=Example(
        path="internal/attachments/model.go",
        bad='package attachments\n\nimport "errors"\n\ntype Attachment struct {\n\tName    string `json:"name"`\n'
            '\tFileURL string `json:"file_url"`\n}\n\nfunc (a *Attachment) Validate() error {\n\tif a.Name == "" {\n'
            '\t\treturn errors.New("name is required")\n\t}\n\treturn nil\n}\n',
        good='package attachments\n\nimport (\n\t"errors"\n\t"net/url"\n)\n\ntype Attachment struct {\n'
             '\tName    string `json:"name"`\n\tFileURL string `json:"file_url"`\n}\n\n'
             'func (a *Attachment) Validate() error {\n\tif a.Name == "" {\n\t\treturn errors.New("name is required")\n'
             '\t}\n\tu, err := url.Parse(a.FileURL)\n\tif err != nil || (u.Scheme != "https" && u.Scheme != "http") {\n'
             '\t\treturn errors.New("file_url must be http(s)")\n\t}\n\treturn nil\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "go" in f.kinds:
        yield from _golang(f)
    elif "python" in f.kinds:
        yield from _python(f)


# --- Go -------------------------------------------------------------------------------------

def _golang(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)url|uri|href|link|website|homepage", f.text):
        return
    root = f.go
    structs: dict[str, list[tuple[str, str, str, int]]] = {}
    for spec in go.walk(root, "type_spec"):
        t = spec.child_by_field_name("type")
        if t is None or t.type != "struct_type":
            continue
        fields = []
        for fd in go.walk(t, "field_declaration"):
            ftype = go.text(fd.child_by_field_name("type")).strip()
            tag = go.text(fd.child_by_field_name("tag"))
            for n in fd.children_by_field_name("name"):
                fields.append((go.text(n), ftype, tag, go.line(fd)))
        structs[go.text(spec.child_by_field_name("name"))] = fields
    if not structs:
        return
    validators: dict[str, list[str]] = {}
    for decl in go.walk(root, "method_declaration", "function_declaration"):
        name = go.func_name(decl)
        body = go.text(decl.child_by_field_name("body"))
        if decl.type == "method_declaration":
            recv = go.text(decl.child_by_field_name("receiver"))
            m = re.search(r"\*?\s*(\w+)\s*\)\s*$", recv)
            if m and _GO_VALIDATOR.match(name):
                validators.setdefault(m.group(1), []).append(body)
        else:
            params = _web.go_func_params_text(decl)
            if re.match(r"(?i)^(validate|check|verify|sanitize)", name):
                for sname in structs:
                    if re.search(rf"[\s*.]{re.escape(sname)}\b", params):
                        validators.setdefault(sname, []).append(body)
    for sname, fields in structs.items():
        tag_mode = any("validate:" in tag or "binding:" in tag for _, _, tag, _ in fields)
        bodies = validators.get(sname, [])
        if not bodies and not tag_mode:
            continue
        user_supplied = any(re.search(r"\b(json|form|query|yaml|schema):", tag) for _, _, tag, _ in fields) or \
            re.search(r"(Request|Input|Payload|Params|Body|Form|DTO|Dto|Create|Update)$", sname) or \
            (bodies and not any(tag for _, _, tag, _ in fields)
             and not re.search(r"(Config|Configuration|Options|Opts|Settings|Env)$", sname))
        if not user_supplied:
            continue
        joined = "\n".join(bodies)
        for fname, ftype, tag, line in fields:
            if not _url_name(fname) or ftype.lstrip("*") not in ("string", "[]string"):
                continue
            if re.search(rf"\.{re.escape(fname)}\b", joined):
                continue
            if _GO_URL_TAG.search(_tag_value(tag, "validate") + " " + _tag_value(tag, "binding")):
                continue
            if bodies:
                yield Hit(line, message=f"`{sname}.{fname}` is never checked by `{sname}`'s validator, so any URL "
                                        "scheme (`javascript:`, `file:`) is accepted")
            else:
                yield Hit(line, message=f"`{sname}.{fname}` has no URL/scheme rule while other fields of "
                                        f"`{sname}` are validated by tags")


def _tag_value(tag: str, key: str) -> str:
    m = re.search(rf'\b{key}:"([^"]*)"', tag)
    return m.group(1) if m else ""


# --- Python ---------------------------------------------------------------------------------

def _python(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)url|uri|href|link|website|homepage", f.text):
        return
    for cls in f.python_of(ast.ClassDef):
        yield from _py_class(cls)


def _py_class(cls: ast.ClassDef) -> Iterator[Hit]:
    fields: list[tuple[str, int]] = []
    covered: set[str] = set()
    all_covered = False
    has_validator = False
    bodies: list[ast.AST] = []
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            ann = ast.unparse(stmt.annotation)
            if _PY_SAFE_TYPES.search(ann) or re.search(r"AfterValidator|BeforeValidator|PlainValidator|"
                                                       r"WrapValidator", ann):
                continue
            value_src = ast.unparse(stmt.value) if stmt.value is not None else ""
            if _PY_SAFE_TYPES.search(value_src) or re.search(r"pattern\s*=|regex\s*=", value_src):
                continue
            if re.fullmatch(r"(str|Optional\[str\]|str \| None|None \| str|typing\.Optional\[str\]|"
                            r"Annotated\[str, .*\]|Mapped\[str\]|Mapped\[Optional\[str\]\]|Mapped\[str \| None\])",
                            ann):
                fields.append((stmt.target.id, stmt.lineno))
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, ast.Call):
            cname = dotted(stmt.value.func) or ""
            if _PY_STR_FIELD.search(cname) and not _PY_SAFE_TYPES.search(ast.unparse(stmt.value)) and \
                    "validators" not in {k.arg for k in stmt.value.keywords}:
                fields.append((stmt.targets[0].id, stmt.lineno))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decos = [(dotted(d.func if isinstance(d, ast.Call) else d) or "").rsplit(".", 1)[-1]
                     for d in stmt.decorator_list]
            if any(d in _PY_FIELD_VALIDATORS for d in decos):
                has_validator = True
                for d in stmt.decorator_list:
                    if isinstance(d, ast.Call):
                        for a in d.args:
                            items = _web.str_items(a) or []
                            covered.update(items)
                            if "*" in items:
                                all_covered = True
                bodies.append(stmt)
            elif any(d in _PY_MODEL_VALIDATORS for d in decos) or stmt.name in _PY_MODEL_METHODS:
                has_validator = True
                bodies.append(stmt)
            elif stmt.name.startswith("clean_") or stmt.name.startswith("validate_"):
                has_validator = True
                covered.add(stmt.name.split("_", 1)[1])
                bodies.append(stmt)
    if not has_validator or all_covered or not fields:
        return
    referenced: set[str] = set()
    for body in bodies:
        for n in ast.walk(body):
            if isinstance(n, ast.Attribute):
                referenced.add(n.attr)
            elif isinstance(n, ast.Constant) and isinstance(n.value, str):
                referenced.add(n.value)
    for name, line in fields:
        if not _url_name(name) or name in covered or name in referenced:
            continue
        yield Hit(line, message=f"`{cls.name}.{name}` is not checked by the model's validators, so any URL "
                                "scheme (`javascript:`, `file:`) is accepted")
