"""The diff of two submitted versions: activities, files and fields added, removed or changed."""

from __future__ import annotations

from vae.french import NBSP
from vae.review.diff import changed_places, diff


def snapshot(**overrides):
    base = {
        "identity": {"last_name": "Martin", "first_name": "Camille", "phone": "06 12 34 56 78"},
        "activities": [
            {
                "id": "a1",
                "title": "Gestionnaire",
                "start": "2014-01-01",
                "end": "2015-12-31",
                "relevant": True,
                "fte_days_in_window": 100.0,
                "attachments": [
                    {"sha256": "s1", "filename": "att.pdf", "kind_label": "Attestation employeur"}
                ],
            },
            {"id": "a2", "title": "Conseillère", "relevant": True, "attachments": []},
        ],
        "education": {"diplomas_prepared": "BTS", "diplomas_obtained": ""},
        "trainings": [{"id": "t1", "title": "Tiers payant", "year": 2019, "attachments": []}],
        "cv": "Dix ans.",
    }
    base.update(overrides)
    return base


def test_same_snapshots_have_no_difference() -> None:
    assert diff(snapshot(), snapshot()) == []


def test_every_kind_of_change_is_found() -> None:
    old = snapshot()
    new = snapshot(
        identity={**old["identity"], "phone": "06 00 00 00 00"},
        activities=[
            {
                **old["activities"][0],
                "end": "2016-06-30",
                "fte_days_in_window": 250.0,  # computed: not a change of its own
                "attachments": [
                    {
                        "sha256": "s2",
                        "filename": "signée.pdf",
                        "kind_label": "Attestation employeur",
                    }
                ],
            },
            {"id": "a3", "title": "Bénévole", "relevant": False, "attachments": []},
        ],
        education={"diplomas_prepared": "BTS", "diplomas_obtained": "BTS"},
        trainings=[],
        cv="Onze ans.",
    )
    lines = [(c.section, c.detail, c.what, c.before, c.after) for c in diff(old, new)]
    assert lines == [
        ("Identité", "Téléphone", "changed", "06 12 34 56 78", "06 00 00 00 00"),
        (f"Activité «{NBSP}Gestionnaire{NBSP}»", "Fin", "changed", "2015-12-31", "2016-06-30"),
        (
            f"Activité «{NBSP}Gestionnaire{NBSP}»",
            "fichier signée.pdf (Attestation employeur)",
            "added",
            "",
            "",
        ),
        (
            f"Activité «{NBSP}Gestionnaire{NBSP}»",
            "fichier att.pdf (Attestation employeur)",
            "removed",
            "",
            "",
        ),
        (f"Activité «{NBSP}Bénévole{NBSP}»", "activité", "added", "", ""),
        (f"Activité «{NBSP}Conseillère{NBSP}»", "activité", "removed", "", ""),
        ("Formation initiale", "Diplôme(s) obtenu(s)", "changed", "—", "BTS"),
        (f"Formation continue «{NBSP}Tiers payant{NBSP}»", "formation continue", "removed", "", ""),
        ("CV synthétique", "texte du CV", "changed", "", ""),
    ]
    assert changed_places(old, new) == {
        ("identity", None),
        ("activity", "a1"),
        ("activity", "a3"),
        ("activity", "a2"),
        ("education", None),
        ("training", "t1"),
        ("cv", None),
    }
