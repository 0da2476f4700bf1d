"""The readiness rules: pure functions over parsed files, with their catalog metadata."""
from checks.registry import Context, Example, RepoView, Rule, all_rules, rule

__all__ = ["Context", "Example", "RepoView", "Rule", "all_rules", "rule"]
