"""Scan throughput: lines per second and peak memory of `readiness scan` over real code.

Usage: python bench/scan.py [--roots DIR ...]
Builds the corpus (bench/corpus.py) on first use. Prints one row per corpus root and a total.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.corpus import build, count_lines  # noqa: E402


def run_scan(root: Path) -> tuple[float, int, dict]:
    """(seconds, peak RSS in KiB, parsed JSON) of one `readiness scan` process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "scan", str(root), "--format", "json",
                             "--fail-on", "critical"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"readiness scan failed on {root}")
    return elapsed, usage.ru_maxrss, json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--roots", nargs="*", type=Path)
    args = parser.parse_args()
    roots = args.roots or build()
    print(f"{'corpus':<48} {'lines':>9} {'files':>6} {'seconds':>8} {'lines/s':>9} {'peak MiB':>9} {'findings':>8}")
    total_lines = total_secs = 0.0
    peak = 0
    for root in roots:
        lines = count_lines(root)
        secs, rss, data = run_scan(root)
        files = data.get("files_reviewed", 0)
        total_lines += lines
        total_secs += secs
        peak = max(peak, rss)
        print(f"{root.name:<48} {lines:>9} {files:>6} {secs:>8.2f} {lines / secs:>9.0f} {rss / 1024:>9.1f} "
              f"{len(data['findings']):>8}")
    print(f"{'TOTAL':<48} {int(total_lines):>9} {'':>6} {total_secs:>8.2f} {total_lines / total_secs:>9.0f} "
          f"{peak / 1024:>9.1f}")


if __name__ == "__main__":
    main()
