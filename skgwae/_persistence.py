"""Pickling of the GWAE estimators: the fitted model as its constructor arguments and a CPU
state dict, the skgwae version it was saved under, and the device it comes back on.

The state of an estimator is its ``__dict__`` with ``model_`` stored as
``{"config": ..., "state_dict": ...}`` and ``_skgwae_version`` added; the optimiser state
(``_optimizer_state``) is kept only for an estimator meant to continue training.
"""

import warnings

import torch

from ._version import __version__
from .exceptions import DeviceWarning, InconsistentVersionWarning
from .nn import GWAEModel
from .training import map_tensors

# Attributes rebuilt on loading rather than stored.
DERIVED_ATTRIBUTES = ("_device",)


def model_state(model):
    """A fitted :class:`GWAEModel` as ``{"config", "state_dict"}``: constructor arguments and
    CPU tensors, never device tensors, so that it loads on a machine without a GPU."""
    return {
        "config": model.config,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
    }


def estimator_state(state, *, keep_optimizer):
    """The picklable state of an estimator whose ``__dict__`` (a copy) is ``state``.

    The optimiser state is as large as the model again, so it is kept only with
    ``keep_optimizer`` (``warm_start=True``), moved to the CPU.
    """
    state = {k: v for k, v in state.items() if k not in DERIVED_ATTRIBUTES}
    state["_skgwae_version"] = __version__
    optimizer_state = state.pop("_optimizer_state", None)
    if keep_optimizer and optimizer_state is not None:
        state["_optimizer_state"] = map_tensors(lambda t: t.detach().cpu(), optimizer_state)
    if "model_" in state:
        state["model_"] = model_state(state["model_"])
    return state


def restored_state(state, class_name):
    """The ``__dict__`` of an estimator from its :func:`estimator_state`: the model rebuilt on
    its device (on the CPU, with a :class:`DeviceWarning`, when that device is not available
    here), with an :class:`InconsistentVersionWarning` when it was saved under another
    version of skgwae."""
    state = dict(state)
    version = state.pop("_skgwae_version", "unknown")
    if version != __version__:
        warnings.warn(
            f"Trying to unpickle estimator {class_name} from skgwae version "
            f"{version} when using version {__version__}. This might lead to breaking "
            "code or invalid results. Use at your own risk.",
            InconsistentVersionWarning,
        )
    stored = state.get("model_")
    if isinstance(stored, dict):
        model = GWAEModel(**stored["config"])
        model.load_state_dict(stored["state_dict"])
        device = torch.device(state["device_"])
        if device.type == "cuda" and not torch.cuda.is_available():
            warnings.warn(
                f"This model was fitted on {state['device_']}, which is not available "
                "here; it is loaded on the CPU.",
                DeviceWarning,
            )
            device = torch.device("cpu")
            state["device_"] = "cpu"
        state["model_"] = model.to(device).eval()
        state["_device"] = device
    return state
