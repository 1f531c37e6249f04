"""The jury's documents, returned as bytes.

* :func:`convocation_pdf`: the letter convening the candidate to the 45-minute interview with the
  jury VAE: when (Europe/Paris time), where or by which video link, what to bring, how the
  interview goes, whom to warn of an impediment.
* :func:`calendar_ics`: the same slot as an RFC 5545 calendar holding one event (UTC times,
  escaped text, CRLF line endings, lines folded at 75 octets); :func:`calendar_data` derives its
  input from the convocation's.
* :func:`minutes_pdf`: the procès-verbal of the two members' proposal, block by block, with the
  80 % rule, the préconisations for the blocks not validated, both signatures and a summary.

The certificates the CPNEFP issues once it has proclaimed the results (a CCP per acquired
block, the whole certification) live in :mod:`vae.jury.certificates` and are re-exported here.

Pure functions: no Flask, no database. Fonts, styles, text cleaning, tables and the « Page N sur
M » canvas come from :mod:`vae.dossier.pdf`, the letter head and closing from
:mod:`vae.review.letters`; every piece of user text is cleaned and escaped before it reaches
reportlab's paragraph markup. Missing or mistyped keys render as « — » or are left out.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from vae import clock
from vae.dossier.pdf import (
    CONTENT_WIDTH,
    _build,
    _dict,
    _full_name,
    _heading,
    _key_values,
    _list,
    _markup,
    _moment_text,
    _parse_datetime,
    _styles,
    _table,
    clean_text,
)
from vae.french import NBSP
from vae.jury.certificates import block_certificate_pdf, certification_pdf
from vae.review.letters import _bullet, _certification, _closing, _head, _items, _line
from vae.review.letters import _styles as _letter_styles
from vae.rules.jury import required_count

__all__ = ["block_certificate_pdf", "calendar_data", "calendar_ics", "certification_pdf"]
__all__ += ["convocation_pdf", "minutes_pdf"]

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DEFAULT_DURATION = 45  # minutes (seed 000: « un entretien en présentiel de 45 mn »)
SUMMARY = "Entretien avec le jury VAE"
PRODID = "-//Plateforme VAE des certifications de branche//Jury VAE//FR"
FOLD_OCTETS = 75
ID_CARD = (
    "Une pièce d'identité en cours de validité (carte d'identité, passeport ou titre de séjour)"
)
REMOTE_ADVICE = (
    "L'entretien a lieu à distance. Connectez-vous dix minutes avant l'heure prévue depuis un "
    "endroit calme, avec une caméra, un micro et une connexion fiables : vous présenterez votre "
    "pièce d'identité à la caméra."
)
OK_HEX, KO_HEX = "#1b6e3a", "#a61b1b"
_SAFE_URL = re.compile(r"https?://[^\s<>\"'\\]+")


# --------------------------------------------------------------------------- shared


def _slot(value: object, duration: int) -> tuple[str, str] | None:
    """(« mardi 12 janvier 2027 à 14 h 30 », « 15 h 15 ») in Paris time; None when unparsable."""
    start = _parse_datetime(value)
    if start is None:
        return None
    end = (start.astimezone(UTC) + timedelta(minutes=duration)).astimezone(start.tzinfo)
    day = f"{WEEKDAYS[start.weekday()]} {_moment_text(start)}"
    return day, f"{end.hour}{NBSP}h{NBSP}{end.minute:02d}"


def _duration(value: object) -> int:
    if isinstance(value, bool):
        return DEFAULT_DURATION
    try:
        minutes = int(str(value).strip()) if isinstance(value, str | int | float) else 0
    except ValueError:
        minutes = 0
    return minutes if 0 < minutes <= 24 * 60 else DEFAULT_DURATION


def _link(url: str) -> str:
    """Markup for a URL, clickable when it is a plain http(s) address."""
    if _SAFE_URL.fullmatch(url):
        return f'<link href="{escape(url)}" color="#1f3a5f"><u>{escape(url)}</u></link>'
    return escape(url)


def _cert_title(cert: dict[str, Any]) -> str:
    title = _line(cert.get("title"), 250)
    option = _line(cert.get("option_title"), 120)
    return f"{title} ({option})" if title and option else title or option


# --------------------------------------------------------------------------- convocation


def _where(session: dict[str, Any]) -> tuple[list[tuple[str, str]], str, bool]:
    """Key-value rows for the place or link, the advice on arriving or connecting, remote?"""
    place = clean_text(session.get("place"))
    video = _line(session.get("video_link"), 500)
    rows: list[tuple[str, str]] = []
    if place:
        rows.append(("Lieu", _markup(place)))
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
    contact = _dict(data.get("contact"))
    ways = ["depuis votre espace candidat"]
    if _line(contact.get("email")):
        ways.append(f"par courriel à {escape(_line(contact.get('email')))}")
    if _line(contact.get("phone")):
        ways.append(f"par téléphone au {escape(_line(contact.get('phone')))}")
    how = ", ".join(ways[:-1]) + " ou " + ways[-1] if len(ways) > 1 else ways[0]
    reminder = f" en rappelant le numéro de votre dossier ({escape(number)})" if number else ""
    return (
        "Si vous ne pouvez pas vous présenter, prévenez-nous au plus tôt et avant la date de "
        f"l'entretien, {how},{reminder}. Nous examinerons avec vous la possibilité d'un autre "
        "créneau."
    )


def convocation_pdf(data: dict) -> bytes:
    """The letter convening the candidate to the jury interview (keys: see the module brief)."""
    data = _dict(data)
    st, base = _letter_styles(), _styles()
    session = _dict(data.get("session"))
    duration = _duration(session.get("duration_minutes"))
    slot = _slot(session.get("starts_at"), duration)
    number = (
        f"n°{NBSP}{_line(data.get('dossier_number'), 80)}" if data.get("dossier_number") else ""
    )
    certification = _certification(data)
    when = (
        f"le <b>{escape(slot[0])}</b> (heure de Paris), pour une durée de {duration}{NBSP}minutes "
        f"(fin prévue vers {slot[1]})"
        if slot
        else "à une date et une heure qui vous seront confirmées prochainement"
    )
    rows, advice, remote = _where(session)
    when_row = escape(slot[0][:1].upper() + slot[0][1:]) if slot else "À confirmer"
    documents = _items(data.get("documents_to_bring"))
    if not any("identit" in item.lower() for item in documents):
        documents.insert(0, ID_CARD)
    story: list[Flowable] = [*_head({**data, "decided_on": data.get("issued_on")}, st)]
    if certification:
        story.append(Paragraph(f"Certification visée : {certification}", st.small))
    if number:
        story.append(Paragraph(f"Dossier {escape(number)}", st.small))
    story += [
        Spacer(1, 8),
        Paragraph("Objet : convocation à l'entretien avec le jury VAE", st.subject),
        Paragraph("Madame, Monsieur,", st.body),
        Paragraph(
            "Votre livret 2 a bien été reçu. Nous avons le plaisir de vous convoquer à "
            "l'entretien avec le jury de validation des acquis de l'expérience (VAE)"
            + (f" pour la certification {certification}" if certification else "")
            + f", {when}.",
            st.body,
        ),
        _key_values(
            [("Date et heure", when_row), ("Durée", f"{duration}{NBSP}minutes"), *rows],
            base,
            label_width=4 * CONTENT_WIDTH / 16,
        ),
        Spacer(1, 6),
        Paragraph(advice, st.body),
        Paragraph("Déroulement de l'entretien", st.heading),
        _bullet(
            "<b>Votre présentation.</b> Vous présentez les situations professionnelles décrites "
            "dans votre livret 2 et vous complétez ce qu'il dit de votre pratique.",
            st,
        ),
        _bullet(
            "<b>Un échange avec les deux membres du jury</b> : l'un représente l'organisme "
            "certificateur, l'autre est un professionnel expérimenté de votre branche, sans lien "
            "hiérarchique avec vous. Leurs questions visent à s'assurer que les compétences de la "
            "certification sont acquises, y compris celles que votre livret aborde peu.",
            st,
        ),
        _bullet(
            "<b>Après l'entretien</b>, le jury formule une proposition, bloc par bloc. Le jury "
            "paritaire national de la CPNEFP proclame ensuite les résultats ; nous vous les "
            "adresserons par écrit.",
            st,
        ),
        Paragraph(f"Documents à {'préparer' if remote else 'apporter'}", st.heading),
        *(_bullet(escape(item), st) for item in documents),
        Paragraph("En cas d'empêchement", st.heading),
        Paragraph(_impediment(data, number), st.body),
        *_closing(data, st),
    ]
    who = _dict(data.get("candidate"))
    name = _full_name(who.get("first_name"), who.get("last_name"))
    return _build(
        story,
        title=f"Convocation à l'entretien avec le jury VAE — {name}".rstrip(" —"),
        subject=f"{SUMMARY} — {_cert_title(_dict(data.get('certification')))} {number}",
        header=("", ""),
        fonts=base.fonts,
    )


# --------------------------------------------------------------------------- calendar


def _ics_text(value: object) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma escaped, newlines as ``\\n``."""
    text = clean_text(value)
    for char, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        text = text.replace(char, escaped)
    return text


def _ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> bytes:
    """One content line folded into physical lines of at most 75 octets, never inside a char."""
    parts: list[bytes] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > FOLD_OCTETS:
            parts.append(current)
            current = b" "
        current += encoded
    parts.append(current)
    return b"\r\n".join(parts)


def calendar_ics(data: dict) -> bytes:
    """An RFC 5545 calendar with one event: the candidate's slot before the jury.

    Keys: ``uid``, ``starts_at`` (ISO, aware; naive is read as UTC), ``duration_minutes``
    (45 when absent), ``summary``, ``location``, ``description``, ``stamp`` (ISO, aware; now
    when absent), ``sequence`` (0; raise it when the slot moves). Raises ValueError when
    ``starts_at`` is missing or unparsable: an event without a time would be worse than none.
    """
    data = _dict(data)
    start = _parse_datetime(data.get("starts_at"))
    if start is None:
        raise ValueError(f"starts_at is not an ISO datetime: {data.get('starts_at')!r}")
    end = start.astimezone(UTC) + timedelta(minutes=_duration(data.get("duration_minutes")))
    stamp = _parse_datetime(data.get("stamp")) or clock.now()
    summary = _ics_text(data.get("summary")) or SUMMARY
    uid = _ics_text(data.get("uid")) or f"{uuid.uuid5(uuid.NAMESPACE_URL, start.isoformat())}@vae"
    sequence = _count(data.get("sequence")) or 0
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_ics_time(stamp)}",
        f"DTSTART:{_ics_time(start)}",
        f"DTEND:{_ics_time(end)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{summary}",
    ]
    for name in ("location", "description"):
        if _ics_text(data.get(name)):
            lines.append(f"{name.upper()}:{_ics_text(data.get(name))}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return b"".join(_fold(line) + b"\r\n" for line in lines)


def calendar_data(convocation: dict, *, uid: str, stamp: str | datetime) -> dict[str, Any]:
    """The input of :func:`calendar_ics` for the slot of a :func:`convocation_pdf` input."""
    data = _dict(convocation)
    session = _dict(data.get("session"))
    duration = _duration(session.get("duration_minutes"))
    place, video = clean_text(session.get("place")), _line(session.get("video_link"), 500)
    cert = _cert_title(_dict(data.get("certification")))
    number = _line(data.get("dossier_number"), 80)
    bring = _items(data.get("documents_to_bring")) or [ID_CARD]
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


# --------------------------------------------------------------------------- minutes


def _threshold(value: object) -> int:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 100
    return int(value) if ok else 80


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _verdict(validated: bool) -> str:
    color, label = (OK_HEX, "Validé") if validated else (KO_HEX, "Non validé")
    return f'<font color="{color}"><b>{label}</b></font>'


def _cells(base: Any, *markups: str) -> list[Any]:
    return [Paragraph(markup, base.cell) for markup in markups]


def _members(members: list[Any], base: Any) -> list[Flowable]:
    rows = [_cells(base, *(f"<b>{h}</b>" for h in ("Membre", "Qualité", "Signature")))]
    signed = 0
    for member in (_dict(m) for m in members):
        moment = _moment_text(member.get("signed_at")) if member.get("signed_at") else ""
        signed += bool(moment)
        signature = (
            f"Signé électroniquement le {escape(moment)}"
            if moment
            else f'<font color="{KO_HEX}">Non signé</font>'
        )
        name, quality = escape(_line(member.get("name"))), escape(_line(member.get("kind_label")))
        rows.append(_cells(base, name or "—", quality or "—", signature))
    if len(rows) == 1:
        rows.append(_cells(base, "Aucun membre désigné", "", ""))
    final = signed >= 2 and signed == len(rows) - 1
    status = (
        "Les membres du jury ont signé la même proposition : elle est définitive."
        if final
        else "Proposition non définitive : elle le sera quand les deux membres du jury auront "
        "signé le même résultat."
    )
    widths = [CONTENT_WIDTH * share for share in (0.3, 0.36, 0.34)]
    return [_table(rows, widths, header=True), Spacer(1, 4), Paragraph(status, base.note)]


def _competency_rows(block: dict[str, Any], base: Any) -> list[list[Any]]:
    key_missing = {_line(code, 40) for code in _list(block.get("key_missing"))}
    headers = ("Compétence", "Critères remplis / requis", "Validée")
    rows = [_cells(base, *(f"<b>{h}</b>" for h in headers))]
    for item in (_dict(c) for c in _list(block.get("competencies"))):
        code = _line(item.get("code"), 40)
        text = f"<b>{escape(code)}</b> {escape(_line(item.get('title'), 600))}".strip()
        if item.get("key") is True or (code and code in key_missing):
            text += " <i>(compétence clé)</i>"
        if clean_text(item.get("comment")):
            text += f'<br/><font color="#555555"><i>{_markup(item.get("comment"))}</i></font>'
        met, needed = _count(item.get("criteria_met")), _count(item.get("criteria_required"))
        criteria = f"{met} / {needed}" if met is not None and needed is not None else "—"
        validated = item.get("validated") is True
        verdict = "Oui" if validated else f'<font color="{KO_HEX}"><b>Non</b></font>'
        rows.append(_cells(base, text or "—", criteria, verdict))
    return rows


def _block(block: dict[str, Any], label: str, threshold: int, base: Any) -> list[Flowable]:
    code, title = _line(block.get("code"), 40), _line(block.get("title"), 300)
    story = _heading(escape(f"{label} {code} — {title}".strip(" —")), base.h1)
    rows = _competency_rows(block, base)
    if len(rows) > 1:
        widths = [CONTENT_WIDTH * 0.66, CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.14]
        story.append(_table(rows, widths, header=True))
    total = len(rows) - 1
    needed = _count(block.get("required_count"))
    if needed is None:
        needed = required_count(total, Fraction(threshold, 100))
    count = _count(block.get("validated_count"))
    if count is None:
        count = sum(
            1 for c in _list(block.get("competencies")) if _dict(c).get("validated") is True
        )
    validated = block.get("validated") is True
    rule = (
        f"au moins {needed} compétence{'s' if needed > 1 else ''} sur {total} et toutes les "
        f"compétences clés (seuil de {threshold}{NBSP}%, arrondi à l'entier supérieur)"
    )
    result = [
        Spacer(1, 4),
        Paragraph(
            f"Résultat : {_verdict(validated)} — {count} compétence"
            f"{'s' if count > 1 else ''} validée{'s' if count > 1 else ''} sur {total}.",
            base.body,
        ),
        Paragraph(f"Règle : {escape(label.lower())} validé avec {rule}.", base.note),
    ]
    missing = [_line(c, 40) for c in _list(block.get("key_missing")) if _line(c, 40)]
    if missing:
        result.insert(
            2, Paragraph(f"Compétences clés non validées : {escape(', '.join(missing))}", base.body)
        )
    story.append(KeepTogether(result))
    if clean_text(block.get("comment")):
        story += [
            Paragraph("Observations du jury", base.h2),
            Paragraph(_markup(block.get("comment")), base.body),
        ]
    if not validated:
        advice = _markup(block.get("recommendation")) or "Aucune préconisation n'a été saisie."
        story += [
            Paragraph("Préconisations pour la suite du parcours", base.h2),
            Paragraph(advice, base.body),
        ]
    return story


def minutes_pdf(data: dict) -> bytes:
    """The procès-verbal of the jury's proposal (keys: see the module brief)."""
    data = _dict(data)
    base, st = _styles(), _letter_styles()
    cert, session = _dict(data.get("certification")), _dict(data.get("session"))
    who = _dict(data.get("candidate"))
    name = _full_name(who.get("first_name"), who.get("last_name"))
    label = _line(cert.get("block_label"), 30) or "Bloc"
    label = label[:1].upper() + label[1:]
    threshold = _threshold(data.get("threshold_percent"))
    option = _line(cert.get("option_title"), 200)
    number = _line(data.get("dossier_number"), 80)
    slot = _slot(session.get("starts_at"), DEFAULT_DURATION)
    blocks = [_dict(b) for b in _list(data.get("blocks"))]
    story: list[Flowable] = [
        Paragraph("Procès-verbal du jury VAE", base.title),
        Paragraph("Proposition de validation des acquis de l'expérience", base.subtitle),
        _key_values(
            [
                ("Dossier", escape(f"n°{NBSP}{number}") if number else ""),
                ("Candidat", f"<b>{escape(name)}</b>" if name else ""),
                ("Certification", f"<b>{escape(_line(cert.get('title'), 300))}</b>"),
                *[("Option", escape(option))] * bool(option),
                ("Entretien", escape(f"le {slot[0]}") if slot else ""),
                ("Lieu", _markup(session.get("place"))),
            ],
            base,
            label_width=3.6 * CONTENT_WIDTH / 17,
        ),
        *_heading("Composition du jury et signatures", base.h1),
        *_members(_list(data.get("members")), base),
    ]
    for block in blocks:
        story += _block(block, label, threshold, base)
    story += _heading("Synthèse de la proposition", base.h1)
    for validated, heading in ((True, "validés"), (False, "non validés")):
        chosen = [b for b in blocks if (b.get("validated") is True) is validated]
        story.append(Paragraph(f"<b>{escape(label)}s {heading} ({len(chosen)})</b>", base.body))
        for block in chosen:
            text = f"{_line(block.get('code'), 40)} — {_line(block.get('title'), 300)}".strip(" —")
            story.append(_bullet(escape(text) or "—", st))
        if not chosen:
            story.append(_bullet("Aucun", st))
    story.append(
        Paragraph(
            "Cette proposition est transmise au jury paritaire national de la CPNEFP, qui "
            "proclame les résultats ; il est souverain dans sa décision. Un certificat de "
            "compétences professionnelles est délivré pour chaque bloc validé.",
            base.note,
        )
    )
    reference = f"n° {number}" if number else ""
    return _build(
        story,
        title=f"Procès-verbal du jury VAE — {name} {reference}",
        subject=f"Proposition du jury VAE — {_cert_title(cert)}",
        header=(f"Procès-verbal du jury VAE — {reference}".strip(" —"), name),
        fonts=base.fonts,
    )
