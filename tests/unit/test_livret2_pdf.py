"""The livret 2 PDF laid out for the jury (vae.livret2.pdf), read back with pypdf."""

from __future__ import annotations

import copy
import io
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from vae.livret2.pdf import (
    RUBRICS,
    TITLE,
    WATERMARK,
    livret2_pdf,
    situation_word_count,
)

CERT = "Certificat de Qualification Professionnelle Délégué Assurance Maladie"
HEADINGS = (
    "Contexte",
    *(heading for _, heading in RUBRICS),
    "Compétences mises en œuvre",
    "Annexes",
)
BLOCKS = [
    {
        "code": "B1",
        "title": "Gestion de la relation Assurance Maladie - Professionnels de Santé",
        "activities": [
            {
                "code": "A1",
                "title": "Prépare, mène et suit les visites auprès des professionnels de santé en "
                "cohérence avec le plan de campagne national, régional et local",
            }
        ],
        "competencies": [
            {
                "code": "C1",
                "title": "Gérer son agenda en planifiant ses rendez-vous afin d'élaborer un plan "
                "de visite organisé (regrouper ses visites en fonction des distances, des "
                "thèmes, ...)",
                "key": False,
            },
            {
                "code": "C2",
                "title": "Répondre et argumenter aux objections des professionnels de santé en "
                "utilisant les techniques de communication afin de défendre la posture de "
                "l'Assurance Maladie",
                "key": False,
            },
            {
                "code": "C3",
                "title": "Adapter l'argumentaire type aux caractéristiques de chaque "
                "professionnel de santé en intégrant les éléments du plan de campagne de "
                "maîtrise médicalisée et les recommandations scientifiques",
                "key": False,
            },
            {
                "code": "C4",
                "title": "Partager son retour d'expérience avec ses collègues en analysant sa "
                "visite afin d'améliorer et d'adapter les futurs argumentaires et rendez-vous",
                "key": False,
            },
            {
                "code": "C5",
                "title": "Rédiger des comptes rendus et des synthèses des visites réalisées à "
                "partir des échanges avec le professionnel de santé afin de les restituer "
                "auprès du service et des services connexes",
                "key": False,
            },
            {
                "code": "C6",
                "title": "Alimenter les tableaux de bords de suivi de l'activité en complétant "
                "les reporting afin d'assurer le suivi du dossier et de garantir la continuité "
                "de service",
                "key": True,
            },
        ],
    },
    {
        "code": "B2",
        "title": "Gestion du risque de l'Assurance Maladie",
        "activities": [
            {
                "code": "A2",
                "title": "Accompagne les professionnels de santé en les informant, les orientant "
                "et les conseillant dans les campagnes de gestion du risque",
            }
        ],
        "competencies": [
            {
                "code": "C7",
                "title": "Assurer une veille technique et réglementaire en utilisant l'ensemble "
                "des outils informationnels et conventionnels mis à disposition",
                "key": False,
            },
            {
                "code": "C8",
                "title": "Hiérarchiser et préparer ses interventions en fonction des résultats "
                "et des profils des professionnels de santé afin d'adapter son argumentaire",
                "key": False,
            },
            {
                "code": "C9",
                "title": "Expliquer et conseiller les professionnels de santé sur les "
                "conventions médicales en vigueur, la politique de gestion du risque",
                "key": False,
            },
            {
                "code": "C10",
                "title": "Promouvoir les différentes campagnes nationales en argumentant sur "
                "les différents objectifs nationaux afin de défendre la posture de "
                "l'Assurance Maladie",
                "key": False,
            },
            {
                "code": "C11",
                "title": "Recourir aux services spécialisés lorsque la situation dépasse sa "
                "compétence, en utilisant les procédures adaptées, afin de signaler les "
                "difficultés des professionnels de santé",
                "key": False,
            },
        ],
    },
    {
        "code": "B3",
        "title": "Facilitation de projets de santé par l'Assurance Maladie",
        "activities": [
            {
                "code": "A3",
                "title": "Co-Anime des réunions pluridisciplinaires dans l'accompagnement des "
                "structures d'exercice coordonné en partenariat avec les référents dédiés",
            }
        ],
        "competencies": [
            {
                "code": "C12",
                "title": "Préparer l'animation en fonction du contexte et de la maturité du "
                "projet de santé afin de construire une réunion pluriprofessionnelle adaptée",
                "key": False,
            },
            {
                "code": "C13",
                "title": "Animer une réunion pluridisciplinaire en utilisant les techniques de "
                "co-animation afin de fédérer un groupe",
                "key": False,
            },
            {
                "code": "C14",
                "title": "Répondre aux besoins des professionnels de santé et des structures "
                "coordonnées en faisant preuve d'écoute active",
                "key": False,
            },
            {
                "code": "C15",
                "title": "Synthétiser les éléments importants de la réunion pour formaliser un "
                "accompagnement dans la durée en utilisant les techniques de gestion de projet",
                "key": False,
            },
        ],
    },
]
TITLES = {c["code"]: c["title"] for b in BLOCKS for c in b["competencies"]}
ACTIVITIES = {a["code"]: a["title"] for b in BLOCKS for a in b["activities"]}


def situation(block: str, activity: str, codes: list[str], **fields: Any) -> dict[str, Any]:
    item = {
        "id": f"s-{activity}",
        "title": f"Situation de l'activité {activity}",
        "block_code": block,
        "activity_code": activity,
        "activity_title": ACTIVITIES.get(activity),
        "employer": "CPAM de l'Hérault",
        "period": "2021–2022",
        "role": "Déléguée de l'Assurance Maladie",
        "context": "Contexte de la situation.",
        "actions": "1. Préparer.\n2. Agir.\n3. Suivre.",
        "partners": "Le manager, les collègues.",
        "tools": "Plan de campagne, outil de ciblage.",
        "results": "Objectifs atteints.",
        "hindsight": "Anticiper davantage.",
        "competencies": [{"code": c, "title": TITLES.get(c, c)} for c in codes],
        "annexes": [],
    }
    item.update(fields)
    return item


SITUATIONS = [
    situation(
        "B1",
        "A1",
        ["C1", "C2", "C3", "C4", "C5"],
        title="Campagne de visites sur la prescription d'antibiotiques auprès des médecins "
        "généralistes du secteur de Béziers",
        period="Octobre 2021 – mars 2022",
        context=(
            "Je suis déléguée de l'Assurance Maladie à la CPAM de l'Hérault depuis 2019, "
            "rattachée au service Relations avec les professionnels de santé. Mon secteur couvre "
            "Béziers et sa périphérie, soit environ 140 médecins généralistes.\n\n"
            "À l'automne 2021, le plan de campagne national fixait comme priorité la réduction "
            "des prescriptions d'antibiotiques. Les données régionales plaçaient mon secteur "
            "parmi les plus prescripteurs de la région, avec un écart marqué sur les "
            "prescriptions chez l'enfant. Ma responsable m'a confié une campagne de 45 visites "
            "en six mois, avec un objectif de baisse de 10 % des prescriptions des médecins "
            "visités."
        ),
        actions=(
            "1. J'ai analysé les profils de prescription fournis par le service statistique et "
            "classé les médecins en trois groupes : gros prescripteurs, prescripteurs moyens, "
            "médecins déjà en dessous de la moyenne.\n"
            "2. J'ai construit mon plan de visite en regroupant les rendez-vous par quartier et "
            "par commune, pour limiter les trajets à deux zones par jour.\n"
            "3. J'ai adapté l'argumentaire national à chaque groupe : pour les gros "
            "prescripteurs, le profil individuel et les recommandations de la HAS sur les "
            "angines ; pour les autres, les outils d'aide (test rapide d'orientation "
            "diagnostique, ordonnance de non-prescription).\n"
            "4. Pendant les visites, j'ai répondu aux objections les plus fréquentes : la "
            "pression des parents, le manque de temps, la crainte d'un risque médico-légal.\n"
            "5. Après chaque visite, j'ai rédigé un compte rendu dans l'outil de gestion de la "
            "relation et signalé au service les demandes particulières (commandes de tests, "
            "documentation patients).\n"
            "6. J'ai présenté un bilan à mi-parcours à mes collègues en réunion d'équipe."
        ),
        partners=(
            "Ma responsable de service, qui a validé le ciblage ; le médecin-conseil référent, "
            "que j'ai sollicité pour deux médecins qui contestaient les données ; mes collègues "
            "délégués, avec qui j'ai partagé les objections rencontrées ; le service "
            "statistique pour les profils de prescription."
        ),
        tools=(
            "Plan de campagne national et régional, profils de prescription individuels, "
            "recommandations de la HAS, mémo d'argumentaire, outil de gestion de la relation "
            "avec les professionnels de santé, agenda partagé, charte de la visite."
        ),
        results=(
            "J'ai réalisé 43 visites sur les 45 prévues. Six mois après la campagne, les "
            "prescriptions d'antibiotiques des médecins visités avaient baissé de 12 %, contre "
            "4 % pour l'ensemble du département. Trente médecins ont commandé des tests rapides."
        ),
        hindsight=(
            "Je prendrais contact plus tôt avec les médecins les plus réticents, par un premier "
            "échange téléphonique, pour préparer la visite. Je partagerais aussi le bilan à "
            "mi-parcours avec le médecin-conseil."
        ),
        annexes=[
            {
                "filename": "plan-de-visites-beziers.pdf",
                "size": 184_320,
                "sha256": "3f8a9c0d2e7b41f6a5c3d9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a392817161514",
            },
            {
                "filename": "compte-rendu-type.docx",
                "size": 1234,
                "sha256": "ab" * 32,
            },
        ],
    ),
    situation(
        "B2",
        "A2",
        ["C7", "C8", "C9", "C10"],
        title="Accompagnement d'un cabinet d'infirmiers libéraux lors de la mise en place du "
        "bilan de soins infirmiers",
        period="2022",
        context=(
            "En 2022, l'avenant conventionnel des infirmiers a étendu le bilan de soins "
            "infirmiers (BSI) aux patients dépendants de plus de 85 ans. Un cabinet de quatre "
            "infirmiers de Pézenas multipliait les rejets de facturation et m'a sollicitée."
        ),
        actions=(
            "J'ai d'abord relu l'avenant et la documentation conventionnelle pour être à jour.\n"
            "J'ai analysé avec le service facturation les motifs de rejet du cabinet.\n"
            "J'ai rencontré les quatre infirmiers à leur cabinet, expliqué le BSI, ses forfaits "
            "et le calendrier, et remis la documentation adaptée.\n"
            "J'ai fait une démonstration du téléservice et accompagné la saisie d'un premier "
            "bilan.\n"
            "Un mois plus tard, j'ai fait le point par téléphone."
        ),
        partners="Les infirmiers du cabinet, le service facturation, ma responsable.",
        tools="Avenant conventionnel, téléservice BSI, guide de facturation, fiche mémo.",
        results="Les rejets du cabinet sont passés de 18 % à 2 % en trois mois.",
        hindsight="Je proposerais une réunion commune à plusieurs cabinets du secteur.",
    ),
    situation(
        "B3",
        "A3",
        ["C12", "C13", "C14", "C15"],
        title="Co-animation de la réunion de lancement du projet de santé d'une maison de "
        "santé pluriprofessionnelle",
        period="Mars 2023",
        role="Déléguée de l'Assurance Maladie, co-animatrice",
        context=(
            "Une maison de santé pluriprofessionnelle (MSP) en création à Agde, réunissant "
            "trois médecins, deux infirmières, un kinésithérapeute et une pharmacienne, devait "
            "rédiger son projet de santé pour signer l'accord conventionnel interprofessionnel."
        ),
        actions=(
            "Avec la chargée de mission de l'ARS, j'ai préparé la réunion : ordre du jour, "
            "répartition des temps de parole, supports.\n"
            "Pendant la réunion, j'ai animé la première partie (missions socles, indicateurs) "
            "et utilisé un tour de table pour que chacun exprime ses attentes.\n"
            "J'ai reformulé les désaccords sur la permanence des soins et proposé un groupe de "
            "travail.\n"
            "J'ai rédigé la synthèse et le calendrier des étapes suivantes."
        ),
        partners="La chargée de mission de l'ARS, la coordinatrice de la MSP, les professionnels.",
        tools="Guide de l'accord conventionnel interprofessionnel, trame de projet de santé.",
        results="Le projet de santé a été déposé deux mois plus tard ; l'accord a été signé.",
        hindsight="Je prévoirais un temps plus long pour la permanence des soins.",
    ),
]
COVERAGE = [
    {
        "block_code": "B1",
        "block_title": BLOCKS[0]["title"],
        "covered": ["C1", "C2", "C3", "C4", "C5"],
        "uncovered": ["C6"],
        "unmet": [],
    },
    {
        "block_code": "B2",
        "block_title": BLOCKS[1]["title"],
        "covered": ["C7", "C8", "C9", "C10"],
        "uncovered": ["C11"],
        "unmet": [],
    },
    {
        "block_code": "B3",
        "block_title": BLOCKS[2]["title"],
        "covered": ["C12", "C13", "C14", "C15"],
        "uncovered": [],
        "unmet": [],
    },
]


def sample() -> dict[str, Any]:
    """A realistic CQP DAM livret 2: three situations, one per activity."""
    return copy.deepcopy(
        {
            "number": "VAE-2026-000042",
            "version": 1,
            "submitted_at": "2027-03-01T09:00:00+00:00",
            "due_on": "2027-05-24",
            "candidate": {"first_name": "Camille", "last_name": "Martin"},
            "certification": {
                "title": CERT,
                "option_label": "option",
                "option_title": None,
                "block_label": "bloc",
            },
            "requirement": "Une situation significative par activité de chaque bloc visé.",
            "target_blocks": BLOCKS,
            "acquired_blocks": [],
            "situations": SITUATIONS,
            "coverage": COVERAGE,
        }
    )


def read(data: bytes) -> tuple[PdfReader, str]:
    """The parsed PDF and its text, whitespace (no-break spaces included) collapsed."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(page_text(page) for page in reader.pages)


def page_text(page: Any) -> str:
    text = (page.extract_text() or "").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


# --------------------------------------------------------------------------- content


def test_cover_summary_and_situations() -> None:
    reader, text = read(livret2_pdf(sample()))
    for expected in (
        TITLE,
        "Validation des acquis de l'expérience (VAE)",
        CERT,
        "Camille MARTIN",
        "n° VAE-2026-000042 — version 1",
        "Déposé le 1er mars 2027 à 10 h 00",  # 09:00 UTC is 10:00 in Paris in March
        "À déposer au plus tard le 24 mai 2027",
        "Une situation significative par activité de chaque bloc visé.",
        "Synthèse pour le jury",
        "Couverture des blocs visés",
        "Compétences couvertes",
        "Compétences non couvertes",
        "Bloc B1 — Gestion de la relation Assurance Maladie - Professionnels de Santé",
        "Bloc B3 — Facilitation de projets de santé par l'Assurance Maladie",
        "Activité A2 — Accompagne les professionnels de santé",
        "Employeur ou structure CPAM de l'Hérault",
        "Fonction occupée Déléguée de l'Assurance Maladie",
        "Page 1 sur",
    ):
        assert expected in text, expected
    for item in SITUATIONS:
        assert item["title"] in text, item["title"]
    for heading in HEADINGS:
        assert heading in text, heading
    assert f"C1 — {TITLES['C1']}" in text
    assert f"C15 — {TITLES['C15']}" in text
    assert "Aperçu" not in text
    assert WATERMARK not in text
    assert "acquis – non évalués" not in text
    assert len(reader.pages) >= 5
    assert reader.metadata.title == "Livret 2 VAE n° VAE-2026-000042 — version 1 — Camille MARTIN"
    assert reader.metadata.author
    assert CERT in reader.metadata.subject


def test_uncovered_competencies_are_listed_with_their_titles() -> None:
    _, text = read(livret2_pdf(sample()))
    assert "Compétences non couvertes par les situations décrites" in text
    assert f"C6 — {TITLES['C6']} (compétence clé)" in text
    assert f"C11 — {TITLES['C11']}" in text
    assert "C6 (clé)" in text  # the key competency is flagged in the coverage table
    summary = text[: text.index("Situations décrites N°")]
    assert "C12, C13, C14, C15" in summary


def test_unmet_requirements_are_highlighted() -> None:
    data = sample()
    data["situations"] = [SITUATIONS[0]]
    data["coverage"][1].update(covered=[], uncovered=["C7", "C8", "C9", "C10", "C11"])
    data["coverage"][1]["unmet"] = ["Activité A2 : aucune situation décrite"]
    data["coverage"][2]["unmet"] = ["Activité A3 : aucune situation décrite"]
    _, text = read(livret2_pdf(data, draft=True))
    assert "Exigence non remplie : Activité A2 : aucune situation décrite" in text
    assert "Exigence non remplie : Activité A3 : aucune situation décrite" in text
    assert "Aucune situation décrite pour ce bloc." in text


def test_rubrics_come_in_order_within_each_situation() -> None:
    reader, _ = read(livret2_pdf(sample()))
    pages = [page_text(page) for page in reader.pages]
    for item in SITUATIONS:
        start = next(i for i, page in enumerate(pages) if f"— {item['title']}" in page)
        body = " ".join(pages[start:])
        body = body[body.index(f"— {item['title']}") :]
        positions = [body.index(heading) for heading in HEADINGS]
        assert positions == sorted(positions), item["title"]


def test_each_situation_starts_a_page_under_its_block() -> None:
    reader, _ = read(livret2_pdf(sample()))
    pages = [page_text(page) for page in reader.pages]
    for number, item in enumerate(SITUATIONS, 1):
        page = next(p for p in pages if f"Situation n° {number} — {item['title']}" in p)
        block = item["block_code"]
        assert f"Bloc {block} — " in page


def test_header_and_page_numbers_on_every_page() -> None:
    reader, _ = read(livret2_pdf(sample()))
    total = len(reader.pages)
    for index, page in enumerate(reader.pages, 1):
        text = page_text(page)
        assert "Livret 2 — dossier n° VAE-2026-000042 — version 1" in text
        assert "Camille MARTIN" in text
        assert f"Page {index} sur {total}" in text


def test_word_count_per_situation() -> None:
    item = {
        "context": "Un deux – trois.\n\nQuatre",
        "actions": "l'équipe • cinq",
        "partners": None,
        "tools": 42,
        "results": "",
        "title": "jamais compté",
        "employer": "jamais compté",
    }
    assert situation_word_count(item) == 7
    assert situation_word_count({}) == 0
    data = sample()
    data["situations"] = [situation("B1", "A1", ["C1"], **dict.fromkeys(("context",), "a b c"))]
    count = situation_word_count(data["situations"][0])
    _, text = read(livret2_pdf(data))
    assert f"{count} mots" in text


def test_competency_titles_are_completed_from_the_target_blocks() -> None:
    data = sample()
    data["situations"] = [situation("B1", "A1", [])]
    data["situations"][0]["competencies"] = [{"code": "C2", "title": "C2"}, "C6", {"code": "C99"}]
    _, text = read(livret2_pdf(data))
    assert f"C2 — {TITLES['C2']}" in text
    assert f"C6 — {TITLES['C6']} (compétence clé)" in text
    assert "C99" in text


def test_annexes_show_name_size_and_sha_prefix() -> None:
    _, text = read(livret2_pdf(sample()))
    assert "plan-de-visites-beziers.pdf 180,0 Ko 3f8a9c0d2e7b41f6…" in text
    assert "compte-rendu-type.docx 1,2 Ko abababababababab…" in text
    assert "3f8a9c0d2e7b41f6a5" not in text
    assert "Aucune annexe." in text  # the two other situations


def test_draft_is_stamped_on_every_page() -> None:
    data = sample()
    data["submitted_at"] = None
    reader, text = read(livret2_pdf(data, draft=True))
    for page in reader.pages:
        assert WATERMARK in page_text(page)
    assert "Déposé le" not in text
    assert reader.metadata.title.endswith("(aperçu)")
    _, text = read(livret2_pdf(data))
    assert WATERMARK not in text
    assert "Aperçu" not in text
    assert "Date de dépôt non renseignée" in text


def test_acquired_blocks_are_listed_but_not_evaluated() -> None:
    data = sample()
    data["target_blocks"] = BLOCKS[:2]
    data["situations"] = SITUATIONS[:2]
    data["coverage"] = COVERAGE[:2]
    data["acquired_blocks"] = [
        {"code": "B3", "title": BLOCKS[2]["title"], "expires_on": "2031-03-01"},
        {"code": "B4", "title": "Bloc d'une autre voie", "expires_on": None},
    ]
    _, text = read(livret2_pdf(data))
    assert "Blocs acquis – non évalués dans ce livret" in text
    # expires_on is the first day it no longer counts: the summary shows the day before.
    assert f"Bloc B3 — {BLOCKS[2]['title']} Valable jusqu'au 28 février 2031" in text
    assert "Bloc B4 — Bloc d'une autre voie Sans date d'expiration" in text
    assert "Couverture des blocs visés" in text
    assert "Bloc B3 — Facilitation" not in text.split("Situations décrites N°")[1]


def test_option_and_block_label_come_from_the_certification() -> None:
    data = sample()
    data["certification"].update(
        title="CQP Spécialiste prestations", option_label="mention", block_label="domaine"
    )
    data["certification"]["option_title"] = "Santé"
    _, text = read(livret2_pdf(data))
    assert "Mention : Santé" in text
    assert "Couverture des domaines visés" in text
    assert "Domaine B1 — Gestion de la relation" in text


def test_situations_are_grouped_by_target_block_in_order() -> None:
    data = sample()
    stray = situation("B9", "A9", [], title="Situation hors référentiel")
    data["situations"] = [SITUATIONS[2], stray, SITUATIONS[0], SITUATIONS[1]]
    _, text = read(livret2_pdf(data))
    body = text[text.index("Situation n° 1 —") :]
    order = [body.index(f"— {item['title']}") for item in (*SITUATIONS, stray)]
    assert order == sorted(order)
    assert "Situations rattachées à aucun bloc visé" in text
    assert "Situation n° 4 — Situation hors référentiel" in text


# --------------------------------------------------------------------------- robustness


def test_hostile_text_is_escaped_and_long_texts_span_pages() -> None:
    hostile = (
        '<script>alert("x")</script> <b>gras</b> & Cie &amp; <para> ]]> '
        "\x00\x07\x1b[31m\u202e\ufeff fin\r\nligne 2"
    )
    data = sample()
    data["candidate"] = {"first_name": hostile, "last_name": "<i>Martin</i> & fils"}
    data["number"] = "<VAE>&"
    data["situations"] = [
        situation(
            "B1",
            "A1",
            ["C1", hostile],
            title=f"{index} {hostile}",
            context=hostile,
            actions=("mot " * 7500) if index == 0 else hostile,
            results=("x" * 30_000) if index == 1 else hostile,
            annexes=[{"filename": hostile, "size": "beaucoup", "sha256": hostile}],
        )
        for index in range(20)
    ]
    reader, text = read(livret2_pdf(data, draft=True))
    assert len(reader.pages) > 40
    assert '<script>alert("x")</script> <b>gras</b> & Cie &amp; <para> ]]>' in text
    assert "<I>MARTIN</I> & FILS" in text
    assert "Situation n° 20 — 19 <script>" in text
    words = situation_word_count(data["situations"][0])
    assert words > 7500
    assert f"{words:,} mots".replace(",", " ") in text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)


def test_minimal_and_mistyped_snapshots_render() -> None:
    for data in (
        {},
        {"situations": [{}]},
        {"situations": [None, "x", 3], "coverage": "x", "target_blocks": [None, {}]},
        {
            "number": 42,
            "version": None,
            "submitted_at": "pas une date",
            "due_on": 20270524,
            "candidate": ["Camille"],
            "certification": {"title": None, "option_title": 3, "block_label": None},
            "target_blocks": [{"code": "B1", "activities": "A1", "competencies": [None, "C1"]}],
            "acquired_blocks": [{"code": None, "expires_on": "bientôt"}, "B2"],
            "situations": [
                {
                    "block_code": ["B1"],
                    "competencies": [None, 7, {"code": None, "title": None}],
                    "annexes": [None, {"size": -5, "sha256": 12}],
                }
            ],
            "coverage": [{"block_code": "B1", "covered": "C1", "unmet": [None, "", "x"]}],
        },
    ):
        reader, text = read(livret2_pdf(data))  # type: ignore[arg-type]
        assert TITLE in text
        assert len(reader.pages) >= 2
    _, text = read(livret2_pdf({}))
    assert "Certification non renseignée" in text
    assert "Aucune situation n'a encore été décrite." in text


FIELD = st.text(st.characters(codec="utf-8"), max_size=300) | st.none() | st.integers()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.fixed_dictionaries(
        {
            name: FIELD
            for name in (
                "title",
                "block_code",
                "activity_code",
                "activity_title",
                "employer",
                "period",
                "role",
                "context",
                "actions",
                "partners",
                "tools",
                "results",
                "hindsight",
            )
        }
    ),
    codes=st.lists(FIELD, max_size=4),
    draft=st.booleans(),
)
def test_random_text_in_situation_fields_never_raises(
    fields: dict[str, Any], codes: list[Any], draft: bool
) -> None:
    data = sample()
    data["situations"] = [
        {**fields, "competencies": [{"code": c, "title": c} for c in codes]},
        SITUATIONS[2],
    ]
    reader, text = read(livret2_pdf(data, draft=draft))
    assert len(reader.pages) >= 3
    typed = " ".join(str(v) for v in fields.values())
    if WATERMARK not in typed:  # the candidate may type the watermark's words themselves
        assert (WATERMARK in text) is draft
