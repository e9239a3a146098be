"""The apps depend downward (README, "Layout"): fedsite is the site layer and imports
news and stats only in its urls; stats cites news articles and imports nothing else
from news; proofreading sits on top of news and stats and neither imports it; no
module imports itself round a circle. Read from the source with ast, so that an import
inside a function counts as much as one at the top."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("fedsite", "news", "stats", "proofreading")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path
    for app in APPS
    for path in sorted((ROOT / app).rglob("*.py"))
    if "migrations" not in path.parts
}


def imports_of(name):
    """The modules `name` imports (absolute names; `from x import y` gives x.y when y is
    a module of ours, else x)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return found


def in_app(module, app):
    return module == app or module.startswith(app + ".")


@pytest.mark.parametrize(
    "name", [name for name in MODULES if in_app(name, "fedsite") and name != "fedsite.urls"]
)
def test_the_site_layer_imports_no_content_app(name):
    assert {m for m in imports_of(name) if in_app(m, "news") or in_app(m, "stats")} == set()


@pytest.mark.parametrize(
    "name", [name for name in MODULES if in_app(name, "fedsite") and name != "fedsite.urls"]
)
def test_the_site_layer_imports_no_proofreading(name):
    assert {m for m in imports_of(name) if in_app(m, "proofreading")} == set()


@pytest.mark.parametrize(
    "name", [name for name in MODULES if in_app(name, "news") or in_app(name, "stats")]
)
def test_news_and_stats_import_nothing_of_proofreading(name):
    """Proofreading (issue 15) reads articles and figures and checks them; it follows
    their saves with signals, extends the article admin by subclassing it, and puts
    its condition on approval through news.workflow.add_approval_check. So news and
    stats work unchanged without it, and nothing imports round the two apps."""
    assert {m for m in imports_of(name) if in_app(m, "proofreading")} == set()


@pytest.mark.parametrize("name", [name for name in MODULES if in_app(name, "stats")])
def test_stats_takes_only_the_article_from_news(name):
    path = MODULES[name]
    from_news = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            from_news.update(alias.name for alias in node.names if in_app(alias.name, "news"))
        elif isinstance(node, ast.ImportFrom) and not node.level and in_app(node.module, "news"):
            from_news.update(f"{node.module}.{alias.name}" for alias in node.names)
    assert from_news <= {"news.models.Article"}


def test_no_module_imports_itself_round_a_circle():
    graph = {name: imports_of(name) & MODULES.keys() - {name} for name in MODULES}
    circles = []
    done = set()

    def visit(name, path):
        if name in path:
            circles.append(path[path.index(name) :] + [name])
            return
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, path + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert circles == []


MIGRATIONS = sorted(path for app in APPS for path in (ROOT / app / "migrations").glob("0*.py"))


@pytest.mark.parametrize(
    "path", MIGRATIONS, ids=lambda path: f"{path.parent.parent.name}/{path.stem}"
)
def test_data_migrations_run_no_code_of_the_apps(path):
    """A migration may name an app's callables in its field definitions (upload_to, a
    default, a validator): Django records them by path. But the code a migration *runs*
    (its RunPython functions) must use only Django and the historical models it is
    given: app code changes later, and an old migration must replay the same way on
    a new install (rebuilding the search index is rebuild_search_index's job)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            ours.update(
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name.split(".")[0] in APPS
            )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in APPS:
            ours.update(alias.asname or alias.name for alias in node.names)
    for function in (node for node in tree.body if isinstance(node, ast.FunctionDef)):
        used = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
        imported_inside = {
            node.module
            for node in ast.walk(function)
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in APPS
        }
        assert not (used & ours) and not imported_inside, (
            f"{function.name} runs app code: {sorted(used & ours) + sorted(imported_inside)}"
        )
