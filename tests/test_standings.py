"""The benchmark summary script (benchmarks/standings.py) reads result files right."""

import importlib.util
import pathlib

import pandas as pd
import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "standings.py"


@pytest.fixture(scope="module")
def standings():
    spec = importlib.util.spec_from_file_location("standings", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _runs(dataset, accuracies):
    """Rows as benchmarks/cluster.py writes them: method -> accuracy per seed."""
    return [
        {"dataset": dataset, "method": method, "seed": seed, "acc": acc}
        for method, per_seed in accuracies.items()
        for seed, acc in enumerate(per_seed)
    ]


def test_cluster_standings_set_the_bar_from_the_best_baseline(standings, tmp_path):
    """Mean accuracy over seeds; the bar is the best baseline's mean less TOLERANCE; GWAE's
    own variants and data sets without a GWAE row do not count; missing groups are
    skipped."""
    rows = _runs("a", {"KMeans": [0.8, 0.6], "GMM": [0.9, 0.9], "GWAE": [0.95, 0.85],
                       "GWAE-prior": [1.0, 1.0]})
    rows += _runs("b", {"KMeans": [0.5], "UMAP+GMM": [0.7]})
    pd.DataFrame(rows).to_csv(tmp_path / "cluster.csv", index=False)
    (tmp_path / "discrete").mkdir()
    pd.DataFrame(_runs("c", {"PCA+GMM": [0.7], "GWAE": [0.71]})).to_csv(
        tmp_path / "discrete" / "cluster.csv", index=False
    )
    table = standings.cluster_standings(tmp_path)
    assert table["dataset"].tolist() == ["a", "c"]
    assert table["group"].tolist() == ["default sets", "discrete"]
    first, second = table.iloc[0], table.iloc[1]
    assert first["seeds"] == 2 and first["best baseline"] == "GMM"
    assert first["bar"] == pytest.approx(0.9 - standings.TOLERANCE)
    assert first["margin"] == pytest.approx(0.9 - (0.9 - standings.TOLERANCE))
    assert second["best baseline"] == "PCA+GMM"
    assert second["margin"] == pytest.approx(0.71 - 0.7 + standings.TOLERANCE)


def test_outlier_standings_keep_whole_scores_only(standings, tmp_path):
    """A method's terms (``method:term``) are not methods of their own."""
    pd.DataFrame(
        {
            "dataset": ["digits"] * 4,
            "method": ["LOF", "GWAEClusterer", "GWAEClusterer:gw", "LOF"],
            "seed": [0, 0, 0, 1],
            "auroc": [0.9, 0.95, 0.5, 0.8],
        }
    ).to_csv(tmp_path / "ood.csv", index=False)
    table = standings.outlier_standings(tmp_path)
    assert sorted(table.index) == ["GWAEClusterer", "LOF"]
    assert table.loc["LOF", "digits"] == pytest.approx(0.85)
