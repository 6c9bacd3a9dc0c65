"""What the grader runs inside a student's kernel to catch a submission that reaches into the grading machinery.

Before any cell of the notebook, the grader defines one function in the kernel
(its name random per run, its helpers bound when it is defined) and calls it
to take a *snapshot*: the identity of every builtin, of the public functions
and methods that tests rely on (NumPy, math, PyTorch, Keras, the course
package), of IPython's hooks, input and AST transformers and exception
handlers, and of the kernel's execute and send machinery. The snapshot keeps
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

WATCHED_MODULES = ("builtins", "math", "numpy", "numpy.testing")
FRAMEWORK_MODULES = ("torch", "torch.testing", "torch.nn.functional", "keras", "keras.ops", "scipy.linalg", "scipy.stats")
WATCHED_CLASSES = ("torch.Tensor", "torch.nn.Module", "keras.Model", "keras.layers.Layer")
LISTS = ("modules from the submission", "threads running the submission's code")

_KERNEL_CODE = r'''
def {name}(action, argument=None, _state={{}}, _get_ipython=get_ipython, _id=id, _vars=vars, _callable=callable,
           _getattr=getattr, _isinstance=isinstance, _sorted=sorted, _str=str, _set=set, _type=type):
    import functools, importlib, json, os, sys, threading, types
    shell = _get_ipython()
    if action == "start":
        work_dir, modules, classes, library = argument
        sys.path[:] = [path for path in sys.path if path not in ("", ".", work_dir)]
        for module in modules:
            try:
                importlib.import_module(module)
            except ImportError:
                pass
        _state.update(work_dir=work_dir, modules=modules, classes=classes, library=tuple(library), keep=[])
        return None
    if action == "names":
        if argument is None:
            _state["before"] = {{key: _id(value) for key, value in shell.user_ns.items()}}
            return None
        defined = {{key: value for key, value in shell.user_ns.items()
                   if not key.startswith("_") and _state["before"].get(key) != _id(value)}}
        _state["keep"].append(defined)
        return json.dumps({{key: _id(value) for key, value in defined.items()}})
    library_files, work_dir = _state["library"], _state["work_dir"]
    compiled = (types.BuiltinFunctionType, types.BuiltinMethodType, types.WrapperDescriptorType,
                types.MethodDescriptorType, types.MethodWrapperType, types.ClassMethodDescriptorType)

    def resolve(value, depth=0):
        # the function whose code a watched object runs, through partials, static and class methods, properties
        # and callable objects, with that code; or, with None, the compiled object or class it ends at
        code = _getattr(value, "__code__", None) or _getattr(_getattr(value, "__func__", None), "__code__", None)
        if code is not None or depth >= 3:
            return value, code
        if _isinstance(value, functools.partial):
            return resolve(value.func, depth + 1)
        if _isinstance(value, (staticmethod, classmethod)):
            return resolve(value.__func__, depth + 1)
        if _isinstance(value, property):
            return resolve(value.fget, depth + 1)
        if _isinstance(value, compiled) or _isinstance(value, _type):
            return value, None
        return resolve(_type(value).__call__, depth + 1)

    def origin(value):
        # "library" for Python code from the environment or the course package, "builtin:<module>" for compiled
        # code and classes (compared with the package they replace), else the file the code came from
        value, code = resolve(value)
        if code is not None:
            filename = code.co_filename
            return "library" if filename.startswith(library_files) and not filename.startswith(work_dir) else filename
        if _isinstance(value, compiled) or _isinstance(value, _type):
            owner = (_getattr(value, "__module__", None) or _getattr(_getattr(value, "__objclass__", None), "__module__", None)
                     or _getattr(_getattr(value, "__self__", None), "__name__", None)
                     or _type(_getattr(value, "__self__", None)).__module__)
            return "builtin:" + _str(owner)
        return "unknown"

    def package(value):
        # the top-level package (or module) of the file a function's code comes from: walk up while __init__.py
        # exists; "" for compiled code, which has no file (origin() names its module)
        code = resolve(value)[1]
        if code is None:
            return ""
        filename = code.co_filename
        if filename.startswith("<frozen "):
            return filename[len("<frozen "):].split(".")[0].rstrip(">")
        known = _state.setdefault("packages", {{}})
        if filename not in known:
            folder, name = os.path.split(filename)
            name = name.rsplit(".", 1)[0]
            while os.path.isfile(os.path.join(folder, "__init__.py")):
                folder, name = os.path.split(folder)
            known[filename] = name
        return known[filename]

    def unwrapped(value):
        # the identities along a wrapper's __wrapped__ (or a method's __func__) chain, the object itself first
        found = []
        while value is not None and len(found) < 8:
            found.append(_id(value))
            try:
                value = _getattr(value, "__wrapped__", None) or _getattr(value, "__func__", None)
            except Exception:
                break
        return found

    objects = {{}}
    modules = _set(_state["modules"]) | {{name for name in sys.modules if name.startswith("aecourse.")}}
    for module_name in _sorted(modules):
        module = sys.modules.get(module_name)
        for key, value in (_vars(module).items() if module is not None else ()):
            if module_name == "builtins" or (not key.startswith("_") and _callable(value)):
                objects[f"{{module_name}}.{{key}}"] = value
    for class_path in _state["classes"]:
        module_name, _, class_name = class_path.rpartition(".")
        cls = _getattr(sys.modules.get(module_name), class_name, None)
        for key, value in (_vars(cls).items() if cls is not None else ()):
            if _callable(value) or _isinstance(value, (staticmethod, classmethod, property)):
                objects[f"{{class_path}}.{{key}}"] = value
    for attribute in ("custom_exceptions", "CustomTB", "displayhook", "display_pub", "run_cell", "run_cell_async",
                      "run_ast_nodes", "run_code", "showtraceback", "_showtraceback", "transform_cell",
                      "user_expressions", "ex", "ev"):
        value = _getattr(shell, attribute, None)
        objects[f"ipython.{{attribute}}"] = _getattr(value, "__func__", value)
    kernel = _getattr(shell, "kernel", None)
    if kernel is not None:
        for attribute in ("do_execute", "execute_request", "send_response"):
            value = _getattr(kernel, attribute, None)
            objects[f"kernel.{{attribute}}"] = _getattr(value, "__func__", value)
        objects["kernel.session.send"] = _getattr(kernel.session.send, "__func__", kernel.session.send)
        objects["kernel.shell_handlers.execute_request"] = kernel.shell_handlers.get("execute_request")
    for name in ("displayhook", "excepthook", "settrace", "setprofile"):
        objects[f"sys.{{name}}"] = _getattr(sys, name)
    _state["keep"].append(objects)
    report = {{key: [_id(value), origin(value), unwrapped(value), package(value)] for key, value in objects.items()}}
    for event, callbacks in shell.events.callbacks.items():
        report[f"ipython.events.{{event}}"] = [[_id(c), origin(c)] for c in callbacks]
    for attribute in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
        report[f"ipython.{{attribute}}"] = [[_id(t), origin(t)] for t in _getattr(shell, attribute)]
    tracers = (sys.gettrace(), sys.getprofile(), threading._trace_hook, threading._profile_hook)
    report["sys.tracers"] = [[_id(t), origin(t)] for t in tracers if t is not None]
    report["names"] = {{name: _id(shell.user_ns[name]) if name in shell.user_ns else None for name in argument or ()}}
    report["{modules}"] = _sorted(
        name for name, module in sys.modules.items()
        if _str(_getattr(module, "__file__", "") or "").startswith(work_dir)
    )
    report["{threads}"] = _sorted(
        thread.name for thread in threading.enumerate()
        if origin(_getattr(thread, "_target", None) or _type(thread).run) != "library"
    )
    return json.dumps(report)
'''


def new_function_name() -> str:
    """A name for the kernel-side function that no submission can know in advance."""
    return f"_grader_{secrets.token_hex(8)}"


def kernel_code(name: str) -> str:
    """The definition of the kernel-side function, sent before any cell of the notebook."""
    return _KERNEL_CODE.format(name=name, modules=LISTS[0], threads=LISTS[1])


def start_expression(name: str, work_dir: str, modules: list[str], library: list[str]) -> str:
    """Take imports away from the submission's folder, import the watched modules; ``library`` prefixes mark trusted code."""
    return f"{name}('start', ({work_dir!r}, {list(modules)!r}, {list(WATCHED_CLASSES)!r}, {list(library)!r}))"


def names_before_expression(name: str) -> str:
    """Remember the notebook's names before an instructor cell runs."""
    return f"{name}('names')"


def names_after_expression(name: str) -> str:
    """The names (and identities) an instructor cell defined or rebound, as JSON."""
    return f"{name}('names', True)"


def report_expression(name: str, protected: list[str]) -> str:
    """The identities to compare with the snapshot, and those of the ``protected`` names, as JSON."""
    return f"{name}('report', {sorted(protected)!r})"


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
    """Whether the object in a report ``entry`` may be the package's own: its own Python code, or compiled code of it."""
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
    found += [f"{key} was removed" for key in snapshot if key not in current and key.startswith(("builtins.", "ipython.", "kernel."))]
    if any(origin != "library" for _, origin in current.get("sys.tracers", [])):
        found.append("sys.tracers: the submission set a trace or profile function")
    for key in LISTS:
        if current.get(key):
            found.append(f"{key}: {', '.join(current[key])}")
    for name, identity in protected.items():
        if current.get("names", {}).get(name) != identity:
            found.append(f"the name {name!r}, defined by an instructor cell and used by the tests, was rebound or deleted")
    return found
