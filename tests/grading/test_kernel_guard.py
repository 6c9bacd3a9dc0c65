"""The guard's kernel side, run in this process on an IPython shell: what it reports, and what the grader finds in
it."""

from __future__ import annotations

import ast
import builtins
import importlib.util
import json
import sys
import threading
from pathlib import Path

import numpy
import pytest
from IPython.core.interactiveshell import InteractiveShell

from coursetools.grading import guard, kernel_guard

LIBRARY = [sys.prefix, sys.base_prefix, "<frozen"]


@pytest.fixture
def shell():
    """IPython's shell of this process, with its event hooks as they were afterwards."""
    shell = InteractiveShell.instance()
    callbacks = {event: list(found) for event, found in shell.events.callbacks.items()}
    yield shell
    for event, found in callbacks.items():
        shell.events.callbacks[event][:] = found


@pytest.fixture
def started(shell, tmp_path, monkeypatch):
    """A kernel guard started on ``tmp_path`` as the submission's folder, and the snapshot it took; sys.path
    restored."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    watcher = kernel_guard.KernelGuard(shell)
    watcher.start(str(tmp_path), ["builtins", "math", "numpy", "numpy.testing"], list(guard.WATCHED_CLASSES), LIBRARY)
    return watcher, json.loads(watcher.report([]))


def findings_now(watcher, snapshot: dict, protected: dict | None = None) -> list[str]:
    """What the grader finds when it compares the guard's report now with the snapshot."""
    return guard.findings(snapshot, json.loads(watcher.report(sorted(protected or {}))), protected or {})


def test_the_kernel_side_imports_only_the_standard_library():
    """Does the code sent into the kernel import nothing but the standard library (the sandbox has nothing else of the
    grader)?"""
    tree = ast.parse(Path(kernel_guard.__file__).read_text())
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names


def test_kernel_code_defines_one_guard_from_the_modules_source(shell):
    """Does the code sent to the kernel bind one KernelGuard to the chosen name, and add nothing else to the notebook's
    names?"""
    namespace = {"get_ipython": lambda: shell}
    exec(guard.kernel_code("_grader_0123"), namespace)  # noqa: S102 -- the grader's own code, as the kernel runs it
    added = set(namespace) - {"get_ipython", "__builtins__"}
    assert added == {"_grader_0123"} and type(namespace["_grader_0123"]).__name__ == "KernelGuard"
    assert namespace["_grader_0123"].shell is shell


def test_an_unchanged_kernel_gives_no_findings(started):
    """Does a second report, with nothing changed, compare equal to the snapshot?"""
    watcher, snapshot = started
    assert findings_now(watcher, snapshot) == []


def test_a_function_replaced_by_submitted_code_is_found(started, monkeypatch):
    """Is numpy.allclose replaced by a function of this file a finding that names the file?"""
    watcher, snapshot = started
    monkeypatch.setattr(numpy, "allclose", lambda *args, **kwargs: True)
    assert findings_now(watcher, snapshot) == [f"numpy.allclose was replaced (by code from {__file__})"]


def test_a_hook_added_to_ipython_is_found(started, shell):
    """Is a pre_run_cell hook registered after the snapshot a finding?"""
    watcher, snapshot = started
    shell.events.register("pre_run_cell", lambda info: None)
    assert findings_now(watcher, snapshot) == ["ipython.events.pre_run_cell: the submission added its own hook"]


def test_names_an_instructor_cell_defines_are_reported_and_protected(started, shell):
    """Are the names an instructor cell defined reported, and is rebinding one of them later a finding?"""
    watcher, snapshot = started
    watcher.names()
    shell.user_ns["x_train"] = object()
    defined = json.loads(watcher.names(True))
    assert set(defined) == {"x_train"}
    shell.user_ns["x_train"] = object()
    found = findings_now(watcher, snapshot, defined)
    del shell.user_ns["x_train"]
    assert found == ["the name 'x_train', defined by an instructor cell and used by the tests, was rebound or deleted"]


def test_modules_and_threads_of_the_submission_are_listed(started, tmp_path, monkeypatch):
    """Are a module loaded from the submission's folder and a thread running code from outside the library listed?"""
    watcher, snapshot = started
    (tmp_path / "helper.py").write_text("VALUE = 1\n")
    spec = importlib.util.spec_from_file_location("helper", tmp_path / "helper.py")
    monkeypatch.setitem(sys.modules, "helper", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(sys.modules["helper"])
    release = threading.Event()
    thread = threading.Thread(target=lambda: release.wait(10), name="submitted-thread")
    thread.start()
    try:
        found = findings_now(watcher, snapshot)
    finally:
        release.set()
        thread.join()
    assert found == [
        f"{kernel_guard.MODULES_FROM_SUBMISSION}: helper",
        f"{kernel_guard.THREADS_OF_SUBMISSION}: submitted-thread",
    ]


def test_a_replaced_builtin_does_not_change_what_the_guard_sees(started, monkeypatch):
    """With builtins.sorted and builtins.id replaced after the guard was defined, does it still report them, and
    correctly?"""
    watcher, snapshot = started
    monkeypatch.setattr(builtins, "sorted", lambda *args, **kwargs: [])
    monkeypatch.setattr(builtins, "id", lambda value: 0)
    report = json.loads(watcher.report([]))
    monkeypatch.undo()
    found = guard.findings(snapshot, report, {})
    assert sorted(found) == [f"builtins.{name} was replaced (by code from {__file__})" for name in ("id", "sorted")]
    assert report["numpy.allclose"][0] == id(numpy.allclose)
