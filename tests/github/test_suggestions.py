"""Suggested changes on GitHub: a ```suggestion block only on exactly the lines the fix replaces,
inside the diff (the fake refuses comments off the diff with a 422), else the fix as a plain diff."""
from __future__ import annotations

import re

import pytest

from tests.github.helpers import REPO, ROOT_DOCKERFILE, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback

_SUGGESTION = re.compile(r"```suggestion\n(.*?)```", re.DOTALL)
_CONTAINER_TAIL = "".join(f"            - name: V{i}\n              value: \"{i}\"\n" for i in range(6))
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: NAME
          image: registry.example.com/api:1.4.2
          env:
""" + _CONTAINER_TAIL


async def test_suggestion_blocks_sit_on_the_lines_they_replace(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": ROOT_DOCKERFILE})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()

    (review,) = fake_github.reviews
    assert review["comments"] >= 1  # the fake accepted every placement
    (comment,) = [c for c in fake_github.review_comments if "docker.root-user" in c["body"]]
    (block,) = _SUGGESTION.findall(comment["body"])
    # the fix inserts the user after `COPY . /app` (line 2): the comment covers exactly that line
    assert comment["line"] == 2 and "start_line" not in comment
    assert block == "COPY . /app\nRUN useradd --system --uid 10001 --user-group --no-create-home app\nUSER 10001\n"
    lines = ROOT_DOCKERFILE.splitlines()
    assert block.splitlines()[0] == lines[comment["line"] - 1]


async def test_a_fix_outside_the_diff_is_shown_as_a_plain_diff(fake_github, service):
    base = DEPLOYMENT.replace("NAME", "api")
    pr = fake_github.add_pr(REPO, 3, base={"deploy/api.yaml": base},
                            head={"deploy/api.yaml": DEPLOYMENT.replace("NAME", "api-v2")})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()

    (comment,) = [c for c in fake_github.review_comments if "k8s.security-context" in c["body"]]
    assert comment["line"] == 14  # on the finding: the fix's lines (the container's end) are not in the diff
    assert "```suggestion" not in comment["body"]
    assert "```diff\n" in comment["body"] and "+          securityContext:" in comment["body"]
