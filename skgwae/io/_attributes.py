"""The estimator's parameters and fitted attributes as file parts: the parameters and the
plain fitted attributes in the JSON document, the clusterer's fitted arrays as tensors."""

import numpy as np
import torch

from ..training import History
from ._checks import (
    check_keys,
    checked_array,
    is_finite_real,
    is_int,
    is_positive_finite,
    is_real,
    plain,
)

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
DOCUMENT_ATTRIBUTES = FITTED_ATTRIBUTES + OPTIONAL_FITTED_ATTRIBUTES + (OUTPUT_CONFIG_ATTRIBUTE,)
# The clusterer's fitted arrays, stored as tensors under their names, with their dtypes.
CLUSTERER_ARRAYS = {
    "means_": np.float64,
    "covariances_": np.float64,
    "weights_": np.float64,
    "labels_": np.int64,
}
FIT_DTYPES = ("float32", "float64")
DEVICE_TYPES = ("cpu", "cuda")
OUTPUT_CONFIG_VALUES = ("default", "pandas", "polars")


# ---------------------------------------------------------------------------- parameters


def encode_parameter(name, value):
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
    return plain(value, f"parameter {name}")


def estimator_with_parameters(cls, params):
    """``cls()`` with the stored parameters, validated as the estimator validates them."""
    estimator = cls()
    check_keys(params, f"The parameters of {cls.__name__}", estimator.get_params(deep=False))
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


def _decode_random_state(value):
    """A RandomState from its stored state (the only non-JSON parameter value)."""
    if set(value) != {"RandomState"} or not isinstance(value["RandomState"], dict):
        raise ValueError(f"Invalid random_state {value!r}: not a stored RandomState.")
    stored = value["RandomState"]
    check_keys(
        stored, "random_state", {"bit_generator", "key", "pos", "has_gauss", "cached_gaussian"}
    )
    key = stored["key"]
    if (
        stored["bit_generator"] != "MT19937"
        or not isinstance(key, list)
        or len(key) != 624
        or not all(is_int(k) and 0 <= k < 2**32 for k in key)
        or not (is_int(stored["pos"]) and 0 <= stored["pos"] <= 624)
        or not (is_int(stored["has_gauss"]) and stored["has_gauss"] in (0, 1))
        or not is_finite_real(stored["cached_gaussian"])
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


# ---------------------------------------------------------------------------- fitted attributes


def encode_attribute(name, value):
    if name == "_fit_dtype":
        return np.dtype(value).name
    if name == "history_":
        return [plain(dict(row), "history_") for row in value]
    if name == "feature_names_in_":
        return [str(v) for v in value]
    return plain(value, name)


def decode_attributes(estimator, stored):
    """The attributes of the JSON document, checked and in their Python types."""
    if not isinstance(stored, dict):
        raise ValueError("The attributes of the file must be a JSON object.")
    extra = sorted(set(stored) - set(DOCUMENT_ATTRIBUTES))
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
    if not is_int(n_features) or n_features < 1:
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
        isinstance(row, dict) and all(v is None or is_real(v) for v in row.values())
        for row in history
    ):
        raise ValueError("The attribute history_ must be a list of objects of numbers.")
    out["history_"] = History(dict(row) for row in history)
    n_epochs = len(history)
    n_iter = stored["n_iter_"]
    if not is_int(n_iter) or n_iter != n_epochs:
        raise ValueError(f"n_iter_ ({n_iter!r}) must equal the length of history_ ({n_epochs}).")
    out["n_iter_"] = n_iter
    out["loss_curve_"] = _number_list(stored["loss_curve_"], "loss_curve_", n_epochs, True)
    scores = stored["validation_scores_"]
    out["validation_scores_"] = (
        None if scores is None else _number_list(scores, "validation_scores_", n_epochs, True)
    )
    best_score = stored["best_validation_score_"]
    if best_score is not None and not is_real(best_score):
        raise ValueError(f"Invalid best_validation_score_ {best_score!r}.")
    out["best_validation_score_"] = best_score
    best_epoch = stored["best_epoch_"]
    if best_epoch is not None and not (is_int(best_epoch) and 1 <= best_epoch <= n_epochs):
        raise ValueError(f"Invalid best_epoch_ {best_epoch!r} for {n_epochs} epochs.")
    out["best_epoch_"] = best_epoch
    kappa = stored["kappa_"]
    if not is_positive_finite(kappa):
        raise ValueError(f"Invalid kappa_ {kappa!r}.")
    out["kappa_"] = float(kappa)
    if stored["_n_features_out"] != estimator.n_components or not is_int(
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


def _number_list(value, name, n, allow_none):
    if not isinstance(value, list) or len(value) != n:
        raise ValueError(f"The attribute {name} must be a list of {n} numbers.")
    if not all(is_real(v) or (allow_none and v is None) for v in value):
        raise ValueError(f"The attribute {name} must hold only numbers.")
    return value


# ---------------------------------------------------------------------------- clusterer arrays


def clusterer_tensors(state):
    """The clusterer's fitted arrays in ``state`` as tensors, under their names."""
    return {
        name: torch.from_numpy(np.ascontiguousarray(state[name], dtype=dtype)).clone()
        for name, dtype in CLUSTERER_ARRAYS.items()
    }


def decode_clusterer_arrays(estimator, tensors):
    """The clusterer's fitted arrays from the file's tensors, with their dtypes, shapes and
    labels checked against its parameters."""
    arrays = {}
    for name, dtype in CLUSTERER_ARRAYS.items():
        if name not in tensors:
            raise ValueError(f"The file lacks the fitted array {name!r}.")
        arrays[name] = checked_array(name, tensors[name], dtype)
    k, d = estimator.n_clusters, estimator.n_components
    shapes = {"means_": (k, d), "covariances_": (k, d, d), "weights_": (k,)}
    for name, shape in shapes.items():
        if arrays[name].shape != shape:
            raise ValueError(
                f"The array {name} has shape {arrays[name].shape}, expected {shape} "
                f"(n_clusters={k}, n_components={d})."
            )
    labels = arrays["labels_"]
    if labels.ndim != 1 or labels.size == 0 or labels.min() < 0 or labels.max() >= k:
        raise ValueError(
            f"The array labels_ must be a non-empty 1-D array of clusters in range({k}), got "
            f"shape {labels.shape}."
        )
    return arrays
