"""The baseline of ``bench/http.py``: a bare Flask route, served exactly like the real app."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "hello"
