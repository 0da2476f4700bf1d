"""What the rest of the repository says about a secret's file: read only by Compose, overridden in production."""
from __future__ import annotations

import ast
import posixpath
import re

from checks.lang.yamlast import YList, YMap
from checks.registry import RepoView
from checks.secrets._files import sample_folder
from checks.source import ParseError, SourceFile


def compose_readers(path: str, repo: RepoView | None) -> str | None:
    """`compose.yml:12` when a Compose file loads `path` as an `env_file:` (or `path` is the `.env` next to
    a Compose file, which Compose reads for interpolation), else None."""
    if repo is None:
        return None
    for compose in repo.files("compose"):
        here = posixpath.dirname(compose.path)
        if posixpath.basename(path) == ".env" and posixpath.dirname(path) == here:
            return f"{compose.path} (the `.env` Compose reads next to it)"
        for ref, line in _env_file_refs(compose):
            if posixpath.normpath(posixpath.join(here, ref)) == path:
                return f"{compose.path}:{line}"
    return None


def _env_file_refs(compose: SourceFile) -> list[tuple[str, int]]:
    try:
        docs = compose.yaml_docs
    except ParseError:
        return []
    out = []
    for doc in docs:
        services = doc.get("services") if isinstance(doc, YMap) else None
        if not isinstance(services, YMap):
            continue
        for svc in services.values():
            if not isinstance(svc, YMap) or "env_file" not in svc:
                continue
            value, line = svc["env_file"], svc.value_lines.get("env_file", svc.line)
            items = value if isinstance(value, YList) else [value]
            for item in items:
                ref = item.get("path") if isinstance(item, YMap) else item
                if isinstance(ref, str):
                    out.append((ref.strip(), line))
    return out


def overridden_elsewhere(f: SourceFile, name: str, repo: RepoView | None) -> str | None:
    """`settings/prod.py:20` when another module of the same Python package assigns `name` from something
    other than a literal (a file, the environment, a generator): split settings, where the literal is the
    development default and production replaces it."""
    if repo is None or "python" not in f.kinds:
        return None
    assign = re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*(?::[^=\n]+)?=(?!=)[ \t]*(.+)$", re.M)
    for other in repo.siblings(f.path, "python"):
        if name not in other.text:
            continue
        for m in assign.finditer(other.text):
            if not _is_literal(m.group(1)):
                return f"{other.path}:{other.line_at(m.start())}"
    return None


def _is_literal(expr: str) -> bool:
    try:
        node = ast.parse(expr.strip(), mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Constant)


def shared_with_dev_tooling(f: SourceFile, value: str, repo: RepoView | None) -> str | None:
    """`.devcontainer/setup.sh:8` when the same literal is also committed in test, sample or dev-container
    files: a development value the project shares with its tooling, not a production credential."""
    if repo is None or len(value) < 8:
        return None
    for other in repo.files():
        if other.path == f.path or not (other.is_test or sample_folder(other.path)):
            continue
        at = other.text.find(value)
        if at >= 0:
            return f"{other.path}:{other.line_at(at)}"
    return None
