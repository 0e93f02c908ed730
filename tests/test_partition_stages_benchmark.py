"""The partition-stage records (benchmarks/partition_stages.py): its wrappers leave the
fit as it is, what it records of the refinement matches the decision taken, and the
classes' cut of the graph and its summary are computed as stated."""

import gzip
import json
import os
import pathlib
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import sparse

from skgwae import GWAEClusterer
from skgwae.metrics import cluster_accuracy

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def iris_record(tmp_path_factory):
    # In a process of its own: the script replaces the stages of the package's modules.
    out = tmp_path_factory.mktemp("stages")
    subprocess.run(
        [sys.executable, "benchmarks/partition_stages.py", "--datasets", "iris",
         "--seeds", "0", "--out", str(out)],
        cwd=ROOT, check=True, capture_output=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    lines = (out / "partition_stages.jsonl").read_text().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.mark.filterwarnings("ignore")
def test_the_wrapped_fit_is_the_plain_fit(iris_record, benchmark_script):
    X, y = benchmark_script("cluster").load("iris")
    labels = GWAEClusterer(3, random_state=0).fit_predict(X)
    assert iris_record["acc"] == pytest.approx(cluster_accuracy(y, labels), abs=1e-12)


def test_the_refinement_record_matches_its_decision(iris_record, benchmark_script):
    stages = [s for s in iris_record["stages"] if "refined" in s]
    assert stages  # iris's parts are refined, not replaced
    bound = benchmark_script("partition_stages").mixture_module.REFINED_MAX_NCUT_RATIO
    for stage in stages:
        assert 0.0 <= stage["refined_moved"] <= 1.0
        assert stage["refined_ncut_ratio"] > 0.0
        assert np.sum(stage["conductances_after"]) == pytest.approx(
            stage["refined_ncut_ratio"] * np.sum(stage["conductances_before"])
        )
        kept = (
            stage["refined_ncut_ratio"] <= bound
            and not stage["refined_outlier_part"]
            and not stage["follows_tails"]
        )
        # The stage's output is the refined partition where the bound keeps it; where
        # nothing moved the two are the graph's partition either way.
        if kept or stage["refined_moved"] == 0.0:
            assert stage["output"] == stage["refined"]
        else:
            assert stage["output"] == stage["graph"]
    assert np.isfinite(iris_record["kept"])



def test_the_graph_choice_record_matches_the_rule(iris_record, benchmark_script):
    """Each stage where the rows' own graph competes records both partitions and the
    cut ratios the rule reads, and the rule's verdict agrees with its bounds."""
    mixture = benchmark_script("partition_stages").mixture_module
    stages = [s for s in iris_record["stages"] if "own_clearly_better" in s]
    assert stages
    for stage in stages:
        assert 0.0 < stage["common_graph"] <= 1.0 and 0.0 < stage["own_graph"] <= 1.0
        assert stage["own_cuts_common_less"] == (stage["own_common_cut_ratio"] < 1.0)
        assert stage["own_clearly_better"] == (
            stage["own_rows_cut_ratio"] < mixture.OWN_GRAPH_MAX_CUT_RATIO
            and stage["own_common_cut_ratio"] <= mixture.OWN_GRAPH_MAX_COMMON_CUT_RATIO
        )


def test_the_classes_cut_record_on_two_cliques(benchmark_script):
    """Two cliques of 4 rows joined by one edge: the classes (the cliques, labelled 7
    and 9, as a data set's classes can be) cut only that edge; a partition that splits
    each clique cuts far more, and the record says so."""
    stages = benchmark_script("partition_stages")
    weights = np.zeros((8, 8))
    weights[:4, :4] = weights[4:, 4:] = 1.0
    np.fill_diagonal(weights, 0.0)
    weights[3, 4] = weights[4, 3] = 1.0
    classes = np.array([7, 7, 7, 7, 9, 9, 9, 9])
    stages._fit.update(y=classes, train=np.arange(8), index=np.arange(8))
    split = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    record = stages._classes_cut_record(sparse.csr_matrix(weights), split, 2)
    # Each clique holds 12 + 1 of the 26 units of degree; the edge between them is one.
    assert record["classes_ncut"] == pytest.approx(2 * 1 / 13)
    assert record["output_ncut"] > 5 * record["classes_ncut"]
    same = stages._classes_cut_record(sparse.csr_matrix(weights), (classes == 9).astype(int), 2)
    assert same["output_ncut"] == pytest.approx(same["classes_ncut"])


def test_the_classes_cut_summary_counts_the_ratios(benchmark_script, capsys):
    stages = benchmark_script("partition_stages")
    records = [{"stages": [
        {"how": "spectral", "classes_ncut": 0.5, "graph_ncut": 1.0, "output_ncut": 0.5},
        # The output cuts nothing.
        {"how": "spectral", "classes_ncut": 2.0, "graph_ncut": 1.0, "output_ncut": 1e-17},
    ]}]
    stages.classes_cut_summary(records)
    graph, output = capsys.readouterr().out.splitlines()
    assert graph.startswith("spectral: classes' cut / graph partition's cut")
    assert "2 stages: < 0.85 in 1, 0.85-1.15 in 0, > 1.15 in 1" in graph
    assert "1 stages: < 0.85 in 0, 0.85-1.15 in 1, > 1.15 in 0" in output


def test_summarise_reads_records_written_before(iris_record, tmp_path):
    path = tmp_path / "records.jsonl.gz"
    with gzip.open(path, "wt") as out:
        out.write(json.dumps(iris_record) + "\n")
    printed = subprocess.run(
        [sys.executable, "benchmarks/partition_stages.py", "--summarise", str(path)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    assert "spectral: classes' cut / graph partition's cut of the common graph" in printed


def test_the_iris_stages_record_both_cuts(iris_record):
    for stage in iris_record["stages"]:
        assert stage["classes_ncut"] > 0.0 and stage["output_ncut"] > 0.0
        if "own_graph" in stage:
            assert stage["own_graph_classes_ncut_ratio"] > 0.0


def test_groups_are_cluster_py_groups(benchmark_script):
    stages, cluster = benchmark_script("partition_stages"), benchmark_script("cluster")
    assert stages.GROUPS["every"]() == cluster.every_set()
    for alias, group in cluster.GROUP_ALIASES.items():
        assert stages.GROUPS[alias]() == list(group)


def test_the_refit_record_of_the_iris_fit(iris_record):
    # Without the kept partition's refit, the accuracy before it is the fit's own.
    assert isinstance(iris_record["kept_refit"], bool)
    if not iris_record["kept_refit"]:
        assert iris_record["acc_before_refit"] == iris_record["acc"]


@pytest.mark.filterwarnings("ignore")
def test_labels_before_the_refit_are_read_under_that_mixture(benchmark_script):
    """The labels before a refit are those of the mixture given, here the fitted one with
    its components renumbered, and the fitted model is left as it was."""
    stages = benchmark_script("partition_stages")
    X, _ = benchmark_script("cluster").load("iris")
    estimator = GWAEClusterer(3, random_state=0).fit(X)
    stages._fit["mixture_before_refit"] = None
    assert stages._labels_before_refit(estimator, X) is None
    order = np.array([1, 2, 0])
    stages._fit["mixture_before_refit"] = SimpleNamespace(
        means=estimator.means_[order],
        covariances=estimator.covariances_[order],
        weights=estimator.weights_[order],
    )
    before = stages._labels_before_refit(estimator, X)
    # Component j of the renumbered mixture is the fitted component order[j].
    np.testing.assert_array_equal(order[before], estimator.predict(X))
    np.testing.assert_array_equal(estimator.predict(X), estimator.labels_)
