"""The Block Kit limits Slack enforces, as the stand-in checks them.

Each check returns Slack's own wording: a message plus a JSON pointer to the offending field,
e.g. "must be less than 3001 characters [json-pointer:/blocks/0/text/text]". The stand-in
puts these in `errors` and `response_metadata.messages` ("[ERROR] ..."), as Slack does, so a
test failure names the exact block. Only the limits our bot can plausibly hit are checked;
everything else is accepted, as a lenient stand-in should.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
# The longest text Slack takes, by where the text sits.
_TEXT_LIMITS = {"section": 3000, "header": 150, "button": 75, "field": 2000}
_MAX_ID = 255
_MAX_BUTTON_VALUE = 2000
_MAX_ACTIONS_ELEMENTS = 25
_MAX_CONTEXT_ELEMENTS = 10
_MAX_SECTION_FIELDS = 10
_MAX_VIEW_TITLE = 24
_MAX_PRIVATE_METADATA = 3000


def _too_long(limit: int, pointer: str) -> str:
    return f"must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _too_many(limit: int, pointer: str) -> str:
    return f"no more than {limit} items allowed [json-pointer:{pointer}]"


def _check_text(text: Any, limit: int, pointer: str) -> list[str]:
    """A text object {type, text}: present, non-empty, within `limit`."""
    if not isinstance(text, dict) or not isinstance(text.get("text"), str):
        return [f"must provide an object [json-pointer:{pointer}]"]
    if not text["text"]:
        return [f"must be more than 0 characters [json-pointer:{pointer}/text]"]
    if len(text["text"]) > limit:
        return [_too_long(limit, f"{pointer}/text")]
    return []


def _check_element(element: Any, pointer: str, seen_action_ids: set[str]) -> list[str]:
    if not isinstance(element, dict):
        return [f"must provide an object [json-pointer:{pointer}]"]
    errors: list[str] = []
    action_id = element.get("action_id")
    if isinstance(action_id, str):
        if len(action_id) > _MAX_ID:
            errors.append(_too_long(_MAX_ID, f"{pointer}/action_id"))
        if action_id in seen_action_ids:
            errors.append(
                f'`action_id` "{action_id}" already exists [json-pointer:{pointer}/action_id]'
            )
        seen_action_ids.add(action_id)
    if element.get("type") == "button":
        errors += _check_text(element.get("text"), _TEXT_LIMITS["button"], f"{pointer}/text")
        value = element.get("value")
        if isinstance(value, str) and len(value) > _MAX_BUTTON_VALUE:
            errors.append(_too_long(_MAX_BUTTON_VALUE, f"{pointer}/value"))
    return errors


def _check_elements(block: dict, pointer: str, limit: int) -> list[str]:
    elements = block.get("elements")
    if not isinstance(elements, list) or not elements:
        return [f"missing required field: elements [json-pointer:{pointer}]"]
    if len(elements) > limit:
        return [_too_many(limit, f"{pointer}/elements")]
    if block["type"] == "context":  # context elements are text and images, not interactive
        return []
    seen: set[str] = set()  # Slack wants action_id unique within its block
    errors: list[str] = []
    for index, element in enumerate(elements):
        errors += _check_element(element, f"{pointer}/elements/{index}", seen)
    return errors


def _check_section(block: dict, pointer: str) -> list[str]:
    errors: list[str] = []
    if "text" not in block and "fields" not in block:
        errors.append(f"must provide either text or fields [json-pointer:{pointer}]")
    if "text" in block:
        errors += _check_text(block["text"], _TEXT_LIMITS["section"], f"{pointer}/text")
    fields = block.get("fields") or []
    if len(fields) > _MAX_SECTION_FIELDS:
        errors.append(_too_many(_MAX_SECTION_FIELDS, f"{pointer}/fields"))
    for index, field in enumerate(fields[:_MAX_SECTION_FIELDS]):
        errors += _check_text(field, _TEXT_LIMITS["field"], f"{pointer}/fields/{index}")
    if isinstance(block.get("accessory"), dict):
        errors += _check_element(block["accessory"], f"{pointer}/accessory", set())
    return errors


def _check_block(block: Any, pointer: str) -> list[str]:
    if not isinstance(block, dict):
        return [f"must provide an object [json-pointer:{pointer}]"]
    kind = block.get("type")
    if not isinstance(kind, str):
        return [f"missing required field: type [json-pointer:{pointer}]"]
    if kind not in BLOCK_TYPES:
        return [f"unsupported type: {kind} [json-pointer:{pointer}/type]"]
    if kind == "section":
        return _check_section(block, pointer)
    if kind == "header":
        return _check_text(block.get("text"), _TEXT_LIMITS["header"], f"{pointer}/text")
    if kind == "actions":
        return _check_elements(block, pointer, _MAX_ACTIONS_ELEMENTS)
    if kind == "context":
        return _check_elements(block, pointer, _MAX_CONTEXT_ELEMENTS)
    if kind == "input" and isinstance(block.get("element"), dict):
        return _check_element(block["element"], f"{pointer}/element", set())
    return []


def check_blocks(
    blocks: Any, *, limit: int = MAX_MESSAGE_BLOCKS, root: str = "/blocks"
) -> list[str]:
    """Slack's complaints about a list of blocks (empty when Slack would accept it)."""
    if not isinstance(blocks, list):
        return [f"must provide an array [json-pointer:{root}]"]
    if len(blocks) > limit:
        return [_too_many(limit, root)]
    errors: list[str] = []
    seen_block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        pointer = f"{root}/{index}"
        errors += _check_block(block, pointer)
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if len(block_id) > _MAX_ID:
                errors.append(_too_long(_MAX_ID, f"{pointer}/block_id"))
            if block_id in seen_block_ids:
                errors.append(
                    f'`block_id` "{block_id}" already exists [json-pointer:{pointer}/block_id]'
                )
            seen_block_ids.add(block_id)
    return errors


def check_view(view: Any) -> list[str]:
    """Slack's complaints about a modal or Home tab view (views.open/push/update/publish)."""
    if not isinstance(view, dict):
        return ["must provide an object [json-pointer:/view]"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [f"unsupported type: {kind} [json-pointer:/view/type]"]
    errors = check_blocks(view.get("blocks", []), limit=MAX_VIEW_BLOCKS, root="/view/blocks")
    if kind == "modal":
        errors += _check_modal_chrome(view)
    metadata = view.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > _MAX_PRIVATE_METADATA:
        errors.append(_too_long(_MAX_PRIVATE_METADATA, "/view/private_metadata"))
    callback_id = view.get("callback_id")
    if isinstance(callback_id, str) and len(callback_id) > _MAX_ID:
        errors.append(_too_long(_MAX_ID, "/view/callback_id"))
    return errors


def _check_modal_chrome(view: dict) -> list[str]:
    """Title (required), submit and close are plain text of at most 24 characters."""
    errors: list[str] = []
    if "title" not in view:
        errors.append("missing required field: title [json-pointer:/view]")
    for name in ("title", "submit", "close"):
        if name in view:
            errors += _check_text(view[name], _MAX_VIEW_TITLE, f"/view/{name}")
    blocks = view.get("blocks") or []
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if has_input and "submit" not in view:
        index = next(
            i for i, b in enumerate(blocks) if isinstance(b, dict) and b.get("type") == "input"
        )
        errors.append(
            f"must define `submit` to use an `input` block in modals "
            f"[json-pointer:/view/blocks/{index}/input]"
        )
    return errors


def error_body(code: str, problems: list[str]) -> dict[str, Any]:
    """Slack's `ok: false` answer carrying the per-field complaints."""
    return {
        "ok": False,
        "error": code,
        "errors": problems,
        "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
    }
