"""Shared pytest settings: fixture trees are data for the rules, never test modules."""

collect_ignore_glob = ["fixtures/*", "contracts/*"]
