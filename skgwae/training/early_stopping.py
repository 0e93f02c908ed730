"""Patience-based stopping on a monitored value."""

import math


class EarlyStopping:
    """Stop when ``value`` has not improved by more than ``tol`` for ``patience`` epochs.

    Parameters
    ----------
    patience : int
        Number of epochs without improvement that ends training.
    tol : float
        Minimal absolute improvement that counts.
    higher_is_better : bool
        True for a score, False for a loss.
    """

    def __init__(self, patience, tol, higher_is_better):
        self.patience = patience
        self.tol = tol
        self.sign = 1.0 if higher_is_better else -1.0
        self.best = -math.inf
        self.best_epoch = None
        self.wait = 0

    def update(self, value, epoch):
        """Record the epoch's value; return True when it is the best so far."""
        signed = self.sign * value
        improved = signed > self.best
        if signed > self.best + self.tol:
            self.wait = 0
        else:
            self.wait += 1
        if improved:
            self.best = signed
            self.best_epoch = epoch
        return improved

    @property
    def best_value(self):
        return self.sign * self.best

    @property
    def should_stop(self):
        return self.wait >= self.patience
