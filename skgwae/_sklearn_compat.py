"""The one place where skgwae imports scikit-learn's private helpers."""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["Interval", "StrOptions", "_fit_context", "check_is_fitted", "validate_data"]
