"""Configuration defaults.

Precedence, lowest first: these defaults, ``instance/config.py``, ``VAE_*`` environment
variables, then the ``test_config`` mapping handed to :func:`vae.create_app`.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from flask import Config

# Keys settable from the environment as VAE_<KEY>; a few have a friendlier alias.
ENV_ALIASES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
}
ENV_PREFIX = "VAE_"


class Defaults:
    SECRET_KEY: str | None = None
    # Argon2id's cost for passwords (argon2-cffi's defaults, RFC 9106's low-memory profile).
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_KIB = 65536
    PASSWORD_HASH_PARALLELISM = 4
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: sqlite file in the instance folder
    # hide_parameters: an SQL error in the logs never carries the values (names, emails…).
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    SQLALCHEMY_RECORD_QUERIES: bool = False

    MAX_CONTENT_LENGTH = 10 * 1024 * 1024 + 64 * 1024  # one upload of 10 MB plus the form
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True  # set to False for plain-HTTP development by `make run`
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_SIGNUP = "5 per minute;30 per hour"
    # Wrong passwords for one typed address, whatever the client address (counted on failures).
    RATELIMIT_LOGIN_ACCOUNT = "10 per 15 minutes"
    # Text kept after an expired session, per account.
    RATELIMIT_DRAFTS = "20 per hour"
    # Invitations of accompagnateurs a candidate sends, per client address.
    RATELIMIT_INVITATIONS = "10 per hour"
    # Comments on a dossier's steps and situations, per account.
    RATELIMIT_COMMENTS = "30 per hour"
    # Calls of the interop API (/api/v1), per token, whatever the endpoint.
    RATELIMIT_API = "300 per minute"
    # Webhooks (vae.api.webhooks): each POST's timeout in seconds; a request's deliveries tried
    # once after its response; plain http:// to 127.0.0.1/localhost accepted (debug and tests too).
    WEBHOOKS_TIMEOUT = 5
    WEBHOOKS_AFTER_RESPONSE = True
    WEBHOOKS_ALLOW_LOOPBACK = False

    MAIL_SERVER: str | None = None  # None: messages go to instance/outbox/*.eml
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_SENDER = "VAE CPNEFP <no-reply@vae.invalid>"
    MAIL_OUTBOX: str | None = None  # None: instance/outbox
    MAIL_REPLY_TO: str | None = None  # None: CPNEFP_EMAIL, where candidates' answers go
    # True: `flask --app vae worker` delivers the outbox; False: each commit delivers its own
    # emails right after it, in the process (vae.outbox).
    MAIL_WORKER = False

    UPLOAD_FOLDER: str | None = None  # None: instance/uploads
    PDF_CACHE_FOLDER: str | None = None  # None: instance/pdf-cache (certificates, by content)
    # Where uploads and cached certificates are stored: "local" (the two folders above) or "s3"
    # (S3_BUCKET under S3_PREFIX; no credentials: boto3's own chain). See vae/storage/configured.py.
    STORAGE_BACKEND = "local"
    S3_BUCKET: str | None = None
    S3_PREFIX = ""
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str | None = None
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None

    EMAIL_TOKEN_MAX_AGE = 48 * 3600
    RESET_TOKEN_MAX_AGE = 2 * 3600
    # An accompagnateur's invitation link works once, for this many days.
    ACCOMPANIMENT_INVITATION_DAYS = 14

    # The public address: base of every absolute link (emails, PDFs, certificates), and the
    # only Host accepted outside debug and testing (plus TRUSTED_HOSTS, a comma-separated list).
    PUBLIC_URL = "http://127.0.0.1:5000"
    TRUSTED_HOSTS: list[str] | str | None = None
    # Reverse proxies in front of the app (nginx: 1): X-Forwarded-For/-Proto are believed
    # from that many hops only; 0 ignores them (the client address cannot be spoofed).
    TRUSTED_PROXIES = 0
    LOG_LEVEL = "INFO"

    # Personal data: a closed dossier may be anonymised this many years after its last event.
    RETENTION_YEARS = 5
    # The livret 2's usual deadline after a recevable decision (explicit or implicit), in months.
    LIVRET2_DEFAULT_MONTHS = 6
    CPNEFP_EMAIL = "cpnefp@vae.invalid"  # where deletion requests are announced
    # The certifier as its letters and calendar invitations name it (one place for it).
    CERTIFIER_NAME = "CPNEFP"
    CERTIFIER_ADDRESS = "12 rue de Lyon\n75012 Paris"  # one line per newline
    CERTIFIER_EMAIL: str | None = None  # None: CPNEFP_EMAIL
    CERTIFIER_PHONE: str | None = None  # None: no phone line on letters
    LETTER_CITY = "Paris"  # « À Paris, le … » on letters
    # A proclaimed dossier closes itself this many days after the proclamation.
    CLOSE_AFTER_DAYS = 90

    # Legal notices (« Mentions légales ») and the privacy page: who publishes and hosts.
    PUBLISHER_NAME = "CPNEFP de la branche"
    PUBLISHER_ADDRESS = "Adresse à renseigner (PUBLISHER_ADDRESS)"
    PUBLICATION_DIRECTOR = "La présidence de la CPNEFP"
    HOST_NAME = "Hébergeur à renseigner (HOST_NAME)"
    HOST_ADDRESS = "Adresse à renseigner (HOST_ADDRESS)"


def load_environment(config: Config) -> None:
    """Read ``VAE_*`` variables into ``config`` (Flask's ``from_prefixed_env``).

    Values are typed by :func:`_typed` (booleans and numbers only: a JSON list or ``null``
    stays text, as before); ``VAE_<KEY>__<sub>`` sets one key of a dict setting;
    ``VAE_DATABASE_URL`` is the alias of ``SQLALCHEMY_DATABASE_URI``.
    """
    for key, value in config.items():  # ``__`` keys write into dicts: never into Defaults'
        if isinstance(value, dict):
            config[key] = copy.deepcopy(value)
    config.from_prefixed_env(ENV_PREFIX.rstrip("_"), loads=_typed)
    for alias, key in ENV_ALIASES.items():
        if ENV_PREFIX + alias in os.environ:
            config[key] = config.pop(alias)


def _typed(raw: str) -> Any:
    """``true``/``false`` (any case) as booleans, JSON numbers as numbers, the rest as text."""
    if raw.lower() in {"true", "false"}:
        return raw.lower() == "true"
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, int | float) else raw
