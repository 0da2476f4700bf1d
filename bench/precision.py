"""Precision on real code: findings per 10,000 lines by rule and severity over well-maintained projects.

Usage: python bench/precision.py [--show-high] [--roots DIR ...]
Every HIGH and CRITICAL finding it lists must be a real problem, or the rule must change.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.corpus import build, count_lines  # noqa: E402
from bench.scan import run_scan  # noqa: E402

PER = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--roots", nargs="*", type=Path)
    parser.add_argument("--show-high", action="store_true", help="list every HIGH/CRITICAL finding")
    args = parser.parse_args()
    roots = args.roots or build()
    by_rule: Counter[tuple[str, str]] = Counter()
    by_sev: Counter[str] = Counter()
    high: list[str] = []
    total_lines = 0
    print(f"{'corpus':<46} {'lines':>9} {'CRIT':>5} {'HIGH':>5} {'MED':>5} {'LOW':>5} {'H+C/10k':>8}")
    for root in roots:
        lines = count_lines(root)
        total_lines += lines
        _, _, data = run_scan(root)
        counts = Counter(f["severity"] for f in data["findings"])
        for f in data["findings"]:
            by_rule[(f["rule"], f["severity"])] += 1
            by_sev[f["severity"]] += 1
            if f["severity"] in ("HIGH", "CRITICAL"):
                high.append(f"{f['severity']:<8} {f['rule']:<30} {root.name}/{f['path']}:{f['line']}  {f['message']}")
        hc = counts["HIGH"] + counts["CRITICAL"]
        print(f"{root.name:<46} {lines:>9} {counts['CRITICAL']:>5} {counts['HIGH']:>5} {counts['MEDIUM']:>5} "
              f"{counts['LOW']:>5} {hc * PER / max(lines, 1):>8.2f}")
    hc = by_sev["HIGH"] + by_sev["CRITICAL"]
    print(f"{'TOTAL':<46} {total_lines:>9} {by_sev['CRITICAL']:>5} {by_sev['HIGH']:>5} {by_sev['MEDIUM']:>5} "
          f"{by_sev['LOW']:>5} {hc * PER / max(total_lines, 1):>8.2f}")
    print("\nper rule (findings per 10,000 lines):")
    for (rule, sev), n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {rule:<34} {sev:<8} {n:>6} {n * PER / max(total_lines, 1):>8.2f}")
    if args.show_high:
        print("\nHIGH and CRITICAL findings:")
        for line in high:
            print("  " + line)


if __name__ == "__main__":
    main()
