"""The data geometry of a fitted estimator (its ``_geometry``, a
:class:`skgwae._geometry.DataGeometry`) as file parts: its numbers in the JSON document's
``"geometry"``, its arrays as float32 tensors named ``geometry.<attribute>``.

The score of a loaded model needs it: every row is scored against the geometry's reference
rows, and with the geodesic and potential metrics a new row joins the training rows'
neighbour graph.
"""

import numpy as np
import torch

from .._geometry import DataGeometry
from ._checks import check_keys, checked_array, is_int, is_positive_finite, plain

PREFIX = "geometry."
# The attributes of a fitted DataGeometry, by where they are stored.
SCALARS = ("metric", "n_neighbors", "n_reference", "n_train_", "scale_")
ARRAYS = (
    "reference_rows_",
    "landmark_distances_",
    "train_rows_",
    "neighbour_scales_",
    "walk_",
    "reference_potentials_",
)
# The arrays of each metric: every metric has its reference rows; the graph metrics also
# keep the training rows and what a new row needs to join their graph.
METRIC_ARRAYS = {
    "euclidean": ("reference_rows_",),
    "cosine": ("reference_rows_",),
    "geodesic": ("reference_rows_", "landmark_distances_", "train_rows_"),
    "potential": (
        "reference_rows_",
        "train_rows_",
        "neighbour_scales_",
        "walk_",
        "reference_potentials_",
    ),
}
# Rebuilt on first use, never stored.
CACHES = ("_index", "_pair_table", "_potential", "_train_potentials")


def parameter_metrics(estimator):
    """The geometry metrics that the estimator's ``metric`` parameter can give: itself, or
    for ``"auto"`` the estimator's own choice and the Euclidean metric it falls back to."""
    if estimator.metric == "auto":
        return {estimator._auto_metric(), "euclidean"}
    return {estimator.metric}


def geometry_parts(estimator, geometry):
    """``(document entry, tensors)`` of the fitted ``geometry`` of ``estimator``.

    Raises a TypeError for a geometry with attributes this module does not know (it could
    not validate them on loading) and a ValueError when the estimator's parameters no
    longer describe it (its file could not be loaded).
    """
    if type(geometry) is not DataGeometry:
        raise TypeError(
            f"The estimator's _geometry is a {type(geometry).__name__}, which a safe model "
            "file does not store (only skgwae's DataGeometry)."
        )
    state = vars(geometry)
    unknown = sorted(set(state) - set(SCALARS) - set(ARRAYS) - set(CACHES))
    if unknown:
        raise TypeError(
            f"The estimator's geometry has attributes {unknown} that a safe model file does "
            "not store; use pickle for this estimator."
        )
    changed = [
        f"{name} (geometry {state[name]!r}, parameters {getattr(estimator, name)!r})"
        for name, consistent in (
            ("metric", state["metric"] in parameter_metrics(estimator)),
            ("n_neighbors", state["n_neighbors"] == estimator.n_neighbors),
        )
        if not consistent
    ]
    if changed:
        raise ValueError(
            "The estimator's parameters no longer describe its fitted geometry: "
            + ", ".join(changed)
            + ". Set them back or refit before dumping."
        )
    document = {name: plain(state[name], f"geometry {name}") for name in SCALARS}
    tensors = {
        PREFIX + name: torch.from_numpy(np.ascontiguousarray(state[name], dtype=np.float32))
        .clone()
        for name in ARRAYS
        if name in state
    }
    return document, tensors


def decode_geometry(estimator, stored, tensors, n_features):
    """A fitted DataGeometry from the document's geometry entry ``stored`` and the file's
    ``geometry.`` tensors (prefix removed), every part checked against the estimator's
    parameters (already validated) and ``n_features``. Its fit is not called: the
    attributes are set as they were stored."""
    check_keys(stored, "The geometry", SCALARS)
    metric = stored["metric"]
    if metric not in parameter_metrics(estimator):
        raise ValueError(
            f"The geometry has metric {metric!r}, but the parameter metric is "
            f"{estimator.metric!r}."
        )
    n_neighbors = stored["n_neighbors"]
    if not is_int(n_neighbors) or n_neighbors != estimator.n_neighbors:
        raise ValueError(
            f"The geometry has n_neighbors {n_neighbors!r}, but the parameter n_neighbors is "
            f"{estimator.n_neighbors!r}."
        )
    n_reference, n_train = stored["n_reference"], stored["n_train_"]
    for name, value in (("n_reference", n_reference), ("n_train_", n_train)):
        if not is_int(value) or value < 1:
            raise ValueError(f"Invalid geometry {name} {value!r}: expected a positive integer.")
    scale = stored["scale_"]
    if not is_positive_finite(scale):
        raise ValueError(f"Invalid geometry scale_ {scale!r}: expected a positive number.")
    if metric == "euclidean" and scale != 1:
        # The Euclidean distances are never rescaled (the other metrics are rescaled to them).
        raise ValueError(f"Invalid geometry scale_ {scale!r}: the Euclidean metric has 1.")

    expected = METRIC_ARRAYS[metric]
    missing = [PREFIX + name for name in expected if name not in tensors]
    if missing:
        raise ValueError(f"The file lacks the geometry arrays {missing} (metric={metric!r}).")
    extra = sorted(PREFIX + name for name in tensors if name not in expected)
    if extra:
        raise ValueError(f"The file has unexpected geometry arrays {extra} (metric={metric!r}).")
    arrays = {name: checked_array(PREFIX + name, tensors[name], np.float32) for name in expected}

    reference = arrays["reference_rows_"]
    # The reference rows are drawn from the training rows, at most n_reference of them.
    n_rows = min(n_reference, n_train)
    if (
        reference.ndim != 2
        or reference.shape[1] != n_features
        or not 1 <= reference.shape[0] <= n_rows
    ):
        raise ValueError(
            f"The array {PREFIX}reference_rows_ has shape {reference.shape}, expected (R, "
            f"{n_features}) with 1 <= R <= {n_rows} (n_features_in_={n_features}, "
            f"n_reference={n_reference}, n_train_={n_train})."
        )
    if metric == "geodesic":
        shapes = {
            "landmark_distances_": ((n_train, reference.shape[0]), "(n_train_, R)"),
            "train_rows_": ((n_train, n_features), "(n_train_, n_features_in_)"),
        }
        _check_shapes(arrays, shapes)
        if (arrays["landmark_distances_"] < 0).any():
            raise ValueError(f"The array {PREFIX}landmark_distances_ has negative distances.")
    if metric == "potential":
        n_cells = reference.shape[0]
        shapes = {
            "train_rows_": ((n_train, n_features), "(n_train_, n_features_in_)"),
            "neighbour_scales_": ((n_train,), "(n_train_,)"),
            "walk_": ((n_train, n_cells), "(n_train_, R)"),
            "reference_potentials_": ((n_cells, n_cells), "(R, R)"),
        }
        _check_shapes(arrays, shapes)
        if (arrays["neighbour_scales_"] < 0).any():
            raise ValueError(f"The array {PREFIX}neighbour_scales_ has negative distances.")
        walk = arrays["walk_"]
        if (walk < 0).any() or (walk > 1 + 1e-3).any():
            raise ValueError(f"The array {PREFIX}walk_ has values outside [0, 1].")

    geometry = DataGeometry(metric, n_neighbors, n_reference)
    geometry.n_train_ = n_train
    geometry.scale_ = float(scale)
    for name, array in arrays.items():
        setattr(geometry, name, array)
    for cache in CACHES:
        setattr(geometry, cache, None)
    return geometry


def _check_shapes(arrays, shapes):
    """Refuse an array whose shape is not its ``(shape, meaning)`` in ``shapes``."""
    for name, (shape, meaning) in shapes.items():
        if arrays[name].shape != shape:
            raise ValueError(
                f"The array {PREFIX}{name} has shape {arrays[name].shape}, expected "
                f"{shape} {meaning}."
            )
