"""The rule registry: metadata plus a pure check function per rule id."""
from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checks.model import AREAS, Hit, Severity

if TYPE_CHECKING:
    from checks.source import SourceFile


@dataclass(frozen=True)
class Example:
    """A bad and a good form of the pattern, as a file at `path`; tests prove both."""

    path: str
    bad: str
    good: str


@dataclass(frozen=True)
class Context:
    """What a check may use besides the file: its options and, if declared, the repository."""

    options: Mapping[str, Any]
    repo: "RepoView | None" = None


class RepoView:
    """Read-only view of other repository files a cross-file rule asked for (pre-read by the engine)."""

    def __init__(self, files: Mapping[str, "SourceFile"], changed: Iterable[str] = ()):
        self._files = dict(files)
        self.changed = frozenset(changed)
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[["RepoView"], Any]) -> Any:
        """`compute(self)` once per review (the view lives for one review), shared by every rule and file."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]

    def files(self, kind: str | None = None) -> list["SourceFile"]:
        return [f for f in self._files.values() if kind is None or kind in f.kinds]

    def siblings(self, path: str, kind: str) -> list["SourceFile"]:
        """Other files of `kind` in the same directory as `path` (a Go package, a manifest folder)."""
        here = posixpath.dirname(path)
        return [f for f in self.files(kind) if f.path != path and posixpath.dirname(f.path) == here]

    def get(self, path: str) -> "SourceFile | None":
        return self._files.get(path)

    def __len__(self) -> int:
        return len(self._files)


CheckFn = Callable[["SourceFile", Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    area: str
    title: str
    why: str
    fix: str
    kinds: frozenset[str]
    check: CheckFn
    options: Mapping[str, Any] = field(default_factory=dict)
    example: Example | None = None
    # File kinds of *other* repository files this rule reads (cross-file rules); empty = none.
    repo_kinds: frozenset[str] = frozenset()
    # File-level rules report whenever the file is changed, whatever the line scope.
    file_level: bool = False
    # Rules that also look at files under tests/ (most rules skip test code entirely).
    include_tests: bool = False
    # Cheap necessary condition: the rule can only fire when the text contains one of these
    # substrings (e.g. "pickle", "yaml"), so the engine skips parsing and walking other files.
    prefilter: tuple[str, ...] = ()


_RULES: dict[str, Rule] = {}


def rule(
    id: str,
    *,
    severity: str,
    area: str,
    title: str,
    why: str,
    fix: str,
    kinds: Iterable[str],
    options: Mapping[str, Any] | None = None,
    example: Example | None = None,
    repo_kinds: Iterable[str] = (),
    file_level: bool = False,
    include_tests: bool = False,
    prefilter: Iterable[str] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a catalog rule id."""
    if area not in AREAS:
        raise ValueError(f"{id}: unknown area {area!r}")

    def register(fn: CheckFn) -> CheckFn:
        if id in _RULES:
            raise ValueError(f"rule {id} registered twice")
        _RULES[id] = Rule(
            id=id,
            severity=Severity.parse(severity),
            area=area,
            title=title,
            why=why,
            fix=fix,
            kinds=frozenset(kinds),
            check=fn,
            options=dict(options or {}),
            example=example,
            repo_kinds=frozenset(repo_kinds),
            file_level=file_level,
            include_tests=include_tests,
            prefilter=tuple(prefilter),
        )
        return fn

    return register


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by id (importing the rule modules on first use)."""
    import checks.catalog  # noqa: F401  (registers every rule module)

    return dict(sorted(_RULES.items()))
