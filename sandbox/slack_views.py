"""Modals and Home tabs as the stand-in keeps them: trigger ids, view stacks, hashes, and
the views.* Web API methods.

Plain in-memory state: the caller (SlackStandIn) holds its lock around every call.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

from sandbox.slack_blocks_rules import check_view, error_body
from sandbox.slack_payloads import API_APP_ID
from sandbox.slack_workspace import SlackError, with_ids

TRIGGER_TTL = 3.0  # seconds: Slack's documented lifetime of a trigger_id
MAX_MODAL_STACK = 3  # views.push refuses a fourth modal


@dataclass
class Trigger:
    user_id: str
    issued: float
    used: bool = False


class ViewStore:
    """Open modals per user (a stack, bottom first), published Home tabs, trigger ids."""

    def __init__(
        self,
        *,
        team_id: str,
        bot_id: str,
        emit: Callable[[dict], None],
        trigger_ttl: float = TRIGGER_TTL,
    ) -> None:
        self.team_id = team_id
        self.bot_id = bot_id
        self.emit = emit
        self.trigger_ttl = trigger_ttl
        self.views: dict[str, dict] = {}
        self.owner: dict[str, str] = {}  # view id → user it was opened for
        self.stacks: dict[str, list[str]] = {}
        self.home: dict[str, str] = {}
        # The inline errors a modal shows now (from `response_action: errors`), by view id.
        self.errors: dict[str, dict[str, str]] = {}
        self.triggers: dict[str, Trigger] = {}
        self._ids = count(1)

    def handlers(self) -> dict[str, Callable[[dict], dict]]:
        """Web API method name → handler(args) returning the `ok: true` body's fields."""
        return {
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
        }

    # -- triggers -------------------------------------------------------------
    def issue_trigger(self, user_id: str) -> str:
        """A fresh trigger id, as Slack puts in an interaction payload."""
        trigger_id = f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(user_id, time.monotonic())
        return trigger_id

    def _exchange(self, trigger_id: object) -> Trigger:
        """Use a trigger up: once only, within its lifetime."""
        trigger = self.triggers.get(trigger_id) if isinstance(trigger_id, str) else None
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger

    # -- views.* --------------------------------------------------------------
    @staticmethod
    def _checked(view: object, kind: str) -> dict:
        """The view spec if Slack would take it; Slack answers invalid_arguments otherwise."""
        problems = check_view(view)
        if not problems and view.get("type") != kind:
            problems = [f"must be {kind} [json-pointer:/view/type]"]
        if problems:
            raise SlackError("invalid_arguments", error_body("invalid_arguments", problems))
        return view

    def _build(self, spec: dict, view_id: str, *, root_view_id: str, previous: str | None) -> dict:
        external_id = spec.get("external_id", "")
        clash = external_id and any(
            v["external_id"] == external_id and v["id"] != view_id for v in self.views.values()
        )
        if clash:
            raise SlackError("duplicate_external_id")
        old_state = _kept_state(self.views.get(view_id, {}), spec.get("blocks", []))
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": spec["type"],
            "blocks": with_ids(spec.get("blocks", [])),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            # Slack keeps what was typed into inputs whose block_id/action_id survive an update.
            "state": old_state,
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": spec.get("title"),
            "submit": spec.get("submit"),
            "close": spec.get("close"),
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "external_id": external_id,
            "root_view_id": root_view_id,
            "previous_view_id": previous,
            "app_id": API_APP_ID,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def push_view(self, spec: dict, user_id: str, *, new_stack: bool) -> dict:
        """Open `spec` for `user_id`, on top of their stack or as a new one."""
        stack = [] if new_stack else self.stacks.get(user_id, [])
        if len(stack) >= MAX_MODAL_STACK:
            raise SlackError("push_limit_reached")
        view_id = f"V{next(self._ids):08d}"
        root = stack[0] if stack else view_id
        view = self._build(spec, view_id, root_view_id=root, previous=stack[-1] if stack else None)
        self.views[view_id] = view
        self.owner[view_id] = user_id
        self.stacks[user_id] = [*stack, view_id]
        self.emit({"kind": "view_opened", "view_id": view_id, "user": user_id})
        return view

    def replace_view(self, view_id: str, spec: dict) -> dict:
        """New content for an existing view id, with a new hash."""
        old = self.views[view_id]
        view = self._build(
            spec, view_id, root_view_id=old["root_view_id"], previous=old["previous_view_id"]
        )
        self.views[view_id] = view
        self.errors.pop(view_id, None)
        self.emit({"kind": "view_updated", "view_id": view_id, "user": self.owner[view_id]})
        return view

    def views_open(self, args: dict) -> dict:
        # Slack checks the view before the trigger: a bad view leaves the trigger unused.
        spec = self._checked(args.get("view"), "modal")
        trigger = self._exchange(args.get("trigger_id"))
        return {"view": copy.deepcopy(self.push_view(spec, trigger.user_id, new_stack=True))}

    def views_push(self, args: dict) -> dict:
        spec = self._checked(args.get("view"), "modal")
        trigger = self._exchange(args.get("trigger_id"))
        return {"view": copy.deepcopy(self.push_view(spec, trigger.user_id, new_stack=False))}

    def views_update(self, args: dict) -> dict:
        spec = self._checked(args.get("view"), "modal")
        view = self._find(args.get("view_id"), args.get("external_id"))
        if args.get("hash") and args["hash"] != view["hash"]:
            raise SlackError("hash_conflict")
        return {"view": copy.deepcopy(self.replace_view(view["id"], spec))}

    def views_publish(self, args: dict) -> dict:
        spec = self._checked(args.get("view"), "home")
        user_id = args.get("user_id")
        if not user_id:
            raise SlackError("invalid_arguments")
        current = self.views.get(self.home.get(user_id, ""))
        if current and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        view_id = current["id"] if current else f"V{next(self._ids):08d}"
        view = self._build(spec, view_id, root_view_id=view_id, previous=None)
        self.views[view_id] = view
        self.owner[view_id] = user_id
        self.home[user_id] = view_id
        self.emit({"kind": "home_published", "view_id": view_id, "user": user_id})
        return {"view": copy.deepcopy(view)}

    def _find(self, view_id: object, external_id: object) -> dict:
        for view in self.views.values():
            if (view_id and view["id"] == view_id) or (
                external_id and view["external_id"] == external_id
            ):
                return view
        raise SlackError("not_found")

    # -- what the user does to a modal -----------------------------------------
    def open_view(self, view_id: str) -> dict:
        """A modal currently on its user's stack; LookupError for anything else."""
        user_id = self.owner.get(view_id)
        if user_id is None or view_id not in self.stacks.get(user_id, []):
            raise LookupError(f"view {view_id!r} is not open")
        return self.views[view_id]

    def close(self, view_id: str, *, clear: bool = False) -> None:
        """Close a modal and those pushed above it; `clear` closes the user's whole stack."""
        user_id = self.owner[view_id]
        stack = self.stacks.get(user_id, [])
        keep = [] if clear else stack[: stack.index(view_id)]
        for closed in stack[len(keep) :]:
            self.errors.pop(closed, None)
            self.emit({"kind": "view_closed", "view_id": closed, "user": user_id})
        self.stacks[user_id] = keep

    def apply_answer(self, view_id: str, answer: dict) -> None:
        """Do what the app's view_submission answer (`response_action`) asks for."""
        action = answer.get("response_action")
        if action == "errors":
            # The modal stays open and shows the errors beside the inputs.
            errors = answer.get("errors")
            self.errors[view_id] = dict(errors) if isinstance(errors, dict) else {}
            self.emit({"kind": "view_errors", "view_id": view_id, "user": self.owner[view_id]})
            return
        if action in ("update", "push"):
            problems = check_view(answer.get("view"))
            if problems:  # Slack shows the user a generic failure; a test should see why
                raise ValueError(f"the app answered {action} with an invalid view: {problems}")
            if action == "update":
                self.replace_view(view_id, answer["view"])
            else:
                self.push_view(answer["view"], self.owner[view_id], new_stack=False)
            return
        self.close(view_id, clear=action == "clear")

    def open_views(self, user_id: str | None = None) -> list[dict]:
        """Modals open now (every user's, or one user's), bottom of each stack first."""
        users = [user_id] if user_id else list(self.stacks)
        return [copy.deepcopy(self.views[v]) for u in users for v in self.stacks.get(u, [])]


def _kept_state(old_view: dict, new_blocks: list) -> dict:
    """What Slack keeps of typed input across an update: the values of inputs whose block
    id and action id are unchanged (a new block id shows the new initial value instead)."""
    kept: dict[str, dict] = {}
    present = {
        (block.get("block_id"), (block.get("element") or {}).get("action_id"))
        for block in new_blocks
        if isinstance(block, dict) and block.get("type") == "input"
    }
    for block_id, actions in (old_view.get("state") or {}).get("values", {}).items():
        for action_id, value in actions.items():
            if (block_id, action_id) in present:
                kept.setdefault(block_id, {})[action_id] = value
    return {"values": kept}
