"""GWAE estimators in scikit-learn's model selection, without labels (score is label-free)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skgwae import GWAEClusterer, GWAETransformer

# Every fit here runs to its tiny max_iter.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = {
    "n_components": 2,
    "hidden_layer_sizes": (8,),
    "max_iter": 3,
    "batch_size": 16,
    "random_state": 0,
}
PRIORS = ["gaussian", "neural", "factorized_neural", "gmm"]


@pytest.fixture(scope="module")
def X():
    """120 rows of 6 correlated features in 3 groups."""
    rng = np.random.RandomState(0)
    centres = 4.0 * rng.normal(size=(3, 2))
    latent = centres[rng.randint(3, size=120)] + rng.normal(size=(120, 2))
    return latent @ rng.normal(size=(2, 6)) + 0.1 * rng.normal(size=(120, 6))


def _check_results(search, param, values):
    results = search.cv_results_
    assert [p[param] for p in results["params"]] == values
    assert np.isfinite(results["mean_test_score"]).all()
    assert search.best_params_[param] in values
    best = int(np.argmax(results["mean_test_score"]))
    assert search.best_params_ == results["params"][best]
    assert search.best_index_ == best


def test_grid_search_over_priors_without_y(X):
    cv = KFold(2)
    search = GridSearchCV(GWAETransformer(**FAST), {"prior": PRIORS}, cv=cv, n_jobs=2).fit(X)
    _check_results(search, "prior", PRIORS)
    # The scores are the estimator's own label-free score on the held-out fold.
    train, test = next(cv.split(X))
    expected = GWAETransformer(**FAST, prior="neural").fit(X[train]).score(X[test])
    split0 = search.cv_results_["split0_test_score"][PRIORS.index("neural")]
    np.testing.assert_allclose(split0, expected, rtol=1e-6)
    # Refitted on all of X with the best prior.
    assert search.best_estimator_.prior == search.best_params_["prior"]
    assert search.transform(X).shape == (len(X), FAST["n_components"])


def test_grid_search_pipeline_over_priors_without_y(X):
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("gwae", GWAETransformer(**FAST)),
            ("gmm", GaussianMixture(3, random_state=0)),
        ]
    )
    grid = {"gwae__prior": PRIORS}
    search = GridSearchCV(pipe, grid, cv=KFold(2), n_jobs=2).fit(X)
    _check_results(search, "gwae__prior", PRIORS)
    assert search.best_estimator_.named_steps["gwae"].prior == search.best_params_["gwae__prior"]
    labels = search.predict(X)
    assert labels.shape == (len(X),)
    assert set(np.unique(labels)) <= {0, 1, 2}


def test_grid_search_over_n_clusters_without_y(X):
    search = GridSearchCV(GWAEClusterer(**FAST), {"n_clusters": [2, 3]}, cv=KFold(2), n_jobs=2).fit(
        X
    )
    _check_results(search, "n_clusters", [2, 3])
    best = search.best_estimator_
    assert best.n_clusters == search.best_params_["n_clusters"]
    assert best.means_.shape == (best.n_clusters, FAST["n_components"])
    assert set(np.unique(search.predict(X))) <= set(range(best.n_clusters))


def test_cross_val_score_clusterer_without_y(X):
    cv = KFold(3)
    est = GWAEClusterer(n_clusters=3, **FAST)
    scores = cross_val_score(est, X, cv=cv)
    assert scores.shape == (3,)
    assert np.isfinite(scores).all()
    train, test = next(cv.split(X))
    np.testing.assert_allclose(scores[0], clone(est).fit(X[train]).score(X[test]), rtol=1e-6)
