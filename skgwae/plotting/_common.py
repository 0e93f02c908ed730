"""What every plot needs: matplotlib, imported only when a plot is drawn."""

MATPLOTLIB_MISSING = (
    "skgwae.plotting needs matplotlib, which is not installed: install it with "
    'pip install "skgwae[plotting]" (or pip install matplotlib).'
)


def _pyplot():
    """matplotlib.pyplot, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(MATPLOTLIB_MISSING) from exc
    return plt
