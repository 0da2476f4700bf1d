"""Local forges for the CLI: a git repository (review a diff) and a plain directory (scan)."""
from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.config import CONFIG_FILE, ConfigError, matches_any
from bot.diff import DiffError, parse_diff
from bot.engine import decode_text
from bot.job import Job
from bot.models import ChangedFile, PreviousFinding, Review
from bot.progress import Progress

WORKTREE = ":worktree:"  # pseudo-ref: the files as they are on disk
_SKIP_DIRS = {".git", "node_modules", "vendor", "third_party", "__pycache__", ".venv", "venv", ".tox"}


class GitError(Exception):
    """A git command failed; the message says which and why."""


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    cmd = ["git", "-C", str(repo), "-c", "core.quotepath=off", *args]
    try:
        proc = subprocess.run(cmd, input=input, capture_output=True, check=False, timeout=300)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:3])} failed: {err[-1] if err else proc.returncode}")
    return proc.stdout


def repo_root(path: Path) -> Path | None:
    try:
        return Path(git(path, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        return None


SHALLOW_FIX = ("this is a shallow clone: fetch the history with `git fetch --unshallow` (GitHub Actions: "
               "actions/checkout with `fetch-depth: 0`; GitLab CI: `GIT_DEPTH: 0`)")


def is_shallow(repo: Path) -> bool:
    try:
        return git(repo, "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False


def resolve(repo: Path, ref: str, flag: str) -> str:
    """The commit `ref` names, or a GitError saying that `flag REF` names nothing (and why, if shallow)."""
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        hint = f"; {SHALLOW_FIX}" if is_shallow(repo) else ""
        raise GitError(f"{flag} {ref}: no such branch, tag or commit in {repo}{hint}") from None


def default_base(repo: Path) -> str:
    """origin/HEAD, else main, else master (local or origin)."""
    for ref in ("origin/HEAD", "main", "origin/main", "master", "origin/master"):
        try:
            git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
            return ref
        except GitError:
            continue
    hint = f"; {SHALLOW_FIX}" if is_shallow(repo) else ""
    raise GitError(f"could not find a base branch (tried origin/HEAD, main, master); pass --base REF{hint}")


def merge_base(repo: Path, base: str, head: str) -> str:
    resolve(repo, base, "--base")
    resolve(repo, head, "--head")
    try:
        return git(repo, "merge-base", base, head).decode().strip()
    except GitError:
        if is_shallow(repo):
            raise GitError(f"no merge base of {base} and {head} in the fetched history: {SHALLOW_FIX}") from None
        raise GitError(f"{base} and {head} have no common history; pass the branch this one started from "
                       f"with --base REF") from None


def read_file(root: Path, path: str) -> str | None:
    try:
        return decode_text((root / path).read_bytes())
    except OSError:
        return None


def read_worktree(root: Path, paths: Sequence[str]) -> dict[str, str | None]:
    return {p: read_file(root, p) for p in paths}


class WorktreeTexts(Mapping[str, "str | None"]):
    """Texts of work-tree files, read when asked for and not kept: a scan of a big tree holds one
    file at a time instead of all of them."""

    def __init__(self, root: Path, paths: Sequence[str]):
        self.root = root
        self.paths = list(dict.fromkeys(paths))
        self._known = set(self.paths)

    def __getitem__(self, path: str) -> str | None:
        if path not in self._known:
            raise KeyError(path)
        return read_file(self.root, path)

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def cat_files(repo: Path, ref: str, paths: Sequence[str]) -> dict[str, str | None]:
    """Many files at one ref with a single `git cat-file --batch` process."""
    if not paths:
        return {}
    request = "".join(f"{ref}:{p}\n" for p in paths).encode()
    data = git(repo, "cat-file", "--batch", input=request)
    out: dict[str, str | None] = {}
    pos = 0
    for p in paths:
        end = data.index(b"\n", pos)
        header = data[pos:end].decode("utf-8", "replace").split()
        pos = end + 1
        if len(header) < 3 or header[-1] == "missing" or header[1] != "blob":
            out[p] = None
            continue
        size = int(header[2])
        out[p] = decode_text(data[pos : pos + size])
        pos += size + 1
    return out


class _NoPublish:
    """The CLI renders the review itself; these forge calls have nothing to do locally."""

    async def previous_state(self, job: Job) -> list[PreviousFinding] | None:
        return None

    async def is_current_head(self, job: Job) -> bool:
        return True

    async def publish(self, job: Job, review: Review) -> None:
        return None

    async def publish_config_error(self, job: Job, error: ConfigError) -> None:
        return None


class LocalGitForge(_NoPublish):
    """Changes between the merge base of `base` and `head`, or a unified diff over the work tree."""

    def __init__(self, repo: Path, *, base: str | None = None, head: str = "HEAD",
                 diff_text: str | None = None, config_path: Path | None = None,
                 config_ref: str | None = None, progress: Progress | None = None):
        self.repo = repo
        self.progress = progress
        self.head = head
        self.diff_text = diff_text
        self.config_path = config_path
        self.config_ref = config_ref
        self.is_git = diff_text is None or repo_root(repo) is not None
        self.base = base
        self.merge_base = ""
        if diff_text is None:
            root = repo_root(repo)
            if root is None:
                raise GitError(f"{repo.resolve()} is not inside a git repository: run readiness review in one, "
                               f"pass --repo DIR, or review a unified diff with --diff FILE")
            # git prints paths relative to the work tree root; run everything from there
            self.repo = repo = root
            self.base = base or default_base(repo)
            self.merge_base = merge_base(repo, self.base, head)
            self.head_sha = resolve(repo, head, "--head")
        else:
            self.head_sha = WORKTREE
            self.repo = _diff_root(repo, diff_text)

    def job(self) -> Job:
        return Job(forge="local", repo=str(self.repo), number=0, head_sha=self.head_sha,
                   base_ref=self.base or "", base_sha=self.merge_base)

    async def changes(self, job: Job) -> list[ChangedFile]:
        if self.diff_text is not None:
            try:
                changes = parse_diff(self.diff_text)
            except DiffError as exc:
                raise ConfigError(str(exc), path="--diff") from None
            _check_diff(changes, self.repo)
            return changes
        out = await asyncio.to_thread(
            git, self.repo, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "-U3",
            self.merge_base, self.head_sha, "--",
        )
        return parse_diff(out.decode("utf-8", "replace"))

    async def read_many(self, paths: Sequence[str], ref: str) -> Mapping[str, str | None]:
        if ref == WORKTREE:
            texts: Mapping[str, str | None] = WorktreeTexts(self.repo, paths)
        else:
            texts = await asyncio.to_thread(cat_files, self.repo, ref, paths)
        return self.progress.track(texts) if self.progress else texts

    async def list_files(self, ref: str) -> list[str]:
        if ref == WORKTREE:
            return await asyncio.to_thread(list_directory, self.repo)
        out = await asyncio.to_thread(git, self.repo, "ls-tree", "-r", "-z", "--name-only", ref)
        return [p for p in out.decode("utf-8", "replace").split("\0") if p]

    async def read_config(self, job: Job) -> str | None:
        if self.config_path is not None:
            return _read_config_file(self.config_path)
        if self.config_ref:
            # CI on untrusted changes: the base branch's config, so a change cannot switch its own
            # review off (what the bots always do).
            if not self.is_git:
                raise GitError(f"--config-ref needs a git repository; {self.repo} is not in one")
            if self.config_ref == "base" and not self.merge_base:
                raise GitError("--config-ref base needs the merge base, which a --diff review has none of: "
                               "pass the base branch's name instead (--config-ref origin/main)")
            ref = self.merge_base if self.config_ref == "base" else resolve(self.repo, self.config_ref,
                                                                             "--config-ref")
            texts = await asyncio.to_thread(cat_files, self.repo, ref, [CONFIG_FILE])
            return texts.get(CONFIG_FILE)
        root = self.repo if self.diff_text is not None else (repo_root(self.repo) or self.repo)
        path = root / CONFIG_FILE
        return path.read_text(encoding="utf-8") if path.is_file() else None


def _check_diff(changes: Sequence[ChangedFile], root: Path) -> None:
    """Fail closed on a diff that cannot be what the user meant to review: one with no files (empty
    input, not a diff, or an upstream `git diff` that failed), or one whose files are not under `root`."""
    if not changes:
        raise ConfigError("no file changes in the diff (empty input, not a unified diff, or the command that "
                          "produced it failed)", path="--diff")
    missing = [c.path for c in changes if c.status != "deleted" and not c.binary and not (root / c.path).is_file()]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ConfigError(f"{len(missing)} of the diff's files are missing from {root}: {shown} (run in the "
                          f"repository the diff was made in, or pass it with --repo DIR)", path="--diff")


def _diff_root(repo: Path, diff_text: str) -> Path:
    """The directory a diff's paths are relative to: the work tree's root (what `git diff` prints,
    even when run in a subdirectory), unless the paths only make sense from `repo` itself
    (`git diff --relative`, or a plain directory)."""
    root = repo_root(repo)
    if root is None or root.resolve() == repo.resolve():
        return repo
    try:
        paths = [cf.path for cf in parse_diff(diff_text) if cf.status != "deleted"]
    except DiffError:
        return root  # changes() reports the error
    at_root = sum((root / p).is_file() for p in paths)
    at_repo = sum((repo / p).is_file() for p in paths)
    return repo if at_repo > at_root else root


class DirectoryForge(_NoPublish):
    """Every file under a directory counts as changed (`readiness scan`). `target` narrows it to one
    subdirectory or file of `root`; paths stay relative to `root`."""

    def __init__(self, root: Path, *, config_path: Path | None = None, target: str = "",
                 progress: Progress | None = None):
        self.root = root
        self.target = target
        self.progress = progress
        self.config_path = config_path
        self.head_sha = WORKTREE

    def job(self) -> Job:
        return Job(forge="local", repo=str(self.root), number=0, head_sha=WORKTREE)

    async def changes(self, job: Job) -> list[ChangedFile]:
        paths = await self.list_files(WORKTREE)
        return [ChangedFile(path=p, status="added", whole_file=True) for p in paths]

    async def read_many(self, paths: Sequence[str], ref: str) -> Mapping[str, str | None]:
        texts = WorktreeTexts(self.root, paths)
        return self.progress.track(texts) if self.progress else texts

    async def list_files(self, ref: str) -> list[str]:
        return await asyncio.to_thread(self._files)

    def _files(self) -> list[str]:
        if not self.target:
            return list_directory(self.root)
        full = self.root / self.target
        if full.is_file():
            return [self.target]
        return [f"{self.target}/{p}" for p in list_directory(full)]

    async def read_config(self, job: Job) -> str | None:
        if self.config_path is not None:
            return _read_config_file(self.config_path)
        scanned = self.root / self.target
        nearest = scanned if scanned.is_dir() else scanned.parent
        for candidate in (nearest, self.root, repo_root(self.root)):
            if candidate is not None and (candidate / CONFIG_FILE).is_file():
                return (candidate / CONFIG_FILE).read_text(encoding="utf-8")
        return None


def scan_forge(path: Path, *, config_path: Path | None = None, progress: Progress | None = None) -> DirectoryForge:
    """`readiness scan PATH`. Inside a git work tree paths are relative to its root, as in reviews and
    as SARIF uploads need; elsewhere, and for a PATH git ignores (not part of the repository: a build
    output, a corpus of other projects), relative to PATH (to its directory, for a file)."""
    top = repo_root(path if path.is_dir() else path.parent)
    if top is not None and not _ignored(path):
        try:
            rel = path.resolve().relative_to(top.resolve()).as_posix()
        except ValueError:  # PATH reached through a link from outside the work tree
            rel = None
        if rel is not None:
            return DirectoryForge(top, config_path=config_path, target="" if rel == "." else rel,
                                  progress=progress)
    if path.is_file():
        return DirectoryForge(path.parent, config_path=config_path, target=path.name, progress=progress)
    return DirectoryForge(path, config_path=config_path, progress=progress)


def _read_config_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the config file: {exc.strerror}", path=str(path)) from None


def _ignored(path: Path) -> bool:
    """True when git ignores `path` itself (an explicit scan of it still reviews its files)."""
    try:
        git(path, "check-ignore", "-q", str(path.resolve()))
        return True
    except GitError:
        return False


def list_directory(root: Path) -> list[str]:
    """Files under `root`, relative, forward slashes; `.gitignore` respected inside a git work tree."""
    if repo_root(root) is not None and not _ignored(root):
        out = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
        paths = [p for p in out.decode("utf-8", "replace").split("\0") if p]
        # ls-files prints paths relative to `root` when run there; deleted-but-tracked files are dropped
        return sorted(p for p in paths if (root / p).is_file() and not matches_any(p, [".git/"]))
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if full.is_file() and not full.is_symlink():
                found.append(full.relative_to(root).as_posix())
    return found
