"""Where scan time goes: seconds per rule (and per parse) over a corpus directory.

Usage: python bench/rule_cost.py DIR [DIR ...]
Parses each file once (timed separately), then times every applicable rule on it.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.config import Config  # noqa: E402
from bot.engine import decode_text  # noqa: E402
from bot.forges.local import list_directory  # noqa: E402
from checks import all_rules  # noqa: E402
from checks.registry import Context, RepoView  # noqa: E402
from checks.source import ParseError, SourceFile  # noqa: E402

PARSES = ("python", "python_nodes", "go", "yaml_docs", "dockerfile")


def main() -> None:
    rules = all_rules()
    cost: Counter[str] = Counter()
    files = {}
    for root in map(Path, sys.argv[1:]):
        for rel in list_directory(root):
            text = decode_text((root / rel).read_bytes())
            if text is not None and len(text) < 1_000_000:
                files[f"{root.name}/{rel}"] = SourceFile(rel, text)
    repo = RepoView(files)
    config = Config()
    for f in files.values():
        for attr in PARSES:
            kind = {"python_nodes": "python", "yaml_docs": "yaml"}.get(attr, attr)
            if kind in f.kinds:
                t = time.perf_counter()
                try:
                    getattr(f, attr)
                except ParseError:
                    pass
                cost[f"(parse {attr})"] += time.perf_counter() - t
        for rule in rules.values():
            if not (rule.kinds & f.kinds) or (f.is_test and not rule.include_tests):
                continue
            ctx = Context({**rule.options}, repo if rule.repo_kinds else None)
            t = time.perf_counter()
            try:
                list(rule.check(f, ctx))
            except Exception:
                pass
            cost[rule.id] += time.perf_counter() - t
    total = sum(cost.values())
    print(f"{len(files)} files, {total:.2f} s total")
    for name, secs in cost.most_common(25):
        print(f"  {name:<36} {secs:>7.2f} s  {100 * secs / total:>5.1f}%")


if __name__ == "__main__":
    main()
