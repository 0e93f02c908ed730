"""An estimator's state to and from the parts of a model file (JSON document and tensors).

:func:`estimator_parts` takes apart the pickled state of an estimator (its
``__getstate__``); :func:`estimator_from_parts` checks every part and hands the state it
rebuilds to the estimator's ``__setstate__``, which builds the model on its device.
"""

import inspect
import warnings

import torch

from .._version import __version__
from ..clusterer import GWAEClusterer
from ..exceptions import InconsistentVersionWarning
from ..transformer import GWAETransformer
from . import _geometry, _model
from ._attributes import (
    CLUSTERER_ARRAYS,
    DOCUMENT_ATTRIBUTES,
    FITTED_ATTRIBUTES,
    OPTIONAL_FITTED_ATTRIBUTES,
    clusterer_tensors,
    decode_attributes,
    decode_clusterer_arrays,
    encode_attribute,
    encode_parameter,
    estimator_with_parameters,
)
from ._format import FORMAT_VERSION, versions

# The classes a file may name: a file can only ever build one of these.
ESTIMATOR_CLASSES = {
    "skgwae.GWAETransformer": GWAETransformer,
    "skgwae.GWAEClusterer": GWAEClusterer,
}
# The modules whose frames warnings skip, so that they point at the user's call.
_PACKAGE = __name__.rpartition(".")[0]


def estimator_parts(estimator):
    """``(document, tensors)`` of ``estimator`` (see :func:`skgwae.io.dumps`)."""
    class_name = _class_name(estimator)
    state = dict(estimator.__getstate__())
    params = estimator.get_params(deep=False)
    for name in params:
        state.pop(name, None)
    state.pop("_skgwae_version", None)
    # The optimiser moments are as large as the model again and only serve to continue
    # training; the safe file stores the model itself.
    state.pop("_optimizer_state", None)
    model = state.pop("model_", None)
    geometry = state.pop("_geometry", None)

    document = {
        "format_version": FORMAT_VERSION,
        "class": class_name,
        "versions": versions(),
        "parameters": {name: encode_parameter(name, value) for name, value in params.items()},
        "attributes": {},
    }
    tensors = {}
    if model is not None:
        if geometry is None:
            raise ValueError(
                f"The fitted {type(estimator).__name__} has no data geometry (_geometry), "
                "which its score needs; refit it before dumping."
            )
        document["model_config"], model_tensors = _model.model_parts(estimator, model)
        document["geometry"], geometry_tensors = _geometry.geometry_parts(estimator, geometry)
        tensors.update(model_tensors)
        tensors.update(geometry_tensors)
        if isinstance(estimator, GWAEClusterer):
            tensors.update(clusterer_tensors(state))
            for name in CLUSTERER_ARRAYS:
                state.pop(name)
    elif geometry is not None:
        raise ValueError(
            f"The {type(estimator).__name__} has a data geometry (_geometry) but no fitted "
            "model; refit it before dumping."
        )
    for name, value in state.items():
        if name not in DOCUMENT_ATTRIBUTES:
            raise TypeError(
                f"{type(estimator).__name__} has an attribute {name!r} that a safe model file "
                "does not store (only the constructor parameters and the fitted attributes "
                "are stored); delete it, or use pickle for this estimator."
            )
        document["attributes"][name] = encode_attribute(name, value)
    return document, tensors


def estimator_from_parts(document, tensors):
    """The estimator of a model file's ``document`` and ``tensors`` (see
    :func:`skgwae.io.loads`), every part checked before the estimator is assembled."""
    class_name = document["class"]
    if not isinstance(class_name, str) or class_name not in ESTIMATOR_CLASSES:
        raise ValueError(
            f"The file names the class {class_name!r}, but only "
            f"{sorted(ESTIMATOR_CLASSES)} can be loaded."
        )
    cls = ESTIMATOR_CLASSES[class_name]
    estimator = estimator_with_parameters(cls, document["parameters"])
    attributes = decode_attributes(estimator, document["attributes"])

    model_tensors = _strip(tensors, _model.PREFIX)
    geometry_tensors = _strip(tensors, _geometry.PREFIX)
    array_names = CLUSTERER_ARRAYS if cls is GWAEClusterer else {}
    other = sorted(
        k
        for k in tensors
        if not k.startswith((_model.PREFIX, _geometry.PREFIX)) and k not in array_names
    )
    if other:
        raise ValueError(f"The file has unexpected tensors: {other}.")
    fitted = "model_config" in document
    present = [n for n in FITTED_ATTRIBUTES + OPTIONAL_FITTED_ATTRIBUTES if n in attributes]
    if not fitted:
        parts = present + (["geometry"] if "geometry" in document else []) + sorted(tensors)[:3]
        if parts:
            raise ValueError(
                f"The file holds fitted attributes or weights ({parts}) but no model_config."
            )
    missing = [n for n in FITTED_ATTRIBUTES if n not in attributes]
    if fitted and missing:
        raise ValueError(f"The file holds a fitted model but lacks the attributes {missing}.")

    state = {**estimator.__dict__, **attributes}
    if fitted:
        if "geometry" not in document:
            raise ValueError(
                "The file holds a fitted model but no geometry (the data geometry its "
                "score needs)."
            )
        n_features = attributes["n_features_in_"]
        state["model_"] = _model.decode_model(
            estimator, document["model_config"], model_tensors, n_features
        )
        state["_geometry"] = _geometry.decode_geometry(
            estimator, document["geometry"], geometry_tensors, n_features
        )
        if array_names:
            state.update(decode_clusterer_arrays(estimator, tensors))

    stored_version = document["versions"]["skgwae"]
    if stored_version != __version__:
        warnings.warn(
            f"Trying to load estimator {cls.__name__} from skgwae version {stored_version} "
            f"when using version {__version__}. This might lead to breaking code or invalid "
            "results. Use at your own risk.",
            InconsistentVersionWarning,
            stacklevel=_user_stacklevel(),
        )
    # The estimator's own unpickling rebuilds the model on its device (or the CPU, with a
    # DeviceWarning); its version warning speaks of unpickling, so the one above replaces it.
    # Building the model draws initial weights from torch's global RNG, which a load
    # must leave as it was.
    with warnings.catch_warnings(record=True) as caught, torch.random.fork_rng(devices=[]):
        warnings.simplefilter("always")
        estimator.__setstate__({**state, "_skgwae_version": stored_version})
    for warning in caught:
        if not issubclass(warning.category, InconsistentVersionWarning):
            warnings.warn(warning.message, stacklevel=_user_stacklevel())
    return estimator


def _strip(tensors, prefix):
    return {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}


def _class_name(estimator):
    for name, cls in ESTIMATOR_CLASSES.items():
        if type(estimator) is cls:
            return name
    raise TypeError(
        "skgwae.io stores only GWAETransformer and GWAEClusterer estimators (not subclasses), "
        f"got {type(estimator).__module__}.{type(estimator).__qualname__}."
    )


def _user_stacklevel():
    """The stacklevel, counted from the caller of this function, of the first frame outside
    this package, so that warnings point at the user's call of load or loads."""
    frame, level = inspect.currentframe().f_back, 1
    while frame is not None and _in_package(frame.f_globals.get("__name__", "")):
        frame, level = frame.f_back, level + 1
    return level


def _in_package(module):
    return module == _PACKAGE or module.startswith(_PACKAGE + ".")
