"""The guard's half that runs inside a student's kernel: identities of what the tests rely on, reported as JSON.

The grader never imports this module to grade: ``guard.kernel_code`` sends its
source to the kernel, which runs it in a namespace of its own before any cell
of the notebook and keeps one ``KernelGuard`` under a name chosen at random
for the run. The grader then evaluates expressions on that object
(``start``, ``names``, ``report``) and compares the JSON they return outside
the kernel (``guard.findings``). The tests import it like any module and run
it in-process.

It uses only the standard library. Every builtin it calls is bound here, when
the module runs, before any student code: a submission that later replaces
``builtins.id`` or ``builtins.sorted`` does not change what the guard sees.
"""

import functools
import importlib
import json
import os
import sys
import threading
import types

MODULES_FROM_SUBMISSION = "modules from the submission"
THREADS_OF_SUBMISSION = "threads running the submission's code"

_id, _vars, _callable, _getattr, _isinstance = id, vars, callable, getattr, isinstance
_sorted, _str, _set, _type, _len, _tuple = sorted, str, set, type, len, tuple
_staticmethod, _classmethod, _property, _Exception = staticmethod, classmethod, property, Exception

COMPILED = (
    types.BuiltinFunctionType,
    types.BuiltinMethodType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
    types.MethodWrapperType,
    types.ClassMethodDescriptorType,
)
"""Objects whose code is compiled: they have no ``__code__`` and no file."""

SHELL_ATTRIBUTES = (
    "custom_exceptions",
    "CustomTB",
    "displayhook",
    "display_pub",
    "run_cell",
    "run_cell_async",
    "run_ast_nodes",
    "run_code",
    "showtraceback",
    "_showtraceback",
    "transform_cell",
    "user_expressions",
    "ex",
    "ev",
)
"""IPython's exception handlers, display hooks and the functions that run a cell."""

HOOK_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")


def resolve(value, depth=0):
    """The function whose code ``value`` runs and that code, through partials, static and class methods,
    properties and callable objects; or, with None for the code, the compiled object or class it ends at."""
    code = _getattr(value, "__code__", None) or _getattr(_getattr(value, "__func__", None), "__code__", None)
    if code is not None or depth >= 3:
        return value, code
    if _isinstance(value, functools.partial):
        return resolve(value.func, depth + 1)
    if _isinstance(value, (_staticmethod, _classmethod)):
        return resolve(value.__func__, depth + 1)
    if _isinstance(value, _property):
        return resolve(value.fget, depth + 1)
    if _isinstance(value, COMPILED) or _isinstance(value, _type):
        return value, None
    return resolve(_type(value).__call__, depth + 1)


def unwrapped(value) -> list:
    """The identities along a wrapper's ``__wrapped__`` (or a method's ``__func__``) chain, the object itself first."""
    found = []
    while value is not None and _len(found) < 8:
        found.append(_id(value))
        try:
            value = _getattr(value, "__wrapped__", None) or _getattr(value, "__func__", None)
        except _Exception:
            break
    return found


def compiled_owner(value) -> str:
    """The module that a compiled function or a class belongs to, for ``origin``."""
    owner = (
        _getattr(value, "__module__", None)
        or _getattr(_getattr(value, "__objclass__", None), "__module__", None)
        or _getattr(_getattr(value, "__self__", None), "__name__", None)
        or _type(_getattr(value, "__self__", None)).__module__
    )
    return _str(owner)


class KernelGuard:
    """The kernel's side of the guard for one run: what it watches, and the objects it keeps referenced."""

    def __init__(self, shell):
        self.shell = shell
        self.work_dir, self.modules, self.classes, self.library = "", (), (), ()
        self.keep: list = []  # every object reported stays referenced, so its identity cannot be reused
        self.before: dict = {}
        self.packages: dict = {}

    def start(self, work_dir: str, modules: list, classes: list, library: list) -> None:
        """Take imports away from the submission's folder; import the watched ``modules``; ``library`` prefixes mark
        trusted code."""
        sys.path[:] = [path for path in sys.path if path not in ("", ".", work_dir)]
        for module in modules:
            try:
                importlib.import_module(module)
            except ImportError:
                pass
        self.work_dir, self.modules, self.classes, self.library = work_dir, modules, classes, _tuple(library)

    def names(self, after: bool = False):
        """Before an instructor cell: remember the notebook's names. After: the names it defined or rebound, as JSON."""
        if not after:
            self.before = {key: _id(value) for key, value in self.shell.user_ns.items()}
            return None
        defined = {
            key: value
            for key, value in self.shell.user_ns.items()
            if not key.startswith("_") and self.before.get(key) != _id(value)
        }
        self.keep.append(defined)
        return json.dumps({key: _id(value) for key, value in defined.items()})

    def origin(self, value) -> str:
        """ "library" for Python code from the environment or the course package, "builtin:<module>" for compiled
        code and classes (compared with the package they replace), else the file the code came from."""
        value, code = resolve(value)
        if code is not None:
            filename = code.co_filename
            trusted = filename.startswith(self.library) and not filename.startswith(self.work_dir)
            return "library" if trusted else filename
        if _isinstance(value, COMPILED) or _isinstance(value, _type):
            return "builtin:" + compiled_owner(value)
        return "unknown"

    def package(self, value) -> str:
        """The top-level package (or module) of the file a function's code comes from: up while __init__.py
        exists; "" for compiled code, which has no file (``origin`` names its module)."""
        code = resolve(value)[1]
        if code is None:
            return ""
        filename = code.co_filename
        if filename.startswith("<frozen "):
            return filename[_len("<frozen ") :].split(".")[0].rstrip(">")
        if filename not in self.packages:
            folder, name = os.path.split(filename)
            name = name.rsplit(".", 1)[0]
            while os.path.isfile(os.path.join(folder, "__init__.py")):
                folder, name = os.path.split(folder)
            self.packages[filename] = name
        return self.packages[filename]

    def watched_objects(self) -> dict:
        """Every object the tests rely on, by key: module functions, class methods, IPython's and the kernel's
        machinery."""
        objects = {}
        modules = _set(self.modules) | {name for name in sys.modules if name.startswith("aecourse.")}
        for module_name in _sorted(modules):
            module = sys.modules.get(module_name)
            for key, value in _vars(module).items() if module is not None else ():
                if module_name == "builtins" or (not key.startswith("_") and _callable(value)):
                    objects[f"{module_name}.{key}"] = value
        for class_path in self.classes:
            module_name, _, class_name = class_path.rpartition(".")
            cls = _getattr(sys.modules.get(module_name), class_name, None)
            for key, value in _vars(cls).items() if cls is not None else ():
                if _callable(value) or _isinstance(value, (_staticmethod, _classmethod, _property)):
                    objects[f"{class_path}.{key}"] = value
        return {**objects, **self.machinery()}

    def machinery(self) -> dict:
        """IPython's hooks and cell runners, the kernel's execute and send functions, and sys's hooks."""
        objects = {}
        for attribute in SHELL_ATTRIBUTES:
            value = _getattr(self.shell, attribute, None)
            objects[f"ipython.{attribute}"] = _getattr(value, "__func__", value)
        kernel = _getattr(self.shell, "kernel", None)
        if kernel is not None:
            for attribute in ("do_execute", "execute_request", "send_response"):
                value = _getattr(kernel, attribute, None)
                objects[f"kernel.{attribute}"] = _getattr(value, "__func__", value)
            objects["kernel.session.send"] = _getattr(kernel.session.send, "__func__", kernel.session.send)
            objects["kernel.shell_handlers.execute_request"] = kernel.shell_handlers.get("execute_request")
        for name in ("displayhook", "excepthook", "settrace", "setprofile"):
            objects[f"sys.{name}"] = _getattr(sys, name)
        return objects

    def report(self, protected: list) -> str:
        """The identities to compare with the snapshot, those of the ``protected`` names, and what the submission
        runs from its own folder, as JSON."""
        objects = self.watched_objects()
        self.keep.append(objects)
        found = {
            key: [_id(value), self.origin(value), unwrapped(value), self.package(value)]
            for key, value in objects.items()
        }
        for event, callbacks in self.shell.events.callbacks.items():
            found[f"ipython.events.{event}"] = [[_id(c), self.origin(c)] for c in callbacks]
        for attribute in HOOK_LISTS:
            found[f"ipython.{attribute}"] = [[_id(t), self.origin(t)] for t in _getattr(self.shell, attribute)]
        tracers = (sys.gettrace(), sys.getprofile(), threading._trace_hook, threading._profile_hook)
        found["sys.tracers"] = [[_id(t), self.origin(t)] for t in tracers if t is not None]
        user_ns = self.shell.user_ns
        found["names"] = {name: _id(user_ns[name]) if name in user_ns else None for name in protected or ()}
        found[MODULES_FROM_SUBMISSION] = _sorted(
            name
            for name, module in sys.modules.items()
            if _str(_getattr(module, "__file__", "") or "").startswith(self.work_dir)
        )
        found[THREADS_OF_SUBMISSION] = _sorted(
            thread.name
            for thread in threading.enumerate()
            if self.origin(_getattr(thread, "_target", None) or _type(thread).run) != "library"
        )
        return json.dumps(found)
