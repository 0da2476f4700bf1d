"""quality.deprecated-dependency: dependencies known to be deprecated/archived, and io/ioutil use."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang
from checks.registry import Context, Example, rule
from checks.source import SourceFile

DEFAULT_DEPRECATED = {
    # Go modules (go.mod)
    "github.com/pkg/errors": "the standard library `errors` / `fmt.Errorf(\"...: %w\", err)` (archived)",
    "github.com/golang/protobuf": "google.golang.org/protobuf",
    "github.com/dgrijalva/jwt-go": "github.com/golang-jwt/jwt/v5 (unmaintained, CVE-2020-26160)",
    "github.com/form3tech-oss/jwt-go": "github.com/golang-jwt/jwt/v5",
    "github.com/satori/go.uuid": "github.com/google/uuid or github.com/gofrs/uuid",
    "github.com/golang/mock": "go.uber.org/mock (archived)",
    "github.com/streadway/amqp": "github.com/rabbitmq/amqp091-go",
    "github.com/go-redis/redis": "github.com/redis/go-redis/v9",
    "github.com/jinzhu/gorm": "gorm.io/gorm",
    "github.com/boltdb/bolt": "go.etcd.io/bbolt",
    "github.com/opentracing/opentracing-go": "OpenTelemetry (go.opentelemetry.io/otel)",
    "go.opencensus.io": "OpenTelemetry (go.opentelemetry.io/otel)",
    "github.com/mitchellh/mapstructure": "github.com/go-viper/mapstructure/v2 (archived)",
    "gopkg.in/square/go-jose.v2": "github.com/go-jose/go-jose/v4",
    "github.com/ghodss/yaml": "sigs.k8s.io/yaml",
    "golang.org/x/net/context": "the standard library `context`",
    # Python distributions (requirements / pyproject / setup.cfg / Pipfile)
    "nose": "pytest (nose is unmaintained and broken on Python 3.10+)",
    "pycrypto": "pycryptodome or cryptography (unmaintained, known CVEs)",
    "mock": "the standard library `unittest.mock`",
    "pep8": "pycodestyle",
    "sklearn": "scikit-learn",
    "oauth2client": "google-auth",
    "pypdf2": "pypdf",
    "aioredis": "redis (redis.asyncio)",
    "pytest-runner": "calling pytest directly",
    "enum34": "the standard library `enum`",
    "futures": "the standard library `concurrent.futures`",
    "distribute": "setuptools",
    "flask-script": "Flask's built-in CLI (`flask` command / click)",
    "tensorflow-gpu": "tensorflow",
    "python-jose": None,  # placeholder entries set to None are ignored (kept out of the default list)
}
DEFAULT_DEPRECATED = {k: v for k, v in DEFAULT_DEPRECATED.items() if v}

_IOUTIL = {
    "ReadAll": "io.ReadAll", "ReadFile": "os.ReadFile", "WriteFile": "os.WriteFile", "ReadDir": "os.ReadDir",
    "TempFile": "os.CreateTemp", "TempDir": "os.MkdirTemp", "NopCloser": "io.NopCloser", "Discard": "io.Discard",
}
_GOMOD_REQ = re.compile(r"^\s*(?:require\s+)?([\w.\-~/]+\.[\w.\-~/]+)\s+(v[\w.+\-]+)")
_PY_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ]|$)")
_QUOTED_REQ = re.compile(r"""["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ][^"']*)?["']""")
_TOML_KEY = re.compile(r"""^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=""")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _module_match(path: str, deprecated: dict[str, str]) -> str | None:
    for mod in deprecated:
        if "/" in mod or "." in mod:
            if path == mod or path.startswith(mod + "/") or re.match(re.escape(mod) + r"(/v\d+)?$", path):
                return mod
    return None


def _gomod(f: SourceFile, deprecated: dict[str, str]) -> Iterator[Hit]:
    in_block = False
    for number, line in enumerate(f.lines, start=1):
        s = line.strip()
        if s.startswith("require") and s.endswith("("):
            in_block = True
            continue
        if in_block and s.startswith(")"):
            in_block = False
            continue
        if not (in_block or s.startswith("require ")) or "// indirect" in s:
            continue
        m = _GOMOD_REQ.match(s)
        if m:
            mod = _module_match(m.group(1), deprecated)
            if mod:
                yield Hit(number, message=f"`{m.group(1)}` is deprecated; use {deprecated[mod]}")


def _go(f: SourceFile, deprecated: dict[str, str]) -> Iterator[Hit]:
    root = f.go
    local = None
    for spec in golang.walk(root, "import_spec"):
        path = golang.string_value(spec.child_by_field_name("path")) or ""
        if path == "io/ioutil":
            name = spec.child_by_field_name("name")
            local = golang.text(name) if name is not None else "ioutil"
            yield Hit(golang.line(spec), message="`io/ioutil` is deprecated since Go 1.16; use the `io` and `os` "
                                                 "equivalents")
        elif path == "golang.org/x/net/context":
            yield Hit(golang.line(spec), message="`golang.org/x/net/context` is deprecated; use the standard "
                                                 "library `context`")
        elif (mod := _module_match(path, deprecated)) is not None:
            yield Hit(golang.line(spec), message=f"`{path}` is deprecated; use {deprecated[mod]}")
    if not local or local in ("_", "."):
        return
    for sel in golang.walk(root, "selector_expression"):
        operand = sel.child_by_field_name("operand")
        field = sel.child_by_field_name("field")
        if golang.text(operand) == local:
            fn = golang.text(field)
            repl = _IOUTIL.get(fn, "the `io`/`os` equivalent")
            yield Hit(golang.line(sel), message=f"`ioutil.{fn}` is deprecated; use `{repl}`")


def _toml_dep_names(f: SourceFile) -> set[str]:
    import tomllib

    try:
        data = tomllib.loads(f.text)
    except (tomllib.TOMLDecodeError, ValueError):
        return set()
    specs: list[str] = []
    keys: list[str] = []
    project = data.get("project") or {}
    specs += [d for d in project.get("dependencies") or [] if isinstance(d, str)]
    for extra in (project.get("optional-dependencies") or {}).values():
        specs += [d for d in extra or [] if isinstance(d, str)]
    for group in (data.get("dependency-groups") or {}).values():
        specs += [d for d in group or [] if isinstance(d, str)]
    build = data.get("build-system") or {}
    specs += [d for d in build.get("requires") or [] if isinstance(d, str)]
    poetry = (data.get("tool") or {}).get("poetry") or {}
    for table in (poetry.get("dependencies"), poetry.get("dev-dependencies")):
        keys += list((table or {}).keys())
    for group in (poetry.get("group") or {}).values():
        keys += list(((group or {}).get("dependencies") or {}).keys())
    for table in ("packages", "dev-packages"):
        keys += list((data.get(table) or {}).keys())
    uv = (data.get("tool") or {}).get("uv") or {}
    specs += [d for d in uv.get("dev-dependencies") or [] if isinstance(d, str)]
    names = {_norm(k) for k in keys}
    for spec in specs:
        m = _PY_REQ.match(spec)
        if m:
            names.add(_norm(m.group(1)))
    return names


def _python(f: SourceFile, deprecated: dict[str, str]) -> Iterator[Hit]:
    names = {_norm(k): v for k, v in deprecated.items() if "/" not in k}
    toml_names = _toml_dep_names(f) if f.name in ("pyproject.toml", "Pipfile") else None
    section = current = ""
    for number, line in enumerate(f.lines, start=1):
        code = "" if line.lstrip().startswith(("#", ";")) else re.split(r"\s#", line, maxsplit=1)[0]
        s = code.strip()
        if not s:
            continue
        found: list[str] = []
        if toml_names is not None:
            if s.startswith("["):
                section = s.strip("[] ").lower()
                continue
            found = _QUOTED_REQ.findall(s)
            km = _TOML_KEY.match(s)
            if km and "dependencies" in section or km and section in ("packages", "dev-packages"):
                found.append(km.group(1))
            found = [n for n in found if _norm(n) in toml_names]
        elif f.name == "setup.cfg":
            if s.startswith("["):
                section, current = s.strip("[] ").lower(), ""
                continue
            if section not in ("options", "options.extras_require"):
                continue
            if not line[:1].isspace() and re.match(r"^[\w-]+\s*=", s):
                current, _, s = s.partition("=")
                current, s = current.strip(), s.strip()
            elif not line[:1].isspace():
                continue
            if section == "options" and current not in ("install_requires", "tests_require", "setup_requires"):
                continue
            m = _PY_REQ.match(s) if s else None
            found = [m.group(1)] if m else []
        else:  # requirements*.txt / *.in
            if s.startswith("-"):
                continue
            m = _PY_REQ.match(s)
            found = [m.group(1)] if m else []
        for name in found:
            key = _norm(name)
            if key in names:
                yield Hit(number, message=f"`{name}` is deprecated/unmaintained; use {names[key]}")
                break


@rule(
    "quality.deprecated-dependency",
    severity="LOW",
    area="quality",
    title="Deprecated dependency or API",
    why="Deprecated or archived packages stop receiving security fixes and drift from the ecosystem; "
        "migrating later, under pressure, is harder.",
    fix="Move to the maintained replacement named in the finding; extend or trim the list with the "
        "`deprecated` option in `.readiness.yml`.",
    kinds={"gomod", "go", "requirements"},
    options={"deprecated": DEFAULT_DEPRECATED},
    example=Example(
        path="go.mod",
        bad="module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n)\n",
        good="module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n)\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    deprecated = dict(ctx.options.get("deprecated") or DEFAULT_DEPRECATED)
    deprecated = {k: (v or "a maintained alternative") for k, v in deprecated.items()}
    if "gomod" in f.kinds:
        yield from _gomod(f, deprecated)
    elif "go" in f.kinds:
        yield from _go(f, deprecated)
    elif "requirements" in f.kinds:
        yield from _python(f, deprecated)
