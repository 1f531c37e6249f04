"""The dossier's enumerations: its statuses and their life cycle, the phases the pages ask
about, and the kinds its activities and attachments are sorted by."""

from __future__ import annotations

import enum


class DossierStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INCOMPLETE = "incomplete"
    RECEVABLE = "recevable"
    NON_RECEVABLE = "non_recevable"
    LIVRET2_IN_PROGRESS = "livret2_in_progress"
    LIVRET2_SUBMITTED = "livret2_submitted"
    JURY_SCHEDULED = "jury_scheduled"
    JURY_SIGNED = "jury_signed"
    PROCLAIMED = "proclaimed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    DossierStatus.DRAFT: "Brouillon",
    DossierStatus.SUBMITTED: "Déposé, en cours d'examen",
    DossierStatus.INCOMPLETE: "À compléter",
    DossierStatus.RECEVABLE: "Recevable",
    DossierStatus.NON_RECEVABLE: "Non recevable",
    DossierStatus.LIVRET2_IN_PROGRESS: "Livret 2 en cours de rédaction",
    DossierStatus.LIVRET2_SUBMITTED: "Livret 2 déposé",
    DossierStatus.JURY_SCHEDULED: "Jury programmé",
    DossierStatus.JURY_SIGNED: "Proposition du jury signée",
    DossierStatus.PROCLAIMED: "Résultats proclamés",
    DossierStatus.CLOSED: "Clos",
    DossierStatus.WITHDRAWN: "Retiré",
}
EDITABLE_STATUSES = frozenset({DossierStatus.DRAFT, DossierStatus.INCOMPLETE})
# A recevabilité request in progress: a candidate has at most one per certification (the
# database enforces it, index uq_dossiers_one_open).
OPEN_STATUSES = (DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.INCOMPLETE)
ONE_OPEN_WHERE = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))

_S = DossierStatus
# The dossier's life (DOMAIN.md): which status may follow which. Withdrawal is possible before
# the jury.
NEXT_STATUSES: dict[DossierStatus, frozenset[DossierStatus]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED}),  # a draft is discarded (deleted), not withdrawn
    _S.SUBMITTED: frozenset({_S.INCOMPLETE, _S.RECEVABLE, _S.NON_RECEVABLE, _S.WITHDRAWN}),
    _S.INCOMPLETE: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
    # → submitted: an admin withdraws the implicit acceptance (vae.review.deadlines only).
    _S.RECEVABLE: frozenset({_S.LIVRET2_IN_PROGRESS, _S.WITHDRAWN, _S.SUBMITTED}),
    _S.LIVRET2_IN_PROGRESS: frozenset({_S.LIVRET2_SUBMITTED, _S.WITHDRAWN, _S.SUBMITTED}),
    _S.LIVRET2_SUBMITTED: frozenset({_S.LIVRET2_IN_PROGRESS, _S.JURY_SCHEDULED, _S.WITHDRAWN}),
    _S.JURY_SCHEDULED: frozenset({_S.JURY_SIGNED}),
    _S.JURY_SIGNED: frozenset({_S.PROCLAIMED}),
    _S.PROCLAIMED: frozenset({_S.CLOSED}),
    _S.NON_RECEVABLE: frozenset(),
    _S.CLOSED: frozenset(),
    _S.WITHDRAWN: frozenset(),
}
# Withdrawal and « Reprendre » (vae.dossier.lifecycle): before the jury is scheduled the
# candidate may withdraw; a withdrawn or non-recevable dossier may be copied into a new draft.
WITHDRAWABLE = frozenset(s for s, nexts in NEXT_STATUSES.items() if _S.WITHDRAWN in nexts)
RESUMABLE = frozenset({_S.WITHDRAWN, _S.NON_RECEVABLE})
# The phases the pages ask about (Dossier.livret2_open, .jury_phase, …).
LIVRET2_OPEN = frozenset({_S.RECEVABLE, _S.LIVRET2_IN_PROGRESS, _S.LIVRET2_SUBMITTED})
LIVRET2_TO_WRITE = frozenset({_S.RECEVABLE, _S.LIVRET2_IN_PROGRESS})
JURY_PHASE = frozenset({_S.LIVRET2_SUBMITTED, _S.JURY_SCHEDULED, _S.JURY_SIGNED, _S.PROCLAIMED})
RESULTS_OUT = frozenset({_S.PROCLAIMED, _S.CLOSED})
# Over: nothing more will happen to the dossier, so that it may be anonymised.
ENDED_STATUSES = frozenset({_S.NON_RECEVABLE, _S.PROCLAIMED, _S.CLOSED, _S.WITHDRAWN})


class ActivityStatus(enum.StrEnum):
    SALARIE = "salarie"
    NON_SALARIE = "non_salarie"
    BENEVOLE = "benevole"

    @property
    def label(self) -> str:
        return ACTIVITY_STATUS_LABELS[self]


ACTIVITY_STATUS_LABELS = {
    ActivityStatus.SALARIE: "Salarié",
    ActivityStatus.NON_SALARIE: "Non salarié",
    ActivityStatus.BENEVOLE: "Bénévole",
}


class WorkTime(enum.StrEnum):
    FULL_TIME = "full_time"
    PERCENT = "percent"
    HOURS_PER_MONTH = "hours_per_month"
    HOURS_PER_WEEK = "hours_per_week"


class AttachmentKind(enum.StrEnum):
    EMPLOYER_ATTESTATION = "employer_attestation"
    PAYSLIPS = "payslips"
    VOLUNTEER_ATTESTATION = "volunteer_attestation"
    ACTIVITY_PROOF = "activity_proof"
    TRAINING_ATTESTATION = "training_attestation"
    LIVRET2_ANNEX = "livret2_annex"

    @property
    def label(self) -> str:
        return ATTACHMENT_LABELS[self]


ATTACHMENT_LABELS = {
    AttachmentKind.EMPLOYER_ATTESTATION: "Attestation employeur",
    AttachmentKind.PAYSLIPS: "Bulletins de salaire",
    AttachmentKind.VOLUNTEER_ATTESTATION: "Attestation de l'association (deux responsables)",
    AttachmentKind.ACTIVITY_PROOF: "Justificatif d'activité non salariée",
    AttachmentKind.TRAINING_ATTESTATION: "Attestation de formation",
    AttachmentKind.LIVRET2_ANNEX: "Annexe du livret 2",
}

# Which evidence proves which kind of activity (seed 001, "Pièces à joindre").
PROOF_KINDS = {
    ActivityStatus.SALARIE: (AttachmentKind.EMPLOYER_ATTESTATION, AttachmentKind.PAYSLIPS),
    ActivityStatus.NON_SALARIE: (AttachmentKind.ACTIVITY_PROOF,),
    ActivityStatus.BENEVOLE: (AttachmentKind.VOLUNTEER_ATTESTATION,),
}
