"""The import contract of docs/architecture.md, checked on the source (no ignore list):

models < forms < domain areas < documents < demo < web and blueprints < create_app < worker.py
- a module imports only from its own layer or below, and no import cycle exists;
- forms are pure: no database session, no request, no Flask;
- nothing but create_app imports a blueprint;
- no module registers itself anywhere when imported: no top-level call statements, and decorators only
  of a kind that registers on the module's own objects (a blueprint's routes, click's commands);
- an import inside a function is a deliberate deferral and says why in a comment.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "portal"

LAYERS = [  # (layer, module prefixes), lowest first
    ("base", ("portal.config", "portal.i18n", "portal.validation", "portal.extensions", "portal.db", "portal.queue",
              "portal.mail", "portal.migrate", "portal.listing")),
    ("models", ("portal.models",)),
    ("forms", ("portal.forms",)),
    ("domain", ("portal.access", "portal.audit", "portal.accounts", "portal.casework", "portal.packets", "portal.youth",
                "portal.referrals", "portal.reporting", "portal.library",
                "portal.policy", "portal.privacy")),
    ("documents", ("portal.documents", "portal.records")),
    ("demo", ("portal.demo",)),
    ("web", ("portal.web", "portal.blueprints")),
    ("app", ("portal", "portal.cli")),
    ("worker", ("worker",)),
]
# Decorators that only mark a function or attach it to the module's own objects.
PURE_DECORATORS = {"dataclass", "lru_cache", "cache", "property", "cached_property", "staticmethod", "classmethod",
                   "contextmanager", "wraps", "allow", "public", "command", "option", "argument", "group",
                   "with_appcontext", "pass_context"}


def layer_of(module: str) -> int:
    best = None
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    assert best is not None, f"{module} belongs to no layer: add it to docs/architecture.md and LAYERS"
    return best[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources():
    files = sorted(PORTAL.rglob("*.py")) + [ROOT / "worker.py"]
    return {module_name(path): ast.parse(path.read_text(), str(path)) for path in files}


SOURCES = sources()


def resolve(name: str) -> str | None:
    """The portal module an import names (`from portal import audit` names portal.audit)."""
    while name and name not in SOURCES:
        name = name.rpartition(".")[0]
    return name or None


def imports(tree, *, top_level_only: bool = False):
    """(node, imported portal module) for every import in the tree."""
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] or [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in ("portal", "worker"):
                found = resolve(name)
                if found:
                    yield node, found


def test_every_module_imports_only_its_own_layer_or_below():
    wrong = []
    for module, tree in SOURCES.items():
        for _node, imported in imports(tree):
            if imported != module and layer_of(imported) > layer_of(module):
                wrong.append(f"{module} ({LAYERS[layer_of(module)][0]}) imports {imported} "
                             f"({LAYERS[layer_of(imported)][0]})")
    assert wrong == []


def test_no_import_cycles():
    graph = {module: {imported for _node, imported in imports(tree) if imported != module}
             for module, tree in SOURCES.items()}
    done, path, cycles = set(), [], []

    def visit(module):
        if module in path:
            cycles.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert cycles == []


def test_forms_are_pure():
    impure = []
    for module, tree in SOURCES.items():
        if layer_of(module) != layer_of("portal.forms"):
            continue
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for name in names:
                if name.split(".")[0] in ("flask", "sqlmodel", "sqlalchemy") or name == "portal.db":
                    impure.append(f"{module} imports {name}")
    assert impure == []


def test_only_create_app_imports_the_blueprints():
    importers = {module for module, tree in SOURCES.items() for _node, imported in imports(tree)
                 if imported.startswith("portal.blueprints") and not module.startswith("portal.blueprints")}
    assert importers == {"portal"}


def _decorator_name(decorator) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")


def _own_object(decorator, own: set) -> bool:
    """bp.route(...), bp.get(...): registers on an object this module made."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in own


def test_no_module_registers_itself_on_import():
    found = []
    for module, tree in SOURCES.items():
        own = {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets
               if isinstance(target, ast.Name)}
        for node in tree.body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                found.append(f"{module}:{node.lineno} calls {ast.unparse(node.value)[:60]} when imported")
            for decorator in getattr(node, "decorator_list", []):
                if not (_own_object(decorator, own) or _decorator_name(decorator) in PURE_DECORATORS):
                    found.append(f"{module}:{node.lineno} decorated by {ast.unparse(decorator)[:60]}")
    assert found == []


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_imports_inside_functions_say_why(module):
    tree = SOURCES[module]
    path = PORTAL.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PORTAL.parent / module.replace(".", "/") / "__init__.py"
    lines = path.read_text().splitlines()
    silent = []
    for function in [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]:
        for node in ast.walk(function):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                before = [line.strip() for line in lines[max(0, node.lineno - 4):node.lineno - 1]]
                if "#" not in lines[node.lineno - 1] and not any(line.startswith("#") for line in before):
                    silent.append(f"line {node.lineno}: {ast.unparse(node)}")
    assert silent == []
