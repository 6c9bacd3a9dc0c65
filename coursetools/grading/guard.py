"""The grader's half of the guard that catches a submission reaching into the grading machinery.

Before any cell of the notebook, the grader sends ``kernel_guard``'s source to
the kernel, which keeps one guard object under a name random per run (its
helpers bound when it is defined), and asks it for a *snapshot*: the identity
of every builtin, of the public functions and methods that tests rely on
(NumPy, math, PyTorch, Keras, the course package), of IPython's hooks, input
and AST transformers and exception handlers, and of the kernel's execute and
send machinery. The snapshot keeps
its objects referenced, so an identity cannot be reused by a replacement.
After each instructor cell the grader records the names that cell defined.
Around each test cell it asks the kernel for the same identities again and
compares them *outside* the kernel; it also asks for modules imported from the
submission's own folder and for threads running the submission's code. Any
difference is a finding, and a finding flags the submission (score 0, for the
instructor to review).

Code that runs in the kernel can in principle defeat any check made from
inside the kernel; these checks catch every route that the hostile corpus in
``tests/grading/hostile/`` tries, and the sandbox keeps whatever gets past them
inside that one student's grade.
"""

from __future__ import annotations

import ast
import json
import secrets
from pathlib import Path

from coursetools.grading import kernel_guard

WATCHED_MODULES = ("builtins", "math", "numpy", "numpy.testing")
FRAMEWORK_MODULES = (
    "torch",
    "torch.testing",
    "torch.nn.functional",
    "keras",
    "keras.ops",
    "scipy.linalg",
    "scipy.stats",
)
WATCHED_CLASSES = ("torch.Tensor", "torch.nn.Module", "keras.Model", "keras.layers.Layer")
LISTS = (kernel_guard.MODULES_FROM_SUBMISSION, kernel_guard.THREADS_OF_SUBMISSION)


def new_function_name() -> str:
    """A name for the kernel-side guard that no submission can know in advance."""
    return f"_grader_{secrets.token_hex(8)}"


def kernel_code(name: str) -> str:
    """The code that defines the kernel-side guard under ``name``, sent before any cell of the notebook.

    It runs ``kernel_guard``'s source, read from its file, in a namespace of its own, and binds
    one ``KernelGuard`` of the kernel's shell to ``name``; nothing else lands in the notebook's names.
    """
    source = Path(kernel_guard.__file__).read_text(encoding="utf-8")
    return (
        f"{name} = (lambda namespace: (exec(compile({source!r}, 'aecourse-grader-guard', 'exec'), namespace), "
        f"namespace['KernelGuard'](get_ipython()))[1])({{'__name__': 'aecourse_grader_guard'}})"
    )


def start_expression(name: str, work_dir: str, modules: list[str], library: list[str]) -> str:
    """Take imports away from the submission's folder, import the watched modules; ``library`` prefixes mark trusted
    code."""
    return f"{name}.start({work_dir!r}, {list(modules)!r}, {list(WATCHED_CLASSES)!r}, {list(library)!r})"


def names_before_expression(name: str) -> str:
    """Remember the notebook's names before an instructor cell runs."""
    return f"{name}.names()"


def names_after_expression(name: str) -> str:
    """The names (and identities) an instructor cell defined or rebound, as JSON."""
    return f"{name}.names(True)"


def report_expression(name: str, protected: list[str]) -> str:
    """The identities to compare with the snapshot, and those of the ``protected`` names, as JSON."""
    return f"{name}.report({sorted(protected)!r})"


def modules_to_watch(setup_source: str) -> list[str]:
    """The watched modules, plus the frameworks and course modules that the assignment's setup cell imports."""
    imported = set()
    for node in ast.walk(ast.parse(setup_source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    frameworks = {name.split(".")[0] for name in imported}
    optional = [module for module in FRAMEWORK_MODULES if module.split(".")[0] in frameworks]
    course = sorted(name for name in imported if name.split(".")[0] == "aecourse")
    return [*WATCHED_MODULES, *optional, *course]


def parse(value: str):
    """The JSON that a kernel-side call returned, from its ``text/plain`` representation."""
    return json.loads(ast.literal_eval(value))


def _library_made(key: str, before: list, after: list) -> bool:
    """Whether a replacement came from the libraries themselves (as torch wraps its own functions on first use).

    ``before`` and ``after`` are the object's report entries: ``[identity, origin, the identities along
    its __wrapped__ chain, the package its code comes from]``. The new object must be code of the same
    package and wrap what it replaces (or what that wrapped). Another function of the package
    (``numpy.allclose = numpy.printoptions``) wraps nothing of it, and a wrapper from elsewhere
    (``contextlib.contextmanager(numpy.allclose)``) is not the package's own: both are findings.
    """
    return _trusted(key, after) and bool(set(before[2]) & set(after[2]))


def _trusted(key: str, entry: list) -> bool:
    """Whether the object in a report ``entry`` may be the package's own: its own Python code, or compiled code of
    it."""
    if key.startswith(("builtins.", "ipython.", "kernel.", "sys.")):
        return False  # neither Python nor IPython nor the kernel changes these by itself
    origin, package = entry[1], key.split(".")[0]
    if origin.startswith("builtin:"):
        return origin.split(":", 1)[1].split(".")[0].lstrip("_") == package
    return origin == "library" and entry[3] == package


def findings(snapshot: dict, current: dict, protected: dict) -> list[str]:
    """What the submission changed since the snapshot, as sentences for the instructor; updates the snapshot.

    A watched object replaced by the libraries' own wrapper of it (PyTorch wraps some of its
    functions the first time they are called) is accepted and becomes the new reference.
    """
    found = []
    for key, value in current.items():
        if key in LISTS or key == "names" or key == "sys.tracers":
            continue
        if key.startswith(("ipython.events.", "ipython.input_", "ipython.ast_")):
            before = {identity for identity, _ in snapshot.get(key, [])}
            added = [origin for identity, origin in value if identity not in before and origin != "library"]
            removed = before - {identity for identity, _ in value}
            if added or removed:
                found.append(f"{key}: the submission {'added its own hook' if added else 'removed a hook'}")
            continue
        if key not in snapshot and key.startswith("builtins."):
            continue  # a new builtin shadows nothing the tests use
        if key not in snapshot:
            if not _trusted(key, value):
                found.append(f"{key} was added (by code from {value[1]})")
                continue
            snapshot[key] = value
        elif snapshot[key][0] != value[0]:
            if not _library_made(key, snapshot[key], value):
                if _trusted(key, value):
                    how = f"by another function of {key.split('.')[0]}, which does not wrap it"
                elif value[1] == "library":
                    how = f"by code from {value[3] or 'the environment'}, not {key.split('.')[0]}'s own"
                else:
                    how = f"by code from {value[1]}"
                found.append(f"{key} was replaced ({how})")
                continue
            snapshot[key] = value
    found += [
        f"{key} was removed"
        for key in snapshot
        if key not in current and key.startswith(("builtins.", "ipython.", "kernel."))
    ]
    if any(origin != "library" for _, origin in current.get("sys.tracers", [])):
        found.append("sys.tracers: the submission set a trace or profile function")
    for key in LISTS:
        if current.get(key):
            found.append(f"{key}: {', '.join(current[key])}")
    for name, identity in protected.items():
        if current.get("names", {}).get(name) != identity:
            found.append(
                f"the name {name!r}, defined by an instructor cell and used by the tests, was rebound or deleted"
            )
    return found
