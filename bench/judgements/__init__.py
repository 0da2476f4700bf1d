"""Hand judgements of real-service findings: bench/judgements/*.tsv, one file per rule or area.

Columns (tab-separated, `#` starts a comment line):
  rule  repository  path  line text  verdict  reason
`repository` is the bundle's short name (podinfo, miniflux, ...); `line text` is the first line of
the finding's snippet with whitespace folded (what `line_key` gives); `verdict` is `real` or `noise`.
A judgement is made by reading the code, never from the tool's output alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("real", "noise")


def line_key(snippet: str) -> str:
    first = snippet.strip("\n").split("\n", 1)[0] if snippet else ""
    return re.sub(r"\s+", " ", first).strip()


@dataclass
class Judgements:
    table: dict[tuple[str, str, str, str], tuple[str, str]]

    @classmethod
    def load(cls, folder: Path = HERE) -> "Judgements":
        table: dict[tuple[str, str, str, str], tuple[str, str]] = {}
        for tsv in sorted(folder.glob("*.tsv")):
            for n, raw in enumerate(tsv.read_text(encoding="utf-8").splitlines(), 1):
                if not raw.strip() or raw.lstrip().startswith("#"):
                    continue
                cols = raw.split("\t")
                if len(cols) != 6 or cols[4] not in VERDICTS:
                    raise SystemExit(f"{tsv.name}:{n}: expected 6 tab-separated columns with verdict "
                                     f"real|noise: {raw!r}")
                rule, repo, path, text, verdict, reason = cols
                table[(rule, repo, path, line_key(text))] = (verdict, reason)
        return cls(table)

    def verdict(self, rule: str, repo: str, path: str, snippet: str) -> str | None:
        hit = self.table.get((rule, repo, path, line_key(snippet)))
        return hit[0] if hit else None
