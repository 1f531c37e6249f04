"""Certifications pages."""
