"""Disentanglement metrics (MIG, DCI) against codes whose answer is known: a perfect code, an
independent random code, a rotated code and a code with every factor duplicated."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.linear_model import Lasso, LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgwae.metrics import dci_disentanglement, mutual_information_gap

N_SAMPLES = 3000
N_VALUES = (3, 5, 8, 12, 16)


@pytest.fixture(scope="module")
def factors():
    """Five independent uniform discrete factors with 3 to 16 values."""
    rng = np.random.RandomState(0)
    return np.column_stack([rng.randint(k, size=N_SAMPLES) for k in N_VALUES]).astype(float)


@pytest.fixture(scope="module")
def codes(factors):
    """The known cases, each an (n_samples, n_codes) array."""
    rng = np.random.RandomState(1)
    f = factors
    # A monotone transform of each factor (some decreasing), then a permutation.
    monotone = np.column_stack(
        [np.log1p(f[:, 0]), 2.0 * f[:, 1] - 1.0, np.cbrt(f[:, 2] + 0.5), f[:, 3] ** 2, -f[:, 4]]
    )
    standardized = (f - f.mean(axis=0)) / f.std(axis=0)
    rotation, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    return {
        "identity": f.copy(),
        "perfect": monotone[:, rng.permutation(5)],
        "random": rng.normal(size=(N_SAMPLES, 10)),
        "rotated": standardized @ rotation,
        "duplicated": np.column_stack([f, f]),
    }


@pytest.fixture(scope="module")
def dci(factors, codes):
    """DCI of every known case, computed once."""
    return {name: dci_disentanglement(factors, z, random_state=0) for name, z in codes.items()}


# --- (a) perfect code ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["identity", "perfect"])
def test_perfect_code_has_mig_near_one(factors, codes, name):
    # Not exactly 1: the plug-in MI of the other code dimensions is slightly above 0, and the
    # equal-width bins may merge values that a monotone transform squeezed together.
    assert mutual_information_gap(factors, codes[name]) > 0.95


@pytest.mark.parametrize("name", ["identity", "perfect"])
def test_perfect_code_has_dci_near_one(dci, name):
    result = dci[name]
    assert result.disentanglement > 0.98
    assert result.completeness > 0.98
    assert result.informativeness > 0.98


def test_perfect_code_importances_recover_the_permutation(factors):
    rng = np.random.RandomState(2)
    order = rng.permutation(5)
    result = dci_disentanglement(factors, factors[:, order], random_state=0)
    # Code j is factor order[j]: the importance matrix is that permutation matrix.
    np.testing.assert_allclose(result.importances, np.eye(5)[order], atol=0.02)
    np.testing.assert_allclose(result.importances.sum(axis=0), 1.0)


# --- (b) random code ----------------------------------------------------------------------


def test_random_code_scores_near_zero(factors, codes, dci):
    assert mutual_information_gap(factors, codes["random"]) < 0.05
    assert dci["random"].disentanglement < 0.05
    assert dci["random"].completeness < 0.05


def test_random_code_informativeness_is_chance(dci):
    chance = 1.0 / np.array(N_VALUES)
    np.testing.assert_allclose(dci["random"].informativeness_per_factor, chance, atol=0.06)


# --- (c) rotated code ---------------------------------------------------------------------


def test_rotated_code_scores_clearly_lower_than_perfect(factors, codes, dci):
    mig_perfect = mutual_information_gap(factors, codes["perfect"])
    mig_rotated = mutual_information_gap(factors, codes["rotated"])
    assert mig_rotated < 0.5 < mig_perfect
    assert dci["rotated"].disentanglement < 0.5 < dci["perfect"].disentanglement
    assert dci["rotated"].completeness < 0.5 < dci["perfect"].completeness
    # A rotation loses no information; trees on oblique splits still predict most of it.
    assert dci["rotated"].informativeness > 0.5


# --- (d) duplicated code ------------------------------------------------------------------


def test_duplicated_code_has_no_gap(factors, codes):
    mig, matrix = mutual_information_gap(factors, codes["duplicated"], return_matrix=True)
    assert mig == pytest.approx(0.0, abs=1e-12)
    # The two copies are fully informative: the top two values are both 1.
    np.testing.assert_allclose(np.diag(matrix[:5]), 1.0)
    np.testing.assert_array_equal(matrix[:5], matrix[5:])


def test_duplicated_code_keeps_informativeness_but_loses_completeness(dci):
    result = dci["duplicated"]
    assert result.informativeness > 0.98
    # Each code dimension still serves one factor ...
    assert result.disentanglement > 0.98
    # ... but each factor is split between its two copies, about evenly: 1 - log 2 / log 10.
    assert result.completeness == pytest.approx(1 - np.log(2) / np.log(10), abs=0.05)
    assert result.completeness < dci["perfect"].completeness - 0.2


# --- (e) invariances ----------------------------------------------------------------------


def test_mig_is_invariant_to_permuting_and_rescaling_codes(factors, codes):
    z = codes["rotated"] + 0.3 * np.random.RandomState(3).normal(size=codes["rotated"].shape)
    order = np.random.RandomState(4).permutation(z.shape[1])
    mig, matrix = mutual_information_gap(factors, z, return_matrix=True)
    mig_permuted, matrix_permuted = mutual_information_gap(factors, z[:, order], return_matrix=True)
    assert mig_permuted == mig
    np.testing.assert_array_equal(matrix_permuted, matrix[order])
    scale = np.array([3.7, 0.01, 250.0, 1.0, 42.0])
    assert mutual_information_gap(factors, z * scale - 5.0) == pytest.approx(mig, abs=1e-12)


def test_dci_is_invariant_to_permuting_and_rescaling_codes(factors, codes):
    z = codes["rotated"]
    reference = dci_disentanglement(factors, z, random_state=0)
    order = np.random.RandomState(4).permutation(z.shape[1])
    scale = np.array([3.7, 0.01, 250.0, 1.0, 42.0])
    for transformed, rows in [(z[:, order], order), (z * scale - 5.0, np.arange(5))]:
        result = dci_disentanglement(factors, transformed, random_state=0)
        for key in ("disentanglement", "completeness", "informativeness"):
            assert result[key] == pytest.approx(reference[key], abs=0.03)
        np.testing.assert_allclose(result.importances, reference.importances[rows], atol=0.05)


def test_dci_is_reproducible_with_random_state(factors, codes):
    a = dci_disentanglement(factors, codes["rotated"], random_state=7)
    b = dci_disentanglement(factors, codes["rotated"], random_state=7)
    np.testing.assert_array_equal(a.importances, b.importances)
    assert a.informativeness == b.informativeness


# --- definitions on small cases -----------------------------------------------------------


def test_mig_matrix_and_single_code(factors):
    # One code equal to factor 0: its gap is its own normalised MI (1); the others are 0.
    mig, matrix = mutual_information_gap(factors, factors[:, :1], return_matrix=True)
    assert matrix.shape == (1, 5)
    assert matrix[0, 0] == pytest.approx(1.0)
    assert mig == pytest.approx(np.mean(matrix[0]))
    assert mig == pytest.approx(0.2, abs=0.01)


def test_dci_single_factor_and_single_code(factors):
    # Code 1 is independent of factor 0: no importance, so D_1 = 0 and no weight.
    one_factor = dci_disentanglement(factors[:, :1], factors[:, :2], random_state=0)
    np.testing.assert_array_equal(one_factor.disentanglement_per_code, [1.0, 0.0])
    assert one_factor.disentanglement == 1.0
    one_code = dci_disentanglement(factors[:, :2], factors[:, :1], random_state=0)
    np.testing.assert_allclose(one_code.completeness_per_factor, 1.0)


def test_continuous_factors_are_binned_or_regressed():
    rng = np.random.RandomState(5)
    factors = rng.uniform(size=(2000, 3))
    # Equal-width bins of a code and of a factor line up under an affine map only.
    assert mutual_information_gap(factors, 3.0 * factors[:, ::-1] - 1.0) > 0.95
    codes = np.exp(factors[:, ::-1])
    assert 0.5 < mutual_information_gap(factors, codes) < 0.9
    result = dci_disentanglement(factors, codes, random_state=0)
    assert result.informativeness > 0.95  # R^2
    assert result.disentanglement > 0.9 and result.completeness > 0.9
    noise = dci_disentanglement(factors, rng.normal(size=(2000, 3)), random_state=0)
    assert noise.informativeness < 0.05  # R^2 of noise: about 0 or below


def test_discrete_factors_option(factors, codes):
    z = codes["rotated"]
    auto = mutual_information_gap(factors, z)
    assert mutual_information_gap(factors, z, discrete_factors=True) == auto
    assert mutual_information_gap(factors, z, discrete_factors=np.ones(5, bool)) == auto
    assert mutual_information_gap(factors, z, discrete_factors=[0, 1, 2, 3, 4]) == auto
    # Binning the 16-valued factor into 20 equal-width bins keeps its values apart.
    assert mutual_information_gap(factors, z, discrete_factors=[0, 1, 2, 3]) == pytest.approx(auto)
    with pytest.raises(ValueError, match="discrete_factors"):
        mutual_information_gap(factors, z, discrete_factors="yes")
    with pytest.raises(ValueError, match="discrete_factors has 2 entries"):
        mutual_information_gap(factors, z, discrete_factors=[True, False])
    with pytest.raises(ValueError, match="out of range"):
        mutual_information_gap(factors, z, discrete_factors=[5])


def test_dataframe_input(factors, codes):
    frame = pd.DataFrame(factors, columns=list("abcde"))
    z = codes["perfect"]
    assert mutual_information_gap(frame, z) == mutual_information_gap(factors, z)
    assert dci_disentanglement(frame, pd.DataFrame(z), random_state=0).completeness > 0.98


def test_constant_factor_is_left_out_with_a_warning(factors, codes):
    z = codes["identity"]
    with_constant = np.column_stack([factors, np.full(len(factors), 3.0)])
    with pytest.warns(UserWarning, match=r"Factor\(s\) \[5\] take a single value"):
        mig, matrix = mutual_information_gap(with_constant, z, return_matrix=True)
    assert mig == mutual_information_gap(factors, z)
    assert np.isnan(matrix[:, 5]).all()
    with pytest.warns(UserWarning, match="single value"):
        result = dci_disentanglement(with_constant, z, random_state=0)
    assert np.isnan(result.importances[:, 5]).all()
    assert np.isnan(result.completeness_per_factor[5])
    assert result.completeness > 0.98 and result.disentanglement > 0.98
    with pytest.raises(ValueError, match="Every factor takes a single value"):
        mutual_information_gap(np.zeros((10, 2)), np.ones((10, 2)))
    with pytest.raises(ValueError, match="Every factor takes a single value"):
        dci_disentanglement(np.zeros((10, 2)), np.ones((10, 2)))


def test_constant_code_gets_no_importance(factors):
    z = np.column_stack([factors, np.zeros(len(factors))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a constant code is no reason to warn
        result = dci_disentanglement(factors, z, random_state=0)
        mig = mutual_information_gap(factors, z)
    np.testing.assert_array_equal(result.importances[5], 0.0)
    assert result.disentanglement_per_code[5] == 0.0
    assert result.disentanglement > 0.98 and mig > 0.95


# --- other estimators ---------------------------------------------------------------------


def test_user_estimators(factors, codes):
    z = codes["perfect"]
    trees = ExtraTreesClassifier(n_estimators=10, max_features=None, random_state=0)
    assert dci_disentanglement(factors, z, estimator=trees, random_state=0).completeness > 0.98
    # coef_ of a linear model (through a pipeline), summed over classes / a regression.
    logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=200))
    result = dci_disentanglement(factors[:, :2], codes["identity"][:, :2], estimator=logistic)
    np.testing.assert_allclose(np.diag(result.importances), 1.0, atol=0.1)
    lasso = make_pipeline(StandardScaler(), Lasso(alpha=0.01))
    result = dci_disentanglement(factors, codes["identity"], estimator=lasso)
    np.testing.assert_allclose(result.importances, np.eye(5), atol=0.02)
    assert result.informativeness > 0.98  # R^2


def test_user_estimator_errors():
    rng = np.random.RandomState(0)
    factors = np.column_stack([rng.randint(3, size=200), rng.uniform(size=200)])
    codes = rng.normal(size=(200, 2))
    with pytest.raises(ValueError, match=r"continuous factor\(s\) \[1\]"):
        dci_disentanglement(factors, codes, estimator=LogisticRegression())
    with pytest.raises(ValueError, match="neither feature_importances_ nor coef_"):
        dci_disentanglement(factors[:, :1], codes, estimator=KNeighborsClassifier())
    with pytest.raises(ValueError, match="classifier or a regressor"):
        dci_disentanglement(factors, codes, estimator=StandardScaler())


# --- (f) input validation -----------------------------------------------------------------


@pytest.mark.parametrize("metric", [mutual_information_gap, dci_disentanglement])
def test_bad_input_raises(metric):
    rng = np.random.RandomState(0)
    factors = rng.randint(3, size=(50, 2)).astype(float)
    codes = rng.normal(size=(50, 3))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        metric(factors, codes[:-1])
    with pytest.raises(ValueError, match="codes contains NaN"):
        metric(factors, np.where(codes > 1.5, np.nan, codes))
    with pytest.raises(ValueError, match="factors contains NaN"):
        metric(np.where(factors == 2, np.nan, factors), codes)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        metric(factors[:, 0], codes)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        metric(factors, codes[:, 0])
    with pytest.raises(ValueError, match="minimum of 2 is required"):
        metric(factors[:1], codes[:1])


@pytest.mark.parametrize("n_bins", [1, 0, 2.5, "20", True])
def test_bad_n_bins_raises(n_bins):
    with pytest.raises(ValueError, match="n_bins must be an integer >= 2"):
        mutual_information_gap(np.eye(3), np.eye(3), n_bins=n_bins)
