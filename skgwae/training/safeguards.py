"""What keeps a fit recoverable: snapshots of the model and optimiser states to roll back
to, and Ctrl-C turned into a request to stop after the current step."""

import signal
import threading

from .tensors import cloned


def snapshot(model, optimizers):
    """Copies of the model's and optimisers' states (on their device)."""
    return (
        {k: v.detach().clone() for k, v in model.state_dict().items()},
        [cloned(opt.state_dict()) for opt in optimizers],
    )


def restore(model, optimizers, state):
    """Load a :func:`snapshot` back into the model and optimisers."""
    model_state, optimizer_states = state
    model.load_state_dict(model_state)
    for opt, opt_state in zip(optimizers, optimizer_states):
        opt.load_state_dict(opt_state)


def set_learning_rate(optimizers, learning_rate):
    for opt in optimizers:
        for group in opt.param_groups:
            group["lr"] = learning_rate


class StopRequest:
    """Turns Ctrl-C (SIGINT) during training into a request to stop after the current step.

    Python runs signal handlers in the main thread only, so the handler is installed there,
    and only over Python's default one (a framework's own handler is left alone). A second
    Ctrl-C raises KeyboardInterrupt at once, for a user who does not want to wait.
    """

    def __init__(self):
        self.requested = False
        self._previous = None

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc_info):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False
