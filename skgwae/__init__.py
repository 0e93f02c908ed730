"""skgwae: Gromov-Wasserstein autoencoders as scikit-learn estimators.

The estimators are :class:`GWAETransformer` and :class:`GWAEClusterer`. The other public
modules: :mod:`skgwae.io` (model files that are safe to load: weights in safetensors,
everything else plain data, nothing unpickled; import it explicitly, ``from skgwae import
io``), :mod:`skgwae.nn` (the torch model), :mod:`skgwae.metrics`, :mod:`skgwae.datasets` and
:mod:`skgwae.plotting`.
"""

from ._version import __version__
from .clusterer import GWAEClusterer
from .exceptions import DeviceWarning
from .transformer import GWAETransformer

__all__ = ["DeviceWarning", "GWAEClusterer", "GWAETransformer", "__version__"]
