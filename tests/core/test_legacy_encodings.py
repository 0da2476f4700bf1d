"""Text files that are not UTF-8 (latin-1 / Windows-1252 source) are reviewed, not skipped as binary."""
from __future__ import annotations

import json
from pathlib import Path

from bot.engine import decode_text
from tests.core.test_cli import cli

LATIN1_SOURCE = ("# -*- coding: latin-1 -*-\n# Café résumé: naïve\nimport os\n\n\n"
                 "def run(name):\n    os.system('ls ' + name)\n").encode("latin-1")


def test_a_latin1_python_file_is_decoded_and_reviewed(tmp_path: Path) -> None:
    (tmp_path / "legacy.py").write_bytes(LATIN1_SOURCE)
    data = json.loads(cli("scan", str(tmp_path), "--format", "json").stdout)
    assert data["skipped"] == []
    assert ("legacy.py", 7) in {(f["path"], f["line"]) for f in data["findings"]}


def test_decoding_keeps_the_characters_and_still_refuses_binaries() -> None:
    assert decode_text(LATIN1_SOURCE).splitlines()[1] == "# Café résumé: naïve"
    assert decode_text("“quoted” – dash".encode("cp1252")) == "“quoted” – dash"
    assert decode_text(b"\x89PNG\r\n\x1a\n\x00\x00") is None
    assert decode_text(bytes(range(1, 32)) * 40 + b"\xff") is None  # control bytes, no NUL
