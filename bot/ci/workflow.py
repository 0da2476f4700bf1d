"""GitHub Actions workflow commands (`::error file=…::…`) and the job summary ($GITHUB_STEP_SUMMARY)."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.models import Finding, Severity

SUMMARY_LIMIT = 1024 * 1024 - 4096  # GitHub refuses step summaries over 1 MiB
_COMMAND = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
            Severity.LOW: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    """One finding as a workflow command: GitHub shows it on the file and line of the pull request."""
    props = {"file": f.path, "line": str(max(1, f.line)),
             "endLine": str(max(1, f.end_line or f.line, f.line)),
             "title": f"{f.severity.name} {f.title} ({f.rule})"}
    message = f"{f.message}\n\nFix: {f.fix}" if f.fix else f.message
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{_COMMAND.get(f.severity, 'warning')} {head}::{escape_data(message)}"


def annotations(findings: Iterable[Finding]) -> list[str]:
    return [annotation(f) for f in findings]


def append_step_summary(path: str | None, markdown: str) -> bool:
    """Append to the job summary file when the runner provides one. False when there is none."""
    if not path:
        return False
    if len(markdown.encode()) > SUMMARY_LIMIT:
        markdown = markdown.encode()[:SUMMARY_LIMIT].decode("utf-8", "ignore") + "\n\n… (truncated)\n"
    with Path(path).open("a", encoding="utf-8") as fh:
        fh.write(markdown.rstrip("\n") + "\n")
    return True
