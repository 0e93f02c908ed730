"""Reproducible randomness without touching the caller's global random state."""

import contextlib

import torch


@contextlib.contextmanager
def seeded(seed):
    """Run the block (typically module construction) with torch's CPU RNG seeded by ``seed``.

    The global RNG state is saved before and restored after, so the caller's own torch
    randomness is left as it was.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def make_generator(seed, device):
    """A :class:`torch.Generator` on ``device`` seeded with ``seed``."""
    generator = torch.Generator(device=device)
    generator.manual_seed(int(seed))
    return generator
