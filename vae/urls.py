"""Absolute links to the service, always on ``PUBLIC_URL``.

A shared service: features import it, and it imports none of them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from flask import current_app, url_for


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` on ``PUBLIC_URL``, never on the request's Host header
    (a forged Host would otherwise put a reset link on the attacker's site)."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


_ROW = "00000000-0000-0000-0000-00000000c0de"  # stands for a row's uuid while the URL is built


class RowUrl:
    """The URL of ``endpoint`` for every row of a list, built with ``url_for`` once per page:
    ``edit = RowUrl("dossier.activity_form", "activity_id", dossier_id=d.id)`` then
    ``edit(activity.id)`` for each row (a string replacement, not a routing lookup)."""

    def __init__(self, endpoint: str, key: str, **values: Any) -> None:
        self._url = url_for(endpoint, **values, **{key: UUID(_ROW)})

    def __call__(self, row_id: Any) -> str:
        return self._url.replace(_ROW, str(row_id))
