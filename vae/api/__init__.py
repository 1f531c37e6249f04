"""The interop API for certifiers' systems: /api/v1/, JSON, described by OpenAPI 3.1."""
