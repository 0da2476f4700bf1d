"""Build & CI: the results of the other checks of a change's head commit (GitHub checks, GitLab jobs)."""
