"""The partition-stage records (benchmarks/partition_stages.py): its wrappers leave the
fit as it is, and what it records of the refinement matches the decision taken."""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

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
        kept = stage["refined_ncut_ratio"] <= bound and not stage["follows_tails"]
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

def test_groups_are_cluster_py_groups(benchmark_script):
    stages, cluster = benchmark_script("partition_stages"), benchmark_script("cluster")
    assert stages.GROUPS["every"]() == cluster.every_set()
    for alias, group in cluster.GROUP_ALIASES.items():
        assert stages.GROUPS[alias]() == list(group)
