"""
Data larger than memory
=======================

Both estimators train with one chunk of rows on the device at a time: from a
``numpy.memmap`` on disk, from an iterable of chunks, or one chunk per call of
``partial_fit``. Here the data are small enough to fit in memory; scikit-learn's
``working_memory`` is lowered to 1 MiB so that the memmap is read by chunks as a large
one would be.
"""

# %%
# A memmap on disk
# ----------------
# An array whose float32 copy is larger than ``working_memory`` is read in chunks of
# 1/16 of it, each made of 16 blocks of rows drawn at random every epoch. For the sake of
# the build time the fits below stop after 10 epochs.
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning

from skgwae import GWAETransformer

# The lowered ``max_iter`` makes each fit warn that it stopped before early stopping
# would have; the warning is silenced here, not in your code.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_blobs(n_samples=10_000, centers=5, n_features=32, random_state=0)
X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)

folder = tempfile.TemporaryDirectory()
path = Path(folder.name) / "X.npy"
np.save(path, X)
X_disk = np.load(path, mmap_mode="r")  # rows stay on disk

with sklearn.config_context(working_memory=1):
    est = GWAETransformer(n_components=2, max_iter=10, random_state=0).fit(X_disk)
print(est.history_.to_frame()[["loss", "val_score"]].tail(3))

# %%
# A list of chunks
# ----------------
# Any re-iterable of 2-D chunks is read once per epoch, in the order given (a list of
# arrays or DataFrames, a torch ``DataLoader``...).
chunks = np.array_split(X, 8)
est_chunks = GWAETransformer(n_components=2, max_iter=10, random_state=0).fit(chunks)

# %%
# ``partial_fit``, one epoch per chunk
# ------------------------------------
# Where the data come as a stream (``pd.read_csv(..., chunksize=...)``), ``partial_fit``
# takes one epoch on each chunk and keeps the optimiser state between calls.
est_stream = GWAETransformer(n_components=2, random_state=0)
for epoch in range(2):
    for chunk in np.array_split(X, 8):
        est_stream.partial_fit(chunk)
print(len(est_stream.history_), "partial_fit calls")

# %%
# The three embeddings
# --------------------
# ``transform`` also runs in chunks, so its memory is bounded for any number of rows.
fig, axes = plt.subplots(1, 3, figsize=(12, 4))
for ax, (name, model) in zip(
    axes, [("memmap", est), ("list of chunks", est_chunks), ("partial_fit", est_stream)]
):
    Z = model.transform(X_disk)
    ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap="tab10", s=1)
    ax.set_title(name)
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()
folder.cleanup()
