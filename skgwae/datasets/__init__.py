"""Procedural image data sets, generated on the fly (no downloads), in the style of
``sklearn.datasets.make_*``."""

from ._clustered import make_clustered_images
from ._shapes import make_shapes

__all__ = ["make_clustered_images", "make_shapes"]
