"""Certifications as data: one YAML file per referential, validated and versioned."""
