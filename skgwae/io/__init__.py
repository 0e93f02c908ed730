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
  fitted model holds them, moved to the CPU; a model that scales its rows adds the float64
  ``model_.input_mean``, ``model_.input_scale`` and ``model_.feature_weights``), the
  arrays of the data geometry that the score compares rows with
  (``geometry.reference_rows_``, and with ``metric="geodesic"``
  ``geometry.landmark_distances_`` and ``geometry.train_rows_``, all float32), and the
  fitted numeric arrays of :class:`~skgwae.GWAEClusterer` (``means_``, ``covariances_``,
  ``weights_``, ``labels_``) under their own names, bit for bit.
- The safetensors metadata (``__metadata__``, strings only): one entry, ``"skgwae"``, a
  JSON document with the format version, the estimator class, the constructor parameters
  (``get_params``), the model configuration (the arguments of
  :class:`skgwae.nn.GWAEModel`), the numbers of the data geometry (its metric,
  ``n_neighbors``, number of reference rows, number of training rows and distance scale),
  the other fitted attributes (``n_features_in_``, ``feature_names_in_``, ``history_``,
  ``n_iter_``, ``loss_curve_``, ``validation_scores_``, ``best_validation_score_``,
  ``best_epoch_``, ``kappa_``, ``device_``, the dtype of the fit) and the versions of
  skgwae, torch, scikit-learn, numpy, safetensors and Python that wrote it. Its keys are
  sorted, so a model gives the same bytes at every dump.
- Not the optimiser state (Adam or RMSprop moments), which a pickle keeps with
  ``warm_start=True``: a loaded model that is trained further starts with fresh moments.

A fitted model's file holds training rows, as its pickle does: up to 256 of them (the
reference rows of the score), and with ``metric="geodesic"`` every training row (a new
row's geodesic distances go through its nearest training rows). Do not share a model
file where the training data may not go.

What loading checks
-------------------
Nothing is unpickled: :func:`load` uses only :mod:`json`, safetensors and numpy, and builds
only the two estimator classes above (named in the file, checked against an allow-list).
Every part is validated before the estimator is assembled, and any mismatch raises a
``ValueError`` that names it:

- the file is a safetensors file with skgwae metadata of a known format version;
- the parameters are exactly the class's, JSON values that pass the estimator's own
  parameter validation (tuples such as ``hidden_layer_sizes`` come back from JSON lists);
- the model configuration is the one the parameters and ``n_features_in_`` describe (a
  file without its ``standardized`` and ``weighted`` entries, written before models could
  scale their rows, reads them as False), and every tensor of the state dict has the
  name, shape and dtype of a freshly built model's (no key missing or extra) and finite
  values, the ``input_scale`` positive and the ``feature_weights`` not negative;
- the data geometry has the parameters' ``metric`` and ``n_neighbors``, a positive finite
  scale, and exactly the arrays its metric needs, float32 and finite, of shapes
  ``(R, n_features_in_)`` for the reference rows (``1 <= R <=`` the number of reference
  rows and of training rows it records), ``(n_train, R)`` for the geodesic distances to
  them and ``(n_train, n_features_in_)`` for the training rows;
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
>>> loaded.score(X) == est.score(X)
True
"""

import os

from ._estimator import estimator_from_parts, estimator_parts
from ._format import read_file, write_file

__all__ = ["dump", "dumps", "load", "loads"]


def dumps(estimator):
    """Serialise a GWAE estimator to the bytes of a safetensors file.

    The bytes are those :func:`dump` writes to a file: the weights and the arrays of the
    data geometry as safetensors tensors, everything else as JSON metadata. Use it to
    store a model where a file path does not fit (a database, a network message).

    Parameters
    ----------
    estimator : GWAETransformer or GWAEClusterer
        The estimator, fitted or not. Subclasses and other estimators are refused, since
        :func:`loads` builds only these two classes.

    Returns
    -------
    data : bytes
        The file's content; :func:`loads` reads it back. See the module docstring for what
        it holds (not the optimiser state; training rows, as a pickle does).

    Raises
    ------
    TypeError
        If ``estimator`` is not one of the two classes, or holds a parameter or attribute
        that is not plain data (a ``random_state`` that is a RandomState instance is
        stored as its state).
    ValueError
        If the parameters were changed after fit so that they no longer describe the
        fitted model or its data geometry (such a file could not be loaded): set them
        back or refit.

    See Also
    --------
    loads : Build the estimator back from the bytes.
    dump : Write the same bytes to a file.

    Examples
    --------
    >>> import numpy as np
    >>> from skgwae import GWAETransformer
    >>> from skgwae.io import dumps, loads
    >>> X = np.random.RandomState(0).normal(size=(40, 3))
    >>> est = GWAETransformer(max_iter=2, early_stopping=False, random_state=0).fit(X)
    >>> data = dumps(est)
    >>> type(data)
    <class 'bytes'>
    >>> np.array_equal(loads(data).transform(X), est.transform(X))
    True
    """
    return write_file(*estimator_parts(estimator))


def dump(estimator, file):
    """Write a GWAE estimator to a safetensors file that is safe to load.

    The weights and the arrays of the data geometry are stored as safetensors tensors and
    everything else (class, parameters, fitted attributes, model configuration, versions)
    as JSON in the file's metadata; see the module docstring. The file can be shared:
    :func:`load` never runs code from it. It holds training rows, as a pickle does.

    Parameters
    ----------
    estimator : GWAETransformer or GWAEClusterer
        The estimator, fitted or not.
    file : str, path-like or binary file object
        Where to write: a path (by convention ending in ``.safetensors``; an existing file
        is replaced) or an object with a ``write`` method, opened in binary mode.

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

    Examples
    --------
    >>> import numpy as np
    >>> from io import BytesIO
    >>> from skgwae import GWAETransformer
    >>> from skgwae.io import dump, load
    >>> X = np.random.RandomState(0).normal(size=(40, 3))
    >>> est = GWAETransformer(max_iter=2, early_stopping=False, random_state=0).fit(X)
    >>> file = BytesIO()  # or a path: dump(est, "embedding.safetensors")
    >>> dump(est, file)
    >>> _ = file.seek(0)
    >>> np.array_equal(load(file).transform(X), est.transform(X))
    True
    """
    data = dumps(estimator)
    if hasattr(file, "write"):
        file.write(data)
        return
    with open(os.fspath(file), "wb") as handle:
        handle.write(data)


def loads(data):
    """Build a GWAE estimator from the bytes of a file written by :func:`dumps`.

    As :func:`load`, from bytes: nothing is unpickled, the class must be one of the two
    estimators, and every part is validated before the estimator is assembled.

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
    TypeError
        If ``data`` is not bytes.
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

    See Also
    --------
    dumps : Serialise an estimator to bytes.
    load : Read from a file.

    Examples
    --------
    >>> import numpy as np
    >>> from skgwae import GWAETransformer
    >>> from skgwae.io import dumps, loads
    >>> X = np.random.RandomState(0).normal(size=(40, 3))
    >>> est = GWAETransformer(max_iter=2, early_stopping=False, random_state=0).fit(X)
    >>> loaded = loads(dumps(est))
    >>> loaded.get_params() == est.get_params()
    True
    >>> loaded.score(X) == est.score(X)
    True
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"loads expects bytes, got {type(data).__name__}.")
    return estimator_from_parts(*read_file(bytes(data)))


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

    Examples
    --------
    >>> import numpy as np
    >>> from io import BytesIO
    >>> from skgwae import GWAEClusterer
    >>> from skgwae.io import dump, load
    >>> X = np.random.RandomState(0).normal(size=(40, 3))
    >>> est = GWAEClusterer(n_clusters=2, max_iter=2, early_stopping=False, random_state=0)
    >>> file = BytesIO()  # or a path: "clusterer.safetensors"
    >>> dump(est.fit(X), file)
    >>> _ = file.seek(0)
    >>> loaded = load(file)
    >>> np.array_equal(loaded.predict(X), est.predict(X))
    True
    """
    if hasattr(file, "read"):
        data = file.read()
    else:
        with open(os.fspath(file), "rb") as handle:
            data = handle.read()
    return loads(data)
