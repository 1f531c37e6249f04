"""Why an upload is refused: :class:`UploadRejected` and its French messages."""

from __future__ import annotations

MSG_EMPTY = "Le fichier est vide."
MSG_TYPE = "Type de fichier non accepté : seuls les PDF, JPEG et PNG sont acceptés."
MSG_INVALID = "Ce fichier est invalide ou endommagé."
MSG_ACTIVE = (
    "Ce PDF contient du contenu actif (JavaScript ou fichier intégré) : "
    "enregistrez-le à nouveau en PDF simple."
)
MSG_ENCRYPTED = (
    "Ce PDF est protégé par un mot de passe ou chiffré : "
    "enregistrez-le sans mot de passe, puis déposez-le à nouveau."
)


class UploadRejected(ValueError):
    """An upload refused for a reason the candidate can act on; ``message`` is in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
