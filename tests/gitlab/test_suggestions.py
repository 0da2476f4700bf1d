"""Suggested changes on GitLab: ```suggestion:-N+M blocks whose lines the merge request diff shows."""
from __future__ import annotations

import re

import pytest

from bot.forges.gitlab.positions import line_map
from tests.gitlab.helpers import ROOT_DOCKERFILE, mr_payload

pytestmark = pytest.mark.slow  # real servers on loopback

_SUGGESTION = re.compile(r"```suggestion:-(\d+)\+(\d+)\n(.*?)```", re.DOTALL)


async def test_suggestion_offsets_cover_lines_of_the_diff(fake_gitlab, service):
    compose = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27-alpine\n'
    mr = fake_gitlab.add_mr(42, 7, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": ROOT_DOCKERFILE, "docker-compose.yml": compose})
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()

    assert fake_gitlab.rejections == []
    diffs = {d["new_path"]: line_map(d["diff"]) for d in mr.diffs()}
    blocks = {}
    for d in mr.discussions:
        note = d["notes"][0]
        found = _SUGGESTION.findall(note["body"])
        if not found:
            continue
        (above, below, text), = found
        line = note["position"]["new_line"]
        shown = diffs[note["position"]["new_path"]]
        assert all(n in shown for n in range(line - int(above), line + int(below) + 1))
        blocks[note["position"]["new_path"]] = (line, int(above), int(below), text)
    user = "RUN useradd --system --uid 10001 --user-group --no-create-home app\n"
    user = "RUN useradd --system --uid 10001 --user-group --no-create-home app\n"
    assert blocks["Dockerfile"] == (2, 0, 0, f"COPY . /app\n{user}USER 10001\n")
