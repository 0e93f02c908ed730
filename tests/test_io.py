"""skgwae.io: safetensors model files, their round trips and their refusal of tampered or
foreign files, and that loading never unpickles."""

import doctest
import io as pyio
import json
import pickle
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import safetensors.torch
import torch
from sklearn.decomposition import PCA

import conftest

import skgwae
import skgwae.io
from skgwae import DeviceWarning, GWAEClusterer, GWAETransformer
from skgwae.exceptions import InconsistentVersionWarning

# Every fit here runs to its tiny max_iter.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# conftest's settings, imported rather than through its fixture: the models here are
# fitted once per module, which a function-scoped fixture cannot serve.
FAST_PARAMS = dict(conftest.FAST_PARAMS)
RNG = np.random.RandomState(0)
X_TAB = RNG.normal(size=(40, 5)) @ RNG.normal(size=(5, 5))
COLUMNS = [f"feature {i}" for i in range(5)]
# One feature in other units (standardize="auto" standardises the rows).
X_UNITS = X_TAB * np.array([1.0, 1.0, 1.0, 1.0, 1000.0])
# 8x8 images with values in [0, 1]: the decoder ends in a sigmoid.
X_IMG = RNG.uniform(size=(40, 64)).astype(np.float32)
# Log-normal features (power_transform="auto" reshapes them).
X_SKEWED = np.exp(X_TAB / X_TAB.std(axis=0))

# name -> (estimator, data it is fitted on and evaluated with)
MODELS = {
    # The Euclidean metric named: "auto" gives the transformer the geodesic one.
    "transformer": (lambda: GWAETransformer(**FAST_PARAMS, metric="euclidean"), X_TAB),
    "transformer-dataframe": (
        lambda: GWAETransformer(**FAST_PARAMS, prior="neural"),
        pd.DataFrame(X_TAB, columns=COLUMNS),
    ),
    "transformer-critic": (
        lambda: GWAETransformer(**{**FAST_PARAMS, "max_iter": 2}, coupling="critic", n_critic=1),
        X_TAB,
    ),
    "transformer-images": (
        lambda: GWAETransformer(**{**FAST_PARAMS, "max_iter": 2}, image_shape=(8, 8)),
        X_IMG,
    ),
    # The rows as given (the file's reference rows are X's rows); the standardised one
    # below weights its features.
    "clusterer": (
        lambda: GWAEClusterer(n_clusters=3, **FAST_PARAMS, weight_features=False),
        X_TAB,
    ),
    # A standardised model: its mean and scale are weights of the model.
    "clusterer-standardised": (lambda: GWAEClusterer(n_clusters=3, **FAST_PARAMS), X_UNITS),
    # Skewed features reshaped: the shapes are weights of the model too.
    "clusterer-reshaped": (lambda: GWAEClusterer(n_clusters=3, **FAST_PARAMS), X_SKEWED),
    "clusterer-dataframe-critic": (
        lambda: GWAEClusterer(
            n_clusters=3, **{**FAST_PARAMS, "max_iter": 2}, coupling="critic", n_critic=1
        ),
        pd.DataFrame(X_TAB.astype(np.float32), columns=COLUMNS),
    ),
    # The data geometries other than the Euclidean one: their arrays and scale are stored.
    "transformer-cosine": (
        lambda: GWAETransformer(**FAST_PARAMS, metric="cosine", n_jobs=1),
        X_TAB,
    ),
    "transformer-geodesic": (
        lambda: GWAETransformer(**FAST_PARAMS, metric="geodesic", n_neighbors=4),
        X_TAB,
    ),
    "transformer-potential": (
        lambda: GWAETransformer(**FAST_PARAMS, metric="potential", n_neighbors=4),
        X_TAB,
    ),
    "clusterer-geodesic": (
        lambda: GWAEClusterer(
            n_clusters=3, **{**FAST_PARAMS, "max_iter": 2}, metric="geodesic", n_neighbors=6
        ),
        X_TAB.astype(np.float32),
    ),
}
# One model per metric.
METRIC_MODELS = {
    "euclidean": "transformer",
    "cosine": "transformer-cosine",
    "geodesic": "transformer-geodesic",
    "potential": "transformer-potential",
}


@pytest.fixture(scope="module")
def fitted_models():
    """Each model of MODELS fitted once for the module (tests must not change them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {name: (make().fit(X), X) for name, (make, X) in MODELS.items()}


@pytest.fixture
def transformer(fitted_models):
    return fitted_models["transformer"][0]


@pytest.fixture
def clusterer(fitted_models):
    return fitted_models["clusterer"][0]


def read_document(data):
    """The skgwae JSON document and the tensors of a model file's bytes."""
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + n])
    return json.loads(header["__metadata__"]["skgwae"]), safetensors.torch.load(data)


def rewrite(data, edit):
    """The model file ``data`` after ``edit(document, tensors)`` changed them in place."""
    document, tensors = read_document(data)
    edit(document, tensors)
    return safetensors.torch.save(tensors, metadata={"skgwae": json.dumps(document)})


def outputs(est, X):
    """Everything a fitted estimator computes from X, as a dict of arrays and numbers."""
    Z = est.transform(X)
    out = {
        "transform": np.asarray(Z),
        "inverse_transform": est.inverse_transform(np.asarray(Z)),
        "score": est.score(X),
        "score_samples": est.score_samples(X),
    }
    if isinstance(est, GWAEClusterer):
        out["predict_proba"] = est.predict_proba(X)
        out["predict"] = est.predict(X)
        out["sample"], out["sample_labels"] = est.sample(7, random_state=3)
    else:
        out["sample"] = est.sample(7, random_state=3)
    return out


def assert_same_model(loaded, est, X):
    """``loaded`` is ``est``: same class, parameters, fitted attributes, weights and (to the
    bit) outputs on X."""
    assert type(loaded) is type(est)
    assert loaded.get_params() == est.get_params()
    expected, got = outputs(est, X), outputs(loaded, X)
    for key, value in expected.items():
        assert np.asarray(got[key]).dtype == np.asarray(value).dtype, key
        np.testing.assert_array_equal(got[key], value, err_msg=key, strict=True)
    for name in [
        "n_features_in_",
        "n_iter_",
        "history_",
        "loss_curve_",
        "validation_scores_",
        "best_validation_score_",
        "best_epoch_",
        "kappa_",
        "device_",
        "_fit_dtype",
    ]:
        assert getattr(loaded, name) == getattr(est, name), name
    assert type(loaded.history_) is type(est.history_)
    if hasattr(est, "feature_names_in_"):
        np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)
        assert loaded.feature_names_in_.dtype == object
    else:
        assert not hasattr(loaded, "feature_names_in_")
    if isinstance(est, GWAEClusterer):
        for name in ["means_", "covariances_", "weights_", "labels_"]:
            np.testing.assert_array_equal(getattr(loaded, name), getattr(est, name), strict=True)
    state, loaded_state = est.model_.state_dict(), loaded.model_.state_dict()
    assert list(loaded_state) == list(state)
    for key in state:
        assert torch.equal(loaded_state[key], state[key]), key
    assert not loaded.model_.training
    assert loaded._device == est._device
    assert_same_geometry(loaded._geometry, est._geometry)


def assert_same_geometry(loaded, geometry):
    """The two DataGeometry objects hold the same fitted attributes, bit for bit, beside
    their caches (the neighbour index, the table of training pairs, the walk's object and
    the training rows' potentials)."""
    assert type(loaded) is type(geometry)
    caches = {"_index", "_pair_table", "_potential", "_train_potentials"}
    fitted = {k for k in vars(geometry) if k not in caches}
    assert {k for k in vars(loaded) if k not in caches} == fitted
    for name in fitted:
        value = getattr(geometry, name)
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(loaded, name), value, strict=True)
        else:
            assert getattr(loaded, name) == value and type(getattr(loaded, name)) is type(value)


# ---------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", list(MODELS))
def test_round_trip_through_a_path(name, fitted_models, tmp_path):
    est, X = fitted_models[name]
    path = tmp_path / "model.safetensors"
    assert skgwae.io.dump(est, path) is None
    # A safetensors reader that knows nothing of skgwae sees the weights.
    with safetensors.safe_open(str(path), "pt") as handle:
        assert "model_.log_kappa" in handle.keys()
        assert set(handle.metadata()) == {"skgwae"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no version or device warning
        loaded = skgwae.io.load(str(path))
    assert_same_model(loaded, est, X)


@pytest.mark.parametrize("name", ["transformer", "clusterer-dataframe-critic"])
def test_round_trip_through_file_objects_and_bytes(name, fitted_models):
    est, X = fitted_models[name]
    buffer = pyio.BytesIO(b"prefix")
    buffer.seek(6)
    skgwae.io.dump(est, buffer)
    buffer.seek(6)  # read from the current position
    assert_same_model(skgwae.io.load(buffer), est, X)
    assert buffer.getvalue()[6:] == skgwae.io.dumps(est)
    assert_same_model(skgwae.io.loads(bytearray(skgwae.io.dumps(est))), est, X)


def test_round_trip_keeps_set_output_and_a_random_state_instance():
    est = GWAETransformer(**{**FAST_PARAMS, "random_state": np.random.RandomState(5)})
    est.set_output(transform="pandas").fit(pd.DataFrame(X_TAB, columns=COLUMNS))
    loaded = skgwae.io.loads(skgwae.io.dumps(est))
    frame = loaded.transform(pd.DataFrame(X_TAB, columns=COLUMNS))
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["gwaetransformer0", "gwaetransformer1"]
    stored, original = loaded.random_state.get_state(), est.random_state.get_state()
    np.testing.assert_array_equal(stored[1], original[1])
    assert stored[0] == original[0] and stored[2:] == original[2:]


@pytest.mark.parametrize("cls", [GWAETransformer, GWAEClusterer])
def test_unfitted_round_trip(cls):
    est = cls(n_components=3, hidden_layer_sizes=[8, 4], image_shape=(2, 2), max_iter=7)
    loaded = skgwae.io.loads(skgwae.io.dumps(est))
    assert type(loaded) is cls
    assert not hasattr(loaded, "model_")
    params = loaded.get_params()
    # JSON has no tuples: the sequence parameters come back as tuples.
    assert params["hidden_layer_sizes"] == (8, 4) and params["image_shape"] == (2, 2)
    assert params == {**est.get_params(), "hidden_layer_sizes": (8, 4)}


def test_loaded_models_still_pickle_and_train(fitted_models):
    est, X = fitted_models["clusterer"]
    loaded = skgwae.io.loads(skgwae.io.dumps(est))
    for restored in (pickle.loads(pickle.dumps(loaded)), joblib.load(_joblib_bytes(loaded))):
        np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    # No optimiser state in the file: partial_fit continues with fresh moments.
    loaded.partial_fit(X)
    assert loaded.n_iter_ == est.n_iter_ + 1


def _joblib_bytes(est):
    buffer = pyio.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    return buffer


def test_load_leaves_the_global_torch_rng_alone(transformer):
    data = skgwae.io.dumps(transformer)
    before = torch.get_rng_state()
    skgwae.io.loads(data)
    assert torch.equal(torch.get_rng_state(), before)


def test_module_docstring_example():
    failures, tried = doctest.testmod(skgwae.io, raise_on_error=False, verbose=False)[:2]
    assert tried > 0 and failures == 0


def test_same_model_same_bytes(fitted_models):
    est = fitted_models["clusterer-dataframe-critic"][0]
    data = skgwae.io.dumps(est)
    assert skgwae.io.dumps(est) == data
    assert skgwae.io.dumps(skgwae.io.loads(data)) == data


def test_file_layout_and_plain_metadata(clusterer):
    document, tensors = read_document(skgwae.io.dumps(clusterer))
    assert document["class"] == "skgwae.GWAEClusterer"
    assert document["versions"]["skgwae"] == skgwae.__version__
    assert document["model_config"]["prior"] == "gmm"
    assert document["attributes"]["_fit_dtype"] == "float64"
    assert document["geometry"] == {
        "metric": "euclidean",
        "n_neighbors": 5,
        "n_reference": 256,
        "n_train_": 36,  # 40 rows less the validation split
        "scale_": 1.0,
    }
    assert set(tensors) - {k for k in tensors if k.startswith("model_.")} == {
        "means_",
        "covariances_",
        "weights_",
        "labels_",
        "geometry.reference_rows_",
    }
    assert tensors["means_"].dtype == torch.float64 and tensors["labels_"].dtype == torch.int64
    # The only data rows in the file: the score's reference rows, every training row here
    # (fewer than 256), as float32.
    reference = tensors["geometry.reference_rows_"]
    assert reference.dtype == torch.float32 and reference.shape == (36, 5)
    training_rows = {tuple(row) for row in X_TAB.astype(np.float32)}
    assert all(tuple(row) in training_rows for row in reference.numpy())


def test_geodesic_file_holds_the_training_rows(fitted_models):
    est, X = fitted_models["transformer-geodesic"]
    document, tensors = read_document(skgwae.io.dumps(est))
    geometry = document["geometry"]
    assert geometry["metric"] == "geodesic" and geometry["n_neighbors"] == 4
    assert geometry["scale_"] == est._geometry.scale_ != 1.0
    n_train, R = geometry["n_train_"], tensors["geometry.reference_rows_"].shape[0]
    assert tensors["geometry.landmark_distances_"].shape == (n_train, R)
    assert tensors["geometry.train_rows_"].shape == (n_train, X.shape[1])
    for name in ("reference_rows_", "landmark_distances_", "train_rows_"):
        assert tensors[f"geometry.{name}"].dtype == torch.float32


@pytest.mark.parametrize("metric", list(METRIC_MODELS))
def test_round_trip_scores_single_rows_as_the_whole_set(metric, fitted_models):
    est, X = fitted_models[METRIC_MODELS[metric]]
    loaded = skgwae.io.loads(skgwae.io.dumps(est))
    assert loaded.metric == metric and loaded._geometry.metric == metric
    together = loaded.score_samples(X)
    np.testing.assert_array_equal(together, est.score_samples(X), strict=True)
    assert loaded.score(X) == est.score(X)
    alone = np.array([loaded.score_samples(X[i : i + 1])[0] for i in range(len(X))])
    np.testing.assert_allclose(alone, together, rtol=1e-5, atol=1e-5)
    # ... and exactly as the original model scores each row alone.
    np.testing.assert_array_equal(
        alone, [est.score_samples(X[i : i + 1])[0] for i in range(len(X))], strict=True
    )


def test_new_parameters_round_trip():
    est = GWAETransformer(metric="geodesic", n_neighbors=7, n_jobs=-1)
    loaded = skgwae.io.loads(skgwae.io.dumps(est))
    params = loaded.get_params()
    assert (params["metric"], params["n_neighbors"], params["n_jobs"]) == ("geodesic", 7, -1)


def test_loaded_cosine_model_continues_training_in_its_geometry(fitted_models):
    est, X = fitted_models["transformer-cosine"]
    loaded = skgwae.io.loads(skgwae.io.dumps(est))
    geometry = loaded._geometry
    loaded.partial_fit(X)  # partial_fit keeps the fitted geometry
    assert loaded._geometry is geometry and loaded.n_iter_ == est.n_iter_ + 1
    assert np.isfinite(loaded.score(X))


def test_public_names():
    from skgwae import io
    from skgwae.io import dump, dumps, load, loads

    assert (dump, dumps, load, loads) == (io.dump, io.dumps, io.load, io.loads)
    assert sorted(io.__all__) == ["dump", "dumps", "load", "loads"]


# ---------------------------------------------------------------------- what dump refuses


def test_dump_refuses_other_estimators():
    class MyTransformer(GWAETransformer):
        pass

    for est in (PCA(), MyTransformer()):
        with pytest.raises(TypeError, match="only GWAETransformer and GWAEClusterer"):
            skgwae.io.dumps(est)


def test_dump_refuses_parameters_changed_after_fit(transformer):
    est = pickle.loads(pickle.dumps(transformer)).set_params(n_components=3)
    with pytest.raises(ValueError, match="n_components"):
        skgwae.io.dumps(est)


def test_dump_refuses_attributes_it_cannot_store(transformer):
    est = pickle.loads(pickle.dumps(transformer))
    est.my_notes = "fitted on Tuesday"
    with pytest.raises(TypeError, match="my_notes"):
        skgwae.io.dumps(est)
    est = pickle.loads(pickle.dumps(transformer))
    est._geometry.my_notes = "fitted on Tuesday"
    with pytest.raises(TypeError, match=r"geometry has attributes \['my_notes'\]"):
        skgwae.io.dumps(est)


@pytest.mark.parametrize(
    "name, value", [("metric", "cosine"), ("metric", "geodesic"), ("n_neighbors", 3)]
)
def test_dump_refuses_geometry_parameters_changed_after_fit(transformer, name, value):
    est = pickle.loads(pickle.dumps(transformer)).set_params(**{name: value})
    with pytest.raises(ValueError, match=f"no longer describe its fitted geometry: {name}"):
        skgwae.io.dumps(est)


def test_dump_refuses_a_fitted_model_without_its_geometry(transformer):
    est = pickle.loads(pickle.dumps(transformer))
    del est._geometry
    with pytest.raises(ValueError, match="no data geometry"):
        skgwae.io.dumps(est)


# ---------------------------------------------------------------------- what load refuses


@pytest.mark.parametrize(
    "class_name",
    ["sklearn.decomposition.PCA", "os.system", "builtins.eval", "GWAETransformer", None, 3],
)
def test_load_refuses_classes_outside_the_allow_list(transformer, class_name):
    data = rewrite(skgwae.io.dumps(transformer), lambda d, t: d.update({"class": class_name}))
    with pytest.raises(ValueError, match="only .* can be loaded"):
        skgwae.io.loads(data)


def test_load_refuses_a_transformer_file_relabelled_as_clusterer(transformer):
    data = rewrite(
        skgwae.io.dumps(transformer), lambda d, t: d.update({"class": "skgwae.GWAEClusterer"})
    )
    with pytest.raises(ValueError, match="parameters of GWAEClusterer"):
        skgwae.io.loads(data)


def _pickle_file(tmp_path, transformer):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(transformer))
    return path


@pytest.mark.parametrize(
    "content, match",
    [
        (b"", "fewer than 8 bytes"),
        (b"\x00" * 7, "fewer than 8 bytes"),
        (b"hello world, no model here", "length of a header"),
        (b"\x04\x00\x00\x00\x00\x00\x00\x00\xff\xfe\x00\x00", "not JSON"),
        (b"\x02\x00\x00\x00\x00\x00\x00\x00[]", "no 'skgwae' entry"),
        (safetensors.torch.save({"w": torch.zeros(2)}), "no 'skgwae' entry"),
        (
            safetensors.torch.save({}, metadata={"skgwae": "{not json"}),
            "'skgwae' metadata of the file is not JSON",
        ),
        (safetensors.torch.save({}, metadata={"skgwae": "[1, 2]"}), "not a JSON object"),
    ],
)
def test_load_refuses_files_that_are_not_skgwae_safetensors(content, match):
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(content)


def test_load_refuses_tensors_this_torch_cannot_read():
    # 4-bit floats: the safetensors format has them, torch (as of 2.13) does not.
    entry = {"dtype": "F4", "shape": [2], "data_offsets": [0, 1]}
    header = json.dumps({"__metadata__": {"skgwae": "{}"}, "x": entry}).encode()
    with pytest.raises(ValueError):
        skgwae.io.loads(len(header).to_bytes(8, "little") + header + b"\x00")


def test_load_refuses_a_pickle_and_a_truncated_file(transformer, tmp_path):
    with pytest.raises(ValueError, match="Not a safetensors file"):
        skgwae.io.load(_pickle_file(tmp_path, transformer))
    data = skgwae.io.dumps(transformer)
    with pytest.raises(ValueError, match="Not a valid safetensors file"):
        skgwae.io.loads(data[:-4])
    with pytest.raises(TypeError, match="bytes"):
        skgwae.io.loads(str(tmp_path))


def _set_format_version(version):
    return lambda d, t: d.update({"format_version": version})


@pytest.mark.parametrize(
    "edit, match",
    [
        (_set_format_version(99), "newer than this skgwae"),
        (_set_format_version("1"), "Invalid format_version"),
        (lambda d, t: d.pop("parameters"), "missing keys \\['parameters'\\]"),
        (lambda d, t: d.update({"payload": "x"}), "unexpected keys \\['payload'\\]"),
        (lambda d, t: d["parameters"].pop("n_components"), "missing keys \\['n_components'\\]"),
        (lambda d, t: d["parameters"].update({"evil": 1}), "unexpected keys \\['evil'\\]"),
        (lambda d, t: d["attributes"].pop("kappa_"), "lacks the fitted attributes \\['kappa_'\\]"),
        (lambda d, t: d["attributes"].update({"__class__": "x"}), "unexpected attributes"),
        (lambda d, t: d["model_config"].pop("prior"), "missing keys \\['prior'\\]"),
        (lambda d, t: d["model_config"].update({"evil": 1}), "unexpected keys \\['evil'\\]"),
        (lambda d, t: d.pop("model_config"), "no model_config"),
        (lambda d, t: d["versions"].pop("skgwae"), "no skgwae version"),
        (
            lambda d, t: t.pop("model_.encoder.net.0.bias"),
            "missing \\['model_.encoder.net.0.bias'\\]",
        ),
        (
            lambda d, t: t.update({"model_.encoder.extra": torch.zeros(3)}),
            "unexpected \\['model_.encoder.extra'\\]",
        ),
        (lambda d, t: t.update({"payload": torch.zeros(3)}), "unexpected tensors: \\['payload'\\]"),
    ],
)
def test_load_refuses_missing_or_extra_keys(transformer, edit, match):
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(rewrite(skgwae.io.dumps(transformer), edit))


def _set(section, name, value):
    return lambda d, t: d[section].update({name: value})


@pytest.mark.parametrize(
    "name, value, match",
    [
        ("n_components", -1, "n_components"),
        ("n_components", 2.5, "n_components"),
        ("coupling", "evil", "coupling"),
        ("learning_rate", "0.001", "learning_rate"),
        ("early_stopping", "yes", "early_stopping"),
        ("random_state", {"seed": 1}, "random_state"),
        ("device", ["cpu"], "device"),
        # Pass the estimator's own constraints but not its model checks.
        ("hidden_layer_sizes", [0], "hidden_layer_sizes"),
        ("hidden_layer_sizes", [16, 16], "hidden_layer_sizes"),
        ("prior", "neural", "prior"),
        ("prior_params", {"n_codes": 4}, "prior_params"),
        ("image_shape", [5, 1], "image_shape"),
        ("metric", "manhattan", "metric"),
        ("n_neighbors", 0, "n_neighbors"),
        ("n_neighbors", 2.0, "n_neighbors"),
        ("n_jobs", "2", "n_jobs"),
        ("n_jobs", 1.5, "n_jobs"),
    ],
)
def test_load_refuses_invalid_parameters(transformer, name, value, match):
    data = rewrite(skgwae.io.dumps(transformer), _set("parameters", name, value))
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(data)


@pytest.mark.parametrize(
    "name, value, match",
    [
        ("n_features_in_", 6, "n_features_in_"),
        ("n_features_in_", True, "n_features_in_"),
        ("feature_names_in_", ["a", "b"], "feature_names_in_"),
        ("feature_names_in_", [1, 2, 3, 4, 5], "feature_names_in_"),
        ("device_", "meta", "device_"),
        ("device_", "cuda:x", "device_"),
        ("history_", [{"loss": "nan"}], "history_"),
        ("n_iter_", 99, "n_iter_"),
        ("loss_curve_", [1.0], "loss_curve_"),
        ("validation_scores_", "none", "validation_scores_"),
        ("best_epoch_", 0, "best_epoch_"),
        ("kappa_", -1.0, "kappa_"),
        ("kappa_", 10**400, "kappa_"),
        ("_n_features_out", 3, "_n_features_out"),
        ("_fit_dtype", "object", "_fit_dtype"),
        ("_sklearn_output_config", {"transform": "evil"}, "_sklearn_output_config"),
    ],
)
def test_load_refuses_invalid_attributes(fitted_models, name, value, match):
    est = fitted_models["transformer-dataframe"][0]
    data = rewrite(skgwae.io.dumps(est), _set("attributes", name, value))
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(data)


@pytest.mark.parametrize(
    "name, value, match",
    [
        ("n_components", 3, "n_components \\(3, expected 2\\)"),
        ("output", "sigmoid", "output"),
        ("output", "evil", "output"),
        ("kappa_init", 0.0, "kappa_init"),
        ("n_features", 6, "n_features=6, but n_features_in_ is 5"),
        ("n_features", "5", "n_features"),
    ],
)
def test_load_refuses_a_model_config_the_parameters_do_not_describe(
    transformer, name, value, match
):
    data = rewrite(skgwae.io.dumps(transformer), _set("model_config", name, value))
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(data)


def _edit_tensor(key, change):
    return lambda d, t: t.update({key: change(t[key])})


@pytest.mark.parametrize(
    "edit, match",
    [
        (_edit_tensor("model_.encoder.net.0.weight", lambda w: w.T.contiguous()), "shape"),
        (_edit_tensor("model_.encoder.net.0.weight", lambda w: w[:-1].clone()), "shape"),
        (_edit_tensor("model_.encoder.net.0.weight", lambda w: w.double()), "dtype"),
        (_edit_tensor("model_.encoder.net.0.weight", lambda w: w.bfloat16()), "dtype"),
        (_edit_tensor("model_.log_kappa", lambda w: w.reshape(1)), "model_.log_kappa"),
        (_edit_tensor("model_.decoder.net.0.bias", lambda w: w * np.nan), "non-finite"),
        (_edit_tensor("model_.decoder.net.0.bias", lambda w: w + np.inf), "non-finite"),
    ],
)
def test_load_refuses_weights_of_wrong_shape_dtype_or_value(transformer, edit, match):
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(rewrite(skgwae.io.dumps(transformer), edit))


def test_standardised_model_files(fitted_models):
    """A standardised model stores its mean and scale (float64 weights, the scale
    positive); a file whose standardisation an explicit ``standardize`` contradicts is
    refused; a file written before the entries existed (no ``standardized`` or
    ``weighted``) loads."""
    est, X = fitted_models["clusterer-standardised"]
    assert est.standardize_
    data = skgwae.io.dumps(est)
    document, tensors = read_document(data)
    assert document["model_config"]["standardized"] is True
    assert tensors["model_.input_scale"].dtype == torch.float64
    assert skgwae.io.loads(data).standardize_
    with pytest.raises(ValueError, match="model_.input_scale must be positive"):
        skgwae.io.loads(rewrite(data, _edit_tensor("model_.input_scale", lambda a: a * 0.0)))
    with pytest.raises(ValueError, match="standardized \\(True, expected False\\)"):
        skgwae.io.loads(rewrite(data, _set("parameters", "standardize", False)))
    with pytest.raises(ValueError, match="Invalid model_config standardized"):
        skgwae.io.loads(rewrite(data, _set("model_config", "standardized", "yes")))

    plain = fitted_models["transformer"][0]
    older = rewrite(
        skgwae.io.dumps(plain),
        lambda d, t: [d["model_config"].pop(name) for name in ("standardized", "weighted")],
    )
    assert_same_model(skgwae.io.loads(older), plain, fitted_models["transformer"][1])


@pytest.mark.parametrize(
    "edit, match",
    [
        (_edit_tensor("means_", lambda a: a[:, :1].clone()), "means_ has shape"),
        (_edit_tensor("means_", lambda a: a.float()), "means_ has dtype float32"),
        (_edit_tensor("covariances_", lambda a: a[:2].clone()), "covariances_ has shape"),
        (_edit_tensor("weights_", lambda a: a.reshape(1, -1)), "weights_ has shape"),
        (_edit_tensor("weights_", lambda a: a * np.nan), "weights_ has non-finite"),
        (_edit_tensor("labels_", lambda a: a.double()), "labels_ has dtype float64"),
        (_edit_tensor("labels_", lambda a: a.bfloat16()), "labels_ has dtype bfloat16"),
        (_edit_tensor("labels_", lambda a: a + 3), "labels_ must be"),
        (_edit_tensor("labels_", lambda a: a.reshape(-1, 1)), "labels_ must be"),
        (lambda d, t: t.pop("labels_"), "lacks the fitted array 'labels_'"),
        (_edit_tensor("model_.prior.means", lambda a: a[:2].clone()), "model_.prior.means"),
    ],
)
def test_load_refuses_clusterer_arrays_of_wrong_shape_or_dtype(clusterer, edit, match):
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(rewrite(skgwae.io.dumps(clusterer), edit))


@pytest.mark.parametrize(
    "name, value, match",
    [
        ("metric", "cosine", "geometry has metric 'cosine', but the parameter metric is 'eucl"),
        ("metric", 3, "geometry has metric 3"),
        ("n_neighbors", 6, "geometry has n_neighbors 6, but the parameter n_neighbors is 5"),
        ("n_neighbors", 5.0, "geometry has n_neighbors 5.0"),
        ("n_reference", 0, "geometry n_reference 0"),
        ("n_reference", True, "geometry n_reference True"),
        ("n_train_", None, "geometry n_train_ None"),
        ("scale_", 0.0, "scale_ 0.0"),
        ("scale_", 10**400, "scale_"),
        ("scale_", "1.0", "scale_ '1.0'"),
        ("scale_", 2.0, "the Euclidean metric has 1"),
        # Consistent numbers, but fewer reference rows than the file holds (36).
        ("n_reference", 10, r"rows_ has shape \(36, 5\), expected \(R, 5\) with 1 <= R <= 10"),
        ("n_train_", 20, "reference_rows_ has shape .* 1 <= R <= 20"),
    ],
)
def test_load_refuses_invalid_geometry_numbers(transformer, name, value, match):
    data = rewrite(skgwae.io.dumps(transformer), _set("geometry", name, value))
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(data)


@pytest.mark.parametrize(
    "model, metric",
    [
        ("transformer", "cosine"),
        ("transformer-geodesic", "euclidean"),
        ("clusterer-geodesic", "cosine"),
    ],
)
def test_load_refuses_a_geometry_whose_metric_is_not_the_parameter(model, metric, fitted_models):
    est = fitted_models[model][0]
    data = rewrite(skgwae.io.dumps(est), _set("parameters", "metric", metric))
    match = f"geometry has metric '{est.metric}', but the parameter metric is '{metric}'"
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(data)


def test_round_trip_keeps_metric_auto_and_the_metric_it_gave(fitted_models):
    est = fitted_models["transformer-dataframe"][0]
    assert est.metric == "auto" and est.metric_ == "geodesic"
    loaded = skgwae.io.loads(skgwae.io.dumps(est))
    assert loaded.metric == "auto" and loaded.metric_ == "geodesic"
    clusterer = fitted_models["clusterer"][0]
    assert clusterer.metric == "auto" and clusterer.metric_ == "euclidean"
    assert skgwae.io.loads(skgwae.io.dumps(clusterer)).metric_ == "euclidean"


def test_load_refuses_a_geometry_that_metric_auto_cannot_give(fitted_models):
    # "auto" gives the clusterer the Euclidean metric only.
    clusterer = fitted_models["clusterer"][0]
    data = rewrite(skgwae.io.dumps(clusterer), _set("geometry", "metric", "geodesic"))
    match = "geometry has metric 'geodesic', but the parameter metric is 'auto'"
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(data)


def _edit_geometry(name, change):
    return _edit_tensor(f"geometry.{name}", change)


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda d, t: t.pop("geometry.train_rows_"), r"lacks .* \['geometry.train_rows_'\]"),
        (
            lambda d, t: t.pop("geometry.landmark_distances_"),
            r"lacks the geometry arrays \['geometry.landmark_distances_'\] \(metric='geodesic'\)",
        ),
        (_edit_geometry("reference_rows_", lambda a: a[:, :-1].clone()), "rows_ has shape"),
        (_edit_geometry("reference_rows_", lambda a: a[:0].clone()), "reference_rows_ has shape"),
        (_edit_geometry("reference_rows_", lambda a: a.reshape(-1)), "reference_rows_ has shape"),
        (
            _edit_geometry("landmark_distances_", lambda a: a[:, :-1].clone()),
            r"landmark_distances_ has shape \(36, 35\), expected \(36, 36\)",
        ),
        (_edit_geometry("landmark_distances_", lambda a: a[:-1].clone()), "distances_ has shape"),
        (_edit_geometry("train_rows_", lambda a: a[:-1].clone()), r"rows_ has shape \(35, 5\)"),
        (_edit_geometry("train_rows_", lambda a: a[:, :-1].clone()), "train_rows_ has shape"),
        (_edit_geometry("train_rows_", lambda a: a.double()), "train_rows_ has dtype float64"),
        (_edit_geometry("reference_rows_", lambda a: a.half()), "rows_ has dtype float16"),
        (_edit_geometry("train_rows_", lambda a: a * np.nan), "train_rows_ has non-finite"),
        (_edit_geometry("reference_rows_", lambda a: a + np.inf), "rows_ has non-finite"),
        (_edit_geometry("landmark_distances_", lambda a: -a), "negative distances"),
        (
            lambda d, t: t.update({"geometry.evil": torch.zeros(3)}),
            r"unexpected geometry arrays \['geometry.evil'\]",
        ),
        (lambda d, t: d["geometry"].pop("scale_"), r"missing keys \['scale_'\]"),
        (lambda d, t: d["geometry"].update({"evil": 1}), r"unexpected keys \['evil'\]"),
        (lambda d, t: d.pop("geometry"), "no geometry"),
    ],
)
def test_load_refuses_geodesic_geometry_arrays_of_wrong_shape_dtype_or_value(
    fitted_models, edit, match
):
    est = fitted_models["transformer-geodesic"][0]
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(rewrite(skgwae.io.dumps(est), edit))


def test_potential_file_holds_the_rows_walk(fitted_models):
    est, X = fitted_models["transformer-potential"]
    document, tensors = read_document(skgwae.io.dumps(est))
    geometry = document["geometry"]
    assert geometry["metric"] == "potential" and geometry["n_neighbors"] == 4
    n_train, R = geometry["n_train_"], tensors["geometry.reference_rows_"].shape[0]
    shapes = {
        "train_rows_": (n_train, X.shape[1]),
        "neighbour_scales_": (n_train,),
        "walk_": (n_train, R),
        "reference_potentials_": (R, R),
    }
    for name, shape in shapes.items():
        assert tensors[f"geometry.{name}"].shape == shape
        assert tensors[f"geometry.{name}"].dtype == torch.float32
    assert "geometry.landmark_distances_" not in tensors


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda d, t: t.pop("geometry.walk_"), r"lacks the geometry arrays \['geometry.walk_'\]"),
        (_edit_geometry("walk_", lambda a: a[:, :-1].clone()), r"walk_ has shape \(36, 35\)"),
        (_edit_geometry("walk_", lambda a: a - 1), r"walk_ has values outside \[0, 1\]"),
        (_edit_geometry("neighbour_scales_", lambda a: -a), "negative distances"),
        (_edit_geometry("neighbour_scales_", lambda a: a[:-1].clone()), "scales_ has shape"),
        (
            _edit_geometry("reference_potentials_", lambda a: a[:-1].clone()),
            r"expected \(36, 36\)",
        ),
        (_edit_geometry("train_rows_", lambda a: a[:-1].clone()), r"rows_ has shape \(35, 5\)"),
        (
            lambda d, t: t.update({"geometry.landmark_distances_": torch.zeros(36, 36)}),
            r"unexpected geometry arrays \['geometry.landmark_distances_'\]",
        ),
    ],
)
def test_load_refuses_potential_geometry_arrays_of_wrong_shape_or_value(
    fitted_models, edit, match
):
    est = fitted_models["transformer-potential"][0]
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(rewrite(skgwae.io.dumps(est), edit))


def test_load_refuses_geodesic_arrays_without_the_geodesic_metric(transformer, fitted_models):
    _, geodesic = read_document(skgwae.io.dumps(fitted_models["transformer-geodesic"][0]))
    data = rewrite(
        skgwae.io.dumps(transformer),
        lambda d, t: t.update({"geometry.train_rows_": geodesic["geometry.train_rows_"]}),
    )
    match = r"unexpected geometry arrays \['geometry.train_rows_'\] \(metric='euclidean'\)"
    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(data)
    data = rewrite(skgwae.io.dumps(transformer), lambda d, t: t.pop("geometry.reference_rows_"))
    with pytest.raises(ValueError, match=r"lacks the geometry arrays \['geometry.reference_rows"):
        skgwae.io.loads(data)


def test_load_refuses_a_clusterer_whose_n_clusters_was_changed(clusterer):
    data = rewrite(skgwae.io.dumps(clusterer), _set("parameters", "n_clusters", 4))
    with pytest.raises(ValueError, match="prior_params"):
        skgwae.io.loads(data)


@pytest.mark.parametrize("size, match", [(10**30, "torch can build"), (10**12, "shape")])
def test_load_refuses_a_model_config_larger_than_its_weights(transformer, size, match):
    """Sizes consistent between parameters, configuration and attributes but not with the
    stored weights are refused before any memory of that size is taken."""

    def enlarge(document, tensors):
        document["parameters"]["n_components"] = size
        document["model_config"]["n_components"] = size
        document["attributes"]["_n_features_out"] = size

    with pytest.raises(ValueError, match=match):
        skgwae.io.loads(rewrite(skgwae.io.dumps(transformer), enlarge))


def test_load_refuses_fitted_parts_in_an_unfitted_file(transformer):
    unfitted = skgwae.io.dumps(GWAETransformer(**FAST_PARAMS))
    document, tensors = read_document(skgwae.io.dumps(transformer))
    data = rewrite(unfitted, lambda d, t: t.update(tensors))
    with pytest.raises(ValueError, match="no model_config"):
        skgwae.io.loads(data)
    data = rewrite(unfitted, lambda d, t: d.update({"geometry": document["geometry"]}))
    with pytest.raises(ValueError, match=r"\['geometry'\]\) but no model_config"):
        skgwae.io.loads(data)


# ---------------------------------------------------------------------- no code runs


@pytest.fixture
def no_unpickling(monkeypatch):
    """Make every way to unpickle raise, and record the unpickler's global lookups (the
    ``pickle.find_class`` audit event) while the test runs."""

    def refuse(*args, **kwargs):
        raise AssertionError("something was unpickled")

    class RefusingUnpickler:
        def __init__(self, *args, **kwargs):
            refuse()

    for module, name in [
        (pickle, "loads"),
        (pickle, "load"),
        (pickle, "_loads"),
        (pickle, "_load"),
        (torch, "load"),
        (joblib, "load"),
    ]:
        monkeypatch.setattr(module, name, refuse)
    monkeypatch.setattr(pickle, "Unpickler", RefusingUnpickler)
    monkeypatch.setattr(pickle, "_Unpickler", RefusingUnpickler)
    _FIND_CLASS_EVENTS.clear()
    _RECORDING.append(True)
    yield _FIND_CLASS_EVENTS
    _RECORDING.clear()


_FIND_CLASS_EVENTS = []
_RECORDING = []


def _audit(event, args):
    if _RECORDING and event == "pickle.find_class":
        _FIND_CLASS_EVENTS.append(args)


sys.addaudithook(_audit)


@pytest.mark.parametrize("name", ["transformer-dataframe", "clusterer-dataframe-critic"])
def test_loading_never_unpickles(name, fitted_models, no_unpickling, tmp_path):
    est, X = fitted_models[name]
    path = tmp_path / "model.safetensors"
    skgwae.io.dump(est, path)
    loaded = skgwae.io.load(path)
    assert no_unpickling == []
    np.testing.assert_array_equal(loaded.transform(X), est.transform(X))


def test_the_audit_hook_sees_unpickling(transformer):
    """The guard of the test above works: the audit hook sees the lookups of the C
    unpickler, which the monkeypatching of the pickle module does not reach."""
    import _pickle

    blob = pickle.dumps(transformer)
    _RECORDING.append(True)
    try:
        _FIND_CLASS_EVENTS.clear()
        _pickle.loads(blob)
        assert _FIND_CLASS_EVENTS
    finally:
        _RECORDING.clear()


# ---------------------------------------------------------------------- versions and devices


def test_version_warning(transformer):
    old = rewrite(
        skgwae.io.dumps(transformer), lambda d, t: d["versions"].update({"skgwae": "0.0.1"})
    )
    with pytest.warns(InconsistentVersionWarning, match="from skgwae version 0.0.1") as record:
        loaded = skgwae.io.loads(old)
    assert len(record) == 1
    assert "load" in str(record[0].message) and "unpickle" not in str(record[0].message)
    assert record[0].filename == __file__  # points at the caller
    np.testing.assert_array_equal(loaded.transform(X_TAB), transformer.transform(X_TAB))
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        skgwae.io.loads(skgwae.io.dumps(transformer))


@pytest.mark.parametrize("name", ["transformer-critic", "clusterer"])
def test_cuda_model_loads_on_cpu_without_cuda(name, fitted_models, monkeypatch):
    """A file whose model was fitted on CUDA: the stored tensors are CPU tensors anyway,
    and only device_ says cuda:0, as in a file written on a GPU machine."""
    est, X = fitted_models[name]
    data = rewrite(skgwae.io.dumps(est), _set("attributes", "device_", "cuda:0"))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning, match="cuda:0") as record:
        loaded = skgwae.io.loads(data)
    assert record[0].filename == __file__
    assert loaded.device_ == "cpu"
    assert all(p.device.type == "cpu" for p in loaded.model_.parameters())
    assert_same_model(loaded, est, X)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
@pytest.mark.parametrize("cls", [GWAETransformer, GWAEClusterer])
def test_cuda_fitted_file_loads_on_cuda_and_on_cpu(cls, monkeypatch):
    params = {**FAST_PARAMS, "device": "cuda"}
    est = (cls(n_clusters=3, **params) if cls is GWAEClusterer else cls(**params)).fit(X_TAB)
    data = skgwae.io.dumps(est)
    on_cuda = skgwae.io.loads(data)
    assert on_cuda.device_ == est.device_ and on_cuda.device_.startswith("cuda")
    assert all(p.device.type == "cuda" for p in on_cuda.model_.parameters())
    assert_same_model(on_cuda, est, X_TAB)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning):
        on_cpu = skgwae.io.loads(data)
    assert on_cpu.device_ == "cpu"
    # CPU and GPU kernels round differently: close, not equal.
    np.testing.assert_allclose(on_cpu.transform(X_TAB), est.transform(X_TAB), rtol=1e-4, atol=1e-5)


def test_load_refuses_negative_feature_weights(fitted_models):
    est, _ = fitted_models["clusterer-standardised"]
    assert est.feature_weights_ is not None
    data = skgwae.io.dumps(est)
    with pytest.raises(ValueError, match="model_.feature_weights must not be negative"):
        skgwae.io.loads(rewrite(data, _edit_tensor("model_.feature_weights", lambda a: -a)))
    with pytest.raises(ValueError, match="weighted \\(True, expected False\\)"):
        skgwae.io.loads(rewrite(data, _set("parameters", "weight_features", False)))
