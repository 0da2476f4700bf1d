"""Test coverage from the reports CI already writes: parsers, path mapping, patch and package coverage."""
