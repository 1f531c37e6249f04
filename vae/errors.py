"""The one base of every refusal a feature raises: an operation said no, for a reason the user
can read (``str(error)``, in French). Views catch their own to show it beside the field; one that
escapes its view is handled once, in :mod:`vae.web`: nothing was changed, the message is shown."""

from __future__ import annotations


class DomainError(Exception):
    """A refused operation, with a French message for the user."""
