"""Where findings go inline on GitLab: text positions on lines the merge request diff shows."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.models import ChangedFile, Finding

_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def line_map(diff: str) -> dict[int, int | None]:
    """New-side line -> old-side line for every line a diff shows (None: an added line)."""
    out: dict[int, int | None] = {}
    old = new = 0
    in_hunk = False
    for line in diff.splitlines():
        m = _HUNK.match(line)
        if m:
            old, new, in_hunk = int(m.group(1)), int(m.group(2)), True
            continue
        if not in_hunk or line.startswith("\\"):
            continue
        if line.startswith("+"):
            out[new] = None
            new += 1
        elif line.startswith("-"):
            old += 1
        else:  # context (a blank context line may have lost its leading space)
            out[new] = old
            old += 1
            new += 1
    return out


def position(finding: Finding, change: ChangedFile | None, lines: Mapping[int, int | None],
             refs) -> dict | None:
    """A `position_type: text` position for the finding's first line the diff shows, or None.

    `old_line` only for unchanged context lines (GitLab needs both there); never for added lines
    or added files.
    """
    if change is None or change.whole_file or change.binary or change.status == "deleted":
        return None
    end = max(finding.end_line or finding.line, finding.line)
    line = next((n for n in range(finding.line, end + 1) if n in lines), None)
    s = finding.suggestion
    if s is not None and all(n in lines for n in range(s.start_line, s.end_line + 1)):
        line = s.start_line  # inside the lines the fix replaces, so the note can carry a suggestion
    if line is None:  # not shown by the diff: the nearest line it shows in the same file
        line = min(lines, key=lambda n: (abs(n - finding.line), n), default=None)
    if line is None:
        return None
    pos = {"position_type": "text", "base_sha": refs.base_sha, "start_sha": refs.start_sha,
           "head_sha": refs.head_sha, "new_path": change.path, "old_path": change.old_path or change.path,
           "new_line": line}
    old = lines[line]
    if old is not None and change.status != "added":
        pos["old_line"] = old
    return pos


def on_its_lines(finding: Finding, line: int) -> bool:
    """True when `line` is one of the finding's own lines or of its fix's (not the nearest fallback)."""
    s = finding.suggestion
    return finding.line <= line <= max(finding.line, finding.end_line) or (
        s is not None and s.start_line <= line <= s.end_line)


@dataclass
class InlinePlan:
    posts: list[tuple[Finding, dict]] = field(default_factory=list)  # (finding, position)
    already: list[Finding] = field(default_factory=list)  # a discussion carries its fingerprint
    not_inline: list[Finding] = field(default_factory=list)  # over the cap or outside the diff


def plan_inline(findings: Sequence[Finding], changes: Iterable[ChangedFile],
                lines: Mapping[str, Mapping[int, int | None]], existing: set[str], cap: int, refs,
                where: Callable = position) -> InlinePlan:
    by_path = {c.path: c for c in changes}
    plan = InlinePlan()
    for f in findings:
        if f.fingerprint and f.fingerprint in existing:
            plan.already.append(f)
            continue
        pos = where(f, by_path.get(f.path), lines.get(f.path, {}), refs)
        if pos is None or len(plan.posts) >= cap:
            plan.not_inline.append(f)
            continue
        plan.posts.append((f, pos))
    return plan
