"""
Embedding the digits in two dimensions
======================================

:class:`~skgwae.GWAETransformer` is used where ``PCA`` would be: here both embed the
8x8 images of scikit-learn's digits data in two dimensions. Neither sees the labels;
they only colour the points.

The embeddings are scored with three numbers: the 5-nearest-neighbour accuracy on the
embedding (do digits of one class stay together?), scikit-learn's trustworthiness (are
the neighbours in the embedding neighbours in the data?) and
:func:`skgwae.metrics.gw_distortion` (how far the pairwise distances are from those of
the data; lower is better).
"""

# %%
# Fit both embeddings
# -------------------
# The pixels are divided by 16 so that they lie in [0, 1]. For the sake of the build
# time this example trains for at most 100 epochs; a default fit runs until early
# stopping (202-354 epochs on this data set), and the scores of default fits are in
# the embedding benchmark of the user guide.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.manifold import trustworthiness
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

from skgwae import GWAETransformer
from skgwae.metrics import gw_distortion

# The lowered ``max_iter`` makes each fit warn that it stopped before early stopping
# would have; the warning is silenced here, not in your code.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = X / 16.0

embeddings = {
    "PCA": PCA(n_components=2, random_state=0).fit_transform(X),
    "GWAE": GWAETransformer(n_components=2, max_iter=100, random_state=0).fit_transform(X),
}

# %%
# Score them
# ----------
for name, Z in embeddings.items():
    knn = cross_val_score(KNeighborsClassifier(5), Z, y, cv=5).mean()
    trust = trustworthiness(X, Z, n_neighbors=5)
    gw = gw_distortion(X, Z, random_state=0)
    print(f"{name:5s} 5-NN accuracy {knn:.3f}  trustworthiness {trust:.3f}  GW distortion {gw:.3f}")

# %%
# Look at them
# ------------
fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
for ax, (name, Z) in zip(axes, embeddings.items()):
    points = ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap="tab10", s=5)
    ax.set_title(name)
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(points, ax=axes, label="digit")
plt.show()
