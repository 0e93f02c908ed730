"""The fitted network as file parts: its configuration (the arguments of
:class:`skgwae.nn.GWAEModel`) in the JSON document's ``"model_config"``, its state dict as
tensors named ``model_.<key>``."""

import inspect

import torch

from ..nn import GWAEModel
from ._checks import check_keys, is_int, is_positive_finite, plain

PREFIX = "model_."
# Entries of the model configuration that files of earlier versions lack (False there).
OPTIONAL_CONFIG = ("standardized", "weighted", "reshaped")


def model_parts(estimator, stored_model):
    """``(config, tensors)`` of a fitted model stored as ``{"config", "state_dict"}``
    (the estimator's pickled form), after checking that the estimator's parameters still
    describe it (else its file could not be loaded)."""
    config = stored_model["config"]
    expected = _expected_config(estimator, config)
    changed = [k for k in expected if expected[k] != config[k]]
    if changed:
        raise ValueError(
            "The estimator's parameters no longer describe its fitted model: "
            + ", ".join(f"{k} (model {config[k]!r}, parameters {expected[k]!r})" for k in changed)
            + ". Set them back or refit before dumping."
        )
    # A copy of each: safetensors refuses tensors that share memory.
    tensors = {
        PREFIX + key: tensor.detach().cpu().contiguous().clone()
        for key, tensor in stored_model["state_dict"].items()
    }
    return plain(config, "model_config"), tensors


def decode_model(estimator, stored_config, tensors, n_features):
    """``{"config", "state_dict"}`` of the stored model (the estimator's pickled form of
    ``model_``), from the document's model_config and the file's ``model_.`` tensors
    (prefix removed), all checked."""
    config = _decode_config(estimator, stored_config, n_features)
    return {"config": config, "state_dict": _checked_state_dict(config, tensors)}


def _expected_config(estimator, config):
    """The model configuration that ``estimator``'s parameters describe for a model with
    ``config``'s number of features, decoder output, standardisation and feature weights
    (the facts taken from the data)."""
    if not isinstance(config, dict) or not is_int(config.get("n_features")):
        raise ValueError("The model_config has no integer n_features.")
    in_unit_range = config.get("output") == "sigmoid"
    facts = {name: config.get(name, False) for name in OPTIONAL_CONFIG}
    for name, value in facts.items():
        if not isinstance(value, bool):
            raise ValueError(f"Invalid model_config {name} {value!r}.")
    try:
        expected = estimator._model_config(config["n_features"], in_unit_range, **facts)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"The parameters do not describe a model: {exc}") from None
    if config.get("output") not in ("linear", "sigmoid"):
        raise ValueError(f"Invalid model_config output {config.get('output')!r}.")
    return expected


def _decode_config(estimator, stored, n_features):
    """The arguments of GWAEModel: the stored configuration, checked against the ones the
    parameters describe (``kappa_init`` aside, the only free entry)."""
    # Files written before models could scale their rows lack these entries (False).
    check_keys(
        stored,
        "The model_config",
        set(inspect.signature(GWAEModel).parameters) - set(OPTIONAL_CONFIG),
        optional=OPTIONAL_CONFIG,
    )
    config = {**dict.fromkeys(OPTIONAL_CONFIG, False), **stored}
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
    if config["n_features"] != n_features:
        raise ValueError(
            f"The model_config has n_features={config['n_features']}, but n_features_in_ is "
            f"{n_features}."
        )
    kappa_init = config["kappa_init"]
    if not is_positive_finite(kappa_init):
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
                    f"missing {[PREFIX + k for k in missing]}" if missing else "",
                    f"unexpected {[PREFIX + k for k in extra]}" if extra else "",
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
                f"The weight {PREFIX + key} has shape {tuple(tensor.shape)} and dtype "
                f"{tensor.dtype}, but the model needs shape {tuple(ref.shape)} and dtype "
                f"{ref.dtype}."
            )
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise ValueError(f"The weight {PREFIX + key} has non-finite values.")
        # The rows are divided by the scale; a weight's square root multiplies them.
        if key == "input_scale" and not (tensor > 0).all():
            raise ValueError(f"The weight {PREFIX + key} must be positive.")
        if key == "feature_weights" and not (tensor >= 0).all():
            raise ValueError(f"The weight {PREFIX + key} must not be negative.")
        state_dict[key] = tensor
    return state_dict
