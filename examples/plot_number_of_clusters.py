"""
Choosing the number of clusters
===============================

:class:`~skgwae.GWAEClusterer` needs ``n_clusters``. Without labels it can be chosen as
with ``GaussianMixture``: fit one model per candidate number and keep the one with the
lowest :meth:`~skgwae.GWAEClusterer.bic` (Bayesian information criterion) on the training
rows. The criterion measures how well each model's mixture describes the latent means of
the data, in coordinates where the mixture as a whole has unit covariance (so that models
whose encoders scale the codes differently are comparable), and charges each component
for its parameters. Here the data are five Gaussian blobs in 10 dimensions.
"""

# %%
# One fit per candidate number
# ----------------------------
# For the sake of the build time the fits are small (two hidden layers of 64 units) and
# stop after 60 epochs; a default fit has layers of 128 units and runs about 1,250
# optimiser steps (``max_iter="auto"``).
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning

from skgwae import GWAEClusterer

# The lowered ``max_iter`` makes each fit warn that it stopped before early stopping
# would have; the warning is silenced here, not in your code.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_blobs(n_samples=300, centers=5, n_features=10, cluster_std=1.0, random_state=0)

candidates = range(2, 9)
bic, aic = [], []
for k in candidates:
    clusterer = GWAEClusterer(
        n_clusters=k, hidden_layer_sizes=(64, 64), max_iter=60, random_state=0
    ).fit(X)
    bic.append(clusterer.bic(X))
    aic.append(clusterer.aic(X))

best = candidates[int(np.argmin(bic))]
print("number of clusters chosen by the BIC:", best)

# %%
# The criteria over ``n_clusters``
# --------------------------------
# The BIC falls while new components describe real clusters and rises once they only
# split them, because each component costs ``n_components * (n_components + 3) / 2 + 1``
# parameters times ``log(n_samples)``. The AIC's penalty does not grow with the number of
# samples, so it tends to choose more clusters.
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(list(candidates), bic, marker="o", label="bic")
ax.plot(list(candidates), aic, marker="s", label="aic")
ax.axvline(5, color="grey", linestyle=":", label="true number")
ax.set_xlabel("n_clusters")
ax.set_ylabel("criterion (lower is better)")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# Notes
# -----
# The criterion sees the data through the encoder: it counts the clusters that the
# embedding separates, and with few samples per cluster it prefers fewer clusters (each
# component's full covariance matrix costs many parameters). ``GridSearchCV`` can run the
# same search, for example with ``scoring=lambda est, X, y=None: -est.bic(X)``; the
# criterion is meant for the rows a model was fitted on, which the loop above uses.
