"""Inference on many rows with bounded device memory."""

import numpy as np
import torch

from .tensors import as_tensor

# Rows per forward pass in transform / inverse_transform / predict / sample: bounds the
# device memory whatever the number of rows.
INFERENCE_CHUNK = 8192


@torch.no_grad()
def apply_in_chunks(fn, A, device, dtype=None, tensor_dtype=torch.float32):
    """``fn`` on ``tensor_dtype`` (float32) tensors of the rows of A, in chunks of
    ``INFERENCE_CHUNK`` rows on ``device``; the results concatenated as an array of
    ``dtype`` (default: A's).

    Only one chunk is on the device at a time, so device memory is bounded whatever the
    number of rows; the output is allocated once and filled chunk by chunk.
    """
    out = None
    for start in range(0, max(len(A), 1), INFERENCE_CHUNK):
        chunk = as_tensor(A[start : start + INFERENCE_CHUNK], device, tensor_dtype)
        result = fn(chunk).cpu().numpy()
        if out is None:
            out = np.empty((len(A), *result.shape[1:]), dtype=dtype or A.dtype)
        out[start : start + len(result)] = result
    return out
