"""One call that every notebook makes first: seeds, plot style, quiet logs."""

from __future__ import annotations

import os
import random
import sys

import numpy as np

DEFAULT_SEED = 0


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy and whichever of PyTorch and Keras is already imported.

    Import your framework before calling this, so that its generator is seeded too.
    PyTorch is also switched to deterministic algorithms; results still differ
    between CPU and GPU.
    """
    random.seed(seed)
    np.random.seed(seed)
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)
        # Deterministic algorithms, with a warning where an operation has none. This is
        # use_deterministic_algorithms(True, warn_only=True) without its import of the compiler's
        # settings (torch._inductor), which would add a second and a half to every notebook.
        torch.set_deterministic_debug_mode("warn")
        torch.backends.cudnn.benchmark = False
    if "keras" in sys.modules or "tensorflow" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)


def setup(seed: int = DEFAULT_SEED) -> None:
    """Prepare a notebook: quiet framework logs, a readable plot style, seeded generators."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    from aecourse.figures.style import apply_style

    apply_style()
    seed_everything(seed)
