"""Forges: the only code that talks HTTP or git (GitHub, GitLab, local git)."""
