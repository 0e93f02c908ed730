"""Warnings and errors raised by skgwae."""


class DeviceWarning(UserWarning):
    """A requested or stored device is not available; the model runs on the CPU instead."""


class NonFiniteLossError(ValueError):
    """The training loss became NaN or infinite."""
