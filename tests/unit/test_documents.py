"""The document kernel (vae.documents): each feature builds its documents from it alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vae.documents.letters import address_lines, reference_line
from vae.documents.text import short_line

ROOT = Path(__file__).resolve().parents[2]
FEATURE_DOCUMENTS = {
    "dossier": [
        "pdf",
        "pdf_experience",
        "attestations",
        "timeline",
        "timeline_rows",
        "timeline_marks",
    ],
    "review": ["letters", "charts", "chart_parts"],
    "livret2": ["pdf", "pdf_parts", "pdf_summary"],
    "jury": ["documents", "minutes", "document_parts", "certificates"],
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("feature", "module"),
    [(feature, module) for feature, modules in FEATURE_DOCUMENTS.items() for module in modules],
)
def test_a_feature_document_imports_no_other_feature(feature: str, module: str) -> None:
    path = ROOT / "vae" / feature / f"{module}.py"
    others = {f"vae.{name}" for name in FEATURE_DOCUMENTS if name != feature}
    leaks = sorted(
        imported
        for imported in _imported_modules(path)
        if any(imported == other or imported.startswith(f"{other}.") for other in others)
    )
    assert not leaks, f"vae/{feature}/{module}.py imports {leaks}"


def test_the_kernel_imports_no_feature() -> None:
    features = ("auth", "dossier", "review", "livret2", "jury", "admin", "privacy", "main")
    paths = sorted((ROOT / "vae" / "documents").glob("*.py"))
    assert {path.stem for path in paths} >= {"pdf", "letters", "svg", "text"}
    for path in paths:
        leaks = [m for m in _imported_modules(path) if m.split(".")[:2][-1] in features]
        assert not leaks, f"{path.name} imports {leaks}"


def test_letter_pieces_are_capped_and_drop_empty_lines() -> None:
    who = {
        "first_name": "Élise",
        "last_name": "Dupont",
        "address": "12 rue des Lilas\n\n" + "\n".join(f"ligne {n}" for n in range(9)),
        "postcode": "75011",
        "city": "Paris",
    }
    assert address_lines(who) == [
        "Élise DUPONT",
        "12 rue des Lilas",
        "ligne 0",
        "ligne 1",
        "ligne 2",
        "75011 PARIS",
    ]
    assert reference_line({"dossier_number": "VAE-2026-00042", "version": 2}) == (
        "n°\u00a0VAE-2026-00042 (version\u00a02)"
    )
    assert short_line("a " * 100, 10) == "a a a a a…"
