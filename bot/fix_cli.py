"""`readiness fix`: apply the mechanical fixes of the current review's findings to the work tree.

The review is the one `readiness review` makes (the change since the merge base, the configured
scope), computed over the work tree. Files with uncommitted changes are left alone unless --force.
Exit status: 0 nothing to fix, 1 files changed (or would change, with --dry-run), 2 error."""
from __future__ import annotations

import argparse
import asyncio
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import SCOPES, Config, ConfigError, load_text
from bot.models import Finding
from checks.fixes import apply

EXIT_NOTHING, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2
MAX_ROUNDS = 3  # a fix may enable another (an import it left unused); never loop forever


def add_parser(sub) -> None:
    p = sub.add_parser("fix", help="apply the suggested fixes of the current review to the work tree")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="only files under these paths")
    p.add_argument("--rule", action="append", default=[], metavar="ID", help="only this rule (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="print the changes as a unified diff, write nothing")
    p.add_argument("--force", action="store_true", help="also fix files with uncommitted changes")
    p.add_argument("--repo", type=Path, default=Path("."), help="repository directory (default: .)")
    p.add_argument("--base", help="base ref (default: origin/HEAD, else main, else master)")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="configuration file (default: .readiness.yml at the repository root)")
    p.add_argument("--scope", choices=SCOPES,
                   help="which findings count (default: from the configuration)")


def run(args: argparse.Namespace) -> int:
    from bot.forges.local import GitError

    try:
        return _run(args)
    except GitError as exc:
        print(f"readiness: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _run(args: argparse.Namespace) -> int:
    from bot.action_pins import git_resolver
    from bot.forges.local import LocalGitForge, default_base, git, repo_root

    root = repo_root(args.repo)
    if root is None:
        raise ConfigError("`readiness fix` works in a git repository", path=str(args.repo))
    merge_base = git(root, "merge-base", args.base or default_base(root), "HEAD").decode().strip()
    # the work tree against the merge base: the change as it is on disk
    diff = git(root, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "-U3", merge_base, "--")
    if not diff.strip():
        print(f"readiness: nothing to fix: no changes since the merge base {merge_base[:12]}", file=sys.stderr)
        return EXIT_NOTHING
    forge = LocalGitForge(root, diff_text=diff.decode("utf-8", "replace"), config_path=args.config)
    if not args.rule or "ci.unpinned-action" in args.rule:
        forge.action_resolver = lambda loop: git_resolver()  # pins actions when the network allows
    findings, config = asyncio.run(_findings(forge, args))
    wanted = _selected(findings, args, root)
    dirty = _dirty(root)
    changed = 0
    for path, mine in sorted(wanted.items()):
        if path in dirty and not args.force:
            print(f"readiness: skipped {path}: it has uncommitted changes (use --force)", file=sys.stderr)
            continue
        file = root / path
        before = file.read_text(encoding="utf-8")
        after = _fix_until_stable(path, before, mine, config)
        if after == before:
            continue
        changed += 1
        rules = ", ".join(sorted({f.rule for f in mine}))
        if args.dry_run:
            sys.stdout.writelines(difflib.unified_diff(before.splitlines(keepends=True),
                                                       after.splitlines(keepends=True), f"a/{path}", f"b/{path}"))
        else:
            file.write_text(after, encoding="utf-8", newline="")
            print(f"fixed {path} ({rules})", file=sys.stderr)
    if not changed:
        print("readiness: nothing to fix", file=sys.stderr)
    return EXIT_CHANGED if changed else EXIT_NOTHING


async def _findings(forge, args: argparse.Namespace) -> tuple[list[Finding], Config]:
    from bot.pipeline import review_job
    from checks import all_rules

    job = forge.job()
    config = load_text(await forge.read_config(job), path=str(args.config) if args.config else ".readiness.yml")
    review = await review_job(forge, job, config, all_rules(), scope=args.scope)
    return review.findings, config


def _selected(findings: Sequence[Finding], args: argparse.Namespace, root: Path) -> dict[str, list[Finding]]:
    prefixes = [_relative(p, root) for p in args.paths]
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if f.suggestion is None or (args.rule and f.rule not in args.rule):
            continue
        if prefixes and not any(p in ("", ".") or f.path == p or f.path.startswith(p.rstrip("/") + "/")
                                for p in prefixes):
            continue
        out.setdefault(f.path, []).append(f)
    return out


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _dirty(root: Path) -> set[str]:
    """Files whose work-tree or index content differs from HEAD."""
    from bot.forges.local import git

    out = git(root, "status", "--porcelain", "-z", "--untracked-files=no").decode("utf-8", "replace")
    entries = out.split("\0")
    paths = set()
    i = 0
    while i < len(entries):
        entry = entries[i]
        if len(entry) > 3:
            paths.add(entry[3:])
            if entry[0] in "RC":  # a rename is followed by its old path
                i += 1
        i += 1
    return paths


def _fix_until_stable(path: str, text: str, findings: list[Finding], config: Config) -> str:
    """The selected fixes, then the ones they enable (a Go import a fix left unused): a finding of
    the same rules that had no fix before an edit and has one after it is applied too, whatever
    the scope, since the edit made it."""
    from bot.engine import analyze_file
    from checks import all_rules
    from checks.source import SourceFile

    rules = {f.rule: all_rules()[f.rule] for f in findings}
    rules = {k: r for k, r in rules.items() if not r.repo_kinds}

    def unfixable(current: str) -> tuple[set[str], list]:
        result = analyze_file(SourceFile(path, current), rules, config)
        return {f.fingerprint for f in result.findings if f.suggestion is None}, result.findings

    before, _ = unfixable(text)
    text = apply(text, [f.suggestion for f in findings])
    for _ in range(MAX_ROUNDS - 1):
        now, current = unfixable(text)
        enabled = [f.suggestion for f in current if f.suggestion is not None and f.fingerprint in before]
        if not enabled:
            break
        text = apply(text, enabled)
        before = now
    return text
