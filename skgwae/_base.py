"""BaseGWAE: the parameters, fit orchestration and public API shared by the GWAE estimators."""

import contextlib
import copy
import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from ._data import (
    KAPPA_CALIBRATION_ROWS,
    effective_width,
    fit_geometry,
    prepare_training_data,
)
from ._inference import FittedModelMixin
from ._persistence import estimator_state, restored_state
from ._sklearn_compat import _fit_context
from ._validation import (
    AUTO_LEARNING_RATE,
    AUTO_LEARNING_RATE_CONV,
    AUTO_LEARNING_RATE_CRITIC,
    AUTO_LEARNING_RATE_HIDDEN_WIDTH,
    AUTO_LEARNING_RATE_WIDTH,
    TRAINING_PARAMETER_CONSTRAINTS,
    check_device,
    check_hidden_layer_sizes,
    check_image_shape,
    check_warm_start,
    effective_batch_size,
    effective_lambda_h,
)
from .nn import GWAEModel
from .training import (
    AUTO_STEPS,
    History,
    Trainer,
    TrainingConfig,
    as_tensor,
    auto_epochs,
    evaluate_criterion,
    make_generator,
    seeded,
)
from .training.threads import resolve_n_threads, step_multiply_adds, torch_threads


def _resolved(value, auto):
    """A parameter of ``bool or "auto"``: ``auto`` for ``"auto"``, else the bool."""
    return auto if isinstance(value, str) else bool(value)


class BaseGWAE(FittedModelMixin, BaseEstimator):
    """Base class of the GWAE estimators. Not for direct use.

    It holds the training parameters every GWAE estimator shares, the fit (one training
    routine for :meth:`fit` and :meth:`partial_fit`) and pickling; the inference and
    scoring methods come from :class:`FittedModelMixin`.

    A subclass decorates its ``__init__`` with ``shares_parameters(BaseGWAE.__init__)``
    (and its class with ``document_training_parameters``), and implements these hooks,
    never the private plumbing of the fit:

    ``_prior_spec()``
        Required. The prior family of the model as ``(name, params)``, validated.
    ``_n_restarts()``
        How many models a fresh :meth:`fit` trains from different seeds; the one that
        ``_choose_restart`` picks is kept. Default 1. A continued fit (``warm_start``,
        :meth:`partial_fit`) trains one.
    ``_choose_restart(models, data, device, geometry)``
        The index of the model to keep among the restarts' trained models (each already
        post-processed by ``_after_training``); ``data``, ``device`` and ``geometry`` as
        there. Default: the best label-free criterion on the validation rows (the training
        rows without early stopping), the first if tied.
    ``_min_train_rows()``
        ``(count, requirement)``: the least number of training rows (after the validation
        split) the estimator needs, and the parameter that sets it, as error messages name
        it (for example ``(5, "n_clusters=5")``). Default ``(2, "2")``.
    ``_auto_steps()``
        The optimiser steps of the training that ``max_iter="auto"`` aims at. Default
        ``AUTO_STEPS`` (1,250); a subclass whose ``_after_training`` trains on takes its
        own steps out of that budget.
    ``_auto_metric()``
        The data metric that ``metric="auto"`` gives a :meth:`fit` on in-memory rows with
        ``gw_coupling="inference"``; elsewhere it gives ``"euclidean"``. Default
        ``"euclidean"``.
    ``_auto_weight_features()``
        Whether ``weight_features="auto"`` weights the features of tables (rows that do
        not all lie in [0, 1], or that do and look scaled to it, rather than pixels or
        0/1 answers). Default False.
    ``_auto_power_transform()``
        Whether ``power_transform="auto"`` reshapes the skewed features of tables (as
        above). Default False.
    ``_feature_modes()``
        The number of Gaussians of the one-dimensional mixture that decides whether a
        skewed feature is reshaped. Default 1.
    ``_clusters_sought()``
        The number of clusters the fit looks for, with which weighted features drop the
        independent blocks of features that hold no clusters
        (:func:`~skgwae._feature_blocks.cluster_free_blocks`); None, the default, drops
        none.
    ``_after_training(model, data, *, device, seed, geometry, result)``
        Post-process each trained model in place, before restarts are compared: ``data``
        is the :class:`TrainingData` (``data.training_chunks()`` gives the training rows),
        ``device`` the torch device the model is on, ``seed`` an int drawn for this
        model, ``geometry`` the fitted data geometry of the training rows and ``result``
        the :class:`TrainResult` of the training, whose ``interrupted`` the hook sets if
        the user interrupts a training step of its own. Default: nothing.
    ``_after_fit(data)``
        Set the subclass's own fitted attributes, once the kept model and the shared fitted
        attributes are set; ``data.all_chunks()`` gives the rows of this call in the order
        given. Default: nothing.
    """

    _parameter_constraints: dict = dict(TRAINING_PARAMETER_CONSTRAINTS)

    def __init__(
        self,
        n_components=2,
        *,
        coupling="mmd",
        gw_coupling="inference",
        mmd_kernel="imq",
        metric="auto",
        n_neighbors=5,
        standardize="auto",
        weight_features="auto",
        power_transform="auto",
        hidden_layer_sizes=(128, 128),
        image_shape=None,
        batch_size="auto",
        max_iter="auto",
        learning_rate="auto",
        lambda_w=1.0,
        lambda_d=1.0,
        lambda_h="auto",
        kappa_init="auto",
        n_critic=5,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=20,
        tol=1e-4,
        device="auto",
        precision="float32",
        compile=False,
        random_state=None,
        verbose=0,
        warm_start=False,
        n_jobs=None,
    ):
        self.n_components = n_components
        self.coupling = coupling
        self.gw_coupling = gw_coupling
        self.mmd_kernel = mmd_kernel
        self.metric = metric
        self.n_neighbors = n_neighbors
        self.standardize = standardize
        self.weight_features = weight_features
        self.power_transform = power_transform
        self.hidden_layer_sizes = hidden_layer_sizes
        self.image_shape = image_shape
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.lambda_w = lambda_w
        self.lambda_d = lambda_d
        self.lambda_h = lambda_h
        self.kappa_init = kappa_init
        self.n_critic = n_critic
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.device = device
        self.precision = precision
        self.compile = compile
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ subclass hooks

    # The contract is in the class docstring; these are the defaults.

    def _prior_spec(self):
        """``(name, params)`` of the prior family; subclasses must implement it."""
        raise NotImplementedError

    def _n_restarts(self):
        """Models a fresh fit trains from different seeds (``_choose_restart`` picks one)."""
        return 1

    def _choose_restart(self, models, data, device, geometry):
        """Index of the restart a fresh fit keeps: the best label-free criterion on the
        validation rows (the training rows without early stopping); the first if tied."""
        rows = data.selection_rows()
        scores = [
            evaluate_criterion(
                model,
                rows,
                None,
                geometry,
                lambda_w=self.lambda_w,
                lambda_d=self.lambda_d,
                device=device,
            )["score"]
            for model in models
        ]
        return int(np.argmax(scores))

    def _min_train_rows(self):
        """``(count, requirement)``: the least training rows, and what requires them."""
        return 2, "2"

    def _auto_steps(self):
        """Optimiser steps of the training under ``max_iter="auto"``."""
        return AUTO_STEPS

    def _auto_metric(self):
        """The data metric of ``metric="auto"`` where every training row is in memory."""
        return "euclidean"

    def _auto_weight_features(self):
        """Whether ``weight_features="auto"`` weights the features of tables."""
        return False

    def _auto_power_transform(self):
        """Whether ``power_transform="auto"`` reshapes the skewed features of tables."""
        return False

    def _feature_modes(self):
        """The number of Gaussians of the mixture that decides a feature's reshaping."""
        return 1

    def _clusters_sought(self):
        """The number of clusters the fit looks for (None: it looks for none)."""
        return None

    def _after_training(self, model, data, *, device, seed, geometry, result):
        """Post-process each trained model in place, before restarts are compared."""

    def _after_fit(self, data):
        """Set the subclass's own fitted attributes once the kept model is set."""

    # ------------------------------------------------------------------ fitting

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the GWAE on X.

        Data larger than memory is read a chunk at a time, with one chunk on the device:
        an iterable of 2-D chunks, or a numpy array (such as a ``numpy.memmap``) whose
        float32 copy exceeds scikit-learn's ``working_memory`` (1024 MiB by default; see
        :func:`sklearn.config_context`). An array is then read in chunks of at most
        ``working_memory / 16`` bytes, each made of 16 blocks of contiguous rows drawn at
        random every epoch (so rows stored in order still mix); chunks of an iterable are
        taken in the order it yields them, so shuffle them if they are stored in order.
        Each chunk holds out ``validation_fraction`` of its rows for early stopping, at
        most 10,000 rows in all (kept in memory). Memory-mapped data no larger than
        ``working_memory`` is fitted exactly as the same array in memory.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or iterable of such arrays
            Training data, at least 2 samples (4 with ``early_stopping=True``). An
            iterable of chunks (a list of arrays or DataFrames, a torch DataLoader of
            2-D tensors, any object whose ``__iter__`` starts a new pass) is read once
            to check it and once per epoch, so it must yield the same chunks each time;
            a one-pass iterator is refused (use :meth:`partial_fit`).
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with self._unchanged_on_failure():
            self._train(X, incremental=False)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train on X for one epoch, continuing the fitted model if there is one.

        The first call (on an unfitted estimator) builds the model from X; each call then
        takes one pass over X in batches of ``batch_size`` at the constant
        ``learning_rate`` (no annealing: the stream has no known end), with the optimiser
        state (Adam or RMSprop moments) kept from call to call, so that a stream of chunks
        trains as one long fit. There is no validation split or early stopping
        (``max_iter``, ``early_stopping``, ``n_init`` and ``warm_start`` do not apply);
        ``history_`` gets one row per call. A call after :meth:`fit` continues that fit
        (with fresh optimiser moments when the optimiser state was not kept, as after
        pickling with ``warm_start=False``). The model's structure is fixed by the first
        call: later chunks must have the same features (and, with ``image_shape``, stay
        in [0, 1] if the first did), and are scaled as the first one was (see
        ``standardize`` and ``weight_features``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One chunk of training data, at least 2 samples.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The estimator.
        """
        with self._unchanged_on_failure():
            self._train(X, incremental=True)
        return self

    @contextlib.contextmanager
    def _unchanged_on_failure(self):
        """A failed fit leaves the estimator exactly as it was (unfitted, or its previous
        fit): the attributes are restored if the block raises (Ctrl-C included)."""
        previous_state = dict(self.__dict__)
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous_state)
            raise

    def _training_rng(self, continuing):
        """The random state of one training call.

        A fresh fit draws from ``random_state`` itself. A call that continues a fitted
        model (``warm_start``, :meth:`partial_fit`) with an int ``random_state`` draws from
        a stream seeded by that int and the number of epochs run so far, so that each call
        gets new noise and a given sequence of calls gives the same model.
        """
        if continuing and isinstance(self.random_state, Integral):
            seed = np.random.SeedSequence([self.random_state, self.n_iter_]).generate_state(1)
            return np.random.RandomState(seed[0])
        return check_random_state(self.random_state)

    def _train(self, X, *, incremental):
        """The training routine of :meth:`fit` (up to ``max_iter`` epochs, with early
        stopping and restarts) and :meth:`partial_fit` (``incremental``: one epoch on X, no
        validation split, no restarts, X one array)."""
        continuing = hasattr(self, "model_") and (incremental or self.warm_start)
        rng = self._training_rng(continuing)
        validated = self.early_stopping and not incremental
        data = prepare_training_data(
            self,
            X,
            reset=not continuing,
            rng=rng,
            validation_fraction=self.validation_fraction if validated else None,
            min_train_rows=self._min_train_rows(),
            standardize=self.standardize,
            weight_features=_resolved(
                self.weight_features, "auto" if self._auto_weight_features() else False
            ),
            power_transform=_resolved(
                self.power_transform, "auto" if self._auto_power_transform() else False
            ),
            fitted_scaling=self.model_.input_scaling() if continuing else None,
            allow_chunked=not incremental,
        )
        scaling = data.input_scaling
        config = self._model_config(
            data.n_features,
            data.in_unit_range,
            standardized=scaling is not None and scaling.standardized,
            weighted=scaling is not None and scaling.weights is not None,
            reshaped=scaling is not None and scaling.shapes is not None,
        )
        if continuing:
            check_warm_start(self.model_.config, config)
        device = check_device(self.device)
        geometry = fit_geometry(
            data,
            rng,
            metric=self.metric,
            n_neighbors=self.n_neighbors,
            gw_coupling=self.gw_coupling,
            incremental=incremental,
            auto_metric=self._auto_metric(),
            fitted=self._geometry if incremental and continuing else None,
        )
        training = self._training_config(data.n_train, incremental, data.calibration_rows)
        n_restarts = 1 if continuing or incremental else self._n_restarts()
        restarts = []  # (model, result) of each restart
        for _ in range(n_restarts):
            init_seed, train_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=2))
            if continuing:
                # A copy, so that a failed fit leaves the fitted model as it was. The
                # optimiser state is missing after a pickle without warm_start: the
                # optimiser then starts afresh from the fitted weights.
                model = copy.deepcopy(self.model_)
                optimizer_state = getattr(self, "_optimizer_state", None)
            else:
                # On one thread whatever torch is set to: the scale's calibration sums
                # over rows, and split over threads those sums round otherwise, so that
                # one random_state gave two fits (as after umap-learn's first fit in the
                # process, which sets OpenMP's thread count).
                with torch_threads(1):
                    model = self._build_model(data, config, init_seed)
                optimizer_state = None
            trainer = Trainer(training, device=device, seed=train_seed)
            work = step_multiply_adds(model, training.batch_size)
            n_threads = resolve_n_threads(self.n_jobs, work)
            with torch_threads(n_threads):
                result = trainer.fit(
                    model, data.train, data.validation, optimizer_state, geometry
                )
                self._after_training(
                    model, data, device=device, seed=init_seed, geometry=geometry, result=result
                )
            restarts.append((model, result))
            if result.interrupted:  # the user asked to stop: keep this model, train no more
                break
        if len(restarts) == 1 or restarts[-1][1].interrupted:
            model, result = restarts[-1]
        else:
            models = [m for m, _ in restarts]
            with torch_threads(n_threads):
                chosen = self._choose_restart(models, data, device, geometry)
            model, result = restarts[chosen]
        self._set_fitted(model, result, device, data.dtype, append=continuing, validated=validated)
        if not (incremental and continuing):  # else it trained on through the fitted one
            self._geometry = geometry
        self._after_fit(data)
        # "auto" is a length measured to suffice, whose schedule ends by annealing; an
        # explicit max_iter that early stopping did not cut short gets scikit-learn's warning.
        explicit = self.max_iter != "auto"
        if explicit and not (incremental or result.stopped_early or result.interrupted):
            warnings.warn(
                f"The GWAE fit stopped at max_iter={self.max_iter} epochs before its "
                "monitored value stopped improving; consider a larger max_iter.",
                ConvergenceWarning,
            )

    def _set_fitted(self, model, result, device, dtype, *, append, validated):
        """Set the fitted attributes from a trained model and its TrainResult; with
        ``append``, the history continues the previous fits' record; ``validated`` says
        whether the fit was monitored on validation rows."""
        history, n_before = result.history, 0
        if append:  # continue the epoch count and the record of the previous fits
            n_before = len(self.history_)
            history = History(self.history_)
            history.extend({**row, "epoch": row["epoch"] + n_before} for row in result.history)
        self.model_ = model
        self._optimizer_state = result.optimizer_state
        self._device = device
        self.device_ = str(device)
        self.n_iter_ = len(history)
        self.history_ = history
        self.loss_curve_ = history.column("loss")
        self.validation_scores_ = history.column("val_score") if validated else None
        self.best_validation_score_ = result.best_validation_score
        # The epoch whose weights were kept: the best validated one, else the last one.
        kept = result.best_epoch if validated else len(result.history)
        self.best_epoch_ = None if not result.history or kept is None else kept + n_before
        self.kappa_ = float(model.kappa.item())
        self._n_features_out = self.n_components
        self._fit_dtype = dtype

    def _model_config(self, n_features, in_unit_range, *, standardized, weighted, reshaped):
        """The constructor arguments of the model (see :class:`skgwae.nn.GWAEModel`) but
        ``kappa_init``, from the parameters (validated) and the training data: its number
        of features, whether all its values lie in [0, 1], whether it was standardised and
        whether its features were weighted and whether its skewed features were reshaped
        (which an explicit ``standardize`` or ``weight_features``, and
        ``power_transform=False``, override, so that a continued fit or a model file whose model
        disagrees with it is refused)."""
        prior, prior_params = self._prior_spec()
        image_shape = check_image_shape(self.image_shape, n_features)
        return dict(
            n_features=n_features,
            image_shape=image_shape,
            output="sigmoid" if image_shape is not None and in_unit_range else "linear",
            n_components=self.n_components,
            hidden_layer_sizes=check_hidden_layer_sizes(self.hidden_layer_sizes),
            prior=prior,
            prior_params=dict(prior_params or {}),
            coupling=self.coupling,
            gw_coupling=self.gw_coupling,
            mmd_kernel=self.mmd_kernel,
            standardized=_resolved(self.standardize, bool(standardized)),
            weighted=_resolved(self.weight_features, bool(weighted)),
            # True where the fit found skewed features to reshape: a fit asked to reshape
            # may find none.
            reshaped=_resolved(self.power_transform, True) and bool(reshaped),
        )

    def _build_model(self, data, config, init_seed):
        with seeded(init_seed):
            model = GWAEModel(
                **config, kappa_init=1.0 if self.kappa_init == "auto" else self.kappa_init
            )
            if data.input_scaling is not None:
                model.set_input_scaling(data.input_scaling)
            if self.kappa_init == "auto":
                # calibration_rows: a random subset of the training rows.
                rows = as_tensor(data.calibration_rows[:KAPPA_CALIBRATION_ROWS], "cpu")
                model.calibrate_kappa(rows, make_generator(init_seed, "cpu"))
        return model

    def _learning_rate(self, rows):
        """``learning_rate`` with "auto" resolved for the training rows ``rows`` (a sample
        of them suffices; see the parameter's documentation)."""
        if self.learning_rate != "auto":
            return self.learning_rate
        if self.coupling == "critic":
            return AUTO_LEARNING_RATE_CRITIC
        if self.image_shape is not None:
            return AUTO_LEARNING_RATE_CONV
        hidden = max(
            check_hidden_layer_sizes(self.hidden_layer_sizes),
            default=AUTO_LEARNING_RATE_HIDDEN_WIDTH,
        )
        rate = AUTO_LEARNING_RATE * min(1.0, AUTO_LEARNING_RATE_HIDDEN_WIDTH / hidden)
        width = effective_width(rows)
        if width <= 0:
            return rate
        return min(rate, AUTO_LEARNING_RATE_WIDTH / width)

    def _training_config(self, n_train, incremental, rows):
        """The :class:`TrainingConfig` of the trainer, from the parameters and the
        training rows (``rows``, a sample of them): one epoch at a constant learning rate
        for :meth:`partial_fit`, else ``max_iter`` epochs whose learning rate anneals at
        the end."""
        batch_size = effective_batch_size(self.batch_size, n_train)
        if incremental:
            max_epochs = 1
        elif self.max_iter == "auto":
            max_epochs = auto_epochs(n_train, batch_size, self._auto_steps())
        else:
            max_epochs = self.max_iter
        return TrainingConfig(
            batch_size=batch_size,
            max_epochs=max_epochs,
            anneal=not incremental,
            learning_rate=self._learning_rate(rows),
            lambda_w=self.lambda_w,
            lambda_d=self.lambda_d,
            lambda_h=effective_lambda_h(self.lambda_h, self.n_components),
            n_critic=self.n_critic,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            precision=self.precision,
            compile=self.compile,
            verbose=self.verbose,
        )

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    # ------------------------------------------------------------------ persistence

    def __getstate__(self):
        # BaseEstimator may hand back the instance's own __dict__: copy before editing.
        state = dict(super().__getstate__())
        return estimator_state(state, keep_optimizer=self.warm_start)

    def __setstate__(self, state):
        super().__setstate__(restored_state(state, type(self).__name__))
