"""The one kind of refusal every service raises and every view catches."""

from __future__ import annotations

from collections.abc import Sequence


class Refused(Exception):
    """The user may not do this now; `message` says why, in their words.

    `allowed` names what the user may do instead, where a table of actions knows it
    (a state's transitions); the pages and the API list it beside the message.
    """

    def __init__(self, message: str, allowed: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.allowed = list(allowed)


class Forbidden(Refused):
    """Not theirs to do at all, whatever the moment: the role, the unit or the field is
    not the user's. Pages answer 403 and write the refusal to the security log."""
