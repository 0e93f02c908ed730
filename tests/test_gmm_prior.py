"""The Gaussian-mixture prior: full scale matrices and mixing weights that learn."""

import numpy as np
import torch

from skgwae.nn import make_prior, mmd
from skgwae.training import seeded


def test_logits_receive_a_gradient():
    with seeded(0):
        prior = make_prior("gmm", 3, n_clusters=4)
    z = prior(32, torch.Generator().manual_seed(0))
    (z**2).sum().backward()
    assert prior.logits.grad is not None
    assert prior.logits.grad.abs().sum() > 0
    assert prior.means.grad.abs().sum() > 0
    assert prior.scales.grad.abs().sum() > 0


def test_components_are_drawn_by_their_weights():
    with seeded(0):
        prior = make_prior("gmm", 2, n_clusters=2)
    with torch.no_grad():
        prior.logits.copy_(torch.log(torch.tensor([0.9, 0.1])))
    hard = prior.assignments(20000, torch.Generator().manual_seed(0)).detach()
    np.testing.assert_allclose(hard.sum(0).numpy() / 20000, [0.9, 0.1], atol=0.01)
    assert set(np.unique(hard.numpy())) == {0.0, 1.0}


def test_full_scale_matrix_gives_correlated_coordinates():
    # One component with S = [[1, 0], [0.9, 0.2]]: cov = S S^T has correlation 0.976. The
    # authors' eps * column-sums(S) would give uncorrelated coordinates.
    with seeded(0):
        prior = make_prior("gmm", 2, n_clusters=1).double()
    with torch.no_grad():
        prior.scales.copy_(torch.tensor([[[1.0, 0.0], [0.9, 0.2]]], dtype=torch.float64))
    z = prior(20000, torch.Generator().manual_seed(0)).detach().numpy()
    assert np.corrcoef(z.T)[0, 1] > 0.95


def test_mixing_weights_learn_unbalanced_proportions():
    # Target: an 80/20 mixture of two separated blobs, standardised like the prior's output.
    # From balanced weights, matching it by MMD must move the weights towards 80/20.
    g = torch.Generator().manual_seed(0)
    n = 2000
    minority = torch.rand(n, generator=g) < 0.2
    centres = torch.where(minority[:, None], torch.tensor([3.0, 0.0]), torch.tensor([-1.0, 1.0]))
    target = centres + 0.3 * torch.randn(n, 2, generator=g)
    target = (target - target.mean(0)) / target.std(0)
    with seeded(1):
        prior = make_prior("gmm", 2, n_clusters=2)
    with torch.no_grad():
        prior.logits.zero_()
    opt = torch.optim.Adam(prior.parameters(), lr=1e-2)
    for _ in range(400):
        batch = target[torch.randint(0, n, (128,), generator=g)]
        loss = mmd(prior(128, g), batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
    weights = np.sort(prior.weights.detach().numpy())
    assert weights[1] > 0.7, weights
