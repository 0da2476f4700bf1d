"""Which files the secrets rules read as templates, docs, minified bundles, or test and dev-only material."""
from __future__ import annotations

import posixpath
import re

_TEMPLATE_NAME = re.compile(r"(?i)(?:^|[._-])(?:template|example|examples|sample|dist|tmpl|tpl)(?:[._-]|$)")
_DOC_EXT = {".md", ".rst", ".adoc", ".txt", ".markdown"}
# Folders whose files are test fixtures, samples or local test environments: `tests/`, `testdata/`,
# `e2e/`, `test-environments/`, `integration_tests/`, `examples/`.
_SAMPLE_DIR = re.compile(
    r"(?i)^(?:tests?|testdata|testing|fixtures?|__tests__|__mocks__|e2e|examples?|docs_src|samples?|demos?|contrib)$|"
    r"^(?:tests?|e2e)[-_]|[-_](?:tests?|e2e|testdata|fixtures)$"
)
# Folders of local development tooling: a dev container's setup is never deployed.
_DEV_DIR = {".devcontainer", ".vscode", ".idea"}


def is_template_file(path: str) -> bool:
    """`.env.example`, `config.sample.yaml`, `secret.template.yaml`, `values.tmpl`..."""
    return bool(_TEMPLATE_NAME.search(posixpath.basename(path)))


def is_doc_file(path: str) -> bool:
    parts = path.split("/")
    if any(p in ("docs", "doc", "documentation") for p in parts[:-1]):
        return True
    return posixpath.splitext(parts[-1].lower())[1] in _DOC_EXT


def is_minified(path: str, text: str) -> bool:
    name = posixpath.basename(path).lower()
    if re.search(r"\.(?:min|bundle|chunk)\.(?:js|css|mjs)$|\.map$|\.svg$", name):
        return True
    lines = text.count("\n") + 1
    return len(text) > 5000 and len(text) / lines > 400


def sample_folder(path: str) -> str | None:
    """The folder that makes `path` test, sample or dev-only material (`tests`, `e2e`, `.devcontainer`), else None."""
    parts = path.split("/")[:-1]
    if parts[:1] == ["t"]:  # a top-level t/ is the test tree in Perl-style projects
        return "t"
    for part in parts:
        if _SAMPLE_DIR.search(part) or part in _DEV_DIR:
            return part
    return None
