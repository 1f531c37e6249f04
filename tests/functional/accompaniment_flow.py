"""Steps of the accompagnateur's journey through HTTP: invited by the candidate, signed up
through the link, signed in. Reused by the accompaniment and access-matrix tests."""

from __future__ import annotations

from typing import Any

from tests.helpers import DEFAULT_PASSWORD, link_in, outbox_messages, submit


def invite(client: Any, dossier_id: str, email: str, structure: str = "") -> Any:
    """The candidate sends an invitation from the dossier's « Mes accompagnateurs » page."""
    return submit(
        client,
        f"/dossiers/{dossier_id}/accompagnateurs",
        {"email": email, "structure": structure},
    )


def invitation_link(app: Any, email: str) -> str:
    """The path of the last invitation link emailed to ``email``."""
    sent = [m for m in outbox_messages(app) if m["To"] == email]
    assert sent, f"no email to {email}"
    return link_in(sent[-1], "/invitation/")


def sign_up(app: Any, link: str, first_name: str = "Samia", last_name: str = "Benali") -> Any:
    """A new visitor follows ``link`` and creates their accompagnateur account; the client."""
    client = app.test_client()
    response = submit(
        client,
        link,
        {
            "first_name": first_name,
            "last_name": last_name,
            "password": DEFAULT_PASSWORD,
            "password_confirm": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def accompagnateur(
    app: Any, candidate: Any, dossier_id: str, email: str = "conseil@relais.fr", **names: str
) -> Any:
    """Invite ``email`` on the dossier and sign them up through the link: their client."""
    assert invite(candidate, dossier_id, email, "Point relais conseil").status_code == 302
    return sign_up(app, invitation_link(app, email), **names)
