"""
Clustering
==========

:class:`~skgwae.GWAEClusterer` is used where ``KMeans`` would be. It trains a GWAE whose
prior is a Gaussian mixture of ``n_clusters`` components; each component is a cluster.
Here it clusters four Gaussian blobs of unequal sizes in 10 dimensions, and its labels
are compared with the true ones by :func:`skgwae.metrics.cluster_accuracy` (accuracy
after the best one-to-one matching of clusters to classes).
"""

# %%
# Fit
# ---
# Both with their defaults.
import matplotlib.pyplot as plt
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.preprocessing import StandardScaler

from skgwae import GWAEClusterer
from skgwae.metrics import cluster_accuracy
from skgwae.plotting import plot_latent

X, y = make_blobs(
    n_samples=[400, 200, 120, 80], n_features=10, cluster_std=2.0, random_state=0
)
X = StandardScaler().fit_transform(X)

clusterer = GWAEClusterer(n_clusters=4, random_state=0).fit(X)
kmeans = KMeans(4, n_init=10, random_state=0).fit(X)

print("GWAEClusterer accuracy", round(cluster_accuracy(y, clusterer.labels_), 3))
print("KMeans accuracy       ", round(cluster_accuracy(y, kmeans.labels_), 3))
print("mixing weights        ", clusterer.weights_.round(3))

# %%
# Responsibilities and new samples
# --------------------------------
# ``predict_proba`` gives each component's responsibility for a sample, and ``sample``
# draws new data with the cluster each came from.
print(clusterer.predict_proba(X[:3]).round(3))
X_new, y_new = clusterer.sample(5, random_state=0)
print(X_new.shape, y_new)

# %%
# The latent space
# ----------------
# :func:`skgwae.plotting.plot_latent` draws the latent means of the data, projected to two
# dimensions by PCA (the latent space has ``n_components=10`` dimensions), coloured by
# the clusters found.
ax = plot_latent(clusterer, X, clusterer.labels_)
ax.set_title("GWAEClusterer: latent means coloured by cluster")
plt.show()
