"""Report paths to repository paths: source roots, absolute CI paths, Go module paths, src layouts."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

_MODULE = re.compile(r"^\s*module\s+\"?([^\s\"]+)\"?", re.MULTILINE)


def go_modules(go_mod_texts: Mapping[str, str]) -> dict[str, str]:
    """{module path: directory of its go.mod ("" at the root)} from go.mod files by path."""
    out = {}
    for path, text in go_mod_texts.items():
        match = _MODULE.search(text or "")
        if match:
            out[match.group(1).rstrip("/")] = posixpath.dirname(path)
    return out


def _normalize(path: str) -> str:
    path = path.strip().replace("\\", "/")
    path = path.removeprefix("file://")
    if re.match(r"^[A-Za-z]:/", path):  # C:/builds/... from a Windows runner
        path = path[2:]
    parts = [p for p in path.split("/") if p not in ("", ".")]
    out: list[str] = []
    for p in parts:
        if p == ".." and out:
            out.pop()
        elif p != "..":
            out.append(p)
    return ("/" if path.startswith("/") else "") + "/".join(out)


class PathMapper:
    """Finds the repository file a report path names.

    With the repository's file list, a report path maps when it, a source root joined with it, or
    its Go module-relative form is a repository file; else when exactly one repository file shares
    its trailing path components and one path is a whole suffix of the other (an absolute CI
    checkout path, or a path relative to `src/`). Without a file list paths are only normalised.
    """

    def __init__(self, repo_files: Iterable[str] | None, modules: Mapping[str, str] | None = None,
                 prefixes: Iterable[str] = ()):
        self.files = set(repo_files) if repo_files is not None else None
        self.modules = sorted((modules or {}).items(), key=lambda kv: -len(kv[0]))
        self.prefixes = [p.strip("/") for p in prefixes if p.strip("/")]
        self._by_name: dict[str, list[str]] = {}
        for f in self.files or ():
            self._by_name.setdefault(posixpath.basename(f), []).append(f)

    def map(self, report_path: str, roots: Iterable[str] = ()) -> str | None:
        candidates = [_normalize(report_path)]
        candidates += [_normalize(f"{root}/{report_path}") for root in roots]
        candidates += [_normalize(f"{prefix}/{report_path}") for prefix in self.prefixes]
        for cand in list(candidates):
            for module, directory in self.modules:
                if cand == module or cand.startswith(module + "/"):
                    rest = cand[len(module):].lstrip("/")
                    candidates.insert(0, posixpath.join(directory, rest) if directory else rest)
        if self.files is None:
            rel = [c for c in candidates if not c.startswith("/")]
            return rel[0] if rel else None
        for cand in candidates:
            if cand.lstrip("/") in self.files:
                return cand.lstrip("/")
        for cand in candidates:
            found = self._by_suffix(cand.lstrip("/"))
            if found:
                return found
        return None

    def _by_suffix(self, path: str) -> str | None:
        parts = path.split("/")
        best: list[str] = []
        best_len = 0
        for repo_path in self._by_name.get(parts[-1], ()):
            repo_parts = repo_path.split("/")
            shared = _common_tail(parts, repo_parts)
            if shared < min(len(parts), len(repo_parts)):
                continue  # neither path is a whole suffix of the other
            if shared > best_len:
                best, best_len = [repo_path], shared
            elif shared == best_len:
                best.append(repo_path)
        return best[0] if len(best) == 1 else None


def _common_tail(a: list[str], b: list[str]) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n
