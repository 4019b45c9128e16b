"""The interface's languages: every text the bot writes in Slack comes from one gettext
catalogue (`bot/locale/<lang>/LC_MESSAGES/messages.po`, extracted with Babel, see
README, "Languages"), in the language of whoever reads it.

Who reads it is decided at the edges, not in the builders: a Bolt middleware chooses the
clicking user's language (Slack's locale, from users.info, cached) for everything a listener
renders (modals, ephemerals, App Home, slash command answers, errors); messages seen by the
whole channel (cards, thread messages, alerts) are rendered `in_workspace_language()`; a
direct message is rendered `in_language()` of its recipient. Builders only call `_()`.

Texts written *to customers* (drafts, holding replies, saved replies) are never passed
through the catalogue: they stay in the customer's language.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from functools import cache
from pathlib import Path
from typing import ParamSpec, TypeVar

# The interface's languages; the first is the catalogue's source language.
LANGUAGES = ("en", "es")
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).parent / "locale"

_workspace_language = "en"


class _Reader:
    """The language of whoever reads what is being rendered, resolved on first use (a
    users.info call, cached by the directory) so an `ack()` never waits for it."""

    def __init__(self, resolve: Callable[[], str]):
        self._resolve = resolve
        self._language: str | None = None

    @property
    def language(self) -> str:
        if self._language is None:
            self._language = supported(self._resolve())
        return self._language


_reader: ContextVar[_Reader | None] = ContextVar("carethread_reader", default=None)


def supported(language: str | None) -> str:
    """One of LANGUAGES for a Slack locale ("es-ES", "es-LA", "en-GB") or a language code;
    anything else becomes the workspace's language."""
    code = (language or "").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else _workspace_language


def language_of_locale(locale: str | None) -> str | None:
    """The interface language for a Slack locale, or None when we do not speak it."""
    code = (locale or "").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def set_workspace_language(language: str) -> None:
    """The workspace default (SLACK_DEFAULT_LANGUAGE), set once at start-up."""
    global _workspace_language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported interface language {language!r}")
    _workspace_language = language


def workspace_language() -> str:
    return _workspace_language


def current_language() -> str:
    reader = _reader.get()
    return reader.language if reader else _workspace_language


def choose_reader(resolve: Callable[[], str] | None) -> None:
    """What the Bolt middleware calls for each request: the acting user's language, found
    lazily (`None`: nobody in particular, so the workspace's language). Carried into Bolt's
    listener threads by `ContextCarryingExecutor`."""
    _reader.set(_Reader(resolve) if resolve else None)


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Render the block inside in `language` (a recipient's, for a direct message)."""
    token = _reader.set(_Reader(lambda: supported(language)))
    try:
        yield
    finally:
        _reader.reset(token)


@contextmanager
def in_workspace_language() -> Iterator[None]:
    """Render what the whole channel sees (cards, thread messages, alerts)."""
    with in_language(_workspace_language):
        yield


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of `language`; English is the source, so it has none."""
    if language == LANGUAGES[0]:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])


def gettext(message: str) -> str:
    """`message` (an English msgid) in the reader's language."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is defined (a constant at import time); it is
    translated with `_()` where it is rendered."""
    return message


_ = gettext

P = ParamSpec("P")
T = TypeVar("T")


class ContextCarryingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, running each listener in a copy of the context it was submitted
    from: the language the middleware chose for the request goes along with it."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = copy_context()

        def run() -> T:
            return context.run(fn, *args, **kwargs)

        return super().submit(run)
