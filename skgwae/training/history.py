"""Per-epoch record of the training."""


class History(list):
    """A list with one dict per epoch (skorch style): ``history[-1]["loss"]``.

    ``pandas.DataFrame(history)`` gives a table with one row per epoch.
    """

    def record(self, **values):
        self.append(dict(values))

    def column(self, key):
        """The values of ``key`` over the epochs (None where an epoch lacks it)."""
        return [row.get(key) for row in self]
