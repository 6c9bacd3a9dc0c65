"""The instructors' tools: release and grade assignments, install the course kernel, check the GPU, benchmark.

Not part of the course package that chapters and student notebooks import, and
not installed: run each from the repository root as ``python -m coursetools.<tool>``
(the Makefile does). Student notebooks run in ``exercises/<id>/`` and cannot
import it by accident.
"""
