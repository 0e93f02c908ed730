"""Conversions between arrays and tensors, and copies of nested tensor containers."""

import numpy as np
import torch


def as_tensor(X, device, dtype=torch.float32):
    """A ``dtype`` (float32) tensor of X on ``device``; X may be any array (strided,
    read-only) or tensor."""
    if not isinstance(X, torch.Tensor):
        X = np.ascontiguousarray(X, dtype=torch.empty((), dtype=dtype).numpy().dtype)
        if not X.flags.writeable:  # a read-only memmap: torch would share it and warn
            X = X.copy()
    return torch.as_tensor(X, dtype=dtype).to(device)


def map_tensors(fn, obj):
    """A copy of nested dicts / lists / tuples with ``fn`` applied to every tensor (other
    leaves kept as they are)."""
    if isinstance(obj, torch.Tensor):
        return fn(obj)
    if isinstance(obj, dict):
        return {k: map_tensors(fn, v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(map_tensors(fn, v) for v in obj)
    return obj


def cloned(state):
    """A copy of nested dicts / lists / tuples whose tensors are cloned.

    An optimiser's state_dict holds references to its live moments; ``copy.deepcopy``
    copies them too, but is an order of magnitude slower on the many small tensors of an
    optimiser state.
    """
    return map_tensors(lambda t: t.detach().clone(), state)
