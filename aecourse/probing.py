"""Watch a training loop run: where each batch and the parameters were, how many optimiser steps it took.

:func:`probe_training` runs any loop of the form ``train(model, loader,
epochs, device)`` and records, batch by batch, what it did. On PyTorch's
``meta`` device tensors have shapes but no data, so a loop can be checked for
device handling on a machine without a GPU. The exercises' device tests use it;
it is as useful for checking one's own loop.
"""

from __future__ import annotations

import contextlib

import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_post_hook


def _patched(report: dict, device: torch.device):
    """The replacements installed while the loop runs: (owner, name, replacement) triples."""

    def copying(name, original):
        def call(self, *args, **kwargs):
            target = torch._C._nn._parse_to(*args, **kwargs)[0] if name == "to" else torch.device(name)
            if target is not None and target.type in ("cpu", "cuda") and target.type != device.type:
                report["copies"].append((report["steps"] + 1, f"{type(self).__name__}.{name}({target.type!r})"))
            return original(self, *args, **kwargs)
        return call

    item, as_float = torch.Tensor.item, torch.Tensor.__float__
    replacements = [
        (torch.Tensor, "item", lambda tensor: 0.0 if tensor.is_meta else item(tensor)),
        (torch.Tensor, "__float__", lambda tensor: 0.0 if tensor.is_meta else as_float(tensor)),
    ]
    for owner in (torch, torch.amp):
        autocast = owner.autocast
        replacements.append((owner, "autocast", lambda device_type, *args, _autocast=autocast, **kwargs:
                             contextlib.nullcontext() if str(device_type).startswith("meta")
                             else _autocast(device_type, *args, **kwargs)))
    for owner in (torch.Tensor, nn.Module):
        for name in ("to", "cpu", "cuda"):
            replacements.append((owner, name, copying(name, getattr(owner, name))))
    return replacements


def probe_training(train, model, loader, device, epochs: int = 1) -> dict:
    """Run ``train(model, loader, epochs, device)`` and record, batch by batch, where tensors went.

    On the ``meta`` device, reading a number from a tensor (``.item()``,
    ``float()``) gives 0.0 and autocast is switched off, so that every correct
    device-agnostic loop can run there. Returns a dict: ``"forward"``, one
    ``(step, batch device, parameter devices, training mode)`` per call of
    ``model.encoder``; ``"steps"``, the optimiser steps taken; ``"optimisers"``,
    ``(type, learning rate)`` per step; ``"copies"``, ``(step, call)`` for every
    move to a device other than ``device``; ``"error"``, ``(step, exception)`` if
    the loop raised, else ``None``.
    """
    device = torch.device(device)
    report = {"forward": [], "steps": 0, "optimisers": [], "copies": [], "error": None}

    def forward(module, inputs):
        parameters = sorted({p.device.type for p in module.parameters()})
        report["forward"].append((report["steps"] + 1, inputs[0].device.type, parameters, module.training))

    def stepped(optimizer, args, kwargs):
        report["steps"] += 1
        report["optimisers"].append((type(optimizer).__name__, optimizer.param_groups[0]["lr"]))

    handles = [model.encoder.register_forward_pre_hook(forward), register_optimizer_step_post_hook(stepped)]
    saved = []
    try:
        for owner, name, replacement in _patched(report, device):
            saved.append((owner, name, vars(owner).get(name)))
            setattr(owner, name, replacement)
        train(model, loader, epochs, device)
    except Exception as error:
        report["error"] = (report["steps"] + 1, error)
    finally:
        for handle in handles:
            handle.remove()
        for owner, name, original in reversed(saved):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
    return report
