"""Shared pieces of web.html-injection: what looks like HTML, which calls escape, how severity is graded."""
from __future__ import annotations

import re

from checks.model import Severity

TAG = re.compile(r"<\s*/?\s*(?:a|abbr|b|body|br|button|code|div|em|form|h[1-6]|head|hr|html|i|iframe|img|input|"
                 r"label|li|link|meta|ol|option|p|pre|script|select|small|span|strong|style|table|tbody|td|"
                 r"textarea|th|thead|title|tr|u|ul|svg|details|summary|section|article|header|footer|nav|main|"
                 r"font|center|blockquote|dl|dt|dd|figure|caption|video|audio|source|object|embed|!DOCTYPE)"
                 r"(?=[\s/>])", re.I)
ESCAPE_FN = re.compile(r"(?i)escape|sanitize|sanitise|bleach|clean|quote|purify|encode|urlencode|strconv|"
                       r"itoa|format_html|json\.dumps|^int$|^len$|^float$|^str\(int|^round$|^abs$|count|"
                       r"^humanize|isoformat|strftime|^Format$")
# A sanitizer applied to the finished HTML (bluemonday policies, bleach, DOMPurify, the project's own step).
SANITIZER = re.compile(r"(?i)sanitiz|sanitis|bluemonday|bleach\.clean|purify|\bUGCPolicy\b|StrictPolicy")

# Where the HTML goes: a page or e-mail the code visibly produces, or somewhere this function does not show.
PAGE = "page"
ELSEWHERE = "elsewhere"


def grade(untrusted: bool, sink: str) -> Severity:
    """Request data into a visible page is the plain case; unknown values or unseen destinations rank lower."""
    if sink == PAGE:
        return Severity.CRITICAL if untrusted else Severity.HIGH
    return Severity.HIGH if untrusted else Severity.MEDIUM


def note(untrusted: bool, sink: str) -> str | None:
    sev = grade(untrusted, sink)
    if sev is Severity.CRITICAL:
        return None
    where = "" if sink == PAGE else "this function does not show it reaching a page or e-mail unsanitized"
    what = "" if untrusted else "the value is not request data visible here"
    return f"{sev.name}: " + "; ".join(x for x in (what, where) if x)
