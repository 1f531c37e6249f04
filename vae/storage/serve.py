"""Serving a stored file: streamed from the configured backend, the headers of ``send_file``."""

from __future__ import annotations

from flask import Response, send_file

from vae.storage import configured
from vae.storage.files import key_of


def stored_response(
    stored_name: str, *, mimetype: str, download_name: str, as_attachment: bool = True
) -> Response | None:
    """The stored file as a download (or inline), never cached; None when it is gone."""
    backend = configured.uploads()
    key = key_of(stored_name)
    try:
        size = backend.size(key)
        stream = backend.open(key)
    except FileNotFoundError:
        return None
    response = send_file(
        stream,
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=download_name,
        max_age=0,
        etag=stored_name,  # a stored name never changes content
    )
    if response.status_code == 200:
        response.content_length = size
    return response
