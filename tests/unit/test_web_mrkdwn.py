"""Slack text on the sandbox page: formatted as Slack shows it, never as HTML the
customer wrote."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sandbox.web.mrkdwn import TextContext, format_date, literal, mrkdwn, plain_text

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CONTEXT = TextContext(
    users={"U0MARIA": "maria", "U0LEAD": "lead"},
    usergroups={"S0APPROVE": "approvers"},
    channels={"C0CARE": "customer-care"},
    me="U0MARIA",
    tz=ZoneInfo("Europe/Madrid"),
    now=lambda: NOW,
    local_link=lambda url: "#thread=1.2" if url.startswith("https://carethread") else None,
)


def show(text: str) -> str:
    return str(mrkdwn(text, CONTEXT))


def test_escaped_customer_text_shows_literally_and_makes_no_tag():
    html = show("&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &amp;amp;")
    assert "<script" not in html
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &amp;amp;"


def test_raw_angle_brackets_that_are_not_tokens_are_escaped():
    assert show("a < b > c \" ' &") == "a &lt; b &gt; c &quot; &#x27; &amp;"


def test_mentions_show_names_and_the_viewer_is_highlighted():
    html = show("<@U0LEAD> and <@U0MARIA>, ask <!subteam^S0APPROVE> in <#C0CARE> <!here>")
    assert '<span class="mention">@lead</span>' in html
    assert '<span class="mention me">@maria</span>' in html
    assert '<span class="mention group">@approvers</span>' in html
    assert '<span class="mention channel">#customer-care</span>' in html
    assert '<span class="mention broadcast">@here</span>' in html


def test_unknown_user_falls_back_to_the_label_then_the_id():
    assert "@old-name" in show("<@U0GONE|old-name>")
    assert "@U0GONE" in show("<@U0GONE>")


def test_links_keep_safe_schemes_only_and_escape_their_labels():
    html = show("<https://x.com/a/status/1?a=1&amp;b=2|View &lt;b&gt;on&lt;/b&gt; X>")
    assert 'href="https://x.com/a/status/1?a=1&amp;b=2"' in html
    assert ">View &lt;b&gt;on&lt;/b&gt; X</a>" in html
    assert show("<javascript:alert(1)|click me>") == "click me"
    assert 'rel="noopener noreferrer"' in html


def test_links_the_page_can_follow_itself_stay_on_the_page():
    html = show("<https://carethread-sandbox.slack.com/archives/C0CARE/p1|open the thread>")
    assert html == '<a href="#thread=1.2" class="local">open the thread</a>'


def test_bold_italic_strike_only_between_word_boundaries():
    assert show("*Claimed* by _now_ ~old~") == "<b>Claimed</b> by <i>now</i> <s>old</s>"
    assert show("@lucia_mtz wrote to @pablo_fdez_x") == "@lucia_mtz wrote to @pablo_fdez_x"
    assert show("2 * 3 * 4") == "2 * 3 * 4"


def test_code_is_not_formatted_and_quotes_become_blockquotes():
    assert show("`*not bold*`") == "<code>*not bold*</code>"
    assert show("```a _b_\nc```") == "<pre>a _b_\nc</pre>"
    assert show(">quoted *line*\n>two\nafter") == (
        "<blockquote>quoted <b>line</b><br>two</blockquote>after"
    )


def test_direction_overrides_are_shown_not_obeyed():
    html = show("invoice \u202egnp.exe")
    assert "\u202e" not in html
    assert ">U+202E</span>gnp.exe" in html
    assert "\u202e" not in str(literal("a\u202eb")) and "U+202E" in str(literal("a\u202eb"))


def test_plain_text_keeps_line_breaks_and_formats_nothing():
    assert str(plain_text("*a*\n<b>")) == "*a*<br>&lt;b&gt;"


def test_dates_show_in_the_viewers_time_zone_with_slack_tokens():
    ts = int(datetime(2026, 3, 1, 9, 30, tzinfo=UTC).timestamp())
    html = show(f"<!date^{ts}^{{date_short_pretty}} at {{time}}|fallback>")
    assert ">Today at 10:30</time>" in html  # Madrid is UTC+1 in March
    assert 'title="fallback"' in html
    assert show(f"<!date^{ts}^{{date_num}}|x>").endswith(">2026-03-01</time>")
    assert show("<!date^not-a-number^{time}|when it was>") == "when it was"


def test_date_tokens():
    moment = datetime(2026, 2, 28, 8, 5, 9, tzinfo=UTC)
    assert format_date("{date_pretty}", moment, NOW) == "Yesterday"
    assert format_date("{date}", moment, NOW) == "February 28th, 2026"
    assert format_date("{date_long}", moment, NOW) == "Saturday, February 28th, 2026"
    assert format_date("{date_short} {time_secs}", moment, NOW) == "Feb 28, 2026 08:05:09"
    assert format_date("{ago} {unknown}", moment, NOW) == "1 day ago {unknown}"
