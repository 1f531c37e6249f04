"""Main pages."""
