"""The course package's structure, read from its source: what it imports, what chapters see, how long its pieces are."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import jupytext
import nbformat
import pytest

from coursetools.paths import REPO

PACKAGE = REPO / "aecourse"
MODULES = sorted(PACKAGE.rglob("*.py"))
CHAPTERS = sorted((REPO / "book").glob("*.md"))
SOLUTIONS = sorted((REPO / "solutions").glob("*/*.ipynb"))
# The length limits hold for the instructors' tools and the tests as for the package.
SOURCES = MODULES + sorted((REPO / "coursetools").rglob("*.py")) + sorted((REPO / "tests").rglob("*.py"))
MAX_FUNCTION_LINES, MAX_CLASS_LINES = 60, 150


def module_name(path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(tree: ast.AST) -> set[str]:
    """Every module an AST imports, at any depth (``from a import b`` counts a and a.b)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def code_cells(path) -> list[str]:
    """The code cells' sources of a chapter (MyST) or a notebook."""
    notebook = jupytext.read(path) if path.suffix == ".md" else nbformat.read(path, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def test_importing_the_package_loads_no_framework():
    """Does `import aecourse` load neither PyTorch nor TensorFlow/Keras?"""
    code = "import sys, aecourse; print(sorted(m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]", f"import aecourse loaded {result.stdout.strip()}"


def test_the_package_has_no_import_cycle():
    """Is the graph of imports between the package's modules (lazy imports included) free of cycles?"""
    names = {module_name(path): path for path in MODULES}
    graph = {
        name: {other for other in imported_modules(ast.parse(path.read_text())) if other in names and other != name}
        for name, path in names.items()
    }
    for name in graph:  # a package's __init__ is imported with each of its modules, so only its own imports count
        graph[name] -= {parent for parent in names if name.startswith(parent + ".")}
    visiting, done = [], set()

    def visit(name):
        if name in visiting:
            raise AssertionError(f"import cycle: {' -> '.join(visiting[visiting.index(name) :] + [name])}")
        if name in done:
            return
        visiting.append(name)
        for other in sorted(graph[name]):
            visit(other)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_module_keeps_away_from_graders_and_its_own_location(path):
    """Does the module leave the graders' tools alone, and find nothing through its own file's location?"""
    source = path.read_text()
    assert not any(name.split(".")[0] == "coursetools" for name in imported_modules(ast.parse(source))), (
        f"{module_name(path)} imports the graders' tools"
    )
    assert "__file__" not in source, f"{module_name(path)} uses __file__: data and tools must be found another way"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: module_name(path))
def test_functions_and_classes_are_short(path):
    """Is every function at most 60 lines long and every class at most 150?"""
    for node in ast.walk(ast.parse(path.read_text())):
        length = getattr(node, "end_lineno", 0) - getattr(node, "lineno", 0) + 1
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert length <= MAX_FUNCTION_LINES, f"{module_name(path)}.{node.name} is {length} lines long"
        elif isinstance(node, ast.ClassDef):
            assert length <= MAX_CLASS_LINES, f"{module_name(path)}.{node.name} is {length} lines long"


@pytest.mark.parametrize("path", CHAPTERS + SOLUTIONS, ids=lambda path: path.name)
def test_chapters_and_notebooks_import_only_the_course_package(path):
    """Do chapters and solution notebooks import the course package and libraries, never the graders' tools?"""
    for source in code_cells(path):
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
        graders = [name for name in imported_modules(tree) if name.split(".")[0] == "coursetools"]
        assert not graders, f"{path.name} imports {graders}"


def shown_objects(chapter) -> list[tuple[str, ast.AST]]:
    """The (name, AST) of every object a chapter shows with literalinclude and :pyobject:."""
    shown = []
    for file, name in re.findall(
        r"```\{literalinclude\} (\S+)\n(?::[a-z]+: .*\n)*?:pyobject: (\S+)", chapter.read_text()
    ):
        tree = ast.parse((chapter.parent / file).resolve().read_text())
        found = [node for node in tree.body if getattr(node, "name", None) == name]
        assert found, f"{chapter.name} shows {name} from {file}, which has no such top-level object"
        shown.append((name, found[0]))
    return shown


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapters_show_only_public_names(path):
    """Does a chapter show (literalinclude) and call only public names, and does the code it shows call only public
    ones?"""
    for name, node in shown_objects(path):
        assert not name.startswith("_"), f"{path.name} shows the private {name}"
        calls = {
            call.func.id for call in ast.walk(node) if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
        }
        assert not [call for call in calls if call.startswith("_")], (
            f"{path.name} shows {name}, which calls {sorted(calls)}"
        )
    private = re.findall(r"\b(?:course|aecourse|[a-z_]+)\.(_[a-z]\w*)\(", "\n".join(code_cells(path)))
    assert not private, f"{path.name} calls private helpers {private}"
