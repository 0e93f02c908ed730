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
    assert pd.isna(row["critic_fused_failure"])  # "None", which pandas reads as missing
    columns = ("graphs_ms", "whole_batch_graph_ms", "critic_replay_ms", "critic_fused_replay_ms")
    for column in (*columns, "eager_gpu_ms"):
        assert row[column] > 0
    assert row["eager_kernels"] > 100


def test_the_fused_critic_step_is_the_critic_loss(speed):
    # The variant timed by --steps must compute the loss it stands for: the same value and
    # gradients as GWAEModel.critic_loss from the same draws (in eval mode, so that the
    # spectral norm takes no power-iteration step between the two).
    from skgwae.nn import GWAEModel
    from skgwae.training import make_generator
    from skgwae.training.seeding import seeded

    with seeded(0):
        model = GWAEModel(12, 3, (16, 16), coupling="critic").eval()
        x, mu = torch.randn(10, 12), torch.randn(10, 3)
    logvar = torch.full_like(mu, -1.0)
    critic_opt = torch.optim.RMSprop(model.critic.parameters())
    expected = model.critic_loss(x, mu, logvar, make_generator(0, "cpu"))
    critic_opt.zero_grad()
    expected.backward()
    expected_grads = [p.grad.clone() for p in model.critic.parameters()]
    got = speed.fused_critic_backward(
        model, critic_opt, make_generator(0, "cpu"), x, mu, logvar
    )
    torch.testing.assert_close(got, expected.detach())
    for p, grad in zip(model.critic.parameters(), expected_grads):
        torch.testing.assert_close(p.grad, grad)
