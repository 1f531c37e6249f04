"""The CPNEFP's decision letter to the candidate on a dossier de recevabilité, as PDF bytes.

:func:`decision_letter_pdf` writes one of three letters: *recevable* (next step: the livret 2,
then the jury), *non recevable* (the reason, then what the candidate may do: ask for an
explanation, a recours gracieux within two months, a new request respecting the quotas) and
*incomplet* (the missing pieces, how to resubmit, the two-month period starting again).

Pure function: no Flask, no database. The letterhead, reference lines and closing come from
:mod:`vae.documents.letters`, the « Page N sur M » set-up from :mod:`vae.documents.pdf`; every
piece of user text is cleaned and escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable

from vae.certifiers.identity import capitalised, of, pour
from vae.documents.letters import (
    LetterStyles,
    bullet,
    certification_line,
    certifier,
    closing,
    letter_date,
    letter_styles,
    letterhead,
    opening,
    reference_line,
)
from vae.documents.pdf import Paragraph, build_pdf
from vae.documents.text import as_dict, safe_markup, short_line, text_items
from vae.french import NBSP
from vae.rules.quotas import LEGAL_BASIS as QUOTA_LEGAL_BASIS

KINDS = ("incomplete", "recevable", "non_recevable", "implicit", "implicit_withdrawn")
KIND_SUBJECTS = {
    "implicit": "décision implicite d'acceptation",
    "implicit_withdrawn": "retrait de la décision implicite d'acceptation",
    "recevable": "dossier recevable",
    "non_recevable": "dossier non recevable",
    "incomplete": "dossier incomplet, éléments à compléter",
}


# --------------------------------------------------------------------------- text


def _name(letter: dict[str, Any]) -> str:
    """The name of the certifier who writes (its own, else the configured one)."""
    return certifier(letter.get("certifier")).name


def _who(letter: dict[str, Any]) -> str:
    """« la CPNEFP Mutualité », « Ucanss »: the certifier as the body of a letter names it."""
    return escape(pour(_name(letter)))


def _of(letter: dict[str, Any]) -> str:
    """« de la CPNEFP Mutualité », « d'Ucanss », escaped for markup."""
    return escape(of(_name(letter)))


def _year(value: object) -> int | None:
    if isinstance(value, date):
        return value.year
    try:
        return date.fromisoformat(short_line(value)[:10]).year
    except ValueError:
        return None


# --------------------------------------------------------------------------- blocks


def _references(letter: dict[str, Any], kind: str, st: LetterStyles) -> list[Flowable]:
    reference = escape(reference_line(letter))
    what = "votre dossier de recevabilité VAE" + (f" {reference}" if reference else "")
    lines = []
    certification = certification_line(letter)
    if certification:
        lines.append(f"Certification visée : {certification}")
    submitted = letter_date(letter.get("submitted_on"))
    if submitted:
        lines.append(f"Dossier déposé le {escape(submitted)}")
    officer = safe_markup(short_line(letter.get("officer_name")))
    if officer:
        lines.append(f"Dossier suivi par : {officer}")
    return opening(lines, f"{what} — {KIND_SUBJECTS[kind]}", st)


def _examined(letter: dict[str, Any], verb: str = "examiné") -> str:
    """The opening sentence: what was examined, for which certification."""
    submitted = letter_date(letter.get("submitted_on"))
    certification = certification_line(letter)
    text = f"Nous avons {verb} votre dossier de recevabilité (livret 1)"
    if submitted:
        text += f" déposé le {escape(submitted)}"
    text += ", dans le cadre de votre demande de validation des acquis de l'expérience (VAE)"
    if certification:
        text += f" pour la certification {certification}"
    return text + "."


def _comment(letter: dict[str, Any], title: str, st: LetterStyles) -> list[Flowable]:
    comment = safe_markup(letter.get("comment"))
    if not comment:
        return []
    return [Paragraph(title, st.heading), Paragraph(comment, st.quote)]


def _hint(letter: dict[str, Any], st: LetterStyles) -> list[Flowable]:
    hint = safe_markup(letter.get("resubmit_hint"))
    return [Paragraph(hint, st.body)] if hint else []


# --------------------------------------------------------------------------- bodies


def _recevable(letter: dict[str, Any], st: LetterStyles) -> list[Flowable]:
    due = letter_date(letter.get("livret2_due"))
    deadline = (
        f"au plus tard le <b>{escape(due).replace(' ', NBSP)}</b>"
        if due
        else "dans le délai indiqué dans votre espace candidat"
    )
    return [
        Paragraph(_examined(letter), st.body),
        Paragraph(
            "Nous avons le plaisir de vous informer que votre dossier est déclaré "
            "<b>recevable</b>.",
            st.body,
        ),
        Paragraph(
            "Cette décision porte uniquement sur la recevabilité de votre demande : elle "
            "reconnaît que votre expérience vous permet de vous engager dans la VAE pour cette "
            "certification. Elle ne vous attribue pas la certification : celle-ci ne pourra "
            "être obtenue, en tout ou partie, qu'après l'examen de votre dossier par un jury.",
            st.body,
        ),
        *_comment(letter, f"Observations {_of(letter)}", st),
        Paragraph("Les prochaines étapes", st.heading),
        bullet(
            "<b>Rédiger votre livret 2.</b> Vous y décrivez des situations de travail "
            "significatives que vous avez vécues, pour montrer les compétences attendues par la "
            "certification. Vous le rédigez en ligne, dans votre espace candidat, et vous "
            f"devez le déposer {deadline}.",
            st,
        ),
        bullet(
            "<b>Rencontrer le jury.</b> Une fois votre livret 2 déposé, nous vous convoquerons "
            "devant un jury. Le jury étudiera votre livret 2 et s'entretiendra avec vous, puis "
            "proposera une décision sur la validation de la certification.",
            st,
        ),
        Paragraph(
            "Si vous pensez ne pas pouvoir déposer votre livret 2 dans ce délai, prenez "
            "contact avec nous avant son échéance.",
            st.body,
        ),
    ]


def _non_recevable(letter: dict[str, Any], st: LetterStyles) -> list[Flowable]:
    reason = safe_markup(short_line(letter.get("reason_label"), 400))
    story: list[Flowable] = [
        Paragraph(_examined(letter), st.body),
        Paragraph(
            "Nous sommes au regret de vous informer que votre dossier est déclaré "
            "<b>non recevable</b>.",
            st.body,
        ),
    ]
    if reason:
        story.append(Paragraph(f"Motif de la décision : <b>{reason}</b>", st.body))
    story += _comment(letter, f"Précisions {_of(letter)}", st)
    year = _year(letter.get("submitted_on"))
    when = (
        f"à partir du 1er janvier {year + 1}"
        if year is not None and year < date.max.year
        else "à partir de l'année civile qui suit le dépôt de cette demande"
    )
    story += [
        Paragraph("Ce que vous pouvez faire", st.heading),
        bullet(
            "<b>Demander des explications.</b> Si vous souhaitez mieux comprendre cette "
            f"décision, vous pouvez demander des explications à {_who(letter)}, en rappelant le "
            "numéro de votre dossier.",
            st,
        ),
        bullet(
            "<b>Contester la décision.</b> Vous pouvez former un recours gracieux auprès "
            f"{_of(letter)} dans un délai de deux mois à compter de la réception de ce courrier. "
            "Expliquez par écrit pourquoi vous demandez un nouvel examen de votre dossier et "
            "joignez les documents utiles.",
            st,
        ),
        bullet(
            "<b>Déposer une nouvelle demande plus tard.</b> Vous pouvez compléter votre "
            "expérience, puis déposer une nouvelle demande. Une seule demande de recevabilité "
            "est possible par année civile pour une même certification, et trois au plus pour "
            f"des certifications différentes ({escape(QUOTA_LEGAL_BASIS)}) : une nouvelle "
            f"demande pour cette certification pourra être déposée {when}.",
            st,
        ),
        *_hint(letter, st),
    ]
    return story


def _incomplete(letter: dict[str, Any], st: LetterStyles) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(_examined(letter, "vérifié"), st.body),
        Paragraph(
            "Votre dossier est <b>incomplet</b> : il ne peut pas être examiné en l'état, car "
            "des éléments manquent ou ne sont pas valables.",
            st.body,
        ),
        Paragraph("Éléments à compléter ou à corriger", st.heading),
    ]
    missing = text_items(letter.get("missing"))
    story += [bullet(safe_markup(item), st) for item in missing]
    if not missing:
        story.append(
            Paragraph("Les éléments à compléter sont indiqués dans votre espace candidat.", st.body)
        )
    story += _comment(letter, f"Précisions {_of(letter)}", st)
    story += [
        Paragraph("Comment faire ?", st.heading),
        Paragraph(
            "Connectez-vous à votre espace candidat, complétez ou corrigez votre dossier en "
            "ligne, puis déposez-le à nouveau. Les informations déjà saisies sont conservées : "
            "vous n'avez pas à tout recommencer. Ce nouveau dépôt ne compte pas comme une "
            "nouvelle demande.",
            st.body,
        ),
        *_hint(letter, st),
        Paragraph("Délai d'examen", st.heading),
        Paragraph(
            f"{capitalised(_who(letter))} dispose de deux mois pour se prononcer sur la "
            "recevabilité d'un dossier "
            "complet (article L6412-2 du Code du travail). Ce délai de deux mois commencera à "
            "nouveau à partir de la réception de votre dossier complet. Sans réponse de notre "
            "part dans ce délai, votre dossier sera considéré comme recevable.",
            st.body,
        ),
    ]
    return story


def _implicit(letter: dict[str, Any], st: LetterStyles) -> list[Flowable]:
    started = escape(letter_date(letter.get("clock_started_on")) or "la réception du dossier")
    due = escape(letter_date(letter.get("due_on")) or "")
    story: list[Flowable] = [
        Paragraph(
            f"Votre dossier de recevabilité complet a été reçu le {started}. "
            f"{capitalised(_who(letter))} ne "
            f"s'est pas prononcée dans le délai de deux mois, échu le {due} : conformément à "
            "l'article L6412-2 du Code du travail, ce silence vaut <b>décision implicite "
            "d'acceptation</b>. Votre dossier est donc <b>recevable</b>.",
            st.body,
        ),
    ]
    return story + _recevable({**letter, "comment": ""}, st)[2:]


def _implicit_withdrawn(letter: dict[str, Any], st: LetterStyles) -> list[Flowable]:
    accepted = escape(letter_date(letter.get("implicit_on")) or "")
    return [
        Paragraph(
            f"Votre dossier avait été déclaré recevable le {accepted} par décision implicite "
            "d'acceptation (article L6412-2 du Code du travail, silence gardé pendant deux mois).",
            st.body,
        ),
        Paragraph(
            "Nous vous informons du <b>retrait de cette décision implicite</b>, dans les cas où "
            "la loi le permet (articles L242-1 et suivants du Code des relations entre le public "
            "et l'administration).",
            st.body,
        ),
        *_comment({**letter}, "Motif du retrait", st),
        Paragraph(
            f"Votre dossier est de nouveau en cours d'examen : {_who(letter)} vous fera "
            "connaître sa "
            "décision par un nouveau courrier. Vous pouvez former un recours gracieux contre ce "
            "retrait dans un délai de deux mois à compter de la réception de ce courrier.",
            st.body,
        ),
    ]


BODIES = {
    "recevable": _recevable,
    "non_recevable": _non_recevable,
    "incomplete": _incomplete,
    "implicit": _implicit,
    "implicit_withdrawn": _implicit_withdrawn,
}


# --------------------------------------------------------------------------- the letter


def decision_letter_pdf(letter: dict) -> bytes:
    """The CPNEFP's letter telling the candidate its decision on their dossier de recevabilité.

    ``letter["kind"]`` is ``recevable``, ``non_recevable`` or ``incomplete`` (a ValueError
    otherwise: a letter must not announce a decision that was not taken); every other key may
    be missing. See the module docstring for what each letter says.
    """
    letter = as_dict(letter)
    kind = str(letter.get("kind") or "")
    if kind not in BODIES:
        raise ValueError(f"unknown decision kind: {kind!r}")
    st = letter_styles()
    story = [
        *letterhead(letter, st),
        *_references(letter, kind, st),
        *BODIES[kind](letter, st),
        *closing(letter, st),
    ]
    reference = reference_line(letter).replace(NBSP, " ")
    title = f"Décision sur le dossier de recevabilité VAE {reference} — {KIND_SUBJECTS[kind]}"
    cert = short_line(as_dict(letter.get("certification")).get("title"), 250)
    return build_pdf(
        story,
        title=title,
        subject=f"Validation des acquis de l'expérience — {cert}" if cert else "VAE",
        creator="vae.review.letters",
    )
