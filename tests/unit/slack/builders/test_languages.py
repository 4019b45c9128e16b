"""The interface in both languages (issue 15): the Spanish catalogue translates every text
the code marks, its compiled form is current, and every builder renders in English and in
Spanish with no English-only catalogue text left in the Spanish rendering (and within
Slack's limits in both, which slack_sdk's `to_dict()` checks)."""

from __future__ import annotations

import dataclasses
import gettext
import importlib
import inspect
import json
import pkgutil
import re
import string
import tokenize
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from slack_sdk.models.views import View

import bot.slack.builders
from bot.i18n import DOMAIN, LOCALE_DIR, in_language
from bot.knowledge.reactions import Reaction
from bot.knowledge.views import (
    CustomerHistoryView,
    CustomerProfileView,
    DraftAdvice,
    DraftKnowledge,
    IdentityView,
    LibraryView,
    NoteView,
    Outcome,
    PastCaseLine,
    PastCaseView,
    SavedReplyView,
    SpellingFlag,
    ToneRemark,
)
from bot.metrics.cost import CostEstimate, CostLine, UsageKind
from bot.metrics.definitions import (
    Activity,
    Claim,
    counted_messages,
    facebook_responsiveness,
    messages_of,
    period_stats,
)
from bot.metrics.queries import QueueNow, Report
from bot.metrics.spike import Severity
from bot.metrics.targets import TargetCount, TargetMisses
from bot.reports.views import (
    CaseDetail,
    CaseLine,
    CaseList,
    HomeView,
    Period,
    StatsView,
    TodayView,
)
from bot.sla.policy import TargetKind
from bot.slack.builders import (
    alerts,
    backlog,
    card,
    commands,
    customer,
    dms,
    ephemerals,
    home,
    modals,
    moves,
    reports,
    saved_replies,
    thread,
)
from bot.slack.builders.common import AUDIT_ACTIONS, blocks_as_dicts
from bot.slack.views import (
    CaseView,
    ChannelChoice,
    DeadlineView,
    DraftFormView,
    HistoryEntry,
    MoveView,
    ThreadRef,
)
from storage.enums import AuditAction, CaseStatus, Priority, SavedReplyKind
from tests.unit.metrics import timeline
from tests.unit.slack.builders.examples import EXPOSED, X, draft, post
from tests.unit.slack.builders.examples import customer as a_customer

ROOT = Path(__file__).resolve().parents[4]
PO = LOCALE_DIR / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue() -> Any:
    with PO.open("rb") as source:
        return read_po(source)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def msgids() -> dict[str, str]:
    """English → Spanish for every singular and plural form."""
    pairs: dict[str, str] = {}
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, msgid in enumerate(ids):
            pairs[msgid] = strs[min(index, len(strs) - 1)]
    return pairs


# -- the catalogue ----------------------------------------------------------------------------
def test_every_msgid_has_a_spanish_translation_with_the_same_fields() -> None:
    problems = []
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strs):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        for translated in strs:
            if fields(translated) != fields(ids[-1]):
                problems.append(f"fields differ: {ids[0]!r} → {translated!r}")
    assert problems == []


def test_the_catalogue_holds_every_text_the_code_marks_and_nothing_else() -> None:
    """`scripts/catalogue.sh update` was run after the code changed."""
    keywords = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}
    marked: set[str] = set()
    for folder in ("bot", "handlers"):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=keywords
        ):
            marked.update(message if isinstance(message, tuple) else (message,))
    in_catalogue = set(msgids())
    assert sorted(marked - in_catalogue) == [], "run scripts/catalogue.sh update and translate"
    assert sorted(in_catalogue - marked) == [], "run scripts/catalogue.sh update"


def test_no_text_is_marked_inside_an_f_string() -> None:
    """Babel cannot see `_()` inside an f-string's braces: such a text never reaches the
    catalogue and stays English."""
    marked = re.compile(r"\b(?:N_|_|gettext|ngettext)\(")
    found = []
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            with path.open("rb") as source:
                for token in tokenize.tokenize(source.readline):
                    prefix = token.string[
                        : len(token.string) - len(token.string.lstrip("bBrRuUfF"))
                    ]
                    f_string = token.type == tokenize.STRING and "f" in prefix.lower()
                    if f_string and marked.search(token.string):
                        found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert found == []


def test_the_compiled_catalogue_matches_its_source() -> None:
    """`scripts/catalogue.sh compile` was run after the .po changed."""
    compiled = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=["es"])
    for message in catalogue():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n, expected in ((1, message.string[0]), (2, message.string[1])):
                assert compiled.ngettext(message.id[0], message.id[1], n) == expected
        else:
            assert compiled.gettext(message.id) == message.string


# -- every builder, in both languages ---------------------------------------------------------
NOW = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
HISTORY = CustomerHistoryView(ordinal=3, days=30, last_outcome=Outcome.UNHAPPY, tags=("vip",))


def a_case(**changes: Any) -> CaseView:
    values: dict[str, Any] = dict(
        id=7,
        status=CaseStatus.REPLIED,
        customer=a_customer(),
        priority=Priority.P1,
        owner="U0MARIA",
        network=X,
        created_at=NOW - timedelta(hours=2),
        first_response_at=NOW - timedelta(hours=1),
        deadline=DeadlineView("next response", NOW + timedelta(minutes=10), "due_soon"),
        resolution=DeadlineView("resolution", NOW - timedelta(hours=1), "overdue"),
        waiting_on_customer=True,
        routed=True,
        customer_history=HISTORY,
    )
    values.update(changes)
    return CaseView(**values)


def line(**changes: Any) -> CaseLine:
    values: dict[str, Any] = dict(
        id=7,
        priority=Priority.P1,
        status=CaseStatus.NEW,
        handle="lucia_m",
        snippet="mi router no funciona",
        created_at=NOW,
        thread=ThreadRef("C0CASES", "1700000000.000100"),
        respond_by=NOW + timedelta(minutes=15),
        network=X,
    )
    values.update(changes)
    return CaseLine(**values)


def a_move() -> MoveView:
    return MoveView(
        case=a_case(),
        first_post=post("mi router no funciona"),
        by="U0MARIA",
        from_channel="C0CARE",
        to_channel="C0COMMUNITY",
        note="es un elogio",
        customer_posts=2,
        latest_post=post("sigue sin funcionar"),
        replies=(draft(status="posted", external_url="https://x.com/acme/status/2"),),
        waiting_drafts=1,
    )


def knowledge() -> DraftKnowledge:
    past = PastCaseView(
        case_id=4,
        similarity=0.62,
        network_label="X",
        customer_text="me cobraron dos veces",
        reply_template="{handle} Hola {first_name}",
        reply_draft_id=9,
        reaction=Reaction.THANKED,
        language="es",
        intent="complaint",
        closed_at=NOW,
    )
    advice = DraftAdvice(
        language="es",
        spelling=(SpellingFlag("tambien", ("también",)), SpellingFlag("xq")),
        tone=(ToneRemark("blaming", "como ya te dijimos"), ToneRemark("negative")),
        customer_language="en",
    )
    return DraftKnowledge(past_cases=(past,), advice=advice, warned="abc")


def a_form(**changes: Any) -> DraftFormView:
    values: dict[str, Any] = dict(
        case_id=7,
        customer_handle="lucia_m",
        post_text="mi router no funciona",
        post_url="https://x.com/lucia_m/status/1900",
        publicly_replyable=False,
        text="",
        visibility="private",
        network=X,
        public_refusal="X",
        link_notice="X",
        link_free_text="Hola",
        reply_window="X",
        public_note="X",
        private_note="X",
        knowledge=knowledge(),
    )
    values.update(changes)
    return DraftFormView(**values)


def stats_view() -> StatsView:
    activity = Activity(
        timeline.cases(),
        timeline.posts(),
        timeline.replies(),
        [Claim(case_id=1, at=timeline.at(23, 9, 1), actor="U0MARIA")],
    )
    start, end = timeline.at(20, 0), timeline.NOW
    targets = {Priority.P1: timedelta(minutes=15), Priority.P2: timedelta(hours=1)}
    counted = counted_messages(messages_of(activity.posts, activity.replies, activity.cases))
    report = Report(
        period_stats(activity, start=start, end=end, targets=targets),
        facebook_responsiveness(counted, end),
        activity,
    )
    cost = CostEstimate(
        network="x",
        lines=[CostLine(UsageKind.REPLY_WITH_LINK, 3, Decimal("0.2"), Decimal("0.6"))],
        source="X",
        unpriced={"read:other": 4},
    )
    # A policy whose targets count business hours: misses in them and in calendar time.
    misses = TargetMisses(
        counts=[
            TargetCount(TargetKind.FIRST_RESPONSE, Priority.P1, 2, 10),
            TargetCount(TargetKind.RESOLUTION, Priority.P2, 0, 41),
        ],
        calendar=[TargetCount(TargetKind.FIRST_RESPONSE, Priority.P1, 1, 10)],
        hours="Soporte Madrid",
    )
    business = period_stats(activity, start=start, end=end, targets=targets)
    return StatsView(
        Period("7d", "7 d", start, end),
        report,
        QueueNow(4, 1, 2),
        targets,
        [cost],
        misses=misses,
        business=business,
        business_hours="Soporte Madrid",
    )


def spike_view() -> reports.SpikeView:
    example = reports.SpikeExample(7, "lucia_m", "no funciona", "https://x.com/1", "X")
    return reports.SpikeView(
        brand="acme",
        severity=Severity.CRISIS,
        posts=40,
        negative=30,
        baseline_posts=4,
        baseline_negative=1,
        window_minutes=60,
        started_at=NOW,
        usual_when="X",
        terms=["router"],
        examples=[example],
        ended_at=NOW,
    )


def profile() -> CustomerProfileView:
    return CustomerProfileView(
        customer_id=1,
        name="Lucía Martín",
        handle="lucia_m",
        network_label="X",
        identities=(
            IdentityView(1, "X", "lucia_m", "Lucía"),
            IdentityView(
                2, "Mastodon", "lucia", "Lucía", link_id=5, linked_by="U0MARIA", linked_at=NOW
            ),
        ),
        tags=("vip", "press"),
        notes=(NoteView("U0MARIA", "prefiere que la llamen", NOW),),
        cases=(
            PastCaseLine(3, "X", NOW, "complaint", Outcome.UNHAPPY, 12),
            PastCaseLine(7, "X", NOW, None, Outcome.OPEN, None),
        ),
        from_case=7,
    )


NOTICE = alerts.DeadlineNotice(
    label="first response",
    priority="P1",
    target=timedelta(minutes=15),
    due_at=NOW,
    customer_handle="lucia_m",
    owner=None,
)
REPLY = SavedReplyView(
    id=1, kind=SavedReplyKind.HOLDING, title="En ello", text="Hola {first_name}", language="es"
)
TODAY = TodayView(
    answered=12,
    queue=QueueNow(4, 1, 2),
    responsiveness=stats_view().report.facebook.thirty_days,
)

# Every build_* function of bot.slack.builders, called with examples that reach its texts.
SAMPLES: dict[str, Callable[[], Any]] = {
    "build_due_soon_reminder": lambda: alerts.build_due_soon_reminder(NOTICE, ["S0DUTY"]),
    "build_miss_message": lambda: alerts.build_miss_message(NOTICE, ["S0DUTY"], escalate=True),
    "build_miss_dm": lambda: alerts.build_miss_dm(NOTICE, None),
    "build_listening_alert": lambda: alerts.build_listening_alert(
        "X",
        NOW,
        "reinstall the Slack app and set SLACK_BOT_TOKEN to its bot token (xoxb-…), "
        "then restart Carethread.",
    ),
    "build_listening_recovery": lambda: alerts.build_listening_recovery("X", NOW),
    "build_case_card": lambda: card.build_case_card(
        a_case(reply_window="X"), post("hola", triage=EXPOSED, source="search")
    ),
    "build_follow_up": lambda: card.build_follow_up(a_case(), post("hola"), ping_owner="U0M"),
    "build_minimal_card": lambda: card.build_minimal_card(
        a_case(status=CaseStatus.NEW, owner=None), post("")
    ),
    "build_help": lambda: commands.build_help([("help", "X")], unknown="frobnicate"),
    "build_case_list": lambda: commands.build_case_list(
        "X", CaseList([line(), line(id=8, owner="U0M")], more=30), claim=True, empty="X"
    ),
    "build_case_detail": lambda: commands.build_case_detail(
        CaseDetail(
            line(),
            "Lucía",
            1200,
            3,
            timedelta(minutes=4),
            [HistoryEntry(NOW, "U0MARIA", "claim")],
            escalated_to="billing",
            close_reason="spam",
        )
    ),
    "build_customer_modal": lambda: customer.build_customer_modal(profile()),
    "build_link_modal": lambda: customer.build_link_modal(1, "lucia_m", "X"),
    "build_customer_options": lambda: customer.build_customer_options([(2, "lucia", "", "X")]),
    "build_approval_dm": lambda: dms.build_approval_dm(draft(), "https://slack.com/archives/C/p1"),
    "build_rejection_dm": lambda: dms.build_rejection_dm(
        draft(status="rejected", rejected_by="U0LEAD", reject_reason="x"), "https://s/p1"
    ),
    "build_escalation_dm": lambda: dms.build_escalation_dm("billing", "lucia_m", None, "U0M"),
    "build_claimed_elsewhere": lambda: ephemerals.build_claimed_elsewhere(7, "U0MARIA"),
    "build_moved_to_private": lambda: ephemerals.build_moved_to_private(3, 4, None),
    "build_original_posts": lambda: ephemerals.build_original_posts(7, []),
    "build_history": lambda: ephemerals.build_history(
        7, [HistoryEntry(NOW, "U0MARIA", "claim"), HistoryEntry(NOW, "U0LEAD", "take_over")]
    ),
    "build_stale_confirmation": lambda: ephemerals.build_stale_confirmation(3),
    "build_home": lambda: home.build_home(
        HomeView(
            "U0MARIA",
            True,
            CaseList([], more=0),
            CaseList([line(status=CaseStatus.CLAIMED)], more=3),
            TODAY,
            NOW,
        )
    ),
    "build_draft_modal": lambda: modals.build_draft_modal(a_form()),
    "build_reject_modal": lambda: modals.build_reject_modal(3),
    "build_escalate_modal": lambda: modals.build_escalate_modal(7, ["billing"]),
    "build_close_modal": lambda: modals.build_close_modal(7),
    "build_move_modal": lambda: modals.build_move_modal(
        7, [ChannelChoice("C0COMMUNITY", "#community")], "C0CARE"
    ),
    "build_moved_here": lambda: moves.build_moved_here(a_move(), "https://s/p1"),
    "build_moved_away": lambda: moves.build_moved_away(a_move(), None),
    "build_moved_card": lambda: moves.build_moved_card(a_move(), "https://s/p2"),
    "build_backlog_notice": lambda: backlog.build_backlog_notice(240, 252, timedelta(minutes=4)),
    "build_backlog_cleared": backlog.build_backlog_cleared,
    "build_stats": lambda: reports.build_stats(stats_view()),
    "build_spike_alert": lambda: reports.build_spike_alert(spike_view()),
    "build_saved_reply_options": lambda: saved_replies.build_saved_reply_options(
        [REPLY], [REPLY], "es"
    ),
    "build_library_modal": lambda: saved_replies.build_library_modal(
        LibraryView(replies=(REPLY,), can_edit=False, one_tap_holding=True)
    ),
    "build_saved_reply_editor": lambda: saved_replies.build_saved_reply_editor(
        None, languages=["es", "en"], networks=[("x", "X")]
    ),
    "build_draft_message": lambda: thread.build_draft_message(draft(editor="U0LEAD")),
    "build_sent_message": lambda: thread.build_sent_message(
        draft(status="posted", approved_by="U0LEAD", external_url="https://x.com/a/status/2")
    ),
    "build_send_failed_message": lambda: thread.build_send_failed_message(draft(status="failed")),
    "build_send_unknown_message": lambda: thread.build_send_unknown_message(draft()),
    "build_rejected_message": lambda: thread.build_rejected_message(
        draft(status="rejected", rejected_by="U0LEAD", reject_reason="x")
    ),
    "build_escalation_message": lambda: thread.build_escalation_message(
        "billing", ["S0BILLING"], "U0M", ""
    ),
    "build_closed_message": lambda: thread.build_closed_message("U0M", "no_reply_needed"),
}


def builders() -> set[str]:
    names = set()
    for module in pkgutil.iter_modules(bot.slack.builders.__path__):
        loaded = importlib.import_module(f"bot.slack.builders.{module.name}")
        names |= {
            name
            for name, member in inspect.getmembers(loaded, inspect.isfunction)
            if name.startswith("build_") and member.__module__ == loaded.__name__
        }
    return names


def texts(rendered: Any) -> list[str]:
    """Every string of a rendered message, view or options answer (slack_sdk checks
    Slack's limits on the way)."""
    if isinstance(rendered, View):
        shape: Any = rendered.to_dict()
    elif isinstance(rendered, tuple):
        shape = [rendered[0], blocks_as_dicts(rendered[1])]
    else:
        shape = rendered
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("action_id", "block_id", "value", "callback_id", "url"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(shape)
    return found


def english_only_fragments() -> set[str]:
    """Pieces of English msgids (between their fields) that no Spanish text contains:
    seeing one in a Spanish rendering means a text escaped the catalogue."""
    pairs = msgids()
    spanish = "\n".join(pairs.values())
    fragments = set()
    for english, translated in pairs.items():
        if english == translated:
            continue
        for piece in re.split(r"\{[^}]*\}", english):
            piece = piece.strip(" *_:·,.()")
            if len(piece) >= 5 and " " in piece and piece not in spanish:
                fragments.add(piece)
    return fragments


def test_every_builder_has_a_sample_here() -> None:
    assert builders() == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_builder_renders_in_both_languages_and_spanish_has_no_english_left(
    name: str,
) -> None:
    with in_language("en"):
        english = texts(SAMPLES[name]())
    with in_language("es"):
        spanish = texts(SAMPLES[name]())
    assert spanish != english, f"{name} says nothing through the catalogue"
    rendered = "\n".join(spanish)
    left = sorted(f for f in english_only_fragments() if f in rendered)
    # Whole texts too: a button or a title is often one short msgid ("Claim").
    untranslated = {english for english, translated in msgids().items() if english != translated}
    left += sorted({text for text in spanish if text.strip() in untranslated})
    assert left == [], f"{name} in Spanish still shows {left}"


def test_the_history_names_every_audit_action_through_the_catalogue() -> None:
    assert set(AUDIT_ACTIONS) == {action.value for action in AuditAction}


def test_every_service_level_target_has_a_name_in_the_catalogue() -> None:
    assert {kind.label for kind in TargetKind} == set(card.DEADLINE_LABELS)
    assert set(reports.TARGET_NAMES) == set(TargetKind)


def test_the_backlog_notice_counts_in_the_workspace_language() -> None:
    with in_language("es"):
        one, _blocks = backlog.build_backlog_notice(1, 5, timedelta(seconds=5))
        many, _blocks = backlog.build_backlog_notice(240, 252, timedelta(minutes=4))
    assert "*1 mención de baja prioridad en espera; las urgentes van primero.*" in one
    assert "*240 menciones de baja prioridad en espera;" in many
    assert "252 publicaciones en total" in many


def test_a_period_without_targets_says_so_in_the_readers_language() -> None:
    view = dataclasses.replace(stats_view(), misses=TargetMisses(counts=[]), business=None)
    with in_language("es"):
        spanish = texts(reports.build_stats(view))
    with in_language("en"):
        english = texts(reports.build_stats(view))
    assert "*Objetivos incumplidos:* ningún objetivo empezó en este periodo" in spanish
    assert "*Missed targets:* no target started in this period" in english


def test_spanish_uses_the_teams_words() -> None:
    with in_language("es"):
        card_texts = texts(SAMPLES["build_case_card"]())
        modal = json.dumps(SAMPLES["build_draft_modal"]().to_dict(), ensure_ascii=False)
    assert {"Tomar", "Redactar respuesta", "Escalar", "Cerrar", "Pasar a privado"} <= set(
        card_texts
    )
    assert '"Redactar respuesta"' in modal or '"Editar borrador"' in modal
