"""Evaluation scores for embeddings and clusterings. Importable by users; used by tests and
benchmarks."""

from ._cluster import cluster_accuracy
from ._gw import gw_distortion

__all__ = ["cluster_accuracy", "gw_distortion"]
