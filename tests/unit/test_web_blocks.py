"""Block Kit on the sandbox page: every element the bot sends is drawn with what a click
needs, inputs keep what was typed, and nothing is silently dropped."""

from __future__ import annotations

import html
import json
import re

from sandbox.web.app import template_environment
from sandbox.web.mrkdwn import TextContext
from sandbox.web.screens import Renderer

ENV = template_environment()
RENDERER = Renderer(TextContext(users={"U0MARIA": "maria"}))


def render(blocks: list[dict], view: dict | None = None, errors: dict | None = None) -> str:
    template = ENV.from_string(
        '{% import "macros.html" as m %}{{ m.blocks(blocks, r, view, errors) }}'
    )
    return template.render(blocks=blocks, r=RENDERER, view=view, errors=errors or {})


def text(value: str, kind: str = "mrkdwn") -> dict:
    return {"type": kind, "text": value}


def option(value: str, label: str) -> dict:
    return {"text": text(label, "plain_text"), "value": value}


def test_elements_the_page_cannot_draw_are_named_never_dropped():
    page = render(
        [
            {"type": "video", "block_id": "v"},
            {
                "type": "actions",
                "block_id": "a",
                "elements": [
                    {"type": "datepicker", "action_id": "when"},
                    {"type": "button", "action_id": "ok", "text": text("OK", "plain_text")},
                ],
            },
            {
                "type": "section",
                "block_id": "s",
                "text": text("pick"),
                "accessory": {"type": "users_select", "action_id": "who"},
            },
            {"type": "context", "block_id": "c", "elements": [{"type": "rating"}]},
        ]
    )
    for kind in ("video", "datepicker", "users_select", "rating"):
        assert f"unsupported element: {kind}" in page
    assert 'data-action="ok"' in page


def test_buttons_carry_what_the_click_payload_needs_and_their_confirm_as_text():
    page = render(
        [
            {
                "type": "actions",
                "block_id": "case_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "case_close",
                        "value": "7",
                        "style": "danger",
                        "text": text("Close", "plain_text"),
                        "confirm": {
                            "title": text("Close <this>?", "plain_text"),
                            "text": text("It reopens", "plain_text"),
                            "confirm": text("Close", "plain_text"),
                            "deny": text("Keep", "plain_text"),
                        },
                    }
                ],
            }
        ]
    )
    button = re.search(r"<button[^>]*data-action=\"case_close\"[^>]*>", page).group(0)
    assert 'data-block-id="case_actions"' in button and 'data-value="7"' in button
    assert 'class="btn danger"' in button
    confirm = json.loads(html.unescape(re.search(r'data-confirm="([^"]*)"', button).group(1)))
    assert confirm == {
        "title": "Close <this>?",
        "text": "It reopens",
        "confirm": "Close",
        "deny": "Keep",
    }
    assert "<this>" not in page


def test_overflow_and_static_select_list_every_option_with_its_group():
    page = render(
        [
            {
                "type": "actions",
                "block_id": "more",
                "elements": [
                    {
                        "type": "overflow",
                        "action_id": "case_more",
                        "options": [option("history:1", "History"), option("unclaim:1", "Unclaim")],
                    },
                    {
                        "type": "static_select",
                        "action_id": "team",
                        "initial_option": option("billing", "Billing"),
                        "option_groups": [
                            {
                                "label": text("Teams", "plain_text"),
                                "options": [option("billing", "Billing")],
                            }
                        ],
                    },
                ],
            }
        ]
    )
    assert page.count('data-action="case_more"') == 2
    assert 'data-option="unclaim:1"' in page and ">Unclaim</button>" in page
    assert '<option value="billing" selected>Teams · Billing</option>' in page


def test_inputs_show_what_was_typed_the_choice_made_and_their_error():
    blocks = [
        {
            "type": "input",
            "block_id": "text",
            "label": text("Reply", "plain_text"),
            "hint": text("280 at most", "plain_text"),
            "element": {
                "type": "plain_text_input",
                "action_id": "text",
                "multiline": True,
                "initial_value": "@lucia ",
            },
        },
        {
            "type": "input",
            "block_id": "visibility",
            "label": text("Send as", "plain_text"),
            "element": {
                "type": "radio_buttons",
                "action_id": "visibility",
                "initial_option": option("public", "Public"),
                "options": [option("public", "Public"), option("private", "Private")],
            },
        },
        {
            "type": "input",
            "block_id": "note",
            "optional": True,
            "label": text("Note", "plain_text"),
            "element": {"type": "plain_text_input", "action_id": "note"},
        },
    ]
    typed = {
        "state": {
            "values": {
                "text": {"text": {"type": "plain_text_input", "value": "<b>hi</b>"}},
                "visibility": {
                    "visibility": {
                        "type": "radio_buttons",
                        "selected_option": option("private", "Private"),
                    }
                },
            }
        }
    }
    page = render(blocks, view=typed, errors={"text": "Too long for a public reply"})
    assert "&lt;b&gt;hi&lt;/b&gt;</textarea>" in page
    assert 'value="private" checked' in page and 'value="public" checked' not in page
    assert '<div class="error" role="alert">Too long for a public reply</div>' in page
    assert "(optional)" in page and "280 at most" in page
    fresh = render(blocks, view={"state": {"values": {}}})
    assert "@lucia </textarea>" in fresh and 'value="public" checked' in fresh


def test_layout_blocks_and_rich_text():
    page = render(
        [
            {"type": "header", "block_id": "h", "text": text("Today's <queue>", "plain_text")},
            {"type": "divider", "block_id": "d"},
            {
                "type": "image",
                "block_id": "i",
                "image_url": "javascript:alert(1)",
                "alt_text": "chart",
            },
            {
                "type": "section",
                "block_id": "f",
                "fields": [text("*Owner*"), text("<@U0MARIA>")],
            },
            {
                "type": "rich_text",
                "block_id": "r",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "<hi>", "style": {"bold": True}},
                            {"type": "user", "user_id": "U0MARIA"},
                            {"type": "emoji", "name": "wave", "unicode": "1f44b"},
                            {"type": "link", "url": "https://example.org", "text": "site"},
                        ],
                    },
                    {
                        "type": "rich_text_list",
                        "style": "ordered",
                        "elements": [
                            {
                                "type": "rich_text_section",
                                "elements": [{"type": "text", "text": "one"}],
                            }
                        ],
                    },
                ],
            },
        ]
    )
    assert '<h3 class="header">Today&#x27;s &lt;queue&gt;</h3>' in page
    assert "<hr>" in page
    assert 'src=""' in page and 'alt="chart"' in page  # an unsafe address is not used
    assert "<b>Owner</b>" in page and "@maria" in page
    assert (
        "<b>&lt;hi&gt;</b>" in page and "👋" in page and "<ol><li><div>one</div></li></ol>" in page
    )
