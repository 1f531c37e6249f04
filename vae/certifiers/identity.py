"""What a certifier's documents and emails say about it: a plain dict, input of the pure
document builders (vae.documents.letters reads it; empty fields fall back there to the
configuration)."""

from __future__ import annotations

from typing import Any

from vae.certifiers.models import Certifier

IDENTITY_FIELDS = (
    "name",
    "address",
    "city",
    "email",
    "phone",
    "signatory_name",
    "signatory_title",
    "letter_mentions",
)


def identity_of(certifier: Certifier | None) -> dict[str, Any]:
    """The identity ``certifier``'s letters carry; ``{}`` without certifier (the
    configuration's then)."""
    if certifier is None:
        return {}
    return {name: getattr(certifier, name) or "" for name in IDENTITY_FIELDS}


def certifier_of(holder: Any) -> Certifier | None:
    """The certifier of a dossier, acquired block or award: that of its certification."""
    certification = getattr(holder, "certification", None)
    return getattr(certification, "certifier", None)


def identity_for(holder: Any) -> dict[str, Any]:
    """The identity the documents of ``holder`` (a dossier, a block, an award) carry."""
    return identity_of(certifier_of(holder))


def reply_to_for(holder: Any) -> str | None:
    """Where answers to an email about ``holder`` go: its certifier's contact email when set."""
    certifier = certifier_of(holder)
    return (certifier.email or None) if certifier is not None else None


def is_commission(name: str) -> bool:
    """Whether ``name`` is a CPNEFP (« CPNEFP Mutualité »): spelled out under the name."""
    return name.upper().startswith("CPNE")


def pour(name: str) -> str:
    """« la CPNEFP Mutualité » for a commission, the name alone otherwise (« Pour Ucanss »)."""
    return f"la {name}" if is_commission(name) else name


def of(name: str) -> str:
    """« de la CPNEFP Mutualité », « d'Ucanss », « de <name> »."""
    if is_commission(name):
        return f"de la {name}"
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêh" else f"de {name}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def signature_of(holder: Any) -> str:
    """The last line of an email about ``holder``: « La CPNEFP Mutualité », « Ucanss »."""
    certifier = certifier_of(holder)
    name = certifier.name if certifier is not None and certifier.name else "CPNEFP"
    return capitalised(pour(name))
