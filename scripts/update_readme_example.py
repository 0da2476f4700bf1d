"""Regenerate the README's example report from a real run of the demo (command 1 of the README)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- example-report -->", "<!-- /example-report -->"


def abridged(report: str) -> str:
    """Headline, counts, one finding in full, then the area summary and action items."""
    lines = report.splitlines()
    out: list[str] = []
    shown_findings = 0
    skipping = False
    for line in lines:
        if line.startswith("#### "):
            shown_findings += 1
            skipping = shown_findings > 1
        elif line.startswith("### "):
            skipping = line.startswith(("### 🔴", "### 🟠", "### 🟡", "### 🔵")) and shown_findings >= 1
            if skipping:
                out.append(f"{line}\n\n…")
                continue
        if not skipping:
            out.append(line)
    return "\n".join(out).replace("\n…\n\n…", "\n…")


def main() -> None:
    cmd = [sys.executable, "-m", "bot", "review", "--repo", "examples/demo-service",
           "--diff", "examples/demo-service.diff"]
    report = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False).stdout
    readme = (ROOT / "README.md").read_text()
    block = f"{START}\n\n````markdown\n{abridged(report).strip()}\n````\n\n{END}"
    pattern = re.compile(re.escape(START) + r".*?(" + re.escape(END) + r"|$)", re.S)
    if END not in readme:
        readme = readme.replace(START, START + "\n" + END)
    readme = pattern.sub(lambda _: block, readme, count=1)
    (ROOT / "README.md").write_text(readme)


if __name__ == "__main__":
    main()
