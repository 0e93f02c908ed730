"""The benchmark summary script (benchmarks/standings.py) reads result files right."""

import pandas as pd
import pytest


@pytest.fixture
def standings(benchmark_script):
    return benchmark_script("standings")


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


def test_compare_variants_counts_each_variants_sets_at_the_bar(standings, tmp_path):
    """Each variant's GWAE mean beside the stored bar; only data sets every variant ran
    and the standings have a bar are kept."""
    rows = _runs("a", {"GMM": [0.9, 0.9], "GWAE": [0.5, 0.5]})
    rows += _runs("b", {"KMeans": [0.6], "GWAE": [0.5]})
    pd.DataFrame(rows).to_csv(tmp_path / "cluster.csv", index=False)
    first = tmp_path / "first.csv"
    pd.DataFrame(_runs("a", {"GWAE": [0.95, 0.85]}) + _runs("b", {"GWAE": [0.55]})).to_csv(
        first, index=False
    )
    second = tmp_path / "second.csv"
    pd.DataFrame(_runs("a", {"GWAE": [0.88]}) + _runs("c", {"GWAE": [1.0]})).to_csv(
        second, index=False
    )
    table, summary = standings.compare_variants(tmp_path, {"first": first, "second": second})
    assert table["dataset"].tolist() == ["a"]
    assert table.loc[0, "first"] == pytest.approx(0.9)
    assert table.loc[0, "second"] == pytest.approx(0.88)
    assert summary.loc["first", "at or above the bar"] == 1
    assert summary.loc["second", "at or above the bar"] == 0
    table, summary = standings.compare_variants(tmp_path, {"first": first})
    assert table["dataset"].tolist() == ["a", "b"]
    assert summary.loc["first", "at or above the bar"] == 1
    assert summary.loc["first", "mean accuracy"] == pytest.approx((0.9 + 0.55) / 2)
    assert summary.loc["first", "worst seed"] == pytest.approx((0.85 + 0.55) / 2)
    # b has one seed, whose standard deviation is undefined: the mean skips it.
    assert summary.loc["first", "seed std"] == pytest.approx(pd.Series([0.95, 0.85]).std())


def test_compare_variants_count_changes_against_the_first_variant(standings, tmp_path):
    """Against the first variant: fits and data sets that changed, which way, the mean
    change, and the data sets that came to meet the bar or ceased to; a glob pattern joins
    the files of a set list split over several runs."""
    baselines = _runs("a", {"GMM": [0.9], "GWAE": [0.9]})
    baselines += _runs("b", {"GMM": [0.8], "GWAE": [0.8]})
    baselines += _runs("c", {"GMM": [0.7], "GWAE": [0.7]})
    pd.DataFrame(baselines).to_csv(tmp_path / "cluster.csv", index=False)
    before = tmp_path / "before.csv"
    pd.DataFrame(
        _runs("a", {"GWAE": [0.85, 0.87]}) + _runs("b", {"GWAE": [0.8, 0.8]})
        + _runs("c", {"GWAE": [0.5, 0.5]})
    ).to_csv(before, index=False)
    # The variant's sets come from two runs: a lifted over the bar (0.89), b dropped
    # below it (0.78), c the same in one seed and lower in the other.
    (tmp_path / "run0").mkdir()
    (tmp_path / "run1").mkdir()
    pd.DataFrame(_runs("a", {"GWAE": [0.89, 0.89]})).to_csv(
        tmp_path / "run0" / "cluster.csv", index=False
    )
    pd.DataFrame(_runs("b", {"GWAE": [0.78, 0.78]}) + _runs("c", {"GWAE": [0.5, 0.4]})).to_csv(
        tmp_path / "run1" / "cluster.csv", index=False
    )
    variants = {"before": before, "after": tmp_path / "run*" / "cluster.csv"}
    table, summary = standings.compare_variants(tmp_path, variants)
    assert table["dataset"].tolist() == ["a", "b", "c"]
    after = summary.loc["after"]
    assert after["fits changed"] == 5
    assert (after["sets up"], after["sets down"]) == (1, 2)
    assert after["mean change"] == pytest.approx((0.03 - 0.02 - 0.05) / 3)
    assert (after["crossed up"], after["crossed down"]) == (1, 1)
    assert standings.crossed_sets(table, "before", "after") == (["a"], ["b"])
    assert summary.loc["before", "fits changed"] == 0
    assert summary.loc["before", "sets up"] == summary.loc["before", "sets down"] == 0
    with pytest.raises(FileNotFoundError, match="no file matches"):
        standings.compare_variants(tmp_path, {"x": tmp_path / "none*" / "cluster.csv"})


def test_compare_variants_current_reads_every_groups_gwae_rows(standings, tmp_path):
    """``current`` stands for the GWAE rows of every group's file, so a variant run on the
    sets of several groups is compared with the defaults on all of them."""
    pd.DataFrame(_runs("a", {"GMM": [0.9], "GWAE": [0.95]})).to_csv(
        tmp_path / "cluster.csv", index=False
    )
    (tmp_path / "discrete").mkdir()
    pd.DataFrame(_runs("c", {"KMeans": [0.7], "GWAE": [0.6, 0.5]})).to_csv(
        tmp_path / "discrete" / "cluster.csv", index=False
    )
    variant = tmp_path / "variant.csv"
    pd.DataFrame(_runs("a", {"GWAE": [0.8]}) + _runs("c", {"GWAE": [0.75]})).to_csv(
        variant, index=False
    )
    table, summary = standings.compare_variants(
        tmp_path, {"ten": standings.CURRENT, "other": variant}
    )
    assert table["dataset"].tolist() == ["a", "c"]
    assert table["ten"].tolist() == pytest.approx([0.95, 0.55])
    assert summary.loc["ten", "at or above the bar"] == 1
    assert summary.loc["other", "at or above the bar"] == 1
    assert summary.loc["ten", "worst seed"] == pytest.approx((0.95 + 0.5) / 2)


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


def _embedding_runs(method, accuracies, n_components=2, dataset="digits"):
    """Rows as benchmarks/embed.py writes them."""
    return [
        {"dataset": dataset, "n_components": n_components, "method": method, "seed": seed,
         "knn_acc": acc, "trust": acc}
        for seed, acc in enumerate(accuracies)
    ]


def test_embedding_standings_add_the_picture_settings_where_measured(standings, tmp_path):
    """The digits at 2 components, by method; the longer fit's GWAE rows under their own
    name when its file exists (its PCA rows repeat the other file's), else no such row."""
    rows = _embedding_runs("GWAE", [0.9, 0.8]) + _embedding_runs("PCA", [0.6])
    rows += _embedding_runs("GWAE", [0.1], n_components=10)
    rows += _embedding_runs("GWAE", [0.2], dataset="wine")
    pd.DataFrame(rows).to_csv(tmp_path / "embed.csv", index=False)
    table = standings.embedding_standings(tmp_path)
    assert table.index.tolist() == ["GWAE", "PCA"]
    assert table.loc["GWAE", "knn_acc"] == pytest.approx(0.85)
    longer = _embedding_runs("GWAE", [0.95, 0.97]) + _embedding_runs("PCA", [0.5])
    pd.DataFrame(longer).to_csv(tmp_path / standings.PICTURE_FILE, index=False)
    table = standings.embedding_standings(tmp_path)
    assert table.index.tolist() == ["GWAE", standings.PICTURE_METHOD, "PCA"]
    assert table.loc[standings.PICTURE_METHOD, "knn_acc"] == pytest.approx(0.96)
    assert table.loc["PCA", "knn_acc"] == pytest.approx(0.6)
    assert table.loc["GWAE", "trust"] == pytest.approx(0.85)


def test_group_counts_count_the_sets_at_the_bar_per_group_in_order(standings):
    clusters = pd.DataFrame(
        {
            "group": ["default sets", "default sets", "discrete", "held out"],
            "margin": [0.01, -0.02, 0.0, -0.5],
        }
    )
    assert standings.group_counts(clusters) == [
        ("default sets", 1, 2),
        ("discrete", 1, 1),
        ("held out", 0, 1),
    ]
