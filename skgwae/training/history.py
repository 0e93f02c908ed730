"""Per-epoch record of the training."""


class History(list):
    """A list with one dict per epoch (skorch style): ``history[-1]["loss"]``.

    :meth:`to_frame` gives a pandas table with one row per epoch.
    """

    def record(self, **values):
        self.append(dict(values))

    def column(self, key):
        """The values of ``key`` over the epochs (None where an epoch lacks it)."""
        return [row.get(key) for row in self]

    def to_frame(self):
        """The history as a pandas DataFrame, one row per epoch, indexed by ``epoch``."""
        import pandas as pd

        frame = pd.DataFrame(list(self))
        return frame.set_index("epoch") if "epoch" in frame else frame
