"""The stored-results check (benchmarks/check_results.py) runs what was stored and reports
what moved."""

import pathlib
import sys

import pandas as pd
import pytest


@pytest.fixture
def check_results(benchmark_script):
    return benchmark_script("check_results")


def test_every_stored_file_of_a_check_exists(check_results):
    """A check points at a stored file of the repository, with its keys and scores."""
    for check in check_results.CHECKS.values():
        stored = pd.read_csv(check_results.RESULTS / check.stored)
        assert set(check.keys) <= set(stored.columns)
        assert set(check.scores) <= set(stored.columns)


def test_command_repeats_the_stored_data_sets_and_seeds(check_results):
    """The run covers the stored data sets, latent sizes and seeds (or the seeds asked
    for), and writes into the scratch folder."""
    stored = pd.DataFrame(
        {"dataset": ["digits", "digits", "wine"], "n_components": [2, 10, 2],
         "method": ["GWAE", "PCA", "GWAE"], "seed": [0, 1, 0]}
    )
    check = check_results.CHECKS["embed"]
    args = check_results.command(check, stored, pathlib.Path("/scratch"))
    assert args[0] == sys.executable and args[1].endswith("embed.py")
    assert args[args.index("--datasets") + 1: args.index("--components")] == ["digits", "wine"]
    assert args[args.index("--seeds") + 1: args.index("--out")] == ["0", "1"]
    assert args[-1] == str(pathlib.Path("/scratch") / "embed.csv")
    assert "--seeds" not in check_results.command(
        check_results.CHECKS["n_clusters"], pd.DataFrame(), pathlib.Path("/scratch")
    )
    only = check_results.command(check, stored, pathlib.Path("/scratch"), seeds=[2])
    assert only[only.index("--seeds") + 1: only.index("--out")] == ["2"]


def test_compare_reports_moved_and_missing_figures(check_results):
    """A figure that moved beyond tol, or a row the stored file lacks, is reported,
    the baselines' as the package's; figures within tol are not; seeds read as floats
    match ints."""
    check = check_results.CHECKS["low_dimensional"]
    stored = pd.DataFrame(
        {"dataset": ["a", "a", "a", "b"], "method": ["GWAE", "GMM", "GWAE", "GWAE"],
         "seed": [0, 0, 1, 0], "acc": [0.9, 0.8, 0.7, 0.5]}
    )
    fresh = pd.DataFrame(
        {"dataset": ["a", "a", "a", "b", "c"], "method": ["GWAE", "GMM", "GWAE", "GWAE", "GWAE"],
         "seed": [0.0, 0.0, 1.0, 0.0, 0.0], "acc": [0.9, 0.1, 0.75, 0.5 + 1e-9, 0.6]}
    )
    differences, n_rows = check_results.compare(check, stored, fresh, tol=1e-6)
    assert n_rows == 5
    found = {(r.dataset, r.method, r.seed): r for r in differences.itertuples()}
    assert set(found) == {("a", "GMM", "0"), ("a", "GWAE", "1"), ("c", "GWAE", "0")}
    assert found[("a", "GWAE", "1")].difference == pytest.approx(0.05)
    assert found[("a", "GMM", "0")].difference == pytest.approx(-0.7)
    assert pd.isna(found[("c", "GWAE", "0")].stored)
    # With no tolerance, the 1e-9 difference shows too.
    differences, _ = check_results.compare(check, stored, fresh)
    assert len(differences) == 4


def test_a_failed_run_is_reported_not_raised(check_results, tmp_path, monkeypatch):
    """A benchmark that fails gives None (the main loop reports it), with its log kept."""
    results = tmp_path / "results"
    results.mkdir()
    pd.DataFrame({"dataset": ["a"], "method": ["GWAE"], "seed": [0], "acc": [0.5]}).to_csv(
        results / "low_dimensional.csv", index=False
    )
    failing = check_results.Check(
        "no_such_script.py", "low_dimensional.csv", "x.csv", ("dataset", "method", "seed"),
        ("acc",), check_results._datasets,
    )
    monkeypatch.setitem(check_results.CHECKS, "failing", failing)
    assert check_results.run_check("failing", tmp_path / "out", results=results) is None
    assert (tmp_path / "out" / "failing" / "log.txt").exists()
