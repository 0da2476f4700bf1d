"""Imports every rule module so that each registers itself (one module per rule, grouped by area)."""
from __future__ import annotations

import importlib
import pkgutil

import checks

_AREA_PACKAGES = ("secrets", "security", "reliability", "infrastructure", "ci", "quality", "tests")

for _area in _AREA_PACKAGES:
    _pkg = importlib.import_module(f"checks.{_area}")
    for _info in sorted(pkgutil.iter_modules(_pkg.__path__), key=lambda i: i.name):
        if not _info.name.startswith("_"):
            importlib.import_module(f"checks.{_area}.{_info.name}")

del checks
