"""readiness: production-readiness review for pull requests, merge requests and local diffs."""

__version__ = "0.1.0"
