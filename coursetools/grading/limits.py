"""The resources one submission may use, and how they are enforced: cgroups where the grader may create them.

As root on Linux with cgroup v1's ``memory`` and ``pids`` controllers, each
sandbox runs in cgroups of its own: the kernel kills it when it uses more
memory than allowed, and forks beyond the process limit fail. Elsewhere a
watchdog thread polls the sandbox's process tree in ``/proc`` twice a second
and kills it when it goes over either limit. It counts processes as the
pids cgroup does, threads included, and checks them first; memory is each
process's proportional share (PSS: a page that forked processes share counts
once, split between them, as the memory cgroup counts it), so that a fork
bomb is stopped for its processes, not for memory it does not use. Without
cgroups the kernel also caps the sandbox's tasks (``task_limit_command``), so
that a fork bomb cannot outrun the watchdog on a busy machine.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

from coursetools.grading.record import Status

CGROUP_ROOT = Path("/sys/fs/cgroup")

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)
"""The variables that set how many threads PyTorch, NumPy's BLAS and TensorFlow start in a kernel."""


@dataclass(frozen=True)
class Limits:
    """Per-notebook limits: seconds per cell and in all, memory, processes, output kept, threads per kernel."""

    cell_seconds: float = 300.0
    notebook_seconds: float = 1200.0
    memory_bytes: int = 6 * 2**30
    processes: int = 256
    output_bytes: int = 2 * 2**20
    threads: int = 1


class CgroupLimits:
    """A memory and a pids cgroup (v1) for one sandbox; processes join by writing their pid into them."""

    def __init__(self, name: str, limits: Limits):
        self.memory = CGROUP_ROOT / "memory" / "aecourse-grading" / name
        self.pids = CGROUP_ROOT / "pids" / "aecourse-grading" / name
        for folder in (self.memory, self.pids):
            folder.mkdir(parents=True, exist_ok=True)
        (self.memory / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
        swap = self.memory / "memory.memsw.limit_in_bytes"
        if swap.exists():
            swap.write_text(str(limits.memory_bytes))
        (self.pids / "pids.max").write_text(str(limits.processes))

    @staticmethod
    def available() -> bool:
        """Whether this process may create v1 memory and pids cgroups (root, with both controllers mounted)."""
        if os.geteuid() != 0:
            return False
        return all(
            os.access(CGROUP_ROOT / controller, os.W_OK) and (CGROUP_ROOT / controller / "cgroup.procs").exists()
            for controller in ("memory", "pids")
        )

    def command_prefix(self) -> list[str]:
        """A shell that moves itself into both cgroups, then ``exec``s the command that follows."""
        join = f'echo $$ > {self.memory}/cgroup.procs && echo $$ > {self.pids}/cgroup.procs && exec "$@"'
        return ["sh", "-c", join, "sh"]

    def out_of_memory(self) -> bool:
        """Whether the kernel's OOM killer acted in this cgroup (or, on kernels without that counter, the limit was
        hit)."""
        control = (self.memory / "memory.oom_control").read_text().split()
        if "oom_kill" in control:
            return int(control[control.index("oom_kill") + 1]) > 0
        return int((self.memory / "memory.failcnt").read_text()) > 0

    def hit_process_limit(self) -> bool:
        """Whether a fork failed because the process limit was reached."""
        events = (self.pids / "pids.events").read_text().split()
        return len(events) == 2 and int(events[1]) > 0

    def kill_all(self) -> None:
        for folder in (self.pids, self.memory):
            for pid in (folder / "cgroup.procs").read_text().split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def remove(self) -> None:
        for folder in (self.memory, self.pids):
            try:
                folder.rmdir()
            except OSError:
                pass


@dataclass(frozen=True)
class Process:
    """One process as /proc shows it: its parent, its threads (tasks), its resident bytes."""

    parent: int
    threads: int
    resident: int


def _process_table() -> dict[int, Process]:
    """Every process, read from /proc/<pid>/stat."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            table[int(entry.name)] = Process(int(fields[1]), int(fields[17]), int(fields[21]) * page)
        except (OSError, IndexError, ValueError):
            continue
    return table


def process_tree(root: int) -> dict[int, Process]:
    """``root`` and all its descendants, by pid (one pass over /proc, however many processes there are)."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, process in table.items():
        children.setdefault(process.parent, []).append(pid)
    tree, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        if pid in table and pid not in tree:
            tree[pid] = table[pid]
            frontier += children.get(pid, [])
    return tree


def proportional_bytes(pid: int, resident: int) -> int:
    """A process's share of memory (PSS, from /proc/<pid>/smaps_rollup); its resident bytes where that cannot be
    read."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resident


def task_limit_command(limits: Limits) -> list[str]:
    """For a sandbox without cgroups: ``prlimit`` capping its tasks (RLIMIT_NPROC) one above the process limit.

    Run inside the sandbox's own user namespace, the limit counts only the sandbox's tasks on
    Linux 5.14 and later, so a fork bomb is stopped by the kernel, not by a watchdog that a busy
    machine may not schedule in time. Empty on older kernels, which count every process of the
    user on the machine, and where prlimit is missing.
    """
    release = tuple(int(part) for part in re.findall(r"\d+", os.uname().release)[:2])
    if release < (5, 14) or shutil.which("prlimit") is None:
        return []
    return [shutil.which("prlimit"), f"--nproc={limits.processes + 1}"]


class Watchdog(threading.Thread):
    """Kills a process tree that uses more memory or processes than allowed; says which limit it hit."""

    def __init__(self, root: int, limits: Limits, interval: float = 0.5):
        super().__init__(daemon=True)
        self.root, self.limits, self.interval = root, limits, interval
        self.reason: Status | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            tree = process_tree(self.root)
            if sum(process.threads for process in tree.values()) > self.limits.processes:
                self.reason = Status.TOO_MANY_PROCESSES
            elif (
                sum(proportional_bytes(pid, process.resident) for pid, process in tree.items())
                > self.limits.memory_bytes
            ):
                self.reason = Status.OUT_OF_MEMORY
            if self.reason:
                for pid in tree:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                return

    def stop(self) -> None:
        self._stop_event.set()
