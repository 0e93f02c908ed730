"""The dropped-features report (benchmarks/feature_blocks.py): eta^2, the names it runs,
and what it reads from a fit."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def report(benchmark_script):
    return benchmark_script("feature_blocks")


def test_between_class_share_is_eta_squared(report):
    y = np.array([0, 0, 1, 1])
    # Class means -1 and 1, every value at its class mean: all the variance is between.
    assert report.between_class_share([-1.0, -1.0, 1.0, 1.0], y) == pytest.approx(1.0)
    # Equal class means: none of it is.
    assert report.between_class_share([-1.0, 1.0, -1.0, 1.0], y) == pytest.approx(0.0)
    # Means -1.5 and 1.5 of values +-0.5 about them: 9 / (9 + 1) of the variance.
    assert report.between_class_share([-2.0, -1.0, 1.0, 2.0], y) == pytest.approx(0.9)
    assert report.between_class_share([3.0, 3.0, 3.0, 3.0], y) == 0.0


def test_group_aliases_name_their_sets(report, benchmark_script):
    cluster = benchmark_script("cluster")
    assert report.dataset_names(["thirty_second"]) == list(cluster.THIRTY_SECOND)
    assert report.dataset_names(["held_out"]) == list(cluster.HELDOUT)
    every = report.dataset_names(["every"])
    assert not set(every) & set(cluster.TWENTY_FOURTH)
    assert len(every) == len(cluster.every_set(include_held_back=True)) - len(
        cluster.TWENTY_FOURTH
    )
    assert report.dataset_names(["wine", "iris"]) == ["wine", "iris"]
    # Only cluster.py's own aliases name groups, as in its --datasets: the name of
    # another of its tuples (DEFAULT_SETS) is taken as a data set's.
    assert report.dataset_names(["default_sets"]) == ["default_sets"]


@pytest.mark.filterwarnings("ignore")
def test_the_report_counts_the_features_of_weight_zero(report):
    row = report.dropped_features("iris_with_factors", 0)
    assert row["n_features"] == 16 and row["weighted"]
    # The 12 factor-driven features hold next to none of the classes.
    assert row["n_dropped"] == 12
    assert row["eta2_dropped"] < 0.05 < row["eta2_kept"]
