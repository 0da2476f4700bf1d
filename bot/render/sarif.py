"""SARIF 2.1.0 output, ready for GitHub code scanning upload."""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import bot
from bot.models import Finding, Review, Severity
from checks.registry import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
# GitHub code scanning reads `security-severity` (0-10) to rank security alerts.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
SECURITY_AREAS = ("secrets", "security")
# Rules of other areas whose findings are security weaknesses: code scanning shows `security-severity`
# only on rules tagged `security`.
SECURITY_RULES = frozenset({
    "ci.pwn-request", "ci.script-injection", "ci.secret-build-arg", "ci.unpinned-action",
    "compose.plaintext-credentials", "docker.add-remote", "docker.config-baked-in", "docker.root-user",
    "docker.secret-in-build", "k8s.privileged", "k8s.sa-token-automount", "k8s.security-context",
})


def is_security(rule: Rule) -> bool:
    return rule.area in SECURITY_AREAS or rule.id in SECURITY_RULES


def to_sarif(review: Review, rules: Mapping[str, Rule], root: Path | None = None) -> dict:
    """`root`: the directory the findings' paths are relative to (the repository root), which becomes
    %SRCROOT%; without it (a forge's review) consumers resolve %SRCROOT% to their checkout."""
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
            "properties": {"severity": f.severity.name, "area": f.area, "id": f.number,
                           **({"note": f.note} if f.note else {})},
            # scope `new`: every result is one the change introduces (SARIF's baseline state)
            **({"baselineState": "new"} if review.scope == "new" else {}),
            # copies of the same resource in other files
            **({"relatedLocations": [
                {"id": i + 1, "physicalLocation": {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                                                   "region": {"startLine": line}},
                 "message": {"text": "the same finding in a copy of this resource"}}
                for i, (path, line) in enumerate(f.locations)]} if f.locations else {}),
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
        "results": results,
        "invocations": [{"executionSuccessful": not review.errors,
                         "toolExecutionNotifications": notifications}],
        "properties": {"verdict": review.verdict, "counts": review.counts,
                       **({"coverage": review.coverage.to_json()} if review.coverage is not None else {}),
                       **({"ci": review.ci.to_json()} if review.ci is not None else {})},
    }
    if root is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root.resolve().as_uri().rstrip("/") + "/"}}
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
            "tags": list(dict.fromkeys([rule.area, "security"] if is_security(rule) else [rule.area])),
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
        },
    }


def render_sarif(review: Review, rules: Mapping[str, Rule], root: Path | None = None) -> str:
    return json.dumps(to_sarif(review, rules, root), indent=2, ensure_ascii=False) + "\n"
