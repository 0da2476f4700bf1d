"""`readiness baseline [PATH] [-o FILE] [--prune]`: write or prune a baseline of current findings."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.baseline import BASELINE_FILE, parse_baseline, render_baseline, stale_entries
from bot.config import ConfigError

EXIT_OK, EXIT_ERROR = 0, 2


def run_baseline(args: argparse.Namespace) -> int:
    from bot.cli import _review
    from bot.forges.local import scan_forge

    root: Path = args.path
    if not root.is_dir():
        raise ConfigError("not a directory (a baseline covers a whole tree)", path=str(root))
    target: Path = args.output or root / BASELINE_FILE
    forge = scan_forge(root, config_path=args.config)  # the same paths, so fingerprints, as `scan`
    # every finding counts: fail_on and an existing baseline do not apply to writing one
    args.fail_on, args.baseline = None, None
    review = asyncio.run(_review(forge, args, scope="file", baseline=frozenset()))
    findings = [f for f in review.findings if f.path != _relative(target, forge.root)]
    if args.prune:
        if not target.is_file():
            raise ConfigError("no baseline file to prune (write one with `readiness baseline`)", path=str(target))
        entries = parse_baseline(target.read_text(encoding="utf-8"), str(target))
        stale = stale_entries(entries, findings)
        for row in stale:
            print(f"stale: {row.get('rule', '?')} {row.get('path', '?')}: {row.get('message', '')}")
        keep = {row["fingerprint"] for row in entries} - {row["fingerprint"] for row in stale}
        target.write_text(render_baseline(f for f in findings if f.fingerprint in keep), encoding="utf-8")
        print(f"readiness: removed {len(stale)} stale entr{'y' if len(stale) == 1 else 'ies'} "
              f"from {target} ({len(keep)} left)", file=sys.stderr)
        return EXIT_OK
    target.write_text(render_baseline(findings), encoding="utf-8")
    print(f"readiness: wrote {len({f.fingerprint for f in findings})} findings to {target}", file=sys.stderr)
    return EXIT_OK


def _relative(target: Path, root: Path) -> str:
    try:
        return target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
