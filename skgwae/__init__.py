"""skgwae: Gromov-Wasserstein autoencoders as scikit-learn estimators."""

from ._version import __version__
from .clusterer import GWAEClusterer
from .exceptions import DeviceWarning
from .transformer import GWAETransformer

__all__ = ["DeviceWarning", "GWAEClusterer", "GWAETransformer", "__version__"]
