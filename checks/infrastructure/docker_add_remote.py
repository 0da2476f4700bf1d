"""docker.add-remote: ADD of a remote URL without a checksum."""
from __future__ import annotations

import json
from collections.abc import Iterator

from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.source import SourceFile


@rule(
    "docker.add-remote",
    severity="MEDIUM",
    area="infrastructure",
    title="`ADD` downloads a remote URL",
    why="`ADD https://…` fetches whatever the server returns at build time with no integrity check: a "
        "compromised or changed download goes straight into the image.",
    fix="Download with `curl -fsSL` and verify a pinned checksum (`echo \"<sha256>  file\" | sha256sum -c -`), "
        "or use `ADD --checksum=sha256:…`.",
    kinds={"dockerfile"},
    example=Example(
        path="Dockerfile",
        bad="FROM debian:12-slim\nADD https://example.com/tool.tar.gz /tmp/tool.tar.gz\n",
        good="FROM debian:12-slim\nRUN curl -fsSLo /tmp/tool.tar.gz https://example.com/tool.tar.gz \\\n"
             "    && echo \"3f5a...  /tmp/tool.tar.gz\" | sha256sum -c -\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    for ins in f.dockerfile:
        if ins.cmd != "ADD" or "checksum" in ins.flags:
            continue
        body = ins.body.strip()
        if body.startswith("["):
            try:
                srcs = [str(s) for s in json.loads(body)[:-1]]
            except (ValueError, TypeError):
                srcs = body.split()[:-1]
        else:
            srcs = body.split()[:-1]
        for src in srcs:
            s = src.strip("'\"")
            if s.lower().startswith(("http://", "https://", "git@", "ftp://")):
                yield Hit(ins.line, end_line=ins.end_line, message=f"`ADD {s}` downloads at build time without a checksum")
                break
