"""The words of the VAE explained: the public « Lexique » and the ``<abbr>`` of acronyms.

One source for both: ``ABBREVIATIONS`` gives the expansion an ``<abbr title>`` shows, and
``ENTRIES`` the glossary page. ``term()`` (a Jinja global) marks up the first occurrence of an
acronym on a page and prints the plain word afterwards.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from flask import g, has_request_context
from markupsafe import Markup, escape

ABBREVIATIONS: dict[str, str] = {
    "VAE": "validation des acquis de l'expérience",
    "CPNEFP": "commission paritaire nationale de l'emploi et de la formation professionnelle",
    "CQP": "certificat de qualification professionnelle",
    "CCP": "certificat de compétences professionnelles",
    "ETP": "équivalent temps plein",
}


class Entry(NamedTuple):
    """One glossary entry: the word, its anchor on the page and its explanation."""

    word: str
    anchor: str
    text: str


ENTRIES: tuple[Entry, ...] = (
    Entry(
        "VAE (validation des acquis de l'expérience)",
        "vae",
        "Faire reconnaître par une certification les compétences acquises en travaillant, "
        "sans suivre de formation ni passer d'examen classique.",
    ),
    Entry(
        "CPNEFP (commission paritaire nationale de l'emploi et de la formation professionnelle)",
        "cpnefp",
        "L'instance de la branche, composée de représentants des employeurs et des salariés, qui "
        "crée les certifications de branche, examine les dossiers et organise les jurys.",
    ),
    Entry(
        "CQP (certificat de qualification professionnelle)",
        "cqp",
        "Une certification créée par la branche professionnelle pour un métier de la branche.",
    ),
    Entry(
        "CCP (certificat de compétences professionnelles)",
        "ccp",
        "Le document délivré pour chaque bloc (ou domaine) validé : il reste acquis même si la "
        "certification complète ne l'est pas encore.",
    ),
    Entry(
        "ETP (équivalent temps plein)",
        "etp",
        "La durée d'une expérience ramenée à un temps plein : six mois à mi-temps comptent pour "
        "trois mois en équivalent temps plein.",
    ),
    Entry(
        "Recevabilité",
        "recevabilite",
        "La première étape : la CPNEFP vérifie, sur le livret 1, que votre expérience est assez "
        "longue et en lien avec la certification visée. Un dossier recevable passe au livret 2.",
    ),
    Entry(
        "Livret 1",
        "livret-1",
        "Le dossier de recevabilité : votre identité, vos activités, vos formations et les pièces "
        "qui les prouvent.",
    ),
    Entry(
        "Livret 2",
        "livret-2",
        "Le dossier de validation : vous y décrivez des situations de travail qui montrent vos "
        "compétences ; le jury le lit avant l'entretien.",
    ),
    Entry(
        "Bloc, domaine",
        "bloc",
        "Une partie de la certification, qui regroupe des compétences et peut être validée seule. "
        "Selon la certification, on parle de « bloc de compétences » ou de « domaine ».",
    ),
    Entry(
        "Option, mention",
        "option",
        "Une spécialité de la certification, qui fixe les blocs (ou domaines) à valider. Selon la "
        "certification, on parle d'« option » ou de « mention ».",
    ),
    Entry(
        "Jury",
        "jury",
        "Deux professionnels, formés à l'évaluation, qui lisent votre livret 2, vous reçoivent en "
        "entretien et proposent pour chaque bloc (ou domaine) s'il est validé.",
    ),
    Entry(
        "Préconisations",
        "preconisations",
        "Les conseils du jury pour un bloc (ou domaine) non validé : ce qu'il vous reste à "
        "acquérir ou à montrer avant une nouvelle demande.",
    ),
    Entry(
        "Décision implicite",
        "decision-implicite",
        "Sans réponse de la CPNEFP dans le délai prévu après le dépôt d'un dossier complet, la "
        "demande est réputée recevable : c'est une décision implicite.",
    ),
)

_SEEN = "glossary_terms_seen"


def term(word: str) -> Markup:
    """``word`` in an ``<abbr title>`` the first time this request prints it, plain after.

    Unknown words are printed as they are (escaped).
    """
    expansion = ABBREVIATIONS.get(word)
    if expansion is None:
        return escape(word)
    if has_request_context():
        seen: set[str] = g.setdefault(_SEEN, set())
        if word in seen:
            return escape(word)
        seen.add(word)
    return Markup('<abbr title="{}">{}</abbr>').format(expansion, word)


_ACRONYM = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b")


def explain(text: str) -> Markup:
    """``text`` (escaped) with each acronym printed through :func:`term`."""
    parts = _ACRONYM.split(str(text))
    return Markup("").join(term(p) if i % 2 else escape(p) for i, p in enumerate(parts))
