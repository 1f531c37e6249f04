"""The jury VAE: members, sessions, evaluation grid, signatures, results and documents."""

# capitalisation fills, when imported, the slots lower features declare (see vae.provided).
from vae.jury import capitalisation
from vae.jury.readers import Clearance, clearance, member_of

__all__ = ["Clearance", "capitalisation", "clearance", "member_of"]
