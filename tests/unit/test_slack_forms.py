"""A modal's inputs become `view.state.values` as Slack builds them, after Slack's own
required-field check."""

from __future__ import annotations

from sandbox.slack_payloads import REQUIRED_FIELD, missing_required, view_state_values


def option(value: str) -> dict:
    return {"text": {"type": "plain_text", "text": value.title()}, "value": value}


BLOCKS = [
    {"type": "section", "block_id": "context", "text": {"type": "mrkdwn", "text": "hi"}},
    {
        "type": "input",
        "block_id": "text",
        "element": {"type": "plain_text_input", "action_id": "text"},
    },
    {
        "type": "input",
        "block_id": "visibility",
        "element": {
            "type": "radio_buttons",
            "action_id": "visibility",
            "options": [option("public"), option("private")],
        },
    },
    {
        "type": "input",
        "block_id": "team",
        "optional": True,
        "element": {
            "type": "static_select",
            "action_id": "team",
            "option_groups": [
                {"label": {"type": "plain_text", "text": "T"}, "options": [option("billing")]}
            ],
        },
    },
    {
        "type": "input",
        "block_id": "tags",
        "optional": True,
        "element": {
            "type": "checkboxes",
            "action_id": "tags",
            "options": [option("vip"), option("bug")],
        },
    },
]


def test_values_carry_text_and_whole_options_as_slack_sends_them():
    raw = {
        "text": {"text": "Hola"},
        "visibility": {"visibility": "private"},
        "team": {"team": "billing"},
        "tags": {"tags": ["bug"]},
    }
    assert view_state_values(BLOCKS, raw) == {
        "text": {"text": {"type": "plain_text_input", "value": "Hola"}},
        "visibility": {
            "visibility": {"type": "radio_buttons", "selected_option": option("private")}
        },
        "team": {"team": {"type": "static_select", "selected_option": option("billing")}},
        "tags": {"tags": {"type": "checkboxes", "selected_options": [option("bug")]}},
    }


def test_empty_inputs_are_null_as_in_slack():
    values = view_state_values(BLOCKS, {"text": {"text": ""}})
    assert values["text"]["text"]["value"] is None
    assert values["visibility"]["visibility"]["selected_option"] is None
    assert values["tags"]["tags"]["selected_options"] == []


def test_required_inputs_must_be_filled_before_the_app_hears_anything():
    assert missing_required(BLOCKS, {"text": {"text": "  "}}) == {
        "text": REQUIRED_FIELD,
        "visibility": REQUIRED_FIELD,
    }
    filled = {"text": {"text": "Hi"}, "visibility": {"visibility": "public"}}
    assert missing_required(BLOCKS, filled) == {}


def test_a_choice_the_view_does_not_offer_is_refused():
    try:
        view_state_values(BLOCKS, {"visibility": {"visibility": "everyone"}})
    except LookupError as error:
        assert "everyone" in str(error)
    else:
        raise AssertionError("an option the view does not have was accepted")
