"""scikit-learn's common estimator checks on GWAETransformer and GWAEClusterer."""

import pytest
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgwae import GWAEClusterer, GWAETransformer

# Two epochs with the default early stopping: every check fits at max_iter, so every fit
# warns; the warning itself is tested in test_transformer.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _fast_estimator():
    return GWAETransformer(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0)


def _fast_clusterer():
    return GWAEClusterer(
        n_clusters=3, n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0
    )


# An entry here needs its reason beside it. (None: every method is a function of each row
# alone, float64 rows going through a float64 copy of the networks, so
# check_methods_subset_invariance passes too.)
EXPECTED_FAILED_CHECKS = {}


@parametrize_with_checks(
    [_fast_estimator(), _fast_clusterer()],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# Public checks that apply to a transformer but that parametrize_with_checks of
# scikit-learn 1.9 does not yield.
EXTRA_CHECKS = [
    "check_param_validation",
    "check_dataframe_column_names_consistency",
    "check_get_feature_names_out_error",
    "check_transformer_get_feature_names_out",
    "check_transformer_get_feature_names_out_pandas",
    "check_inplace_ensure_writeable",
    "check_requires_y_none",
    "check_set_output_transform",
    "check_set_output_transform_pandas",
    "check_global_output_transform_pandas",
]


@pytest.mark.parametrize("make_estimator", [_fast_estimator, _fast_clusterer])
@pytest.mark.parametrize("check_name", EXTRA_CHECKS)
def test_extra_sklearn_checks(check_name, make_estimator):
    estimator = make_estimator()
    getattr(estimator_checks, check_name)(type(estimator).__name__, estimator)
