"""Noise on real services: scans at each bundle's head and commit-by-commit reviews.

Usage:
  python bench/realworld.py scan   [--repos NAME,...] [--show high|all|none] [--unjudged]
  python bench/realworld.py review [--repos NAME,...] [--limit N] [--show high|all|none]

The corpus is `../shared/realworld/*.bundle` (or READINESS_REALWORLD_DIR); each bundle is cloned once
into READINESS_REALWORLD_CACHE (default: a folder in the system temp dir). `review` reviews every
first-parent commit against its first parent with the CLI (default settings, no config, as a user
would run it) and checks that no finding it posts already existed at the parent. Judgements of
HIGH+ findings (real or noise, by reading the code) live in bench/judgements/*.tsv; the benchmark
prints precision per rule and marks what nobody has judged yet.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.judgements import Judgements, line_key  # noqa: E402

SEVS = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
HIGH_PLUS = ("CRITICAL", "HIGH")


def corpus_dir() -> Path:
    env = os.environ.get("READINESS_REALWORLD_DIR")
    if env:
        return Path(env)
    # ../shared/realworld beside the checkout, or beside any folder above it (git worktrees)
    for parent in ROOT.parents:
        if (parent / "shared" / "realworld").is_dir():
            return parent / "shared" / "realworld"
    return ROOT.parent / "shared" / "realworld"


def cache_dir() -> Path:
    env = os.environ.get("READINESS_REALWORLD_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / "readiness-realworld"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


def bundles(names: list[str] | None) -> list[tuple[str, Path]]:
    found = sorted(corpus_dir().glob("*.bundle"))
    out = []
    for b in found:
        owner, _, name = b.stem.partition("__")
        short = owner if re.fullmatch(r"v\d+", name) else name  # miniflux__v2 -> miniflux
        if names and short not in names and b.stem not in names:
            continue
        out.append((short, b))
    return out


def clone(short: str, bundle: Path) -> Path:
    """A clone of the bundle's only branch, made once and reused."""
    dest = cache_dir() / short
    if (dest / ".git").is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    heads = subprocess.run(["git", "bundle", "list-heads", str(bundle)], check=True, capture_output=True,
                           text=True).stdout.split()
    branch = next(h for h in heads if h.startswith("refs/heads/")).removeprefix("refs/heads/")
    subprocess.run(["git", "clone", "-q", "--branch", branch, str(bundle), str(dest)], check=True)
    return dest


def _cli(argv: list[str]) -> tuple[int, dict, float]:
    """Run the CLI in this process (as `readiness ARGS -o FILE`) and read its JSON."""
    from bot.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        start = time.perf_counter()
        code = main([*argv, "--format", "json", "--fail-on", "never", "-o", str(out)])
        took = time.perf_counter() - start
        data = json.loads(out.read_text()) if out.exists() else {"findings": [], "error": code}
    return code, data, took


def _scan_one(args: tuple[str, str]) -> tuple[str, dict, float]:
    short, path = args
    _, data, took = _cli(["scan", path])
    return short, data, took


def _review_one(args: tuple[str, str, str]) -> tuple[str, str, dict, float, list[str]]:
    short, path, commit = args
    code, data, took = _cli(["review", "--repo", path, "--base", f"{commit}^1", "--head", commit])
    preexisting = _already_at_parent(Path(path), commit, data.get("findings", []))
    return short, commit, data, took, preexisting


def _already_at_parent(repo: Path, commit: str, findings: list[dict]) -> list[str]:
    """Fingerprints of posted findings that the same rules also find in the parent's version of the
    changed files: an independent check that a review posts only what the commit introduces."""
    if not findings:
        return []
    import asyncio

    from bot.config import Config
    from bot.forges.local import LocalGitForge
    from bot.review import review

    forge = LocalGitForge(repo, base=f"{commit}^1", head=commit)
    changes = asyncio.run(forge.changes(forge.job()))
    parent = _git(repo, "rev-parse", f"{commit}^1").strip()
    olds = {c.path: (c.old_path or c.path) for c in changes if c.status not in ("added", "deleted")}
    paths = [p for p in {f["path"] for f in findings} if p in olds]
    if not paths:
        return []
    from bot.forges.local import cat_files
    from bot.models import ChangedFile

    base = cat_files(repo, parent, [olds[p] for p in paths])
    texts = {p: base.get(olds[p]) for p in paths}
    before = review([ChangedFile(p, whole_file=True) for p in paths], texts, Config(), scope="file")
    known = {f.fingerprint for f in before.findings}
    return [f["fingerprint"] for f in findings if f["fingerprint"] in known]


def first_parent_commits(repo: Path) -> list[str]:
    commits = _git(repo, "rev-list", "--first-parent", "HEAD").split()
    return [c for c in commits if _git(repo, "rev-list", "--parents", "-n", "1", c).split()[1:]]


def show(findings: list[tuple[str, dict]], judged: Judgements, mode: str, only_unjudged: bool) -> None:
    if mode == "none":
        return
    wanted = HIGH_PLUS if mode == "high" else SEVS
    rows = [(s, f) for s, f in findings if f["severity"] in wanted]
    rows.sort(key=lambda r: (SEVS.index(r[1]["severity"]), r[1]["rule"], r[0], r[1]["path"], r[1]["line"]))
    print(f"\n{'HIGH+' if mode == 'high' else 'all'} findings (verdict from bench/judgements):")
    for short, f in rows:
        verdict = judged.verdict(f["rule"], short, f["path"], f.get("snippet", ""))
        if only_unjudged and verdict:
            continue
        note = f"  [{f['note']}]" if f.get("note") else ""
        print(f"  {verdict or 'UNJUDGED':<8} {f['severity']:<8} {f['rule']:<32} {short}/{f['path']}:{f['line']}"
              f"  | {line_key(f.get('snippet', ''))[:100]}{note}")


def precision_table(findings: list[tuple[str, dict]], judged: Judgements) -> None:
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for short, f in findings:
        if f["severity"] not in HIGH_PLUS:
            continue
        per_rule[f["rule"]][judged.verdict(f["rule"], short, f["path"], f.get("snippet", "")) or "unjudged"] += 1
    if not per_rule:
        print("\nno HIGH+ findings")
        return
    print(f"\nHIGH+ precision per rule: {'rule':<32} {'real':>5} {'noise':>6} {'unjudged':>9} {'precision':>10}")
    total: Counter[str] = Counter()
    for rule, c in sorted(per_rule.items()):
        total.update(c)
        judged_n = c["real"] + c["noise"]
        prec = f"{c['real'] / judged_n:.2f}" if judged_n else "-"
        print(f"  {rule:<54} {c['real']:>5} {c['noise']:>6} {c['unjudged']:>9} {prec:>10}")
    judged_n = total["real"] + total["noise"]
    prec = f"{total['real'] / judged_n:.2f}" if judged_n else "-"
    print(f"  {'TOTAL':<54} {total['real']:>5} {total['noise']:>6} {total['unjudged']:>9} {prec:>10}")


def run_scan(args: argparse.Namespace) -> None:
    judged = Judgements.load()
    targets = [(s, str(clone(s, b))) for s, b in bundles(args.repos)]
    all_findings: list[tuple[str, dict]] = []
    print(f"{'repository':<20} {'files':>6} {'CRIT':>5} {'HIGH':>5} {'MED':>5} {'LOW':>5} {'skipped':>8} {'secs':>6}")
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for short, data, took in pool.map(_scan_one, targets):
            c = Counter(f["severity"] for f in data["findings"])
            all_findings += [(short, f) for f in data["findings"]]
            print(f"{short:<20} {data.get('files_reviewed', 0):>6} {c['CRITICAL']:>5} {c['HIGH']:>5} "
                  f"{c['MEDIUM']:>5} {c['LOW']:>5} {len(data.get('skipped', [])):>8} {took:>6.1f}")
    c = Counter(f["severity"] for _, f in all_findings)
    print(f"{'TOTAL':<20} {'':>6} {c['CRITICAL']:>5} {c['HIGH']:>5} {c['MEDIUM']:>5} {c['LOW']:>5}")
    precision_table(all_findings, judged)
    show(all_findings, judged, args.show, args.unjudged)


def run_review(args: argparse.Namespace) -> None:
    judged = Judgements.load()
    work = []
    for short, b in bundles(args.repos):
        path = clone(short, b)
        commits = first_parent_commits(path)
        work += [(short, str(path), c) for c in commits[: args.limit or None]]
    per_repo: dict[str, dict] = defaultdict(lambda: {"prs": 0, "sev": Counter(), "high_prs": 0, "pre": 0,
                                                     "times": [], "errors": 0, "preexisting_counted": 0})
    all_findings: list[tuple[str, dict]] = []
    leaks: list[str] = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for short, commit, data, took, pre in pool.map(_review_one, work, chunksize=2):
            r = per_repo[short]
            r["prs"] += 1
            r["times"].append(took)
            if "error" in data:
                r["errors"] += 1
            sevs = Counter(f["severity"] for f in data.get("findings", []))
            r["sev"].update(sevs)
            r["high_prs"] += bool(sevs["HIGH"] + sevs["CRITICAL"])
            r["pre"] += len(pre)
            r["preexisting_counted"] += data.get("preexisting", {}).get("count", 0) if isinstance(
                data.get("preexisting"), dict) else 0
            for f in data.get("findings", []):
                all_findings.append((short, f))
                if f["fingerprint"] in pre:
                    leaks.append(f"{short}@{commit[:10]} {f['rule']} {f['path']}:{f['line']}")
    print(f"{'repository':<20} {'PRs':>4} {'CRIT':>5} {'HIGH':>5} {'MED':>5} {'LOW':>5} {'PRs H+':>7} "
          f"{'pre-existing posted':>20} {'pre-existing held back':>23} {'median s':>9} {'errors':>7}")
    tot = {"prs": 0, "sev": Counter(), "high_prs": 0, "pre": 0, "times": [], "errors": 0, "preexisting_counted": 0}
    for short in sorted(per_repo):
        r = per_repo[short]
        for k in ("prs", "high_prs", "pre", "errors", "preexisting_counted"):
            tot[k] += r[k]
        tot["sev"].update(r["sev"])
        tot["times"] += r["times"]
        _row(short, r)
    _row("TOTAL", tot)
    precision_table(all_findings, judged)
    show(all_findings, judged, args.show, args.unjudged)
    if leaks:
        print("\npre-existing findings posted (must be none):")
        for line in leaks:
            print("  " + line)


def _row(name: str, r: dict) -> None:
    s = r["sev"]
    med = statistics.median(r["times"]) if r["times"] else 0.0
    print(f"{name:<20} {r['prs']:>4} {s['CRITICAL']:>5} {s['HIGH']:>5} {s['MEDIUM']:>5} {s['LOW']:>5} "
          f"{r['high_prs']:>7} {r['pre']:>20} {r['preexisting_counted']:>23} {med:>9.2f} {r['errors']:>7}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("scan", "review"))
    parser.add_argument("--repos", type=lambda s: [x for x in s.split(",") if x],
                        help="comma-separated bundle names (podinfo, miniflux, ...); default: all")
    parser.add_argument("--limit", type=int, default=0, help="review mode: newest N commits per repository")
    parser.add_argument("--show", choices=("high", "all", "none"), default="high")
    parser.add_argument("--unjudged", action="store_true", help="list only findings nobody has judged")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not bundles(args.repos):
        sys.exit(f"no bundles found in {corpus_dir()} (set READINESS_REALWORLD_DIR)")
    (run_scan if args.mode == "scan" else run_review)(args)


if __name__ == "__main__":
    main()
