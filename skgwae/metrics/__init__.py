"""Evaluation scores for embeddings, clusterings and disentanglement. Importable by users;
used by tests and benchmarks."""

from ._cluster import cluster_accuracy
from ._disentanglement import dci_disentanglement, mutual_information_gap
from ._gw import gw_distortion

__all__ = ["cluster_accuracy", "dci_disentanglement", "gw_distortion", "mutual_information_gap"]
