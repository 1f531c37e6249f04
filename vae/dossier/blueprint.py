"""The candidate's dossier: the blueprint ``dossier``, its routes registered by the view modules.

- vae.dossier.pages: the blueprint, access rules, loading and page helpers;
- vae.dossier.step_views: dashboard, start, the generic form-step view, experience, summary;
- vae.dossier.item_views: activities, trainings, attachments and the dossier's files;
- vae.dossier.checklist: the checklist of a request for complements, the candidate's answers;
- vae.dossier.lifecycle_views: withdrawal, « Reprendre », closing.
"""

from __future__ import annotations

from vae.dossier import checklist, item_views, lifecycle_views, step_views
from vae.dossier.pages import bp, load

VIEW_MODULES = (step_views, item_views, checklist, lifecycle_views)  # imported for their routes

__all__ = ["bp", "load"]
