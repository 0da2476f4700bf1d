"""tests.patch-coverage: the change's added lines that the tests ran, below the configured target.

A review-level rule: it reads no source file (no `kinds`), so the engine never runs it on one. Its
finding comes from the coverage reports given to the review (bot/coverage/); registering it here
gives it an id, a severity, docs and the `rules:` settings (severity, off) like every other rule.
"""
from __future__ import annotations

from collections.abc import Iterable

from checks.model import Hit
from checks.registry import rule

RULE_ID = "tests.patch-coverage"


@rule(
    RULE_ID,
    severity="medium",
    area="tests",
    title="Added code not run by the tests",
    why=("The share of the change's added executable lines that the test suite ran is below the "
         "`coverage.patch` target: code that no test executes ships its first run to production, "
         "and the next change to it has no safety net."),
    fix=("Add tests that exercise the uncovered added lines listed in the Test Coverage section, or "
         "lower `coverage.patch` in .readiness.yml (`never` reports coverage without a target)."),
    kinds=(),
)
def check(source, ctx) -> Iterable[Hit]:
    return ()
