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
# The pixels are divided by 16 so that they lie in [0, 1]. Both run with their defaults;
# the GWAE fit takes some seconds on a laptop's CPU.
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

from skgwae import GWAETransformer
from skgwae.metrics import gw_distortion

X, y = load_digits(return_X_y=True)
X = X / 16.0

embeddings = {
    "PCA": PCA(n_components=2, random_state=0).fit_transform(X),
    "GWAE": GWAETransformer(n_components=2, random_state=0).fit_transform(X),
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
