"""Check what an answer returns and how it computed it; loads no framework.

The exercises' tests import these from their setup cell; they are as useful
for checking one's own functions.

- :func:`answer` calls a function as the tests do and fails if it called into
  one of the :data:`FORBIDDEN` packages: an answer that must compute a size or
  an array itself may not ask a real layer, or the course package, for it.
- :func:`same_size` says whether a result is the expected integer, of an
  integer type.
- :func:`mentions` says whether an error message names each value as a token
  of its own.
- :func:`refuses` checks that a call raises ``ValueError`` with a message that
  names the values at fault.

What a PyTorch model or training loop did (devices, batches, calls, layer
shapes) is watched by :mod:`aecourse.probing`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable

import numpy as np

FORBIDDEN = ("torch", "keras", "tensorflow", "aecourse")
"""The packages an answer checked by :func:`answer` may not call into: the frameworks, which measure, and the course
package.
"""


def describe(value) -> str:
    """A short text for an argument in a test's message: an array by its shape, anything else by its repr."""
    return f"<array of shape {np.shape(value)}>" if isinstance(value, np.ndarray) else repr(value)


def describe_call(function: Callable, *args, **kwargs) -> str:
    """The call as a test's message shows it, such as ``conv_output_size(5, 3, p=1)``."""
    shown = [describe(value) for value in args] + [f"{name}={describe(value)}" for name, value in kwargs.items()]
    return f"{function.__name__}({', '.join(shown)})"


def _caller_of(forbidden: tuple[str, ...], getprofile=sys.getprofile, setprofile=sys.setprofile, frame=sys._getframe):
    """:func:`answer`, with the forbidden packages and the profiler's switches bound where a notebook cannot rebind
    them.

    A submission that empties ``aecourse.checks.FORBIDDEN`` or replaces the
    module's ``sys`` changes nothing here.
    """

    def answer(function: Callable, /, *args, **kwargs):
        """Call one of your functions as the tests do, watching which libraries it calls; return what it returned.

        A call into PyTorch, Keras or the course package fails the test (the
        answer must compute the result itself), and an exception comes back as
        an ``AssertionError`` that names the call that raised it. The watch is
        a profile function (``sys.setprofile``). The only calls this function
        makes while it watches, which come from the course package's own frame,
        are those that switch the watch off again; they do not count. A call
        from the answer into any function of the course package, this one
        included, does, and so does a compiled function of a forbidden package
        given as the answer itself.
        """
        call = describe_call(function, *args, **kwargs)
        own, switches = frame(), (getprofile, setprofile)
        used: list[str] = []

        def watch(event_frame, event, argument):
            if used or (event_frame is own and argument in switches):
                return  # this function's own calls that switch the profiler back off
            if event == "c_call":
                owner = getattr(argument, "__module__", None) or getattr(
                    getattr(argument, "__self__", None), "__name__", ""
                )
                name = getattr(argument, "__qualname__", "")
            elif event == "call":
                owner, name = event_frame.f_globals.get("__name__", ""), event_frame.f_code.co_name
            else:
                return
            if str(owner).split(".")[0] in forbidden:
                used.append(f"{owner}.{name}")

        previous = getprofile()
        setprofile(watch)
        try:
            result = function(*args, **kwargs)
        except Exception as error:
            raise AssertionError(f"{call} raised {type(error).__name__}: {error}") from None
        finally:
            profiler = getprofile()
            setprofile(previous)
        if profiler is not watch:
            raise AssertionError(f"{call} switched off the profiler that the tests use to watch library calls")
        if used:
            raise AssertionError(f"{call} called {used[0]}: compute the result yourself, with Python and NumPy only")
        return result

    answer.__qualname__ = "answer"
    return answer


answer = _caller_of(FORBIDDEN)


def same_size(want: int, got) -> bool:
    """Is ``got`` the integer ``want``: a Python or NumPy integer equal to it? Another type, however it compares, is
    not.
    """
    integer = type(got) is int or (isinstance(got, np.integer) and type(got).__module__ == "numpy")
    return integer and int(got) == want


def mentions(message: str, *values) -> bool:
    """Whether ``message`` names every value as a token of its own (783 is not found in 17830)."""
    return all(re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w.])", message) for value in values)


def refuses(function: Callable, /, *args, names: Iterable = (), **kwargs) -> str:
    """Check that ``function(*args, **kwargs)`` raises ``ValueError`` whose message names each of ``names``.

    Raises ``AssertionError`` saying what happened instead (a return, another
    exception, a message without one of the values); returns the call's
    description when the check passes.
    """
    call = describe_call(function, *args, **kwargs)
    try:
        result = function(*args, **kwargs)
    except ValueError as error:
        missing = [name for name in names if not mentions(str(error), name)]
        if missing:
            raise AssertionError(
                f"{call} raised ValueError, but its message does not name {missing}: {str(error)!r}"
            ) from None
        return call
    except Exception as error:
        raise AssertionError(f"{call} should raise ValueError; it raised {type(error).__name__}: {error}") from None
    raise AssertionError(f"{call} should raise ValueError; it returned {describe(result)}")
