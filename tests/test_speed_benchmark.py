"""The step-by-step mode of the speed benchmark (benchmarks/speed.py --steps)."""

import pandas as pd
import pytest
import torch


@pytest.fixture(scope="module")
def speed(benchmark_script):
    return benchmark_script("speed")


def test_steps_times_an_eager_batch_on_the_cpu(speed, tmp_path):
    speed.main(["--steps", "--features", "12", "--batch-size", "16", "--out", str(tmp_path)])
    frame = pd.read_csv(tmp_path / "speed_steps_batch16_cpu.csv")
    assert frame["n_features"].tolist() == [12] and frame["batch"].tolist() == [16]
    assert (frame["eager_ms"] > 0).all()
    # The graphs' columns are a GPU's alone.
    assert "graphs_ms" not in frame


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
def test_steps_times_the_graphs_on_cuda(speed, tmp_path):
    args = ["--steps", "--device", "cuda", "--features", "12", "--batch-size", "16"]
    speed.main([*args, "--out", str(tmp_path)])
    row = pd.read_csv(tmp_path / "speed_steps_batch16_cuda.csv").iloc[0]
    assert row["graph_failures"] == "[None, None]"
    columns = ("graphs_ms", "whole_batch_graph_ms", "main_replay_ms", "critic_replay_ms")
    for column in (*columns, "critic_optimizer_ms", "eager_gpu_ms"):
        assert row[column] > 0
    assert row["eager_kernels"] > 100
