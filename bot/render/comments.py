"""Bodies of what the bots post: inline comments, the sticky summary, check-run output."""
from __future__ import annotations

from collections.abc import Container, Sequence

from bot.config import ConfigError
from bot.models import Finding, Review
from bot.render.markdown import ICONS, context_lines, fence, location, render_markdown
from bot.state import SUMMARY_MARKER, encode_state, inline_marker

CHECK_RUN_LIMIT = 65_535
COMMENT_LIMIT = 65_000
HELP_TEXT = (
    "**readiness commands** (comment on the pull request):\n\n"
    "- `/readiness recheck`: review the current head again, analysing every changed file.\n"
    "- `/readiness help`: this message.\n\n"
    "Recheck is open to the author and to users with write, maintain or admin permission."
)


def inline_comment(finding: Finding, fix_block: str = "") -> str:
    """The body of an inline comment; `fix_block` is the suggestion (see github_fix/gitlab_fix)."""
    fix_block = f"{fix_block}\n\n" if fix_block else ""
    return (
        f"{ICONS[finding.severity.name]} **{finding.severity.name} · {finding.title}** "
        f"(`{finding.rule}`)\n\n"
        f"{finding.message}\n\n"
        f"{_context(finding)}"
        f"**Why it matters:** {finding.why}\n\n"
        f"**Fix:** {finding.fix}\n\n"
        f"{fix_block}"
        f"<sub>Suppress with a comment `readiness: ignore[{finding.rule}] <reason>` on this line "
        f"or the line above.</sub>\n"
        f"{inline_marker(finding.fingerprint)}"
    )


def _context(finding: Finding) -> str:
    return "".join(f"{line}\n" for line in context_lines(finding))


def off_diff_note(finding: Finding) -> str:
    """Opening line of an inline comment placed on the nearest changed line, not its own."""
    return f"<sub>This concerns `{location(finding)}`, outside the lines this diff shows.</sub>\n\n"
def github_fix(finding: Finding, start: int, end: int) -> str:
    """A ```suggestion block when the comment sits on exactly the lines the fix replaces (GitHub
    applies it to those lines), else the fix as a plain diff."""
    s = finding.suggestion
    if s is None:
        return ""
    if (s.start_line, s.end_line) == (start, end):
        return "**Suggested change:**\n\n" + _block("suggestion", s.replacement)
    return plain_diff(finding)


def gitlab_fix(finding: Finding, line: int, shown: Container[int]) -> str:
    """A ```suggestion:-N+M block (lines above and below the commented `line`) when every line it
    replaces is shown in the merge request diff, else the fix as a plain diff."""
    s = finding.suggestion
    if s is None:
        return ""
    if s.start_line <= line <= s.end_line and all(n in shown for n in range(s.start_line, s.end_line + 1)):
        return ("**Suggested change:**\n\n" +
                _block(f"suggestion:-{line - s.start_line}+{s.end_line - line}", s.replacement))
    return plain_diff(finding)


def plain_diff(finding: Finding) -> str:
    s = finding.suggestion
    if s is None:
        return ""
    old = [f"-{line}" for line in s.original.splitlines()]
    new = [f"+{line}" for line in s.replacement.splitlines()]
    where = f"{finding.path} line {s.start_line}" if s.start_line == s.end_line else \
        f"{finding.path} lines {s.start_line}-{s.end_line}"
    return f"**Suggested change** ({where}):\n\n" + _block("diff", "\n".join(old + new) + "\n")


def _block(info: str, text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{info}\n{text}{ticks}"


def overflow_note(not_inline: Sequence[Finding]) -> str:
    if not not_inline:
        return ""
    items = ", ".join(f"{f.number} (`{location(f)}`)" for f in not_inline[:30])
    more = f" and {len(not_inline) - 30} more" if len(not_inline) > 30 else ""
    return (f"**Not commented inline** ({len(not_inline)}: over the inline comment cap or outside the "
            f"diff): {items}{more}.")


def summary_comment(review: Review, *, max_chars: int = COMMENT_LIMIT,
                    not_inline: Sequence[Finding] = ()) -> str:
    """The sticky summary: report, then the hidden markers that let the bot find and resume it."""
    state = encode_state(review.findings)
    footer = f"\n{SUMMARY_MARKER}\n{state}\n"
    body = render_markdown(review, max_chars=max_chars - len(footer), omitted_note=overflow_note(not_inline))
    return body + footer


def check_run_output(review: Review, *, not_inline: Sequence[Finding] = ()) -> dict[str, str]:
    summary = render_markdown(review, max_chars=CHECK_RUN_LIMIT - 100, omitted_note=overflow_note(not_inline))
    return {"title": review.headline(), "summary": summary}


def config_error_summary(error: ConfigError) -> str:
    where = f"`{error.path}` line {error.line}" if error.line else f"`{error.path}`"
    text = [
        "## Production readiness review: configuration error\n",
        f"The review did not run because {where} is not valid: **{error.problem}**\n",
    ]
    if error.source_line is not None:
        text.append(fence(f"{error.line:>4} | {error.source_line}") + "\n")
    text.append("The configuration is read from the base branch. Fix it there, then comment "
                "`/readiness recheck`.\n")
    return "\n".join(text)


def failure_summary(reason: str) -> str:
    return (
        "## Production readiness review: failed\n\n"
        f"The review could not be completed: {reason}\n\n"
        "Comment `/readiness recheck` on the pull request to try again.\n"
    )
