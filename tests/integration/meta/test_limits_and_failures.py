"""Meta's rate limits, token errors and lost answers, through the real client: usage near
the limit pauses that account's streams (not the other network's), error 190 names the
setting to fix, and a send whose answer was lost is found instead of sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.networks.base import NetworkError, NetworkUnavailable, RateLimited
from bot.networks.meta import FacebookNetwork, InstagramNetwork, TokenRejected
from sandbox.meta_graph import MetaGraphStandIn
from storage.enums import Visibility
from tests.integration.meta.helpers import facebook_for, only, outgoing


def fetch(network: FacebookNetwork | InstagramNetwork, stream: str, meta: MetaGraphStandIn):
    run = next(s.fetch for s in network.streams() if s.name == stream)
    return run(None, meta.now() - timedelta(hours=1), None)


def graph_calls(meta: MetaGraphStandIn) -> int:
    return len(meta.requests)


def test_usage_at_95_percent_pauses_the_pages_streams_while_instagram_keeps_polling(
    meta: MetaGraphStandIn, facebook: FacebookNetwork, instagram: InstagramNetwork
) -> None:
    meta.set_usage(95, account=meta.page["id"])
    meta.visitor_post("Ann Lee", "Lost my receipt")

    first = fetch(facebook, "feed", meta)
    assert [p.text for p in first.posts] == ["Lost my receipt"]  # what was read is kept
    assert first.pause_until == meta.now() + timedelta(minutes=10)
    before = graph_calls(meta)
    with pytest.raises(RateLimited) as paused:
        fetch(facebook, "messenger", meta)
    assert graph_calls(meta) == before  # not even asked
    assert paused.value.until == first.pause_until
    assert f"account {meta.page['id']} at 95% of its limit" in paused.value.reason

    media = meta.ig_media("Summer")
    meta.ig_comment("dana", media["id"], "Sizes?")
    assert [p.text for p in fetch(instagram, "comments", meta).posts] == ["Sizes?"]

    meta.set_usage(20, account=meta.page["id"])
    meta.advance(minutes=11)
    assert fetch(facebook, "messenger", meta).pause_until is None


def test_metas_estimate_sets_how_long_the_pause_lasts(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    meta.set_usage(97, account=meta.page["id"], regain_minutes=42)
    page = fetch(facebook, "feed", meta)
    assert page.pause_until == meta.now() + timedelta(minutes=42)


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001, 80006])
def test_a_rate_limit_error_pauses_until_meta_says_access_returns(
    meta: MetaGraphStandIn, facebook: FacebookNetwork, code: int
) -> None:
    meta.throttle(meta.page["id"], code=code, regain_minutes=7)

    with pytest.raises(RateLimited) as limited:
        fetch(facebook, "feed", meta)

    assert limited.value.until == meta.now() + timedelta(minutes=7)
    assert f"Meta rate limit reached (code {code}" in limited.value.reason
    with pytest.raises(RateLimited):
        fetch(facebook, "messenger", meta)  # the same Page: paused too, without a call


def test_an_expired_token_is_an_error_in_plain_words_naming_the_setting(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    message = meta.messenger("Cara Diaz", "hi")
    meta.revoke_token()

    with pytest.raises(TokenRejected) as rejected:
        fetch(facebook, "feed", meta)

    assert rejected.value.retryable is False
    assert rejected.value.reason.startswith("Meta rejected the Page access token (error 190:")
    assert "set it in FACEBOOK_PAGE_ACCESS_TOKEN" in rejected.value.reason
    with pytest.raises(TokenRejected):
        facebook.client.post(
            f"{meta.page['id']}/messages",
            {"recipient": {"id": message["from"]["id"]}, "message": {"text": "x"}},
        )


def test_a_wrong_app_secret_is_named_as_the_setting_to_fix(meta: MetaGraphStandIn) -> None:
    facebook = facebook_for(meta, app_secret="not-the-apps-secret")
    with pytest.raises(NetworkError, match="META_APP_SECRET") as refused:
        facebook.whoami()
    assert refused.value.retryable is False


def test_a_missing_permission_is_explained(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    meta.deny("pages_messaging")
    with pytest.raises(NetworkError, match="lack of a permission.*pages_messaging"):
        fetch(facebook, "messenger", meta)


def test_a_private_reply_whose_answer_was_lost_is_found_not_sent_again(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    post = meta.page_post("Price update")
    meta.comment("Bob Stone", post["id"], "Charged twice")
    comment = only(fetch(facebook, "feed", meta).posts, "comment")
    reply = outgoing(comment, "Sorry! Which card?", Visibility.PRIVATE)
    started = meta.now()
    meta.drop_after_commit("POST", "/messages")

    with pytest.raises(NetworkUnavailable):
        facebook.send(reply)

    # After a restart: a fresh connection looks before sending again.
    restarted = facebook_for(meta)
    found = restarted.find_sent(reply, started)
    assert found is not None
    messages = [m for t in meta.threads.values() for m in t["messages"]]
    assert [(m["id"], m["message"]) for m in messages] == [
        (found.external_id, "Sorry! Which card?")
    ]


def test_a_public_answer_whose_answer_was_lost_is_found_not_posted_again(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    post = meta.page_post("Price update")
    meta.comment("Bob Stone", post["id"], "Charged twice")
    comment = only(fetch(facebook, "feed", meta).posts, "comment")
    reply = outgoing(comment, "We're refunding it", Visibility.PUBLIC)
    started = meta.now()
    meta.drop_after_commit("POST", "/comments")

    with pytest.raises(NetworkUnavailable):
        facebook.send(reply)

    found = facebook_for(meta).find_sent(reply, started)
    assert found is not None
    ours = [c for c in meta.comments.values() if c["from"]["id"] == meta.page["id"]]
    assert [(c["id"], c["message"]) for c in ours] == [(found.external_id, "We're refunding it")]


def test_an_instagram_dm_whose_answer_was_lost_is_found(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    meta.ig_dm("hana", "Refund?")
    message = only(fetch(instagram, "direct", meta).posts, "ig_dm")
    reply = outgoing(message, "Sent today", Visibility.PRIVATE)
    started = meta.now()
    meta.drop_after_commit("POST", "/messages")

    with pytest.raises(NetworkUnavailable):
        instagram.send(reply)

    assert instagram.find_sent(reply, started) is not None


def test_a_send_that_never_took_effect_is_not_found(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    meta.messenger("Cara Diaz", "Is my order shipped?")
    message = only(fetch(facebook, "messenger", meta).posts, "messenger_message")
    reply = outgoing(message, "It ships today", Visibility.PRIVATE)
    started = meta.now()
    meta.server_error("/messages")

    with pytest.raises(NetworkUnavailable):
        facebook.send(reply)

    assert facebook.find_sent(reply, started) is None
    facebook.send(reply)  # so sending it now is safe, and it goes once
    assert facebook.find_sent(reply, started) is not None


def test_a_stalled_graph_call_times_out_as_unavailable(meta: MetaGraphStandIn) -> None:
    facebook = facebook_for(meta)
    facebook.client.timeout = (1.0, 0.3)
    meta.inject(lambda request: "/feed" in request.path, None, delay=1.0)

    with pytest.raises(NetworkUnavailable, match="could not reach"):
        fetch(facebook, "feed", meta)


def test_an_instagram_private_reply_whose_answer_was_lost_is_found(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    media = meta.ig_media("Summer")
    meta.ig_comment("dana", media["id"], "Arrived broken")
    comment = only(fetch(instagram, "comments", meta).posts, "ig_comment")
    reply = outgoing(comment, "So sorry, which order?", Visibility.PRIVATE)
    started = meta.now()
    meta.drop_after_commit("POST", "/messages")

    with pytest.raises(NetworkUnavailable):
        instagram.send(reply)

    found = instagram.find_sent(reply, started)
    [thread] = meta.threads.values()
    assert found is not None and [m["id"] for m in thread["messages"]] == [found.external_id]
