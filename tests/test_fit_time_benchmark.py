"""The fit-time comparison (benchmarks/fit_time.py): each fit runs the given checkout's
package, and the summary is the medians and the median per-round ratio."""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_summary_is_the_medians_and_the_median_ratio(benchmark_script):
    fit_time = benchmark_script("fit_time")
    codes = [pathlib.Path("before"), pathlib.Path("after")]
    rows = [
        {"round": r, "code": str(code), "seconds": s, "acc": 0.9}
        for r, pair in enumerate([(10.0, 11.0), (20.0, 18.0), (12.0, 12.0)])
        for code, s in zip(codes, pair)
    ]
    result = fit_time.summary(rows, codes)
    assert result["medians"] == {"before": 12.0, "after": 12.0}
    assert result["ratio"] == pytest.approx(1.0)  # ratios 1.1, 0.9, 1.0


@pytest.mark.filterwarnings("ignore")
def test_each_fit_imports_the_checkout_it_is_given(benchmark_script, tmp_path):
    fit_time = benchmark_script("fit_time")
    out = tmp_path / "fits.csv"
    fit_time.main(["--code", str(ROOT), "--dataset", "iris", "--rounds", "1", "--out", str(out)])
    import pandas as pd

    fits = pd.read_csv(out)
    assert len(fits) == 1 and fits["package"][0].startswith(str(ROOT / "skgwae"))
    assert 0.9 < fits["acc"][0] <= 1.0
    with pytest.raises(RuntimeError, match="did not provide the package"):
        fit_time.compare([tmp_path], "iris", 1)
