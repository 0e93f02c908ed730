"""Model files that are safe to load: weights in safetensors, everything else plain data.

:func:`dump` writes a fitted (or unfitted) :class:`~skgwae.GWAETransformer` or
:class:`~skgwae.GWAEClusterer` to one `safetensors <https://huggingface.co/docs/safetensors>`_
file; :func:`load` reads it back. :func:`dumps` and :func:`loads` do the same with bytes.
The names and habits follow ``joblib`` and ``skops.io``: a path or a binary file object.

Why not pickle? Loading a pickle (``pickle``, ``joblib``, ``torch.load`` with full
unpickling) runs whatever code the file names, so a model file from someone else is a
program. A safetensors file is a JSON header followed by raw tensor bytes: reading it
parses JSON and copies numbers, nothing else. skops' safe format does not store torch
tensors, and model hubs expect safetensors for weights. Pickles keep working as before;
use them for your own files, and these functions for files you share or receive.

What a file holds
-----------------
- Tensors: the model's state dict (``model_.<key>``, float32 weights and buffers as the
  fitted model holds them, moved to the CPU), and the fitted numeric arrays of
  :class:`~skgwae.GWAEClusterer` (``means_``, ``covariances_``, ``weights_``, ``labels_``)
  under their own names, bit for bit.
- The safetensors metadata (``__metadata__``, strings only): one entry, ``"skgwae"``, a
  JSON document with the format version, the estimator class, the constructor parameters
  (``get_params``), the model configuration (the arguments of
  :class:`skgwae.nn.GWAEModel`), the other fitted attributes (``n_features_in_``,
  ``feature_names_in_``, ``history_``, ``n_iter_``, ``loss_curve_``, ``validation_scores_``,
  ``best_validation_score_``, ``best_epoch_``, ``kappa_``, ``device_``, the dtype of the fit)
  and the versions of skgwae, torch, scikit-learn, numpy, safetensors and Python that wrote
  it. Its keys are sorted, so a model gives the same bytes at every dump.
- Not the optimiser state (Adam or RMSprop moments), which a pickle keeps with
  ``warm_start=True``: a loaded model that is trained further starts with fresh moments.

What loading checks
-------------------
Nothing is unpickled: :func:`load` uses only :mod:`json`, safetensors and numpy, and builds
only the two estimator classes above (named in the file, checked against an allow-list).
Every part is validated before the estimator is assembled, and any mismatch raises a
``ValueError`` that names it:

- the file is a safetensors file with skgwae metadata of a known format version;
- the parameters are exactly the class's, JSON values that pass the estimator's own
  parameter validation (tuples such as ``hidden_layer_sizes`` come back from JSON lists);
- the model configuration is the one the parameters and ``n_features_in_`` describe, and
  every tensor of the state dict has the name, shape and dtype of a freshly built model's
  (no key missing or extra) and finite values;
- each fitted attribute has its type, dtype and shape (for example ``means_`` of shape
  ``(n_clusters, n_components)``, ``feature_names_in_`` of ``n_features_in_`` strings,
  ``labels_`` in ``range(n_clusters)``).

The tensors of a file take no more memory than the file; the model its configuration
describes is compared with them on torch's ``meta`` device, which allocates nothing, before
it is built, so a file cannot claim a model larger than itself.

A model fitted on a GPU loads on its device when there is one, else on the CPU with a
:class:`~skgwae.exceptions.DeviceWarning`; a file written by another skgwae version loads
with an :class:`~skgwae.exceptions.InconsistentVersionWarning`, as a pickle does.

Only the two estimators are stored, not pipelines or other objects that hold them: store a
pipeline's other steps with their own tools (for example ``skops.io``) and the GWAE step
with :func:`dump`.

Examples
--------
>>> import numpy as np
>>> from skgwae import GWAETransformer, io
>>> X = np.random.RandomState(0).normal(size=(60, 4))
>>> est = GWAETransformer(max_iter=5, early_stopping=False, random_state=0).fit(X)
>>> data = io.dumps(est)  # or io.dump(est, "embedding.safetensors")
>>> loaded = io.loads(data)  # or io.load("embedding.safetensors")
>>> np.array_equal(loaded.transform(X), est.transform(X))
True
"""

import inspect
import json
import math
import os
import platform
import warnings
from numbers import Integral, Real

import numpy as np
import safetensors
import safetensors.torch
import sklearn
import torch

from ._version import __version__
from .clusterer import GWAEClusterer
from .exceptions import InconsistentVersionWarning
from .nn import GWAEModel
from .training import History
from .transformer import GWAETransformer

__all__ = ["dump", "dumps", "load", "loads"]

# The classes a file may name: a file can only ever build one of these.
ESTIMATOR_CLASSES = {
    "skgwae.GWAETransformer": GWAETransformer,
    "skgwae.GWAEClusterer": GWAEClusterer,
}
# Bumped when the layout changes incompatibly; a reader refuses versions it does not know.
FORMAT_VERSION = 1
METADATA_KEY = "skgwae"
# The state dict's tensors are stored under this prefix; fitted arrays under their names.
MODEL_PREFIX = "model_."
# safetensors' own limit on the header size; a larger length field is not a model file.
MAX_HEADER_BYTES = 100_000_000
# Parameters whose tuple values JSON turns into lists.
TUPLE_PARAMETERS = ("hidden_layer_sizes", "image_shape")
# The fitted attributes every fitted GWAE estimator has, stored in the JSON document.
FITTED_ATTRIBUTES = (
    "n_features_in_",
    "device_",
    "n_iter_",
    "history_",
    "loss_curve_",
    "validation_scores_",
    "best_validation_score_",
    "best_epoch_",
    "kappa_",
    "_n_features_out",
    "_fit_dtype",
)
OPTIONAL_FITTED_ATTRIBUTES = ("feature_names_in_",)
# Set by set_output, fitted or not.
OUTPUT_CONFIG_ATTRIBUTE = "_sklearn_output_config"
# The clusterer's fitted arrays, stored as tensors, with their dtypes.
CLUSTERER_ARRAYS = {
    "means_": np.float64,
    "covariances_": np.float64,
    "weights_": np.float64,
    "labels_": np.int64,
}
FIT_DTYPES = ("float32", "float64")
DEVICE_TYPES = ("cpu", "cuda")
OUTPUT_CONFIG_VALUES = ("default", "pandas", "polars")


# ---------------------------------------------------------------------------- writing


def dumps(estimator):
    """Serialise a GWAE estimator to the bytes of a safetensors file.

    Parameters
    ----------
    estimator : GWAETransformer or GWAEClusterer
        The estimator, fitted or not. Subclasses and other estimators are refused, since
        :func:`loads` builds only these two classes.

    Returns
    -------
    data : bytes
        The file's content; :func:`loads` reads it back. See the module docstring for what
        it holds (not the optimiser state).

    Raises
    ------
    TypeError
        If ``estimator`` is not one of the two classes, or holds a parameter or attribute
        that is not plain data (a ``random_state`` that is a RandomState instance is
        stored as its state).
    ValueError
        If the parameters were changed after fit so that they no longer describe the
        fitted model (such a file could not be loaded): set them back or refit.
    """
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

    document = {
        "format_version": FORMAT_VERSION,
        "class": class_name,
        "versions": _versions(),
        "parameters": {name: _encode_parameter(name, value) for name, value in params.items()},
        "attributes": {},
    }
    tensors = {}
    array_names = CLUSTERER_ARRAYS if isinstance(estimator, GWAEClusterer) else {}
    for name, value in state.items():
        if name in array_names:
            tensors[name] = torch.from_numpy(
                np.ascontiguousarray(value, dtype=array_names[name])
            ).clone()
        elif name in FITTED_ATTRIBUTES + OPTIONAL_FITTED_ATTRIBUTES + (OUTPUT_CONFIG_ATTRIBUTE,):
            document["attributes"][name] = _encode_attribute(name, value)
        else:
            raise TypeError(
                f"{type(estimator).__name__} has an attribute {name!r} that a safe model file "
                "does not store (only the constructor parameters and the fitted attributes "
                "are stored); delete it, or use pickle for this estimator."
            )
    if model is not None:
        config = model["config"]
        expected = _expected_config(estimator, config)
        changed = [k for k in expected if expected[k] != config[k]]
        if changed:
            raise ValueError(
                "The estimator's parameters no longer describe its fitted model: "
                + ", ".join(
                    f"{k} (model {config[k]!r}, parameters {expected[k]!r})" for k in changed
                )
                + ". Set them back or refit before dumping."
            )
        document["model_config"] = _plain(config, "model_config")
        for key, tensor in model["state_dict"].items():
            # A copy of each: safetensors refuses tensors that share memory.
            tensors[MODEL_PREFIX + key] = tensor.detach().cpu().contiguous().clone()
    # One metadata entry with sorted keys: safetensors writes several entries in no fixed
    # order, and a model should give the same bytes at every dump (so that files can be
    # compared by hash).
    metadata = {METADATA_KEY: json.dumps(document, sort_keys=True)}
    return safetensors.torch.save(tensors, metadata=metadata)


def dump(estimator, file):
    """Write a GWAE estimator to a safetensors file that is safe to load.

    The weights are stored as safetensors tensors and everything else (class, parameters,
    fitted attributes, model configuration, versions) as JSON in the file's metadata; see
    the module docstring. The file can be shared: :func:`load` never runs code from it.

    Parameters
    ----------
    estimator : GWAETransformer or GWAEClusterer
        The estimator, fitted or not.
    file : str, path-like or binary file object
        Where to write: a path (by convention ending in ``.safetensors``; an existing file
        is replaced) or an object with a ``write`` method, opened in binary mode.

    Returns
    -------
    None

    Raises
    ------
    TypeError, ValueError
        As :func:`dumps`.

    See Also
    --------
    load : Read the file back.
    dumps : The file's content as bytes.

    Notes
    -----
    The optimiser state is not stored (a pickle keeps it with ``warm_start=True``): a
    loaded model that is trained further continues with fresh optimiser moments.
    """
    data = dumps(estimator)
    if hasattr(file, "write"):
        file.write(data)
        return
    with open(os.fspath(file), "wb") as handle:
        handle.write(data)


# ---------------------------------------------------------------------------- reading


def loads(data):
    """Build a GWAE estimator from the bytes of a file written by :func:`dumps`.

    Parameters
    ----------
    data : bytes or bytearray
        The file's content.

    Returns
    -------
    estimator : GWAETransformer or GWAEClusterer
        The estimator as dumped (without optimiser state), on its fitted device if that
        is available here, else on the CPU.

    Raises
    ------
    ValueError
        If the data are not an skgwae model file or any part of it fails validation
        (see the module docstring); the message names the part.

    Warns
    -----
    DeviceWarning
        The model was fitted on a CUDA device that is not available; it is loaded on the
        CPU.
    InconsistentVersionWarning
        The file was written by another version of skgwae.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"loads expects bytes, got {type(data).__name__}.")
    data = bytes(data)
    document = _read_document(data)
    try:
        tensors = safetensors.torch.load(data)
    # The parser's own error, and those of its conversion to torch (a dtype that this torch
    # lacks raises KeyError): all say that the bytes are not a tensor file this can read.
    except (safetensors.SafetensorError, KeyError, ValueError, TypeError, RuntimeError) as exc:
        raise ValueError(f"Not a valid safetensors file: {exc!r}.") from None

    _check_keys(
        document,
        "The skgwae metadata",
        {"format_version", "class", "versions", "parameters", "attributes"},
        {"model_config"},
    )
    version = document["format_version"]
    if not _is_int(version) or version < 1:
        raise ValueError(f"Invalid format_version {version!r} in the skgwae metadata.")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"The file has skgwae format version {version}, newer than this skgwae "
            f"({__version__}) reads (up to {FORMAT_VERSION}); upgrade skgwae to load it."
        )
    class_name = document["class"]
    if not isinstance(class_name, str) or class_name not in ESTIMATOR_CLASSES:
        raise ValueError(
            f"The file names the class {class_name!r}, but only "
            f"{sorted(ESTIMATOR_CLASSES)} can be loaded."
        )
    cls = ESTIMATOR_CLASSES[class_name]
    versions = document["versions"]
    if not isinstance(versions, dict) or not isinstance(versions.get("skgwae"), str):
        raise ValueError("The skgwae metadata has no skgwae version (versions.skgwae).")

    estimator = _estimator_with_parameters(cls, document["parameters"])
    attributes = _decode_attributes(estimator, document["attributes"])
    model_config = document.get("model_config")
    array_names = CLUSTERER_ARRAYS if cls is GWAEClusterer else {}
    model_tensors = {
        k[len(MODEL_PREFIX) :]: v for k, v in tensors.items() if k.startswith(MODEL_PREFIX)
    }
    other = sorted(k for k in tensors if not k.startswith(MODEL_PREFIX) and k not in array_names)
    if other:
        raise ValueError(f"The file has unexpected tensors: {other}.")
    fitted = model_config is not None
    missing = [n for n in FITTED_ATTRIBUTES if n not in attributes]
    if fitted and missing:
        raise ValueError(f"The file holds a fitted model but lacks the attributes {missing}.")
    present = [n for n in FITTED_ATTRIBUTES + OPTIONAL_FITTED_ATTRIBUTES if n in attributes]
    arrays_present = sorted(n for n in array_names if n in tensors)
    if not fitted and (present or model_tensors or arrays_present):
        raise ValueError(
            "The file holds fitted attributes or weights "
            f"({present + arrays_present + sorted(model_tensors)[:3]}) but no model_config."
        )

    state = {**estimator.__dict__, **attributes}
    if fitted:
        config = _decode_config(estimator, model_config, attributes)
        state["model_"] = {
            "config": config,
            "state_dict": _checked_state_dict(config, model_tensors),
        }
        for name, dtype in array_names.items():
            if name not in tensors:
                raise ValueError(f"The file lacks the fitted array {name!r}.")
            state[name] = _checked_array(name, tensors[name], dtype)
        if array_names:
            _check_clusterer_arrays(estimator, state)

    stored_version = versions["skgwae"]
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


def load(file):
    """Load a GWAE estimator from a file written by :func:`dump`, without running code.

    Only :mod:`json`, safetensors and numpy read the file; nothing is unpickled. The file
    may name only :class:`~skgwae.GWAETransformer` or :class:`~skgwae.GWAEClusterer`, and
    every parameter, tensor and fitted attribute is validated (see the module docstring),
    so a tampered or foreign file is refused with a ``ValueError``.

    Parameters
    ----------
    file : str, path-like or binary file object
        A path, or an object with a ``read`` method opened in binary mode (read from its
        current position to the end).

    Returns
    -------
    estimator : GWAETransformer or GWAEClusterer
        The estimator as dumped, on its fitted device if that is available here, else on
        the CPU. It has no optimiser state: further training starts with fresh optimiser
        moments.

    Raises
    ------
    ValueError
        If the file is not an skgwae model file or fails validation; the message names
        the part.

    Warns
    -----
    DeviceWarning
        The model was fitted on a CUDA device that is not available; it is loaded on the
        CPU.
    InconsistentVersionWarning
        The file was written by another version of skgwae.

    See Also
    --------
    dump : Write the file.
    loads : Read from bytes.
    """
    if hasattr(file, "read"):
        data = file.read()
    else:
        with open(os.fspath(file), "rb") as handle:
            data = handle.read()
    return loads(data)


# ---------------------------------------------------------------------------- helpers


def _user_stacklevel():
    """The stacklevel, counted from loads, of the first caller outside this module, so
    that warnings point at the user's call of load or loads."""
    frame, level = inspect.currentframe().f_back, 1
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1
    return level


def _class_name(estimator):
    for name, cls in ESTIMATOR_CLASSES.items():
        if type(estimator) is cls:
            return name
    raise TypeError(
        "skgwae.io stores only GWAETransformer and GWAEClusterer estimators (not subclasses), "
        f"got {type(estimator).__module__}.{type(estimator).__qualname__}."
    )


def _versions():
    return {
        "skgwae": __version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "safetensors": safetensors.__version__,
        "python": platform.python_version(),
    }


def _is_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _is_finite_real(value):
    """A real number (not a bool) that is finite in float64 (JSON integers need not be)."""
    try:
        return _is_real(value) and math.isfinite(value)
    except OverflowError:
        return False


def _is_positive_finite(value):
    return _is_finite_real(value) and value > 0


def _plain(value, where):
    """``value`` as JSON data (numpy scalars and arrays, tuples to lists); TypeError for
    anything else."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return _plain(value.tolist(), where)
    if isinstance(value, np.ndarray) and value.dtype.kind in "OU":
        return [_plain(v, where) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v, where) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise TypeError(
        f"{where} holds a {type(value).__name__}, which a safe model file cannot store "
        "(only numbers, strings, booleans, None, lists and dicts with string keys)."
    )


def _encode_parameter(name, value):
    if name == "random_state" and isinstance(value, np.random.RandomState):
        kind, key, pos, has_gauss, cached_gaussian = value.get_state(legacy=True)
        return {
            "RandomState": {
                "bit_generator": kind,
                "key": key.tolist(),
                "pos": int(pos),
                "has_gauss": int(has_gauss),
                "cached_gaussian": float(cached_gaussian),
            }
        }
    return _plain(value, f"parameter {name}")


def _decode_random_state(value):
    """A RandomState from its stored state (the only non-JSON parameter value)."""
    if set(value) != {"RandomState"} or not isinstance(value["RandomState"], dict):
        raise ValueError(f"Invalid random_state {value!r}: not a stored RandomState.")
    stored = value["RandomState"]
    _check_keys(
        stored, "random_state", {"bit_generator", "key", "pos", "has_gauss", "cached_gaussian"}
    )
    key = stored["key"]
    if (
        stored["bit_generator"] != "MT19937"
        or not isinstance(key, list)
        or len(key) != 624
        or not all(_is_int(k) and 0 <= k < 2**32 for k in key)
        or not (_is_int(stored["pos"]) and 0 <= stored["pos"] <= 624)
        or not (_is_int(stored["has_gauss"]) and stored["has_gauss"] in (0, 1))
        or not _is_finite_real(stored["cached_gaussian"])
    ):
        raise ValueError("Invalid random_state: not the state of an MT19937 RandomState.")
    rng = np.random.RandomState(0)  # seeded only to skip reading OS entropy; replaced below
    rng.set_state(
        (
            "MT19937",
            np.array(key, dtype=np.uint32),
            stored["pos"],
            stored["has_gauss"],
            float(stored["cached_gaussian"]),
        )
    )
    return rng


def _check_keys(mapping, where, required, optional=()):
    if not isinstance(mapping, dict):
        raise ValueError(f"{where} must be a JSON object, got {type(mapping).__name__}.")
    missing = sorted(set(required) - set(mapping))
    extra = sorted(set(mapping) - set(required) - set(optional))
    if missing or extra:
        raise ValueError(
            f"{where} has "
            + "; ".join(
                part
                for part in (
                    f"missing keys {missing}" if missing else "",
                    f"unexpected keys {extra}" if extra else "",
                )
                if part
            )
            + "."
        )


def _read_document(data):
    """The skgwae JSON document in the metadata of the safetensors file ``data``."""
    if len(data) < 8:
        raise ValueError("Not a safetensors file: fewer than 8 bytes.")
    n = int.from_bytes(data[:8], "little")
    if n > min(len(data) - 8, MAX_HEADER_BYTES):
        raise ValueError(
            "Not a safetensors file: its first 8 bytes do not give the length of a header "
            "inside the file."
        )
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError("Not a safetensors file: its header is not JSON.") from None
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(metadata, dict) or not isinstance(metadata.get(METADATA_KEY), str):
        raise ValueError(
            "Not an skgwae model file: the safetensors metadata has no "
            f"{METADATA_KEY!r} entry (write model files with skgwae.io.dump)."
        )
    try:
        document = json.loads(metadata[METADATA_KEY])
    except (ValueError, RecursionError):
        raise ValueError(f"The {METADATA_KEY!r} metadata of the file is not JSON.") from None
    if not isinstance(document, dict):
        raise ValueError(f"The {METADATA_KEY!r} metadata of the file is not a JSON object.")
    return document


def _estimator_with_parameters(cls, params):
    """``cls()`` with the stored parameters, validated as the estimator validates them."""
    estimator = cls()
    _check_keys(params, f"The parameters of {cls.__name__}", estimator.get_params(deep=False))
    params = dict(params)
    for name in TUPLE_PARAMETERS:
        if isinstance(params[name], list):
            params[name] = tuple(params[name])
    if isinstance(params["random_state"], dict):
        params["random_state"] = _decode_random_state(params["random_state"])
    estimator.set_params(**params)
    try:
        estimator._validate_params()
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Invalid parameter in the file: {exc}") from None
    return estimator


def _expected_config(estimator, config):
    """The model configuration that ``estimator``'s parameters describe for a model with
    ``config``'s number of features and decoder output (the two facts taken from the data)."""
    if not isinstance(config, dict) or not _is_int(config.get("n_features")):
        raise ValueError("The model_config has no integer n_features.")
    in_unit_range = config.get("output") == "sigmoid"
    try:
        expected = estimator._model_config(config["n_features"], in_unit_range)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"The parameters do not describe a model: {exc}") from None
    if config.get("output") not in ("linear", "sigmoid"):
        raise ValueError(f"Invalid model_config output {config.get('output')!r}.")
    return expected


def _decode_config(estimator, stored, attributes):
    """The arguments of GWAEModel: the stored configuration, checked against the ones the
    parameters describe (``kappa_init`` aside, the only free entry)."""
    _check_keys(stored, "The model_config", set(inspect.signature(GWAEModel).parameters))
    config = dict(stored)
    for name in ("hidden_layer_sizes", "image_shape"):
        if isinstance(config[name], list):
            config[name] = tuple(config[name])
    expected = _expected_config(estimator, config)
    changed = [k for k in expected if expected[k] != config[k]]
    if changed:
        raise ValueError(
            "The model_config does not match the parameters: "
            + ", ".join(f"{k} ({config[k]!r}, expected {expected[k]!r})" for k in changed)
            + "."
        )
    if config["n_features"] != attributes["n_features_in_"]:
        raise ValueError(
            f"The model_config has n_features={config['n_features']}, but n_features_in_ is "
            f"{attributes['n_features_in_']}."
        )
    kappa_init = config["kappa_init"]
    if not _is_positive_finite(kappa_init):
        raise ValueError(f"Invalid model_config kappa_init {kappa_init!r}.")
    config = {**expected, "kappa_init": kappa_init}
    # Every other entry is derived from the parameters; a GWAEModel argument that is
    # neither would be validated by nothing here, so it stops every load until this
    # module learns to check it (the round-trip tests fail at once).
    unchecked = set(inspect.signature(GWAEModel).parameters) - set(config)
    if unchecked:
        raise RuntimeError(
            f"skgwae.io does not know how to validate the model_config entries {unchecked}."
        )
    return config


def _checked_state_dict(config, tensors):
    """The stored tensors as a state dict, after checking their names, shapes, dtypes and
    values against a model built from ``config``."""
    # On the meta device: shapes and dtypes without memory or random draws, so a file that
    # claims an enormous model costs nothing before its tensors are compared.
    try:
        with torch.device("meta"):
            reference = GWAEModel(**config).state_dict()
    except (ValueError, TypeError, RuntimeError, OverflowError) as exc:
        # Sizes beyond what torch can describe (integers past 64 bits, for example).
        raise ValueError(
            f"The model_config does not describe a model torch can build: {exc}"
        ) from None
    missing = [k for k in reference if k not in tensors]
    extra = sorted(k for k in tensors if k not in reference)
    if missing or extra:
        raise ValueError(
            "The file's weights do not fit the model: "
            + "; ".join(
                part
                for part in (
                    f"missing {[MODEL_PREFIX + k for k in missing]}" if missing else "",
                    f"unexpected {[MODEL_PREFIX + k for k in extra]}" if extra else "",
                )
                if part
            )
            + "."
        )
    state_dict = {}
    for key, ref in reference.items():
        tensor = tensors[key]
        if tensor.shape != ref.shape or tensor.dtype != ref.dtype:
            raise ValueError(
                f"The weight {MODEL_PREFIX + key} has shape {tuple(tensor.shape)} and dtype "
                f"{tensor.dtype}, but the model needs shape {tuple(ref.shape)} and dtype "
                f"{ref.dtype}."
            )
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise ValueError(f"The weight {MODEL_PREFIX + key} has non-finite values.")
        state_dict[key] = tensor
    return state_dict


def _checked_array(name, tensor, dtype):
    # Compared as torch dtypes: some (bfloat16) have no numpy equivalent.
    expected = torch.from_numpy(np.empty(0, dtype=dtype)).dtype
    if tensor.dtype != expected:
        raise ValueError(
            f"The array {name} has dtype {str(tensor.dtype).removeprefix('torch.')}, "
            f"expected {np.dtype(dtype)}."
        )
    array = tensor.numpy()
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"The array {name} has non-finite values.")
    return array


def _check_clusterer_arrays(estimator, state):
    k, d = estimator.n_clusters, estimator.n_components
    shapes = {"means_": (k, d), "covariances_": (k, d, d), "weights_": (k,)}
    for name, shape in shapes.items():
        if state[name].shape != shape:
            raise ValueError(
                f"The array {name} has shape {state[name].shape}, expected {shape} "
                f"(n_clusters={k}, n_components={d})."
            )
    labels = state["labels_"]
    if labels.ndim != 1 or labels.size == 0 or labels.min() < 0 or labels.max() >= k:
        raise ValueError(
            f"The array labels_ must be a non-empty 1-D array of clusters in range({k}), got "
            f"shape {labels.shape}."
        )


def _encode_attribute(name, value):
    if name == "_fit_dtype":
        return np.dtype(value).name
    if name == "history_":
        return [_plain(dict(row), "history_") for row in value]
    if name == "feature_names_in_":
        return [str(v) for v in value]
    return _plain(value, name)


def _number_list(value, name, n, allow_none):
    if not isinstance(value, list) or len(value) != n:
        raise ValueError(f"The attribute {name} must be a list of {n} numbers.")
    if not all(_is_real(v) or (allow_none and v is None) for v in value):
        raise ValueError(f"The attribute {name} must hold only numbers.")
    return value


def _decode_attributes(estimator, stored):
    """The attributes of the JSON document, checked and in their Python types."""
    if not isinstance(stored, dict):
        raise ValueError("The attributes of the file must be a JSON object.")
    allowed = set(FITTED_ATTRIBUTES + OPTIONAL_FITTED_ATTRIBUTES) | {OUTPUT_CONFIG_ATTRIBUTE}
    extra = sorted(set(stored) - allowed)
    if extra:
        raise ValueError(f"The file has unexpected attributes: {extra}.")
    out = {}
    if OUTPUT_CONFIG_ATTRIBUTE in stored:
        config = stored[OUTPUT_CONFIG_ATTRIBUTE]
        if not isinstance(config, dict) or not all(
            isinstance(k, str) and v in OUTPUT_CONFIG_VALUES for k, v in config.items()
        ):
            raise ValueError(f"Invalid {OUTPUT_CONFIG_ATTRIBUTE} {config!r}.")
        out[OUTPUT_CONFIG_ATTRIBUTE] = dict(config)
    if not any(name in stored for name in FITTED_ATTRIBUTES + OPTIONAL_FITTED_ATTRIBUTES):
        return out
    missing = [n for n in FITTED_ATTRIBUTES if n not in stored]
    if missing:
        raise ValueError(f"The file lacks the fitted attributes {missing}.")

    n_features = stored["n_features_in_"]
    if not _is_int(n_features) or n_features < 1:
        raise ValueError(f"Invalid n_features_in_ {n_features!r}.")
    out["n_features_in_"] = n_features
    if "feature_names_in_" in stored:
        names = stored["feature_names_in_"]
        if (
            not isinstance(names, list)
            or len(names) != n_features
            or not all(isinstance(v, str) for v in names)
        ):
            raise ValueError(
                f"The attribute feature_names_in_ must be a list of n_features_in_={n_features} "
                "strings."
            )
        out["feature_names_in_"] = np.asarray(names, dtype=object)

    device = stored["device_"]
    try:
        parsed = torch.device(device) if isinstance(device, str) else None
    except RuntimeError:
        parsed = None
    if parsed is None or parsed.type not in DEVICE_TYPES:
        raise ValueError(f"Invalid device_ {device!r}: expected 'cpu', 'cuda' or 'cuda:N'.")
    out["device_"] = str(parsed)

    history = stored["history_"]
    if not isinstance(history, list) or not all(
        isinstance(row, dict) and all(v is None or _is_real(v) for v in row.values())
        for row in history
    ):
        raise ValueError("The attribute history_ must be a list of objects of numbers.")
    out["history_"] = History(dict(row) for row in history)
    n_epochs = len(history)
    n_iter = stored["n_iter_"]
    if not _is_int(n_iter) or n_iter != n_epochs:
        raise ValueError(f"n_iter_ ({n_iter!r}) must equal the length of history_ ({n_epochs}).")
    out["n_iter_"] = n_iter
    out["loss_curve_"] = _number_list(stored["loss_curve_"], "loss_curve_", n_epochs, True)
    scores = stored["validation_scores_"]
    out["validation_scores_"] = (
        None if scores is None else _number_list(scores, "validation_scores_", n_epochs, True)
    )
    best_score = stored["best_validation_score_"]
    if best_score is not None and not _is_real(best_score):
        raise ValueError(f"Invalid best_validation_score_ {best_score!r}.")
    out["best_validation_score_"] = best_score
    best_epoch = stored["best_epoch_"]
    if best_epoch is not None and not (_is_int(best_epoch) and 1 <= best_epoch <= n_epochs):
        raise ValueError(f"Invalid best_epoch_ {best_epoch!r} for {n_epochs} epochs.")
    out["best_epoch_"] = best_epoch
    kappa = stored["kappa_"]
    if not _is_positive_finite(kappa):
        raise ValueError(f"Invalid kappa_ {kappa!r}.")
    out["kappa_"] = float(kappa)
    if stored["_n_features_out"] != estimator.n_components or not _is_int(
        stored["_n_features_out"]
    ):
        raise ValueError(
            f"_n_features_out ({stored['_n_features_out']!r}) must equal n_components "
            f"({estimator.n_components})."
        )
    out["_n_features_out"] = stored["_n_features_out"]
    if stored["_fit_dtype"] not in FIT_DTYPES:
        raise ValueError(f"Invalid _fit_dtype {stored['_fit_dtype']!r}.")
    out["_fit_dtype"] = np.dtype(stored["_fit_dtype"])
    return out
