"""The bot on GitHub posts only what a pull request introduces (scope `new`, the default)."""
from __future__ import annotations

import pytest

from bot.state import decode_state, inline_fingerprint
from tests.github.helpers import REPO, pr_payload
from tests.new_code_cases import HEAD_CLIENT, OLD_CLIENT, PROBED, UNPROBED

pytestmark = pytest.mark.slow  # real servers on loopback

async def test_inline_and_annotations_only_for_new_findings(fake_github, service):
    pr = fake_github.add_pr(REPO, 3, base={"app/client.py": OLD_CLIENT, "README.md": "hi\n"},
                            head={"app/client.py": HEAD_CLIENT, "README.md": "hi\n"})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()

    (summary,) = fake_github.summaries(3)
    state = decode_state(summary["body"])
    assert [(f.rule, f.line) for f in state] == [("http.client-no-timeout", 9)]
    assert "1 finding already present in the files this change touches" in summary["body"]
    (run,) = fake_github.checks(pr.head_sha)
    assert [(a["path"], a["start_line"]) for a in run["annotations"]] == [("app/client.py", 9)]
    assert [c["line"] for c in fake_github.review_comments] == [9]
    assert inline_fingerprint(fake_github.review_comments[0]["body"]) == state[0].fingerprint


async def test_a_new_finding_outside_the_diff_goes_on_the_nearest_changed_line(fake_github, service):
    pr = fake_github.add_pr(REPO, 4, base={"k8s/web.yaml": PROBED},
                            head={"k8s/web.yaml": UNPROBED})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()

    state = decode_state(fake_github.summaries(4)[0]["body"])
    gap = next(f for f in state if f.rule == "k8s.no-probes")
    assert gap.line == 9  # the container's `- name:` line, far above the hunk
    (comment,) = [c for c in fake_github.review_comments if inline_fingerprint(c["body"]) == gap.fingerprint]
    assert comment["line"] > 12 and "outside the lines this diff shows" in comment["body"]
