"""Install this environment's ``python3`` Jupyter kernel so that C-level log lines stay out of notebooks.

TensorFlow and PyTorch write some log lines from C++ straight to file
descriptor 2. By default the kernel captures them into the notebook, where the
book shows a red stderr box and nbgrader zeroes any test cell that printed one.
With ``--IPKernelApp.capture_fd_output=False`` they go to the console that
started Jupyter instead; Python's own warnings still appear in the notebook.

    python -m coursetools.kernelspec
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KERNEL_NAME = "python3"


def install(prefix: str = sys.prefix) -> Path:
    """Write ``<prefix>/share/jupyter/kernels/python3/kernel.json``; return its path."""
    folder = Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.capture_fd_output=False",
        ],
        "display_name": "Python 3",
        "language": "python",
        "metadata": {"debugger": True},
    }
    path = folder / "kernel.json"
    path.write_text(json.dumps(spec, indent=1) + "\n")
    return path


if __name__ == "__main__":
    print(f"installed {install()}")
