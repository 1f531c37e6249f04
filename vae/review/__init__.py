"""CPNEFP staff: review queue, findings, decisions, exports, dashboard."""

# queries fills, when imported, the slots lower features declare (see vae.provided).
from vae.review import complements, letter_records
from vae.review.queries import decisions_of

__all__ = ["complements", "decisions_of", "letter_records"]
