"""
Images and disentanglement
==========================

:func:`skgwae.datasets.make_shapes` generates images of a square, an ellipse or a heart
with known factors (shape, scale, orientation, x and y position), with no download. A
GWAE with the ``"factorized_neural"`` prior (one learned distribution per latent
coordinate) is the disentanglement meta-prior; :func:`skgwae.metrics.mutual_information_gap`
(MIG) measures how far each factor is captured by a single latent coordinate.
"""

# %%
# Fit
# ---
# The settings of a run of the disentanglement benchmark of the user guide, on another
# draw of the images: 3000 images of 32x32 pixels, 10 latent coordinates, at most 60
# epochs, the default MLP networks (``image_shape=(32, 32)`` would make them
# convolutional, which costs several times as much per epoch on a CPU), and the geodesic
# metric on the graph of each image's 10 nearest images. Two sprites that do not overlap
# are at the same pixel distance wherever they are, so the Euclidean distances carry
# little of the position; the distances along the graph carry it.
import warnings

import matplotlib.pyplot as plt
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning

from skgwae import GWAETransformer
from skgwae.datasets import make_shapes
from skgwae.metrics import mutual_information_gap
from skgwae.plotting import plot_samples, plot_traversal

# The 60-epoch cap makes the fit warn that it stopped before early stopping would have;
# the warning is silenced here, not in your code.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, factors = make_shapes(3000, image_size=32, discrete=True, random_state=0)
est = GWAETransformer(
    n_components=10,
    prior="factorized_neural",
    metric="geodesic",
    n_neighbors=10,
    max_iter=60,
    random_state=0,
)
Z = est.fit_transform(X)
Z_pca = PCA(n_components=10, random_state=0).fit_transform(X)
print("MIG, GWAE codes:", round(mutual_information_gap(factors, Z), 3))
print("MIG, PCA of the pixels:", round(mutual_information_gap(factors, Z_pca), 3))

# %%
# What the codes hold
# -------------------
# MIG counts a factor only where one latent coordinate carries it, so it depends on how
# the codes are turned. A rotation of the latent space keeps the codes' distances, so the
# GW term does not choose it; only the prior can. Scoring the principal components of the
# same codes, another rotation of them, shows how much the score owes to the axes. In the
# benchmark the factorized prior did not reliably turn the axes to the factors on these
# images, and disentangling them is open work.
Z_turned = PCA(n_components=10, random_state=0).fit_transform(Z)
print("MIG, their principal components:", round(mutual_information_gap(factors, Z_turned), 3))

# %%
# Reconstructions
# ---------------
# Given ``X``, :func:`skgwae.plotting.plot_samples` draws images over their
# reconstructions.
plot_samples(est, (32, 32), X=X[:8])
plt.show()

# %%
# A latent traversal
# ------------------
# Each row varies one latent coordinate alone around the code of the first image (the
# spread of each coordinate is measured over all images): a coordinate that moves one
# factor only (the position, the size) is disentangled.
ax = plot_traversal(est, X, (32, 32))
plt.show()
