"""The bot on GitLab posts only what a merge request introduces (scope `new`, the default)."""
from __future__ import annotations

from bot.state import decode_state, inline_fingerprint
from tests.gitlab.helpers import mr_payload
from tests.new_code_cases import HEAD_CLIENT, OLD_CLIENT, PROBED, UNPROBED


async def test_discussions_only_for_new_findings_and_a_collapsed_count(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 11, base={"app/client.py": OLD_CLIENT}, head={"app/client.py": HEAD_CLIENT})
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()

    (summary,) = fake_gitlab.summaries(mr)
    state = decode_state(summary["body"])
    assert [(f.rule, f.line) for f in state] == [("http.client-no-timeout", 9)]
    assert "1 finding already present in the files this change touches" in summary["body"]
    assert [d["notes"][0]["position"]["new_line"] for d in mr.discussions] == [9]
    assert fake_gitlab.rejections == []


async def test_a_new_finding_outside_the_diff_goes_on_the_nearest_shown_line(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 12, base={"k8s/web.yaml": PROBED},
                            head={"k8s/web.yaml": UNPROBED})
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()
    state = decode_state(fake_gitlab.summaries(mr)[0]["body"])
    gap = next(f for f in state if f.rule == "k8s.no-probes")
    (d,) = [d for d in mr.discussions if inline_fingerprint(d["notes"][0]["body"]) == gap.fingerprint]
    assert d["notes"][0]["position"]["new_line"] != gap.line
    assert "outside the lines this diff shows" in d["notes"][0]["body"]
    assert fake_gitlab.rejections == []
