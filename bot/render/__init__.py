"""Pure renderers of a Review: markdown report, JSON, SARIF, forge comment bodies."""
