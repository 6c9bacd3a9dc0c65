"""The checks the exercises' tests run on an answer: its value, its error messages, the libraries it calls."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

import aecourse.checks
from aecourse.checks import answer, describe_call, mentions, refuses, same_size
from aecourse.convolution import sizes
from coursetools.paths import REPO


def by_formula(i, k, p=0, s=1):
    """A correct answer in plain Python."""
    return (i + 2 * p - k) // s + 1


def from_the_package(i, k):
    """An answer that asks the course package for the size."""
    return sizes.conv_output_size(i, k)


def test_answer_returns_what_a_pure_answer_returns():
    """Does answer(), which lives in the course package, let through an answer that uses only Python and NumPy?"""
    assert answer(by_formula, 28, 3, p=1, s=2) == 14
    assert answer(lambda x: np.pad(x, 1).sum(), np.ones((2, 2))) == 4.0


def test_answer_fails_a_call_into_the_course_package():
    """Does an answer that asks the course package for the result fail, naming the function it called?"""
    with pytest.raises(
        AssertionError, match=r"from_the_package\(5, 3\) called aecourse\.convolution\.sizes\.conv_output_size"
    ):
        answer(from_the_package, 5, 3)


def test_answer_fails_a_call_into_a_framework():
    """Does an answer that computes with PyTorch fail, naming the PyTorch function?"""
    torch = pytest.importorskip("torch")
    with pytest.raises(AssertionError, match=r"called torch"):
        answer(lambda x: torch.as_tensor(x).sum().item(), np.ones(3))


def test_answer_fails_a_compiled_framework_function_given_as_the_answer():
    """Is a compiled PyTorch function, handed in as the answer itself (conv2d_valid = torch.conv2d), caught too?"""
    torch = pytest.importorskip("torch")
    with pytest.raises(AssertionError, match=r"called torch"):
        answer(torch.sum, torch.ones(3))


def test_answer_does_not_count_its_own_frame():
    """With a package forbidden that answer() itself calls (sys), do only the answer's calls count, not
    answer()'s own?"""
    strict = aecourse.checks._caller_of(("sys",))
    assert strict(by_formula, 5, 3) == 3

    def reads_sys():
        return sys.getrecursionlimit()

    with pytest.raises(AssertionError, match=r"reads_sys\(\) called sys\.getrecursionlimit"):
        strict(reads_sys)


def test_answer_fails_an_answer_that_calls_answer():
    """Does an answer that hides a forbidden call inside a nested answer() (catching its failure) still fail?"""
    box = []

    def hidden(i, k):
        try:
            answer(lambda: box.append(sizes.conv_output_size(i, k)))
        except AssertionError:
            pass
        return box[0]

    with pytest.raises(AssertionError, match=r"called aecourse\.checks\.answer"):
        answer(hidden, 5, 3)


def test_answer_ignores_a_forbidden_list_emptied_by_the_notebook(monkeypatch):
    """Does emptying aecourse.checks.FORBIDDEN, as a submission could, leave answer() as strict as before?"""
    monkeypatch.setattr(aecourse.checks, "FORBIDDEN", ())
    with pytest.raises(AssertionError, match="called aecourse"):
        answer(from_the_package, 5, 3)


def test_answer_fails_an_answer_that_switches_off_the_profiler():
    """Does an answer that removes the profile function fail, and is the caller's profiler put back?"""
    with pytest.raises(AssertionError, match="switched off the profiler"):
        answer(lambda: sys.setprofile(None))
    assert sys.getprofile() is None


def test_answer_reports_an_exception_with_the_call():
    """Does an answer's exception come back as a failure that names the call, arrays by their shape?"""

    def log_of_sum(x, base):
        return math.log(x.sum(), base)

    with pytest.raises(
        AssertionError, match=r"log_of_sum\(<array of shape \(2,\)>, base=-1\) raised ValueError: math domain error"
    ):
        answer(log_of_sum, np.ones(2), base=-1)


def test_answer_restores_the_profiler_it_found():
    """Is a profile function that was set before answer() (a debugger, coverage) set again afterwards?"""

    def outer(frame, event, argument):
        return None

    sys.setprofile(outer)
    try:
        answer(by_formula, 5, 3)
        assert sys.getprofile() is outer
    finally:
        sys.setprofile(None)


def test_same_size_wants_an_integer_type():
    """Does same_size accept Python and NumPy integers equal to the expected size, and nothing else that compares
    equal?
    """
    assert same_size(14, 14) and same_size(14, np.int64(14))
    assert not same_size(14, 14.0) and not same_size(14, np.float32(14)) and not same_size(14, 15)

    class Anything(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    assert not same_size(14, Anything(1))


def test_mentions_finds_whole_tokens_only():
    """Does mentions find each value as a token of its own, and not inside a longer number or name?"""
    assert mentions("kernel size 5 is larger than the padded input 3 (i=3, p=0)", 5, 3, "i=3")
    assert not mentions("expected 17830 pixels", 783)
    assert not mentions("found 2.5", 2)


def test_refuses_passes_a_value_error_that_names_the_values():
    """Does refuses accept a ValueError whose message names every value, and return the call it checked?"""

    def strict(i, k):
        if k > i:
            raise ValueError(f"kernel {k} larger than input {i}")
        return i - k + 1

    assert refuses(strict, 3, 5, names=(5, 3)) == "strict(3, 5)"


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (lambda i, k: i - k + 1, r"should raise ValueError; it returned -1"),
        (lambda i, k: [][i], r"should raise ValueError; it raised IndexError"),
        (lambda i, k: (_ for _ in ()).throw(ValueError("the kernel does not fit")), r"does not name \[5, 3\]"),
    ],
    ids=["returns", "other exception", "message without the values"],
)
def test_refuses_fails_anything_else(function, message):
    """Does refuses fail a call that returns, raises another exception, or raises without naming the values?"""
    with pytest.raises(AssertionError, match=message):
        refuses(function, 3, 5, names=(5, 3))


def test_describe_call_shows_arrays_by_shape():
    """Does a test's message show an array argument by its shape and keyword arguments by name?"""
    assert describe_call(by_formula, np.zeros((2, 3)), 3, p=1) == "by_formula(<array of shape (2, 3)>, 3, p=1)"


def test_importing_the_checks_loads_no_framework():
    """Does `import aecourse.checks` load neither PyTorch nor TensorFlow/Keras, so that a NumPy exercise pays for
    neither?
    """
    code = "import sys, aecourse.checks; print(sorted(m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]", f"import aecourse.checks loaded {result.stdout.strip()}"
