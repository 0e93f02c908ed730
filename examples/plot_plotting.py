"""
Plots of a fitted estimator
===========================

:mod:`skgwae.plotting` draws a fitted estimator's training history, its latent space,
and the images it generates and reconstructs (``pip install "skgwae[plotting]"`` for
matplotlib). Here a :class:`~skgwae.GWAEClusterer` is fitted on the digits.
"""

# %%
# Fit
# ---
# A default fit.
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

from skgwae import GWAEClusterer
from skgwae.plotting import plot_history, plot_latent, plot_samples

X, y = load_digits(return_X_y=True)
X = X / 16.0
clusterer = GWAEClusterer(n_clusters=10, random_state=0).fit(X)

# %%
# The training history
# --------------------
# Each loss term per epoch, for the training data and (with early stopping, the default)
# the validation rows.
plot_history(clusterer)
plt.show()

# %%
# The latent space
# ----------------
# Latent means projected to two dimensions by PCA, coloured by digit.
plot_latent(clusterer, X, y)
plt.show()

# %%
# Generated digits
# ----------------
# Images decoded from draws of the prior, then digits over their reconstructions.
fig, axes = plt.subplots(1, 2, figsize=(10, 5))
plot_samples(clusterer, (8, 8), n_samples=32, random_state=0, ax=axes[0])
axes[0].set_title("samples from the prior")
plot_samples(clusterer, (8, 8), X=X[:16], ax=axes[1])
axes[1].set_title("digits over their reconstructions")
plt.show()
