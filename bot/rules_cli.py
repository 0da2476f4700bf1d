"""`readiness rules`: list every rule or explain one."""
from __future__ import annotations

import json
import sys

from bot.suggest import did_you_mean
from checks import all_rules
from checks.registry import Rule


def show_rules(rule_id: str | None, fmt: str) -> int:
    rules = all_rules()
    if rule_id is None:
        if fmt == "json":
            data = [{"id": r.id, "severity": r.severity.name, "area": r.area, "title": r.title}
                    for r in rules.values()]
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
        elif fmt == "markdown":
            from bot.render.rules_doc import render_rules_doc

            sys.stdout.write(render_rules_doc(rules))
        else:
            width = max(len(r.id) for r in rules.values())
            for r in rules.values():
                sys.stdout.write(f"{r.id:<{width}}  {r.severity.name:<8}  {r.area:<14}  {r.title}\n")
        return 0
    rule = rules.get(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, rules) or " (see `readiness rules`)"
        print(f"readiness: error: unknown rule {rule_id!r}{hint}", file=sys.stderr)
        return 2
    if fmt == "json":
        sys.stdout.write(json.dumps(rule_json(rule), indent=2) + "\n")
    else:
        sys.stdout.write(explain(rule))
    return 0


def rule_json(rule: Rule) -> dict:
    data = {"id": rule.id, "severity": rule.severity.name, "area": rule.area, "title": rule.title,
            "why": rule.why, "fix": rule.fix, "options": dict(rule.options),
            "file_kinds": sorted(rule.kinds), "test_code": "reviewed" if rule.include_tests else "skipped"}
    if rule.example:
        data["example"] = {"path": rule.example.path, "bad": rule.example.bad, "good": rule.example.good}
    return data


def explain(rule: Rule) -> str:
    lines = [
        f"{rule.id}  ({rule.severity.name}, {rule.area})",
        f"  {rule.title}",
        "",
        "Why it matters:",
        f"  {rule.why}",
        "",
        "Fix:",
        f"  {rule.fix}",
        "",
        f"Files: {', '.join(sorted(rule.kinds))}",
        f"Test code: {_test_code(rule)}",
    ]
    if rule.options:
        lines += ["", "Options (.readiness.yml → rules: {" + rule.id + ": {...}}):"]
        lines += [f"  {k}: {json.dumps(v)}" for k, v in rule.options.items()]
    lines += ["", f"Suppress one finding: a comment `readiness: ignore[{rule.id}] <reason>` on the line "
              "or the line above.", f"Turn it off: `rules: {{{rule.id}: off}}` in .readiness.yml."]
    if rule.example:
        lines += ["", f"Flagged ({rule.example.path}):", _indent(rule.example.bad),
                  "", "Not flagged:", _indent(rule.example.good)]
    return "\n".join(lines) + "\n"


def _test_code(rule: Rule) -> str:
    if rule.include_tests:
        return "reviewed too"
    return ("skipped (code under test folders such as tests/, e2e/, tests_e2e/, test file names, and "
            "`paths.tests` in .readiness.yml; manifests, Dockerfiles, Compose and CI files are only test files "
            "under testdata/ or fixtures/)")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").splitlines())
