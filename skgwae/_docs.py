"""The documentation shared by the GWAE estimators, and the decorators that put it (and the
shared constructor parameters) into each estimator."""

import inspect

# Each estimator's docstring holds these placeholders where the shared entries go.
TRAINING_PARAMETERS_PLACEHOLDER = "%(training_parameters)s"
FITTED_ATTRIBUTES_PLACEHOLDER = "%(fitted_attributes)s"

FITTED_ATTRIBUTES_DOC = """\
model_ : skgwae.nn.GWAEModel
    The fitted torch model (encoder, decoder, prior, kappa and critic).
encoder_, decoder_, prior_, critic_ : torch.nn.Module
    The fitted parts of ``model_`` (``critic_`` is None with the MMD coupling).
metric_ : str
    The data metric d_X of the fit: ``metric``, with ``"auto"`` resolved.
standardize_ : bool
    Whether the fit standardised the rows: ``standardize``, with ``"auto"`` resolved.
    The mean and scale are ``model_.input_mean`` and ``model_.input_scale``.
feature_weights_ : ndarray of shape (`n_features_in_`,) or None
    The weight of each feature: ``weight_features``, with ``"auto"`` resolved (None where
    the fit did not weight the features).
feature_lambdas_ : ndarray of shape (`n_features_in_`,) or None
    The Yeo-Johnson exponent of each feature that ``power_transform`` reshaped (1, the
    exponent of the identity, for a feature left as it is; None where the fit reshaped
    none).
kappa_ : float
    The learned ratio between data and (scale-normalised) latent distances.
n_iter_ : int
    Number of epochs run (of the kept fit, with ``n_init``).
history_ : list of dict
    One dict per epoch: training terms ``loss``, ``gw``, ``w``, ``d``, ``h``, ``kappa``,
    validation terms ``val_gw``, ``val_w``, ``val_mmd``, ``val_score`` (with early
    stopping), ``seconds`` and the epoch number ``epoch``. ``history_.to_frame()`` gives
    it as a pandas DataFrame indexed by epoch. With ``warm_start``, each fit appends.
loss_curve_ : list of float
    Training loss per epoch.
validation_scores_ : list of float or None
    Validation score per epoch (None without early stopping).
best_validation_score_ : float or None
    Best validation score during training, whose weights were kept (None without
    early stopping).
best_epoch_ : int or None
    The epoch (as numbered in ``history_``) whose weights the model holds: the best
    validated one with early stopping, else the last one (None if no epoch completed).
device_ : str
    The device the model lives on.
n_features_in_ : int
    Number of features seen during fit.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during fit, when X has string column names."""

TRAINING_PARAMETERS_DOC = """\
coupling : {"mmd", "critic"}, default="mmd"
    How L_D, the mismatch between the inference joint p(x) q(z|x) and the generative
    joint p(z) delta(x - g(z)), is estimated. ``"critic"`` is the paper's main variant: a
    WGAN-style joint critic T(x, z) with a one-centred gradient penalty, trained
    ``n_critic`` steps per main step, both players with RMSprop (as the authors).
    ``"mmd"`` matches the latent marginals with a kernel MMD and trains with Adam. The
    default is ``"mmd"`` because a critic epoch costs an order of magnitude more than an
    MMD epoch.
gw_coupling : {"inference", "generative", "both"}, default="inference"
    The pairs on which L_GW is estimated. ``"generative"`` is the authors' estimator:
    prior samples z~ and their decodings g(z~); it shapes the decoder and the prior
    only. ``"inference"``: data x_i and their encoder means mu(x_i), which shapes the
    encoder directly. ``"both"``: the mean of the two. Under the coupling constraint
    (inference joint = generative joint) both estimate the same GW(p_data, p_z). The
    default is ``"inference"`` because shaping the encoder directly gives the most
    distance-preserving embeddings.
mmd_kernel : {"imq", "rbf"}, default="imq"
    The kernel of the MMD (coupling and :meth:`score`). ``"imq"``: a sum of inverse
    multiquadric kernels over scales 0.1-10 (after WAE); ``"rbf"``: the authors'
    ``exp(-||a - b||^2 / d^2)``. The default is ``"imq"`` because the light tails of the
    RBF kernel let the encoder means escape the prior's scale.
metric : {"auto", "euclidean", "cosine", "geodesic", "potential"}, default="auto"
    The data-side distance d_X that L_GW (and the GW part of :meth:`score`) preserves in
    the latent space. ``"euclidean"``: between raw rows, as in the paper. ``"cosine"``:
    scikit-learn's cosine distance 1 - cos(x, x'). ``"geodesic"``: Isomap's distance,
    the shortest path on the graph joining each training row to its ``n_neighbors``
    nearest rows (edges of Euclidean length; separate parts of the graph are joined by
    their shortest edges, with a warning), computed through 256 random landmark rows (a
    path through the nearest landmark, exact when the data has at most 256 training
    rows), so its cost grows as n_samples x 256; new rows join the graph through their
    ``n_neighbors`` nearest training rows. ``"potential"``: PHATE's potential distance on
    a soft ``n_neighbors``-nearest-neighbour graph, the Euclidean distance between rows'
    ``-log`` probabilities of ending a 32-step random walk in each of 256 landmark cells;
    it kept neighbourhoods better than ``"geodesic"`` (5-NN accuracy of the codes) and
    distances less faithfully (trustworthiness) on the sets measured; cost n_samples x
    256, and new rows step into the graph through their nearest training rows.
    Non-Euclidean distances are rescaled to the Euclidean one's mean, so the loss
    weights keep their meaning. ``"geodesic"`` and ``"potential"`` need every training
    row of :meth:`fit` in memory (not data read by chunks; a first :meth:`partial_fit`
    cannot build the graph, a later one trains on through it), and
    the non-Euclidean metrics need ``gw_coupling="inference"``. ``"auto"``: for
    :class:`GWAETransformer`, ``"geodesic"`` on at most 4,096 training rows in memory,
    because it gave the embeddings the better neighbourhoods on nearly every data set
    measured, and ``"euclidean"`` elsewhere (more rows, whose graph costs more than the
    fit; data read by chunks; a first :meth:`partial_fit`; another ``gw_coupling``); for
    :class:`GWAEClusterer`, ``"euclidean"``, which clustered better on most data sets
    measured (``"geodesic"`` did better on long, curved clusters such as concentric arcs,
    worse on discrete rows and touching Gaussian clusters). ``metric_`` tells which one a
    fit used.
n_neighbors : int, default=5
    Neighbours of each row in the graph of ``metric="geodesic"`` or ``"potential"``
    (unused otherwise).
standardize : bool or "auto", default="auto"
    Whether the fit standardises the rows: subtracts each feature's mean and divides by
    its standard deviation (a constant feature by 1), as scikit-learn's StandardScaler
    does. The networks, the data distances d_X, the neighbour graphs, the losses and
    :meth:`score` then work on standardised rows; :meth:`inverse_transform` and
    :meth:`sample` return rows in the data's units. ``"auto"`` standardises where the
    features look like measurements in different units: the largest standard deviation
    of a feature more than 10 times the median one (on up to 1,024 training rows drawn
    at random), and else uses the rows as given, so that pixels, counts and features on
    a common scale keep their relative weights. It is the default because in mixed
    units the distances that the GW term keeps are those of the largest features alone
    (grams outweigh millimetres). The mean and scale are those of every row of
    :meth:`fit` (of that random sample of the training rows for data read by chunks, of
    the chunk of a first :meth:`partial_fit`), and a continued fit keeps them. With
    False, a fit on such features warns.
weight_features : bool or "auto", default="auto"
    Whether the fit weights each feature (after any standardisation) by how much it
    varies along the rows' neighbour graph: its autocorrelation across the edges of the
    graph joining each row to its 10 nearest rows (one minus its Laplacian score; the
    graph is rebuilt three times on the rows so weighted, so that noise features lose
    weight once it stops following them), for rows of 8 features or more the geometric
    mean of that and its autocorrelation on the graph of the features outside its fold
    (of eight), so that a feature whose own values make rows neighbours, as a word of a
    few documents does, is also judged by the others; clipped at 0, scaled to a mean of
    1 (squared first for rows of fewer than 8 features; for rows of 8 features or more,
    capped at their weighted median, the largest weight w such that the weights of at
    least w hold half of the total, then divided by the square root of the feature's
    multiplicity, 1 plus its squared correlations with the other features less chance,
    as are the weights that each round's graph is built on, and scaled to mean 1
    again), on up to 4,096 training rows drawn at random, each feature clipped to its
    mean +- 5 standard deviations (so that the few large values of a rare word or
    category, once standardised, do not decide the neighbours). The rows' features are
    multiplied by the square roots of the weights, so the distances are weighted
    Euclidean ones and a feature of weight 0 is dropped. On the graph of all features
    alone a noise feature keeps some autocorrelation, which the square sets further
    below an informative one's; the geometric mean of the two graphs already does, and
    there the square only concentrated the weight on fewer features. The cap keeps
    features that carry the clusters alike from weighing several times one another by
    chance, which made a few of them decide the distances; noise features, which hold
    little of the total, do not set it. The multiplicities keep many features that
    repeat a few factors unrelated to the clusters from holding most of every distance;
    they come after the cap, which would otherwise bring the other features down to
    those features' weight wherever they hold more than half of it.
    ``"auto"``: :class:`GWAEClusterer` weights the features of tables rather than pixels
    or 0/1 answers: rows that do not all lie in [0, 1], or that do with no varying
    feature holding one value in 10 % of the rows (a table scaled to [0, 1], as
    MinMaxScaler scales one, where pixels hold their background and answers their two
    values in many rows), because the weights raised the clusters of tables whose
    classes differ in a few of many features and moved those of pixels as often down as
    up; :class:`GWAETransformer` does not weight them. The weights are kept as the mean
    and scale are. :class:`GWAEClusterer`, which knows how many clusters it seeks, also
    drops (weight 0) the features of a block that holds none (as does
    :class:`GWAETransformer` with ``prior="gmm"``, for its components): the features are grouped
    into blocks by their rank correlations (average linkage, 0.15 at least within a
    block); a block of two or more features is independent of the others where its rank
    correlations with them are no larger than random permutations of its rows give
    (within 3 standard deviations); and among two to eight independent blocks, one
    whose k-means partitions into ``n_clusters`` parts agree less, on 16 pairs of random
    subsets of the rows, than the most reproducible block's by more than 0.15 (adjusted
    Rand index, the latter at least 0.75) is dropped. Classes beside a curved surface,
    or beside factors or noise of their own, form such blocks: the autocorrelations
    weigh the two alike, since each varies smoothly along the graph, and the partitions
    followed the surface as much as the classes.
power_transform : bool or "auto", default="auto"
    Whether the fit reshapes skewed features by a Yeo-Johnson power transform (as
    scikit-learn's PowerTransformer does), before any standardisation and weighting.
    A feature is reshaped where its skewness exceeds 0.5 in absolute value, no single
    value is held by 10 % of the rows (counts, pixels at 0), and a one-dimensional
    mixture of Gaussians (as many as :class:`GWAEClusterer`'s ``n_clusters``; one for
    :class:`GWAETransformer`) fits the feature's values better once transformed, by more
    than the Bayesian information criterion's price of the exponent (log-likelihoods in
    the feature's own units, on up to 4,096 training rows drawn at random). The
    transform works on the standardised feature, so that it does not depend on the
    units, and is scaled back to the feature's mean and standard deviation, so that
    ``standardize`` and the weights see the same spreads. So skewed clusters (sizes,
    concentrations, incomes: log-normal or gamma shapes) become closer to the Gaussian
    clusters of the latent mixture, while a feature whose skewed tail is itself a
    cluster, which the mixture fits as it stands, is left as it is.
    :meth:`inverse_transform` and :meth:`sample` undo the transform. ``"auto"``:
    :class:`GWAEClusterer` reshapes the features of tables (the rows that
    ``weight_features="auto"`` weights), because reshaping raised the clusters of tables
    with skewed classes; :class:`GWAETransformer` does not. The shapes are kept as the
    mean and scale are.
hidden_layer_sizes : int or array-like of int, default=(128, 128)
    Hidden widths of the encoder MLP (an int is one hidden layer); the decoder uses them
    reversed and the critic's branches as given. With ``image_shape``, the fully
    connected layers between the convolutions and the latent code.
image_shape : tuple of int or None, default=None
    The shape ``(channels, height, width)`` or ``(height, width)`` of the images whose
    pixels, flattened in C order (as ``images.reshape(n, -1)``), are the rows of X; its
    product must equal n_features. The encoder, decoder and critic then become
    convolutional: a DCGAN-style stack of stride-2 4x4 convolutions halving the image
    down to 4-7 pixels, channels 16, 32, 64, 128, mirrored by the decoder for any image
    size (not only powers of two). If the training data lie in [0, 1], the decoder ends
    in a sigmoid, so reconstructions and samples are valid pixel intensities; else it
    is linear (so a ``warm_start`` fit on data that leave [0, 1] is refused). The
    convolutional networks cost several times more per epoch than the MLPs on a CPU.
    None: MLPs, for tabular data.
batch_size : int or "auto", default="auto"
    Mini-batch size; ``"auto"`` is ``min(64, n_train)`` (the authors' 64). Larger values
    than the training set are clipped with a warning.
max_iter : int or "auto", default="auto"
    Number of epochs (named as in scikit-learn's MLP); early stopping may end the fit
    sooner. The learning rate is constant, then falls linearly to 0 over the last
    quarter of the epochs, which settles the weights at the end of a short fit.
    ``"auto"`` runs enough epochs for about 1,250 optimiser steps (at least 2 epochs,
    at most 100; :class:`GWAEClusterer` counts the steps it trains after its partition
    among them): what a step moves is the weights, so large data sets need few epochs
    and small ones more, and that many steps reach the quality of a fit several times
    longer at a constant rate. An explicit ``max_iter`` that early stopping does not
    cut short ends with a ``ConvergenceWarning``, as in scikit-learn.
learning_rate : float or "auto", default="auto"
    Step size of the optimisers at the start of the schedule (see ``max_iter``).
    ``"auto"``: with ``coupling="mmd"`` (Adam), for the fully connected networks 2e-2,
    large steps that need few epochs, or 1 / W if smaller, where W, the rows' effective
    width, is sqrt(n_features) times the median ratio ||x||_1 / ||x||_2 of the training
    rows (of up to 1,024 of them drawn at random; in :meth:`partial_fit`, of the call's
    rows), so at most n_features: tables of up to 50 features keep 2e-2. (An Adam step
    changes a first-layer unit's input by up to the learning rate times ||x||_1, which
    swamps it on wide rows such as flattened images.) Hidden layers wider than 128
    units scale 2e-2 down in proportion, for the same reason one layer in (with
    ``hidden_layer_sizes=(512, 512)``, 5e-3). 5e-3 for the convolutional
    networks (``image_shape``), which can collapse to constant codes at 2e-2. With
    ``coupling="critic"`` (RMSprop), 1e-3, since the adversarial critic is unstable with
    larger ones. Whatever the rate, a step whose gradient is more than 3 times as long
    as the median of the last 200 steps' is shortened to that length, so that a batch
    that holds rows far out in a few features does not throw the fit off course.
lambda_w : float, default=1.0
    Weight of the reconstruction term L_W.
lambda_d : float, default=1.0
    Weight of the coupling term L_D (the authors' value). With the inference GW term
    and ``kappa_init="auto"`` it keeps the encoder means on the prior's scale; much
    larger weights collapse the encoder onto the prior.
lambda_h : float or "auto", default="auto"
    Weight of the entropy term L_H. Larger weights keep the encoder noisier, as a larger
    beta does in a beta-VAE, which can help disentanglement. ``"auto"``: the authors'
    0.03 for up to 10 latent coordinates, and 0.3 / n_components for more, so that the
    whole term, a sum over the coordinates, weighs as much as with 10; at 0.03 it
    outweighed the other terms in 20 or more coordinates, and early stopping kept a
    model of the first epochs.
kappa_init : float or "auto", default="auto"
    Initial value of the trainable ratio kappa of L_GW. ``"auto"`` sets it so that the
    mean data distance equals kappa times the mean scale-normalised prior distance on
    the training data, so L_GW starts with matched scales. It is the default because
    from a fixed value such as the authors' 1.0, kappa must travel far at about
    ``learning_rate`` per step, and until it does the GW term pulls the encoder means
    off the prior's scale.
n_critic : int, default=5
    Critic steps per main step with ``coupling="critic"``.
early_stopping : bool, default=True
    Hold out ``validation_fraction`` of the data and stop when the validation
    :meth:`score` has not improved by ``tol`` for ``n_iter_no_change`` epochs; the best
    weights are restored. The score leaves out the critic, so this rule does not drift
    as the critic changes, and its MMD part rises when the encoder leaves the prior's
    scale, which the training loss alone can hide. With False, the training loss is
    monitored instead (as in scikit-learn's MLP).
validation_fraction : float, default=0.1
    Fraction of the data held out (at least 2 samples) with ``early_stopping``.
n_iter_no_change : int, default=20
    Patience in epochs. The default is twice the authors' 10, because the validation
    score is sampled, hence noisy, and a shorter patience stops fits while it is still
    improving.
tol : float, default=1e-4
    Minimal improvement of the monitored value that resets the patience.
device : str, default="auto"
    ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``. On
    CUDA the fit replays its steps from CUDA graphs (a step of small networks otherwise
    waits on the launch of each of its many operations); see the User Guide's GPU page.
precision : {"float32", "bfloat16"}, default="float32"
    ``"bfloat16"`` runs the training forward passes under bfloat16 autocast (matrix
    products in bfloat16; weights, optimiser state and the loss sums in float32); meant
    for CUDA GPUs with bfloat16 units. The default is float32 because on a CPU autocast
    makes epochs slower. Inference is always float32.
compile : bool, default=False
    Compile the encoder and decoder with ``torch.compile`` for the fit. Not the critic:
    the convolutional one differentiates its gradient penalty twice, which compiled
    graphs do not support, and the MLP one's step was no faster compiled on a CPU.
    Needs a C++ compiler on the CPU and Triton on CUDA, where it takes the place of the
    CUDA graphs. The default is False because the first fit in a process then waits for
    the compilation, which small networks on a CPU do not win back.
random_state : int, RandomState instance or None, default=None
    Seeds the validation split, the weight initialisation and all training noise. The
    same seed on the same device gives the same model. The global torch RNG is untouched.
verbose : int, default=0
    0 is silent; 1 shows a progress bar per fit; 2 or more prints one line per epoch
    (the training terms and, with early stopping, the validation terms) instead.
warm_start : bool, default=False
    When True and the estimator is fitted, :meth:`fit` continues training the fitted
    model for up to ``max_iter`` more epochs instead of starting afresh; ``history_``
    and ``n_iter_`` accumulate, and restarts (``n_init``) are skipped. Parameters that
    shape the model (``n_components``, the prior, the networks, the couplings) must not
    change in between; the data must have the same features. The optimiser state (Adam
    or RMSprop moments) continues too when the estimator has it: a pickle or copy keeps
    it only when ``warm_start`` was True at that time (it is as large as the model). Without
    it, training continues from the fitted weights with fresh optimiser moments.
n_jobs : int or None, default=None
    Number of CPU threads torch runs the fit and inference with (set for the call and
    restored afterwards). None chooses by the work of one training step: one thread for
    networks such as the default MLPs, whose matrix products are too small for threads
    to pay and which stall when another process holds a core; more only for large
    convolutional steps, leaving one CPU free and never more than
    ``torch.get_num_threads()`` (so a limit set with ``torch.set_num_threads`` is
    respected). -1 means all CPUs, -2 all but one; a positive int is used as given. The
    model's initial scale is calibrated on one thread whatever the setting, so that the
    thread count torch has when ``fit`` is called does not change the fit of a given
    ``random_state``."""


def shares_parameters(base_init):
    """Decorator of an estimator's ``__init__``: its own parameters, then ``base_init``'s.

    The decorated ``__init__`` takes its own parameters and ``**training_params``, which it
    hands to ``base_init``. Its signature, which scikit-learn's ``get_params``, ``clone``
    and common checks read, lists every parameter explicitly (own ones first; an own
    parameter may override a shared default), so the shared list is written once.
    """

    def decorate(init):
        own = [
            p for p in inspect.signature(init).parameters.values() if p.kind is not p.VAR_KEYWORD
        ]
        names = {p.name for p in own}
        shared = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for name, p in inspect.signature(base_init).parameters.items()
            if name != "self" and name not in names
        ]
        init.__signature__ = inspect.Signature(own + shared)
        return init

    return decorate


def document_training_parameters(cls):
    """Class decorator: put the docs of the shared training parameters and fitted
    attributes into ``cls.__doc__``."""
    if cls.__doc__:  # None under python -OO
        cls.__doc__ = (
            inspect.cleandoc(cls.__doc__)
            .replace(TRAINING_PARAMETERS_PLACEHOLDER, TRAINING_PARAMETERS_DOC)
            .replace(FITTED_ATTRIBUTES_PLACEHOLDER, FITTED_ATTRIBUTES_DOC)
        )
    return cls
