"""Evaluation scores for embeddings, clusterings and disentanglement. Importable by users;
used by tests and benchmarks."""

from ._cluster import (
    cluster_accuracy,
    geodesic_silhouette,
    latent_eigengap,
    latent_modularity,
    latent_silhouette,
)
from ._dci import dci_disentanglement
from ._gw import gw_distortion
from ._mig import mutual_information_gap

__all__ = [
    "cluster_accuracy",
    "dci_disentanglement",
    "geodesic_silhouette",
    "gw_distortion",
    "latent_eigengap",
    "latent_modularity",
    "latent_silhouette",
    "mutual_information_gap",
]
