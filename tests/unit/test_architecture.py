"""The house's shape, read from the source: imports, feature boundaries, templates and file sizes.

Every `.py` under `vae/` and `forms/` is parsed with `ast`; imports are collected at module level
AND inside functions (a function-level import is still a dependency, only a hidden one). Templates
are parsed with Jinja's own parser so that a comparison is found whatever its spacing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import nodes

ROOT = Path(__file__).resolve().parents[2]
SOURCE_PACKAGES = ("vae", "forms")
FEATURES = (
    *("auth", "dossier", "review", "livret2", "jury"),
    *("admin", "privacy", "certifications", "main"),
)
MAX_LINES = 400
LONG_FILES_ALLOWED = {"vae/rules/eligibility.py"}
TEMPLATES = jinja2.Environment(extensions=["jinja2.ext.do"])  # as vae.web sets it up


@dataclass
class Module:
    """One parsed source file: its dotted name, whether it is a package, and what it imports."""

    name: str
    path: Path
    is_package: bool
    tree: ast.Module
    imports: set[str] = field(default_factory=set)
    private_uses: list[str] = field(default_factory=list)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _source_files() -> Iterator[Path]:
    for package in SOURCE_PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _resolve_relative(module: Module, level: int, target: str | None) -> str:
    """The absolute name of `from <dots><target> import …` written in `module`."""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, target] if target else base)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _analyse(module: Module, known: set[str]) -> None:
    """Fill `imports` (edges to known modules) and `private_uses` (another module's `_name`)."""
    aliases: dict[str, str] = {}
    where = module.path.relative_to(ROOT)
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    module.imports.add(alias.name)
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            source = (
                _resolve_relative(module, node.level, node.module)
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in known:
                    module.imports.add(submodule)
                    aliases[alias.asname or alias.name] = submodule
                    continue
                if source in known:
                    module.imports.add(source)
                if _is_private(alias.name) and source.split(".")[0] in SOURCE_PACKAGES:
                    module.private_uses.append(
                        f"{where}:{node.lineno} from {source} import {alias.name}"
                    )
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            dotted = _dotted(node.value)
            if not dotted:
                continue
            head, _, rest = dotted.partition(".")
            if head not in aliases:
                continue
            target = ".".join(filter(None, [aliases[head], rest]))
            if target in known and target != module.name:
                module.private_uses.append(f"{where}:{node.lineno} {target}.{node.attr}")


def _modules() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in _source_files():
        name, is_package = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        modules[name] = Module(name, path, is_package, tree)
    known = set(modules)
    for module in modules.values():
        _analyse(module, known)
    return modules


def _graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Import edges; a package importing one of its own submodules is not counted."""
    return {
        name: {t for t in module.imports if t != name and not t.startswith(f"{name}.")}
        for name, module in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def _feature(module_name: str) -> str | None:
    parts = module_name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "vae" and parts[1] in FEATURES else None


def _cycle_paths(graph: dict[str, set[str]], component: list[str]) -> str:
    """The component with its internal edges, so that the message says which import to remove."""
    members = set(component)
    edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & members)]
    return "; ".join(edges)


def test_no_private_name_of_another_module_is_imported() -> None:
    offenders = [use for module in _modules().values() for use in module.private_uses]
    assert not offenders, "another module's private name is used:\n" + "\n".join(offenders)


def test_no_import_cycle_at_module_or_function_level() -> None:
    graph = _graph(_modules())
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(_cycle_paths(graph, c) for c in cycles)


def test_no_two_features_import_each_other() -> None:
    modules = _modules()
    edges: dict[tuple[str, str], list[str]] = {}
    for name, module in modules.items():
        source = _feature(name)
        for target in module.imports:
            destination = _feature(target)
            if source and destination and source != destination:
                edges.setdefault((source, destination), []).append(f"{name} -> {target}")
    offenders = [
        f"{a} <-> {b}: " + ", ".join(sorted(edges[(a, b)] + edges[(b, a)]))
        for (a, b) in sorted(edges)
        if a < b and (b, a) in edges
    ]
    assert not offenders, "feature folders importing each other:\n" + "\n".join(offenders)


def _is_literal(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Const):
        return True
    if isinstance(node, nodes.Tuple | nodes.List):
        return all(_is_literal(item) for item in node.items)
    return False


def _is_enum_member(node: nodes.Node) -> bool:
    """`Role.ADMIN`, `DossierStatus.SUBMITTED` or a tuple of them."""
    if isinstance(node, nodes.Tuple | nodes.List):
        return bool(node.items) and all(_is_enum_member(item) for item in node.items)
    return (
        isinstance(node, nodes.Getattr)
        and isinstance(node.node, nodes.Name)
        and (node.node.name == "Role" or node.node.name.endswith("Status"))
    )


def _is_status_or_role(node: nodes.Node) -> bool:
    """`x.status`, `x.status.value`, `x.role`, `x.role.value`."""
    if isinstance(node, nodes.Getattr) and node.attr == "value":
        node = node.node
    return isinstance(node, nodes.Getattr) and node.attr in {"status", "role"}


def _template_comparisons(source: str) -> Iterator[int]:
    """Line numbers of comparisons of a status or role with a literal or an enum member."""
    tree = TEMPLATES.parse(source)
    for compare in tree.find_all(nodes.Compare):
        sides = [compare.expr, *(operand.expr for operand in compare.ops)]
        subjects = [side for side in sides if _is_status_or_role(side)]
        others = [side for side in sides if not _is_status_or_role(side)]
        if any(_is_enum_member(side) for side in sides) or (
            subjects and others and all(_is_literal(side) for side in others)
        ):
            yield compare.lineno


def test_templates_compare_no_status_or_role() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for line in _template_comparisons(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, (
        "templates comparing a status or a role "
        "(ask the model instead, e.g. dossier.can_decide(user)):\n" + "\n".join(offenders)
    )


def test_no_source_file_over_400_lines() -> None:
    offenders = []
    for path in _source_files():
        relative = path.relative_to(ROOT).as_posix()
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES and relative not in LONG_FILES_ALLOWED:
            offenders.append(f"{relative}: {count} lines")
    assert not offenders, f"source files over {MAX_LINES} lines:\n" + "\n".join(offenders)


def _parsed(name: str, source: str, known: set[str]) -> Module:
    module = Module(name, ROOT / "vae" / "example.py", False, ast.parse(source))
    _analyse(module, known)
    return module


def test_the_guards_see_what_they_guard() -> None:
    """The checks above would pass vacuously on an empty graph or an unparsed template."""
    graph = _graph(_modules())
    assert "vae.dossier.models" in graph["vae.dossier.operations"]
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    hidden = _parsed("vae.x", "def f():\n    from vae.y import _z, w\n", {"vae.x", "vae.y"})
    assert hidden.imports == {"vae.y"}
    assert hidden.private_uses == ["vae/example.py:2 from vae.y import _z"]
    dotted = _parsed("vae.x", "import vae.y as y\ny._z()\ny.__name__\n", {"vae.x", "vae.y"})
    assert dotted.private_uses == ["vae/example.py:2 vae.y._z"]
    assert list(_template_comparisons('{% if d.status.value in ("a", "b") %}{% endif %}')) == [1]
    assert list(_template_comparisons("\n{% if user.role == Role.ADMIN %}{% endif %}")) == [2]
    assert not list(_template_comparisons("{% if f.status == s.value %}{{ d.status }}{% endif %}"))
