"""Evaluation scores for embeddings. Importable by users; used by tests and benchmarks."""

from ._gw import gw_distortion

__all__ = ["gw_distortion"]
