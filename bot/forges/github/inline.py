"""Which findings get inline review comments, and where: only lines GitHub shows in the diff."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bot.models import ChangedFile, Finding
from bot.render.comments import github_fix, off_diff_note


@dataclass
class InlinePlan:
    comments: list[dict] = field(default_factory=list)  # bodies for POST pulls/{n}/reviews
    posted: list[Finding] = field(default_factory=list)
    already: list[Finding] = field(default_factory=list)  # the bot commented on these before
    not_inline: list[Finding] = field(default_factory=list)  # over the cap or outside the diff


def place(finding: Finding, change: ChangedFile | None) -> dict | None:
    """`line`/`side` (and `start_line` for a range inside one hunk) on the RIGHT side, or None."""
    if change is None or change.whole_file or change.binary or change.status == "deleted":
        return None
    s = finding.suggestion
    if s is not None and any(lo <= s.start_line and s.end_line <= hi for lo, hi in change.hunks):
        # on exactly the lines the fix replaces, so the comment can carry a ```suggestion
        if s.end_line > s.start_line:
            return {"start_line": s.start_line, "start_side": "RIGHT", "line": s.end_line, "side": "RIGHT"}
        return {"line": s.start_line, "side": "RIGHT"}
    end_line = max(finding.end_line or finding.line, finding.line)
    for lo, hi in change.hunks:
        if lo <= finding.line <= hi:
            end = min(end_line, hi)
            if end > finding.line:
                return {"start_line": finding.line, "start_side": "RIGHT", "line": end, "side": "RIGHT"}
            return {"line": finding.line, "side": "RIGHT"}
    for lo, _hi in change.hunks:  # the range starts above the hunk but reaches into it
        if finding.line < lo <= end_line:
            return {"line": lo, "side": "RIGHT"}
    return None


def nearest(finding: Finding, change: ChangedFile | None) -> dict | None:
    """For a finding the diff does not show (the change removed a setting a few lines below the
    anchor): the nearest line the diff shows in the same file, where GitHub accepts a comment."""
    if change is None or change.whole_file or change.binary or change.status == "deleted" or not change.hunks:
        return None
    line = min((n for lo, hi in change.hunks for n in (lo, hi)), key=lambda n: (abs(n - finding.line), n))
    for lo, hi in change.hunks:  # the closest point of each hunk is one of its ends, or inside it
        if lo <= finding.line <= hi:
            line = finding.line
    return {"line": line, "side": "RIGHT"}


def plan_inline(findings: Sequence[Finding], changes: Iterable[ChangedFile], existing: set[str], cap: int,
                body: Callable[[Finding, str], str]) -> InlinePlan:
    """`body(finding, fix_block)` renders a comment; the fix block suits where the comment lands."""
    by_path = {c.path: c for c in changes}
    plan = InlinePlan()
    for f in findings:
        if f.fingerprint and f.fingerprint in existing:
            plan.already.append(f)
            continue
        change = by_path.get(f.path)
        where, note = place(f, change), ""
        if where is None and (where := nearest(f, change)) is not None:
            note = off_diff_note(f)
        if where is None or len(plan.comments) >= cap:
            plan.not_inline.append(f)
            continue
        fix_block = github_fix(f, where.get("start_line", where["line"]), where["line"])
        plan.comments.append({"path": f.path, "body": note + body(f, fix_block), **where})
        plan.posted.append(f)
    return plan
