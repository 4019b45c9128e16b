"""Small composable type checks for JSON that came from outside (Slack's payloads).

A check is a callable `(value, where) -> None` that raises `Malformed` naming the field
(`where` is a path like `actions[0].action_id`). Only the fields someone reads are
checked: Slack adds fields over time, and a payload with more than we know stays valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[object, str], None]
# A rule over a whole object (fields already checked), e.g. "our buttons carry our ids".
JsonObject = dict[str, Any]
WholeCheck = Callable[[JsonObject, str], None]


class Malformed(ValueError):
    """A payload does not have the shape Slack documents; `reason` names the field."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def text(*, pattern: str | None = None, max_length: int = 3000) -> Check:
    """A string of at most `max_length` characters, matching `pattern` whole if given."""
    compiled = re.compile(pattern) if pattern else None

    def check(value: object, where: str) -> None:
        if not isinstance(value, str):
            raise Malformed(f"{where} must be text")
        if len(value) > max_length:
            raise Malformed(f"{where} is longer than {max_length} characters")
        if compiled is not None and not compiled.fullmatch(value):
            raise Malformed(f"{where} is not in Slack's format")

    return check


def integer(value: object, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Malformed(f"{where} must be a whole number")


def boolean(value: object, where: str) -> None:
    if not isinstance(value, bool):
        raise Malformed(f"{where} must be true or false")


def null(value: object, where: str) -> None:
    if value is not None:
        raise Malformed(f"{where} must be null")


def one_of(*checks: Check) -> Check:
    """Any one of `checks` (e.g. null or an object, as Slack sends either)."""

    def check(value: object, where: str) -> None:
        for candidate in checks:
            try:
                candidate(value, where)
            except Malformed:
                continue
            return
        raise Malformed(f"{where} has the wrong type")

    return check


def nullable(check: Check) -> Check:
    return one_of(null, check)


def obj(
    required: Mapping[str, Check] | None = None,
    optional: Mapping[str, Check] | None = None,
    *,
    also: tuple[WholeCheck, ...] = (),
) -> Check:
    """An object whose `required` fields are present and whose known fields have their
    types; `also` checks the object as a whole (rules that span several fields)."""
    required = dict(required or {})
    optional = dict(optional or {})

    def check(value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise Malformed(f"{where} must be an object")
        for key, field_check in required.items():
            if key not in value:
                raise Malformed(f"{_join(where, key)} is missing")
            field_check(value[key], _join(where, key))
        for key, field_check in optional.items():
            if key in value:
                field_check(value[key], _join(where, key))
        for whole in also:
            whole(value, where)

    return check


def list_of(item: Check, *, min_items: int = 0, max_items: int = 100) -> Check:
    def check(value: object, where: str) -> None:
        if not isinstance(value, list):
            raise Malformed(f"{where} must be a list")
        if not min_items <= len(value) <= max_items:
            raise Malformed(f"{where} must have {min_items} to {max_items} items")
        for index, element in enumerate(value):
            item(element, f"{where}[{index}]")

    return check


def _join(where: str, key: str) -> str:
    """`where.key`; a key from the payload itself is shown escaped and cut, since reasons
    end up in the log."""
    if not _PLAIN_KEY.fullmatch(key):
        key = ascii(key)[:40]
    return f"{where}.{key}" if where else key


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")


def mapping_of(value_check: Check, *, max_items: int = 100, max_key_length: int = 255) -> Check:
    """An object used as a map (e.g. `state.values`: block id → action id → state)."""

    def check(value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise Malformed(f"{where} must be an object")
        if len(value) > max_items:
            raise Malformed(f"{where} has more than {max_items} entries")
        for key, element in value.items():
            if len(key) > max_key_length:
                raise Malformed(f"{where} has a key longer than {max_key_length} characters")
            value_check(element, _join(where, key))

    return check


def plain_tree(value: object, *, max_depth: int) -> None:
    """JSON no deeper than `max_depth` whose text (keys too) is valid Unicode: `json`
    decodes a lone `\\ud800` escape into a string that cannot be encoded again, which
    would fail later in a log line or an API call instead of here."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_encodable(node)
        elif isinstance(node, dict | list):
            if depth > max_depth:
                raise Malformed(f"the payload is nested deeper than {max_depth} levels")
            if isinstance(node, dict):
                for key, child in node.items():
                    _check_encodable(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in node)


def _check_encodable(value: str) -> None:
    if value.isascii():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Malformed("the payload holds text that is not valid Unicode") from error
