"""
Choosing the number of clusters
===============================

:class:`~skgwae.GWAEClusterer` needs ``n_clusters``. Without labels it can be chosen by
fitting one model per candidate number and keeping the one whose clusters are the most
compact and separated in the latent space: the highest
:func:`~skgwae.metrics.latent_silhouette`, the silhouette coefficient of the predicted
clusters computed on the latent codes. The function has the signature of a scikit-learn
scorer, so :class:`~sklearn.model_selection.GridSearchCV` runs the search. The
likelihood criterion :meth:`~skgwae.GWAEClusterer.bic` is shown beside it. Here the data
are five Gaussian blobs in 10 dimensions.
"""

# %%
# One fit per candidate number
# ----------------------------
# The silhouette is computed on the rows the model was fitted on, so the search uses a
# single "split" whose training and scoring rows are all the rows. Each fit runs the
# estimator's defaults.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs
from sklearn.model_selection import GridSearchCV

from skgwae import GWAEClusterer
from skgwae.metrics import latent_silhouette

X, y = make_blobs(n_samples=300, centers=5, n_features=10, cluster_std=1.0, random_state=0)

candidates = list(range(2, 9))
all_rows = np.arange(len(X))
search = GridSearchCV(
    GWAEClusterer(random_state=0),
    {"n_clusters": candidates},
    scoring={"silhouette": latent_silhouette, "bic": lambda est, X, y=None: -est.bic(X)},
    refit="silhouette",
    cv=[(all_rows, all_rows)],
).fit(X)
print("number of clusters chosen by the silhouette:", search.best_params_["n_clusters"])

# %%
# The criteria over ``n_clusters``
# --------------------------------
# The silhouette compares each row's mean distance to its own cluster with that to the
# nearest other cluster, so it rises while new clusters are real and falls once they only
# split one (the halves are close to each other). The BIC charges each component
# ``n_components * (n_components + 3) / 2 + 1`` parameters times ``log(n_samples)``, but
# a model fitted with more components than the data has clusters tends to split a
# cluster's codes to fit them, which the likelihood then rewards.
silhouette = search.cv_results_["mean_test_silhouette"]
bic = -search.cv_results_["mean_test_bic"]
fig, (ax_s, ax_b) = plt.subplots(1, 2, figsize=(9, 3.5))
ax_s.plot(candidates, silhouette, marker="o")
ax_s.set_ylabel("latent silhouette (higher is better)")
ax_b.plot(candidates, bic, marker="s", color="tab:orange")
ax_b.set_ylabel("bic (lower is better)")
for ax in (ax_s, ax_b):
    ax.axvline(5, color="grey", linestyle=":", label="true number")
    ax.set_xlabel("n_clusters")
    ax.legend()
fig.tight_layout()
plt.show()

# %%
# Notes
# -----
# Both criteria see the data through the encoder: they count the clusters that the
# embedding separates. On synthetic data with a known number of clusters (the
# documentation's benchmarks) the silhouette chose the true number far more often than
# the BIC of the latent mixture or a ``GaussianMixture`` BIC on the data.
