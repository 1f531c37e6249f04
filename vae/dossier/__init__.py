"""The candidate's dossier de recevabilité (livret 1): steps, evidence, submission."""
