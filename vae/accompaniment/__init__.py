"""Accompagnateurs: people a candidate invites to help fill their dossier and livret 2."""
