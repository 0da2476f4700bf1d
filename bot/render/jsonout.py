"""The machine-readable review (`--format json`); its shape is a public contract."""
from __future__ import annotations

import json

from bot.models import Review, severity_counts

JSON_VERSION = 1


def to_dict(review: Review) -> dict:
    data = {
        "version": JSON_VERSION,
        "verdict": review.verdict,
        "counts": review.counts,
        "findings": [f.to_json() for f in review.findings],
        "skipped": [s.to_json() for s in review.skipped],
        "files_reviewed": review.files_reviewed,
        "scope": review.scope,
        # findings already present at the merge base in the touched files (scope `new`): not the
        # change's, not in `counts` or the verdict
        "preexisting": {
            "count": len(review.preexisting),
            "counts": severity_counts(review.preexisting),
            "findings": [f.to_json() for f in review.preexisting],
        },
        "baselined": review.baselined,
        "suppressed": review.suppressed,
    }
    if review.warnings:
        data["warnings"] = list(review.warnings)
    if review.errors:
        data["errors"] = [{"rule": e.rule, "path": e.path, "error": e.error} for e in review.errors]
    if review.coverage is not None:
        data["coverage"] = review.coverage.to_json()
    if review.ci is not None:
        data["ci"] = review.ci.to_json()
    if review.verification is not None:
        data["verification"] = [
            {"status": r.status, "rule": r.rule, "severity": r.severity, "title": r.title,
             "path": r.path, "line": r.line, "id": r.number, "previous_id": r.previous_number}
            for r in review.verification
        ]
    return data


def render_json(review: Review) -> str:
    return json.dumps(to_dict(review), indent=2, ensure_ascii=False) + "\n"
