"""Fixes on real services: how many findings get a fix, and whether every fix is safe.

Usage:
  python bench/fixes.py [--repos NAME,...] [--dir TREE] [--show]

For every file of the real-service corpus (the clones bench/realworld.py makes; read, never
modified), the rules that have a fixer run on the file; where a finding has a fix, all the rule's
fixes are applied in memory and the file is analysed again with every single-file rule. A fix is
*broken* when the fixed file no longer parses, when a finding it fixed is still there, or when any
rule reports more findings than before; *unformatted* when a gofmt-clean Go file is not clean after it. The table prints, per rule: findings, fixes
offered, broken fixes (the target is 0).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.realworld import bundles, clone
from bot.config import Config
from bot.engine import analyze_file, decode_text
from bot.forges.local import list_directory
from checks import all_rules
from checks.fixes import apply, fixers
from checks.source import SourceFile

GOFMT = shutil.which("gofmt")


def _gofmt(text: str) -> str:
    return subprocess.run([GOFMT, "-e"], input=text, capture_output=True, text=True, check=False).stdout


def fixed_resolve(repo: str, ref: str) -> str:
    """A stand-in SHA: the bench checks the edit, not the network."""
    return "0" * 40


def check_file(path: str, text: str, local: dict, fixable: dict, show: bool) -> Counter:
    stats: Counter = Counter()
    source = SourceFile(path, text)
    first = analyze_file(source, fixable, Config(), resolve=fixed_resolve)
    by_rule: dict[str, list] = {}
    for f in first.findings:
        stats[(f.rule, "findings")] += 1
        if f.suggestion is not None:
            stats[(f.rule, "fixed")] += 1
            by_rule.setdefault(f.rule, []).append(f)
    if not by_rule:
        return stats
    before = analyze_file(source, local, Config(), resolve=fixed_resolve)
    for rule_id, mine in by_rule.items():
        after_text = apply(text, [f.suggestion for f in mine])
        after = analyze_file(SourceFile(path, after_text), local, Config(), resolve=fixed_resolve)
        problem = None
        if after.skipped is not None and before.skipped is None:
            problem = f"no longer parses: {after.skipped.reason}"
        else:
            was = Counter(_key(f) for f in before.findings)
            now = Counter(_key(f) for f in after.findings)
            gone = Counter(_key(f) for f in mine)
            new = now - (was - gone)
            if new:
                problem = f"reports {sorted(new)[:2]}"
        if problem:
            stats[(rule_id, "broken")] += 1
            if show:
                print(f"BROKEN {rule_id} {path}: {problem}")
        if path.endswith(".go") and GOFMT and _gofmt(text) == text and _gofmt(after_text) != after_text:
            stats[(rule_id, "unformatted")] += 1
            if show:
                print(f"UNFORMATTED {rule_id} {path}")
    return stats


def _key(finding) -> str:
    """Findings are counted per rule: messages quote the code a fix edits (`ioutil.ReadAll(...)`
    becomes `io.ReadAll(...)` in go.unbounded-read's) and line counts it shifts."""
    return finding.rule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", help="comma-separated short names (default: all)")
    parser.add_argument("--dir", type=Path, help="check this tree instead (e.g. bench/.corpus, the library corpus)")
    parser.add_argument("--show", action="store_true", help="print each broken fix")
    args = parser.parse_args()
    rules = all_rules()
    local = {k: r for k, r in rules.items() if not r.repo_kinds}
    fixable = {k: rules[k] for k in fixers() if k in rules}
    totals: Counter = Counter()
    trees = [args.dir] if args.dir else [clone(short, bundle) for short, bundle in
                                         bundles(args.repos.split(",") if args.repos else None)]
    for repo in trees:
        for rel in list_directory(repo):
            text = decode_text((repo / rel).read_bytes())
            if text is None or len(text) > 1_000_000:
                continue
            totals += check_file(rel, text, local, fixable, args.show)
    print(f"{'rule':34} {'findings':>8} {'fixed':>6} {'broken':>6} {'unformatted':>11}")
    for rule_id in sorted(fixable):
        print(f"{rule_id:34} {totals[(rule_id, 'findings')]:>8} {totals[(rule_id, 'fixed')]:>6} "
              f"{totals[(rule_id, 'broken')]:>6} {totals[(rule_id, 'unformatted')]:>11}")


if __name__ == "__main__":
    main()
