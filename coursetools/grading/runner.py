"""Run a plan in a sandboxed kernel, with the guard around every test cell, and keep what each cell did."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from coursetools.grading import guard
from coursetools.grading.cells import CellKind
from coursetools.grading.limits import Limits
from coursetools.grading.notebooks import Plan, Step
from coursetools.grading.record import Status
from coursetools.grading.sandbox import Execution, KernelStopped, SandboxedKernel
from coursetools.paths import REPO


@dataclass
class CellRun:
    """One step of the plan and what it did (``None`` when it never ran)."""

    step: Step
    execution: Execution | None = None


@dataclass
class Run:
    """A whole notebook's run: every cell, why it stopped early (if it did), and what the guard found."""

    cells: list[CellRun]
    stopped: Status | None = None
    stopped_detail: str = ""
    findings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _expression(kernel: SandboxedKernel, expression: str, timeout: float):
    """Evaluate one grader expression in the kernel, silently; its JSON value, or None."""
    execution = kernel.execute("", timeout, silent=True, user_expressions={"value": expression})
    value = execution.expressions.get("value", {})
    if value.get("status") != "ok":
        raise KernelStopped(
            Status.CRASHED, f"the grader's check could not run: {value.get('ename')}: {value.get('evalue')}"
        )
    text = value["data"]["text/plain"]
    return None if text == "None" else guard.parse(text)


class _Guarded:
    """The kernel-side guard of one run: snapshot at the start, names after instructor cells, checks around tests."""

    def __init__(self, kernel: SandboxedKernel, plan: Plan, work_dir: Path, timeout: float):
        self.kernel, self.timeout, self.name = kernel, timeout, guard.new_function_name()
        kernel.execute(guard.kernel_code(self.name), timeout, silent=True)
        setup = next((step.source for step in plan.steps if step.kind == CellKind.INSTRUCTOR), "")
        library = [str(Path(p)) for p in (_prefixes() + [str(REPO / "aecourse")])]
        _expression(
            kernel, guard.start_expression(self.name, str(work_dir), guard.modules_to_watch(setup), library), timeout
        )
        self.snapshot = _expression(kernel, guard.report_expression(self.name, []), timeout)
        self.protected: dict[str, int] = {}
        self.findings: list[str] = []

    def before(self, step: Step) -> None:
        if step.kind == CellKind.TEST:
            self.check()
        if step.kind in (CellKind.INSTRUCTOR, CellKind.TEST):
            _expression(self.kernel, guard.names_before_expression(self.name), self.timeout)

    def after(self, step: Step) -> None:
        if step.kind not in (CellKind.INSTRUCTOR, CellKind.TEST):
            return
        defined = _expression(self.kernel, guard.names_after_expression(self.name), self.timeout) or {}
        if step.kind == CellKind.INSTRUCTOR:
            self.protected.update(defined)
        else:
            self.protected.update({name: identity for name, identity in defined.items() if name in self.protected})
            self.check()

    def check(self) -> None:
        current = _expression(self.kernel, guard.report_expression(self.name, list(self.protected)), self.timeout)
        for finding in guard.findings(self.snapshot, current, self.protected):
            if finding not in self.findings:
                self.findings.append(finding)


def _prefixes() -> list[str]:
    """Where trusted code lives: the environment, the standard library, frozen modules."""
    return sorted({sys.prefix, sys.base_prefix, "<frozen"})


def run_plan(plan: Plan, work_dir: Path, limits: Limits, sandbox: str = "bwrap") -> Run:
    """Run every step of ``plan`` in a fresh sandboxed kernel in ``work_dir``; stop early on a timeout or a crash."""
    run = Run([CellRun(step) for step in plan.steps])
    start = time.monotonic()
    checks = None
    try:
        with SandboxedKernel(work_dir, limits, sandbox) as kernel:
            checks = _Guarded(kernel, plan, work_dir, limits.cell_seconds)
            for cell in run.cells:
                left = limits.notebook_seconds - (time.monotonic() - start)
                if left <= 0:
                    raise KernelStopped(Status.TIMEOUT, f"the notebook ran longer than {limits.notebook_seconds:g} s")
                checks.before(cell.step)
                cell.execution = kernel.execute(cell.step.source, min(limits.cell_seconds, left))
                checks.after(cell.step)
    except KernelStopped as stop:
        run.stopped, run.stopped_detail = stop.reason, stop.detail
        if stop.reason == Status.TIMEOUT:
            unfinished = next((cell for cell in run.cells if cell.execution is None), None)
            if unfinished is not None:
                run.stopped_detail = f"cell {unfinished.step.grade_id or 'of your own'} {stop.detail}"
    run.findings = checks.findings if checks is not None else []
    run.seconds = time.monotonic() - start
    return run
