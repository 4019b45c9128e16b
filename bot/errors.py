"""Typed exceptions for expected problems: their message goes to the person who clicked."""

from bot.i18n import gettext


class UserFacingError(Exception):
    """An expected problem (not allowed, already claimed, invalid input): shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        # A msgid marked with N_() (a constant) is translated here, for the clicking user
        # (the listener's language); a text already built with _() passes unchanged.
        self.message = gettext(message)


class NotAllowed(UserFacingError):
    """The clicking user may not do this; checked on the server for every click."""


class Conflict(UserFacingError):
    """Someone else got there first (claimed, approved, closed)."""
