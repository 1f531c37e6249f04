"""The jury's documents, returned as bytes.

* :func:`convocation_pdf`: the letter convening the candidate to the 45-minute interview with the
  jury VAE: when (Europe/Paris time), where or by which video link, what to bring, how the
  interview goes, whom to warn of an impediment.
* :func:`calendar_ics`: the same slot as an RFC 5545 calendar holding one event (UTC times,
  escaped text, CRLF line endings, lines folded at 75 octets); :func:`calendar_data` derives its
  input from the convocation's.
* :func:`minutes_pdf` (in :mod:`vae.jury.minutes`, re-exported here): the procès-verbal of the
  two members' proposal, block by block.

The certificates the CPNEFP issues once it has proclaimed the results (a CCP per acquired
block, the whole certification) live in :mod:`vae.jury.certificates` and are re-exported here.

Pure functions: no Flask, no database. Fonts, styles, text cleaning, tables and the « Page N sur
M » set-up come from :mod:`vae.documents.pdf`, the letterhead and closing from
:mod:`vae.documents.letters`; every piece of user text is cleaned and escaped before it reaches
reportlab's paragraph markup. Missing or mistyped keys render as « — » or are left out.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

import icalendar
from reportlab.platypus import Flowable, Spacer

from vae import clock
from vae.certifiers.identity import of
from vae.documents.letters import (
    bullet,
    certification_line,
    certifier,
    closing,
    letter_styles,
    letterhead,
    opening,
)
from vae.documents.pdf import CONTENT_WIDTH, Paragraph, build_pdf, key_values, pdf_styles
from vae.documents.text import (
    as_dict,
    clean_text,
    full_name,
    parse_datetime,
    safe_markup,
    short_line,
    text_items,
)
from vae.french import NBSP
from vae.jury.certificates import block_certificate_pdf, certification_pdf
from vae.jury.document_parts import (
    cert_title,
    count_or_none,
    duration_minutes,
    slot_text,
)
from vae.jury.minutes import minutes_pdf
from vae.referentials.words import UnitWords

__all__ = ["block_certificate_pdf", "calendar_data", "calendar_ics", "certification_pdf"]
__all__ += ["convocation_pdf", "minutes_pdf"]

SUMMARY = "Entretien avec le jury VAE"
PRODID = "-//Plateforme VAE des certifications de branche//Jury VAE//FR"
ID_CARD = (
    "Une pièce d'identité en cours de validité (carte d'identité, passeport ou titre de séjour)"
)
REMOTE_ADVICE = (
    "L'entretien a lieu à distance. Connectez-vous dix minutes avant l'heure prévue depuis un "
    "endroit calme, avec une caméra, un micro et une connexion fiables : vous présenterez votre "
    "pièce d'identité à la caméra."
)
_SAFE_URL = re.compile(r"https?://[^\s<>\"'\\]+")


# --------------------------------------------------------------------------- shared


def _link(url: str) -> str:
    """Markup for a URL, clickable when it is a plain http(s) address."""
    if _SAFE_URL.fullmatch(url):
        return f'<link href="{escape(url)}" color="#1f3a5f"><u>{escape(url)}</u></link>'
    return escape(url)


# --------------------------------------------------------------------------- convocation


def _where(session: dict[str, Any]) -> tuple[list[tuple[str, str]], str, bool]:
    """Key-value rows for the place or link, the advice on arriving or connecting, remote?"""
    place = clean_text(session.get("place"))
    video = short_line(session.get("video_link"), 500)
    rows: list[tuple[str, str]] = []
    if place:
        rows.append(("Lieu", safe_markup(place)))
    if video:
        rows.append(("Visioconférence", _link(video)))
    if not rows:
        rows.append(("Lieu", "Il vous sera communiqué prochainement."))
    if video and not place:
        return rows, REMOTE_ADVICE, True
    return (
        rows,
        "Présentez-vous un quart d'heure avant l'heure prévue, muni(e) de cette lettre.",
        False,
    )


def _impediment(data: dict[str, Any], number: str) -> str:
    contact = as_dict(data.get("contact"))
    ways = ["depuis votre espace candidat"]
    if short_line(contact.get("email")):
        ways.append(f"par courriel à {escape(short_line(contact.get('email')))}")
    if short_line(contact.get("phone")):
        ways.append(f"par téléphone au {escape(short_line(contact.get('phone')))}")
    how = ", ".join(ways[:-1]) + " ou " + ways[-1] if len(ways) > 1 else ways[0]
    reminder = f" en rappelant le numéro de votre dossier ({escape(number)})" if number else ""
    return (
        "Si vous ne pouvez pas vous présenter, prévenez-nous au plus tôt et avant la date de "
        f"l'entretien, {how},{reminder}. Nous examinerons avec vous la possibilité d'un autre "
        "créneau."
    )


def convocation_pdf(data: dict) -> bytes:
    """The letter convening the candidate to the jury interview (keys: see the module brief)."""
    data = as_dict(data)
    st, base = letter_styles(), pdf_styles()
    session = as_dict(data.get("session"))
    duration = duration_minutes(session.get("duration_minutes"))
    slot = slot_text(session.get("starts_at"), duration)
    number = (
        f"n°{NBSP}{short_line(data.get('dossier_number'), 80)}"
        if data.get("dossier_number")
        else ""
    )
    certification = certification_line(data)
    words = UnitWords.of(as_dict(data.get("certification")).get("block_label"), None)
    when = (
        f"le <b>{escape(slot[0])}</b> (heure de Paris), pour une durée de {duration}{NBSP}minutes "
        f"(fin prévue vers {slot[1]})"
        if slot
        else "à une date et une heure qui vous seront confirmées prochainement"
    )
    rows, advice, remote = _where(session)
    when_row = escape(slot[0][:1].upper() + slot[0][1:]) if slot else "À confirmer"
    documents = text_items(data.get("documents_to_bring"))
    if not any("identit" in item.lower() for item in documents):
        documents.insert(0, ID_CARD)
    lines = [f"Certification visée : {certification}"] if certification else []
    lines += [f"Dossier {escape(number)}"] if number else []
    story: list[Flowable] = [
        *letterhead({**data, "decided_on": data.get("issued_on")}, st),
        *opening(lines, "convocation à l'entretien avec le jury VAE", st),
        Paragraph(
            "Votre livret 2 a bien été reçu. Nous avons le plaisir de vous convoquer à "
            "l'entretien avec le jury de validation des acquis de l'expérience (VAE)"
            + (f" pour la certification {certification}" if certification else "")
            + f", {when}.",
            st.body,
        ),
        key_values(
            [("Date et heure", when_row), ("Durée", f"{duration}{NBSP}minutes"), *rows],
            base,
            label_width=4 * CONTENT_WIDTH / 16,
        ),
        Spacer(1, 6),
        Paragraph(advice, st.body),
        Paragraph("Déroulement de l'entretien", st.heading),
        bullet(
            "<b>Votre présentation.</b> Vous présentez les situations professionnelles décrites "
            "dans votre livret 2 et vous complétez ce qu'il dit de votre pratique.",
            st,
        ),
        bullet(
            "<b>Un échange avec les deux membres du jury</b> : l'un représente l'organisme "
            "certificateur, l'autre est un professionnel expérimenté de votre branche, sans lien "
            "hiérarchique avec vous. Leurs questions visent à s'assurer que les compétences de la "
            "certification sont acquises, y compris celles que votre livret aborde peu.",
            st,
        ),
        bullet(
            f"<b>Après l'entretien</b>, le jury formule une proposition, {words.block} par "
            f"{words.block}. Le jury "
            f"paritaire national {escape(of(certifier(data.get('certifier')).name))} proclame "
            "ensuite les résultats ; nous vous les "
            "adresserons par écrit.",
            st,
        ),
        Paragraph(f"Documents à {'préparer' if remote else 'apporter'}", st.heading),
        *(bullet(escape(item), st) for item in documents),
        Paragraph("En cas d'empêchement", st.heading),
        Paragraph(_impediment(data, number), st.body),
        *closing(data, st),
    ]
    who = as_dict(data.get("candidate"))
    name = full_name(who.get("first_name"), who.get("last_name"))
    return build_pdf(
        story,
        title=f"Convocation à l'entretien avec le jury VAE — {name}".rstrip(" —"),
        subject=f"{SUMMARY} — {cert_title(as_dict(data.get('certification')))} {number}",
        creator="vae.jury.documents",
    )


# --------------------------------------------------------------------------- calendar


def calendar_ics(data: dict) -> bytes:
    """An RFC 5545 calendar with one event: the candidate's slot before the jury.

    Keys: ``uid``, ``starts_at`` (ISO, aware; naive is read as UTC), ``duration_minutes``
    (45 when absent), ``summary``, ``location``, ``description``, ``stamp`` (ISO, aware; now
    when absent), ``sequence`` (0; raise it when the slot moves), ``organizer`` (email; the
    configured certifier's when absent), ``organizer_name``, ``attendee`` (the candidate's
    email); an alarm rings the day before. Raises ValueError when ``starts_at`` is missing
    or unparsable: an event without a time would be worse than none.
    Written by ``icalendar`` (escaping, folding at 75 octets), times in UTC.
    """
    data = as_dict(data)
    start = parse_datetime(data.get("starts_at"))
    if start is None:
        raise ValueError(f"starts_at is not an ISO datetime: {data.get('starts_at')!r}")
    start = start.astimezone(UTC)
    end = start + timedelta(minutes=duration_minutes(data.get("duration_minutes")))
    stamp = (parse_datetime(data.get("stamp")) or clock.now()).astimezone(UTC)
    uid = clean_text(data.get("uid")) or f"{uuid.uuid5(uuid.NAMESPACE_URL, start.isoformat())}@vae"
    calendar = icalendar.Calendar()
    for name, value in (
        ("prodid", PRODID),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", "REQUEST"),
    ):
        calendar.add(name, value)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", count_or_none(data.get("sequence")) or 0)
    event.add("summary", clean_text(data.get("summary")) or SUMMARY)
    for name in ("location", "description"):
        if clean_text(data.get(name)):
            event.add(name, clean_text(data.get(name)))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    who = certifier()
    event.add(
        "organizer",
        icalendar.vCalAddress(f"mailto:{short_line(data.get('organizer'), 200) or who.email}"),
        parameters={"cn": short_line(data.get("organizer_name"), 200) or who.name},
    )
    if short_line(data.get("attendee"), 200):
        event.add(
            "attendee",
            icalendar.vCalAddress(f"mailto:{short_line(data.get('attendee'), 200)}"),
            parameters={"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"},
        )
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    alarm.add("description", f"Demain : {clean_text(data.get('summary')) or SUMMARY}")
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical(sorted=False)


def calendar_data(convocation: dict, *, uid: str, stamp: str | datetime) -> dict[str, Any]:
    """The input of :func:`calendar_ics` for the slot of a :func:`convocation_pdf` input."""
    data = as_dict(convocation)
    session = as_dict(data.get("session"))
    duration = duration_minutes(session.get("duration_minutes"))
    place, video = clean_text(session.get("place")), short_line(session.get("video_link"), 500)
    cert = cert_title(as_dict(data.get("certification")))
    number = short_line(data.get("dossier_number"), 80)
    bring = text_items(data.get("documents_to_bring")) or [ID_CARD]
    description = [
        f"Entretien de {duration} minutes avec le jury VAE"
        + (f" (dossier n° {number})" if number else "")
        + " : présentation de votre livret 2, puis échange avec les deux membres du jury.",
        *([f"Visioconférence : {video}"] if video else []),
        "À apporter : " + " ; ".join(bring) + ".",
        "En cas d'empêchement, prévenez-nous au plus tôt depuis votre espace candidat.",
    ]
    return {
        "uid": uid,
        "starts_at": session.get("starts_at"),
        "duration_minutes": duration,
        "summary": f"{SUMMARY} – {cert}" if cert else SUMMARY,
        "location": place or video,
        "description": "\n".join(description),
        "stamp": stamp.isoformat() if isinstance(stamp, datetime) else stamp,
    }
