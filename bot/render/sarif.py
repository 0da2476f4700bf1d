"""SARIF 2.1.0 output, ready for GitHub code scanning upload."""
from __future__ import annotations

import json
from collections.abc import Mapping

import bot
from bot.models import Finding, Review, Severity
from checks.registry import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
# GitHub code scanning reads `security-severity` (0-10) to rank security alerts.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}


def to_sarif(review: Review, rules: Mapping[str, Rule]) -> dict:
    used = sorted({f.rule for f in review.findings})
    index = {rule_id: i for i, rule_id in enumerate(used)}
    descriptors = [_descriptor(rules[r]) for r in used]
    results = []
    for f in review.findings:
        region = {"startLine": f.line, "endLine": f.end_line}
        if f.snippet:
            region["snippet"] = {"text": f.snippet}
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": LEVELS[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.fix}" if not f.message.endswith(".")
                        else f"{f.message} Fix: {f.fix}"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }],
            "partialFingerprints": {"readiness/v1": f.fingerprint},
            "properties": {"severity": f.severity.name, "area": f.area, "id": f.number},
            **({"fixes": [_fix(f)]} if f.suggestion else {}),
        })
    notifications = [
        {"level": "note", "message": {"text": f"Skipped {s.path}: {s.reason}"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": s.path, "uriBaseId": "%SRCROOT%"}}}]}
        for s in review.skipped
    ] + [
        {"level": "error", "message": {"text": f"Rule {e.rule} failed on {e.path}: {e.error}"}}
        for e in review.errors
    ]
    run = {
        "tool": {"driver": {
            "name": "readiness",
            "version": bot.__version__,
            "semanticVersion": bot.__version__,
            "informationUri": "https://github.com/readiness-bot/readiness",
            "rules": descriptors,
        }},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///"}},
        "results": results,
        "invocations": [{"executionSuccessful": not review.errors,
                         "toolExecutionNotifications": notifications}],
        "properties": {"verdict": review.verdict, "counts": review.counts},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _fix(f: Finding) -> dict:
    """The suggestion as a SARIF fix: whole lines, so the deleted region runs from column 1 of the
    first line to column 1 of the line after the last (its newline included)."""
    s = f.suggestion
    return {
        "description": {"text": f"Apply the readiness fix for {f.rule}"},
        "artifactChanges": [{
            "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
            "replacements": [{
                "deletedRegion": {"startLine": s.start_line, "startColumn": 1,
                                  "endLine": s.end_line + 1, "endColumn": 1},
                "insertedContent": {"text": s.replacement},
            }],
        }],
    }


def _descriptor(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": "".join(part.title() for part in rule.id.replace("-", ".").split(".")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.why}\n\nFix: {rule.fix}",
                 "markdown": f"{rule.why}\n\n**Fix:** {rule.fix}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            # a set of distinct strings (the schema's uniqueItems): "security" once, for both areas
            "tags": list(dict.fromkeys([rule.area, "security"] if rule.area in ("secrets", "security")
                                       else [rule.area])),
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
        },
    }


def render_sarif(review: Review, rules: Mapping[str, Rule]) -> str:
    return json.dumps(to_sarif(review, rules), indent=2, ensure_ascii=False) + "\n"
