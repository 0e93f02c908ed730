"""Clipping of the main player's gradient where a step's gradient is far larger than the
fit's recent ones."""

import torch

# A main step's gradient is scaled down to CLIP_FACTOR times the median norm of the last
# NORM_WINDOW steps' gradients (before clipping) where it is longer, once CLIP_WARMUP
# steps have been seen (the median of fewer is noise). Rows far out in a few features
# (rare pixels of standardised digits, 20-40 standard deviations out) give the batches
# that hold them a reconstruction error, and so a gradient, many times the usual. Adam
# then took a large step and filled its second moment with that gradient; the fits of
# those digits diverged or stopped early (2-D codes: 5-NN accuracy 0.74-0.79, against
# 0.85-0.89 clipped). In 2-D fits of the digits in [0, 1] no step's gradient reached 3
# times the median, so those fits are unchanged.
CLIP_FACTOR = 3.0
NORM_WINDOW = 200
CLIP_WARMUP = 20


class GradientClip:
    """Clips the gradients of ``parameters`` before each optimiser step (call it between
    the backward pass and ``step``) to ``CLIP_FACTOR`` times the median norm of the last
    ``NORM_WINDOW`` steps' gradients.

    The norms stay on the device, so a step waits for no transfer to the host. A
    non-finite gradient is left as it is: the trainer rolls back such an epoch. Each call
    of :meth:`Trainer.fit` (each ``partial_fit``) starts a new clip, with no norms.
    """

    def __init__(self, parameters, device):
        self.parameters = list(parameters)
        self.norms = torch.full((NORM_WINDOW,), float("nan"), device=device)
        self.n_steps = 0

    @torch.no_grad()
    def __call__(self):
        grads = [p.grad for p in self.parameters if p.grad is not None]
        if not grads:
            return
        # One call per list of tensors, as torch.nn.utils.clip_grad_norm_ makes.
        norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
        if self.n_steps >= CLIP_WARMUP:
            # limit / norm, at most 1; in place, since each op costs a dispatch.
            scale = torch.nanmedian(self.norms).mul_(CLIP_FACTOR).div_(norm).clamp_(max=1.0)
            # NaN where the norm is NaN (or it and the limit are 0): gradients left as they are.
            torch._foreach_mul_(grads, scale.nan_to_num_(nan=1.0))
        self.norms[self.n_steps % NORM_WINDOW] = norm
        self.n_steps += 1
