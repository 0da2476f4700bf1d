"""`.readiness.yml`: load, validate with line numbers, and merge with each rule's defaults."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.models import Severity
from bot.suggest import did_you_mean

CONFIG_FILE = ".readiness.yml"
SCOPES = ("new", "added", "diff_context", "file")
_TOP_KEYS = {"fail_on", "scope", "paths", "rules", "max_inline_comments", "review_drafts", "baseline", "coverage"}
_DEFAULT_EXCLUDES = (
    ".git/", "node_modules/", "vendor/", "third_party/", "__pycache__/", ".venv/", "venv/",
    ".tox/", "site-packages/",
)


class ConfigError(Exception):
    """A problem in the configuration, naming the file and line."""

    def __init__(self, message: str, *, path: str = CONFIG_FILE, line: int | None = None,
                 source: str | None = None):
        self.path = path
        self.line = line
        self.problem = message
        self.source_line = None
        if source is not None and line:
            lines = source.splitlines()
            if 1 <= line <= len(lines):
                self.source_line = lines[line - 1]
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RuleSettings:
    enabled: bool = True
    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CoverageSettings:
    """`coverage:`: where the reports are and the targets (percent; None = report only, `never`)."""

    reports: tuple[str, ...] = ()  # files or globs, relative to the repository root
    patch: float | None = 80.0
    package: float | None = 60.0
    prefixes: tuple[str, ...] = ()  # extra source roots report paths are relative to


@dataclass(frozen=True)
class Config:
    fail_on: Severity | None = Severity.HIGH  # None: never fail ("fail_on: never")
    scope: str = "new"
    exclude: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()  # patterns of files that are test code (besides test folders and names)
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)
    max_inline_comments: int = 25
    review_drafts: bool = False
    baseline: str | None = None  # repository path of a baseline file (`readiness baseline`)
    coverage: CoverageSettings = field(default_factory=CoverageSettings)

    def settings(self, rule_id: str) -> RuleSettings:
        return self.rules.get(rule_id, RuleSettings())

    def is_excluded(self, path: str) -> bool:
        return matches_any(path, _DEFAULT_EXCLUDES + self.exclude)

    def is_test(self, path: str) -> bool:
        """Named test code by `paths.tests` (the built-in test folders and names are in checks.source)."""
        return bool(self.tests) and matches_any(path, self.tests)

    def rules_hash(self) -> str:
        """Stable hash of everything that changes what rules report (for the findings cache)."""
        data = {
            rid: [s.enabled, s.severity.name if s.severity else None, dict(s.options)]
            for rid, s in sorted(self.rules.items())
        }
        if self.tests:
            data["paths.tests"] = list(self.tests)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def matches_any(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """gitignore-style matching: `dir/` matches a directory anywhere, `/x` anchors at the root,
    `*` stays within one path segment, `**` crosses segments."""
    for pattern in patterns:
        if _match(path, pattern):
            return True
    return False


def _match(path: str, pattern: str) -> bool:
    pattern = pattern.strip()
    if not pattern or pattern.startswith("#"):
        return False
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/")
    is_dir = pattern.endswith("/")
    pattern = pattern.rstrip("/")
    regex = _glob_to_regex(pattern)
    parts = path.split("/")
    if anchored:
        candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    else:
        candidates = parts
    for i, cand in enumerate(candidates):
        if re.fullmatch(regex, cand):
            if not is_dir:
                return True
            # a directory pattern matches only when something lies below it
            whole = cand if anchored else "/".join(parts[: i + 1])
            if len(whole) < len(path):
                return True
    return False


def _glob_to_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if pattern[i : i + 2] == "**":
                out.append(".*")
                i += 2
                if i < len(pattern) and pattern[i] == "/":
                    i += 1
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


# --- loading ------------------------------------------------------------------------------------


def load_text(text: str | None, *, path: str = CONFIG_FILE, known_rules: Mapping[str, Any] | None = None
              ) -> Config:
    """Parse and validate config text. `None` or empty text gives the defaults."""
    if known_rules is None:
        from checks import all_rules

        known_rules = all_rules()
    if text is None or not text.strip():
        return Config()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ConfigError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=path, line=line,
                          source=text) from None
    if root is None:
        return Config()

    def err(msg: str, node: yaml.Node) -> ConfigError:
        return ConfigError(msg, path=path, line=node.start_mark.line + 1, source=text)

    def scalar(node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise err("expected a single value here", node)
        return _scalar_value(node)

    if not isinstance(root, yaml.MappingNode):
        raise err("the top level must be a mapping of settings (fail_on, scope, paths, rules ...)", root)

    try:
        return _load(root, err, scalar, known_rules)
    except _BadNode as bad:
        raise err(bad.message, bad.node) from None


def _load(root: yaml.MappingNode, err: Any, scalar: Any, known_rules: Mapping[str, Any]) -> Config:
    kwargs: dict[str, Any] = {}
    rules: dict[str, RuleSettings] = {}
    for key_node, value_node in root.value:
        key = _key(key_node)
        if key not in _TOP_KEYS:
            hint = did_you_mean(str(key), _TOP_KEYS) or f" (known: {', '.join(sorted(_TOP_KEYS))})"
            raise err(f"unknown setting {key!r}{hint}", key_node)
        if key == "fail_on":
            kwargs["fail_on"] = _severity(scalar(value_node), value_node, err, allow_never=True)
        elif key == "scope":
            value = scalar(value_node)
            if value not in SCOPES:
                raise err(f"scope must be one of {', '.join(SCOPES)}, not {value!r}", value_node)
            kwargs["scope"] = value
        elif key == "max_inline_comments":
            value = scalar(value_node)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise err("max_inline_comments must be a whole number ≥ 0", value_node)
            kwargs["max_inline_comments"] = value
        elif key == "review_drafts":
            value = scalar(value_node)
            if not isinstance(value, bool):
                raise err("review_drafts must be true or false", value_node)
            kwargs["review_drafts"] = value
        elif key == "baseline":
            value = scalar(value_node)
            if not isinstance(value, str) or not value.strip() or value.startswith("/"):
                raise err("baseline must be a repository-relative path such as .readiness-baseline.json",
                          value_node)
            kwargs["baseline"] = value.strip()
        elif key == "paths":
            kwargs.update(_paths(value_node, err))
        elif key == "rules":
            rules = _rules(value_node, err, known_rules)
        elif key == "coverage":
            kwargs["coverage"] = _coverage(value_node, err)
    return Config(rules=rules, **kwargs)


class _BadNode(Exception):
    """A node that cannot be read (`!!int abc`, a list used as a key); load_text names its line."""

    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.node = node
        self.message = message


def _scalar_value(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _BadNode(node, f"cannot read this value ({getattr(exc, 'problem', None) or exc})") from None
    finally:
        loader.dispose()


def _key(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise _BadNode(node, "expected a name here, not a list or mapping")
    return _scalar_value(node)


def _severity(value: Any, node: yaml.Node, err: Any, allow_never: bool = False) -> Severity | None:
    if allow_never and str(value).lower() == "never":
        return None
    try:
        return Severity.parse(str(value))
    except ValueError:
        names = "critical, high, medium, low" + (", never" if allow_never else "")
        raise err(f"unknown severity {value!r} (expected one of: {names})", node) from None


def _paths(node: yaml.Node, err: Any) -> dict[str, tuple[str, ...]]:
    """`paths.exclude` / `paths.tests`: lists of gitignore-style patterns."""
    if not isinstance(node, yaml.MappingNode):
        raise err("paths must be a mapping with `exclude` and/or `tests` lists", node)
    out: dict[str, tuple[str, ...]] = {}
    for key_node, value_node in node.value:
        key = _key(key_node)
        if key not in ("exclude", "tests"):
            raise err(f"unknown paths setting {key!r} (known: exclude, tests)", key_node)
        if not isinstance(value_node, yaml.SequenceNode):
            raise err(f"paths.{key} must be a list of gitignore-style patterns", value_node)
        patterns: list[str] = []
        for item in value_node.value:
            value = _scalar_value(item)
            if not isinstance(value, str):
                raise err(f"each paths.{key} entry must be a string pattern", item)
            patterns.append(value)
        out[key] = tuple(patterns)
    return out


_COVERAGE_KEYS = ("reports", "patch", "package", "prefixes")


def _coverage(node: yaml.Node, err: Any) -> CoverageSettings:
    if not isinstance(node, yaml.MappingNode):
        raise err("coverage must be a mapping (reports, patch, package, prefixes)", node)
    values: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = _key(key_node)
        if key not in _COVERAGE_KEYS:
            raise err(f"unknown coverage setting {key!r} (known: {', '.join(_COVERAGE_KEYS)})", key_node)
        if key in ("patch", "package"):
            value = _scalar_value(value_node) if isinstance(value_node, yaml.ScalarNode) else None
            if str(value).strip().lower() == "never":
                values[key] = None
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100:
                values[key] = float(value)
            else:
                raise err(f"coverage.{key} must be a percentage from 0 to 100, or never", value_node)
        else:
            items = value_node.value if isinstance(value_node, yaml.SequenceNode) else None
            if items is None or not all(isinstance(_scalar_value(i), str) for i in items):
                raise err(f"coverage.{key} must be a list of paths", value_node)
            values[key] = tuple(_scalar_value(i) for i in items)
    return CoverageSettings(**values)


def _rules(node: yaml.Node, err: Any, known: Mapping[str, Any]) -> dict[str, RuleSettings]:
    if not isinstance(node, yaml.MappingNode):
        raise err("rules must be a mapping of rule id to `off` or settings", node)
    out: dict[str, RuleSettings] = {}
    for key_node, value_node in node.value:
        rule_id = _key(key_node)
        if rule_id not in known:
            hint = did_you_mean(str(rule_id), known) or " (see `readiness rules`)"
            raise err(f"unknown rule id {rule_id!r}{hint}", key_node)
        rule = known[rule_id]
        if isinstance(value_node, yaml.ScalarNode):
            value = _scalar_value(value_node)
            if value in (False, "off", "disabled"):
                out[rule_id] = RuleSettings(enabled=False)
                continue
            if value in (True, "on", "enabled"):
                out[rule_id] = RuleSettings()
                continue
            raise err(f"rule {rule_id}: expected `off`, `on` or a mapping of settings, not {value!r}",
                      value_node)
        if not isinstance(value_node, yaml.MappingNode):
            raise err(f"rule {rule_id}: expected `off` or a mapping of settings", value_node)
        severity = None
        enabled = True
        options: dict[str, Any] = {}
        allowed = dict(getattr(rule, "options", {}) or {})
        for opt_key_node, opt_value_node in value_node.value:
            opt = _key(opt_key_node)
            opt_value = _scalar_value(opt_value_node)
            if opt == "severity":
                severity = _severity(opt_value, opt_value_node, err)
            elif opt == "enabled":
                if not isinstance(opt_value, bool):
                    raise err(f"rule {rule_id}: enabled must be true or false", opt_value_node)
                enabled = opt_value
            elif opt in allowed:
                default = allowed[opt]
                if default is not None and not _same_type(default, opt_value):
                    raise err(
                        f"rule {rule_id}: option {opt} must be {type(default).__name__}, "
                        f"not {opt_value!r}", opt_value_node)
                options[opt] = opt_value
            else:
                names = ["severity", "enabled", *sorted(allowed)]
                hint = did_you_mean(str(opt), names) or f" (known: {', '.join(names)})"
                raise err(f"rule {rule_id}: unknown option {opt!r}{hint}", opt_key_node)
        out[rule_id] = RuleSettings(enabled=enabled, severity=severity, options=options)
    return out


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, (list, tuple)):
        return isinstance(value, list)
    if isinstance(default, dict):
        return isinstance(value, dict)
    return isinstance(value, type(default))

