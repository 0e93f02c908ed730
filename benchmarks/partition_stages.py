"""How each stage of GWAEClusterer's partition of its training rows scores, fit by fit.

A default ``GWAEClusterer(k, random_state=s)`` partitions the latent means of its training
rows in stages (see ``skgwae._mixture._graph_partition``): a partition of the neighbour
graph; where every feature is binary or one-hot, the partition of a latent class model,
and where continuous features stand beside such ones, that of a mixed model, each where
a label-free test says the model holds (``skgwae._latent_class``); EM on the data rows
from starts of its own (the likelier of a k-means and a k-means++ start), whose
partition replaces the graph's whole where it explains the
rows better and the graph tolerates its cut, or else EM's from the graph's parts where it
explains the rows far better than those parts' own Gaussians
(``skgwae._refinement.free_em_partition``); otherwise EM on the rows started from the
graph's parts (one Gaussian each, or several for a part whose rows prefer them where that
explains the rows better and cuts the graph no more, ``_refinement._em_labels``; the
refinement's EM candidates below are its labels), whose boundary moves are kept within
bounds on the graph's cut
(``refine_on_rows``; nor where a part becomes one of outliers, most of whose edges
leave it) and unless they follow heavy tails (``follows_tails``). This is
done for the spectral partition and, where there are enough rows, again for the Louvain
partition, and one of the two is kept. Training then goes on
towards the kept partition, and the clusters are read from the model (``fit_predict``).

This script fits the clusterer with its defaults on the data sets of
``benchmarks/cluster.py`` and records, for each of these partitions, its accuracy against
the classes of the training rows (Hungarian-matched, ``skgwae.metrics.cluster_accuracy``):
the graph's partition, EM from its own starts and EM from the graph's parts (in the
principal components the free EM uses, with the generator state the clusterer gives
them), each EM candidate of the refinement, the stage's output, the kept partition, and
the fit's clusters of all rows. It records as well what decides whether the free EM
partition replaces the graph's: its gain in mean log-likelihood per row over EM from the
parts, and the fraction of the graph's weight each partition cuts; whether EM's from the
parts does: its gain per row over the mixture of the parts' own moments; the parts'
largest Mardia kurtosis ratio (``skgwae._parts.parts_kurtosis``, in the free EM's
principal components) for the graph's partition, each EM partition and the refinement's,
and whether the refinement was taken to follow heavy tails; the share of rows the refinement
moved and its normalized cut of the common graph over the graph partition's (the ratio
that ``REFINED_MAX_NCUT_RATIO`` bounds), each part's conductance of that graph before and
after the refinement, and whether a part became one of outliers (see
``OUTLIER_PART_MIN_CONDUCTANCE``); and, where a
latent class or mixed model is fitted, its partition's accuracy, the test values that decide
whether it replaces the graph's (the residual dependence of its discrete features, and
the mixed model's gain from splitting its clusters in two Gaussians) and whether it did;
and, where the rows' own graph competes, the accuracies of the common graph's partition
and of the rows' own graph's, the own one's normalized cut of each graph over the common
one's, and which rule of the choice takes it; the normalized cut of the common graph by the
training rows' classes and by each stage's output (and by its graph partition, before EM),
which tell a search that missed a cut the graph holds (the classes cut it less) from a
graph that favours another partition (they cut it more), and the classes' cut of the
rows' own graph over its own partition's; and, after training, whether the
mixture of the parts' codes was refitted to classify them as a kept graph partition
does (``skgwae.clusterer._misreads_partition``), with the accuracy the fit's clusters
would have had without that refit (the mixture before it, read on the same model: the
code before the rule, on the same machine and in the same run). The stages are wrapped,
not changed: the clusters are those of ``python benchmarks/cluster.py --methods GWAE``.

Run from the repository root (about 10 minutes per process for half of every set on 2
CPU cores; single-threaded BLAS, as the standings' runs)::

    OMP_NUM_THREADS=1 python benchmarks/partition_stages.py --datasets every --out DIR

It prints one line per fit and writes the records to DIR/partition_stages.jsonl (appended),
then a summary of the free EM decisions, of the latent class and mixed models, of the
choices between the two graphs' partitions that the rows' own graph's clearly smaller cut
decides, of the kept partitions' refits, and of the classes' cut of the common graph
against each stage output's. ``--summarise FILE`` prints the summaries of records
written before (``.jsonl`` or ``.jsonl.gz``) without fitting anything.
"""

import argparse
import gzip
import json
import pathlib
import time

import numpy as np
from cluster import GROUP_ALIASES, every_set, load  # benchmarks/ on sys.path

import skgwae._data as data_module
import skgwae.clusterer as clusterer_module
import skgwae._latent_class as latent_class
import skgwae._mixture as mixture_module
import skgwae._refinement as refinement
from skgwae._inference import _FLOAT64_COPIES as FLOAT64_COPIES
from skgwae._parts import parts_kurtosis, parts_log_likelihood
from skgwae import GWAEClusterer
from skgwae.metrics import cluster_accuracy

# ``--datasets`` takes one group by the name cluster.py gives it, or ``every``.
GROUPS = {"every": every_set, **{alias: (lambda g=group: list(g)) for alias, group in
                                 GROUP_ALIASES.items()}}

# A normalized cut below this is rounding: the partition cuts no edge.
CUT_EPSILON = 1e-9

# What the wrapped stages of the current fit have seen.
_fit = {}


def _classes_of_rows():
    """The classes of the rows the partition sees: the training rows at its positions."""
    return _fit["y"][_fit["train"]][_fit["index"]]


def _accuracy(labels):
    return None if labels is None else float(cluster_accuracy(_classes_of_rows(), labels))


def _wrap_stages():
    """Wrap the stages of the clusterer's partition so that each records what it found."""
    split, spectral = data_module._split_index, mixture_module._spectral_partition
    partition = mixture_module._partition
    graph_partition, free_em = mixture_module._graph_partition, refinement.free_em_partition
    em_labels, refine = refinement._em_labels, refinement.refine_on_rows
    follows_tails = mixture_module.follows_tails
    latent_class_partition = mixture_module.latent_class_partition
    mixed_partition = mixture_module.mixed_partition
    dependence, split_gain = latent_class.residual_dependence, latent_class._split_gain

    def split_index(n, rng, validation_fraction):
        train, validation = split(n, rng, validation_fraction)
        _fit["train"] = train
        return train, validation

    def spectral_partition(codes, n_components, seed, n_neighbors, rows, *args):
        if rows is not None:
            read = rows

            def rows(index):
                _fit["index"] = index
                return read(index)

        result = spectral(codes, n_components, seed, n_neighbors, rows, *args)
        if result is not None and rows is not None:
            _fit["kept"] = _accuracy(result[0])
        return result

    def partition_stage(*args, **kwargs):
        labels = partition(*args, **kwargs)
        # The first two partitions of a stage with the rows' own graph: the common
        # graph's and the rows' own graph's, in that order.
        choice = _fit.get("graph_choice")
        if choice is not None and len(choice) < 2:
            choice.append(labels)
        return labels

    def graph_partition_stage(*args):
        _fit["stages"].append({"how": args[-1]})
        _fit["graph_choice"] = [] if args[1] is not None else None
        labels, replaced = graph_partition(*args)
        choice, _fit["graph_choice"] = _fit["graph_choice"], None
        if choice is not None and len(choice) == 2:
            _fit["stages"][-1].update(_graph_choice_record(args[0], args[1], *choice, args[4]))
            _fit["stages"][-1]["own_graph_classes_ncut_ratio"] = _classes_cut_ratio(
                args[1], choice[1], args[4]
            )
        _fit["stages"][-1]["output"] = _accuracy(labels)
        _fit["stages"][-1]["replaced"] = replaced
        _fit["stages"][-1].update(_classes_cut_record(args[0], labels, args[4]))
        return labels, replaced

    def free_em_stage(rows, labels, n_components, rng, rows_metric, affinity):
        stage = _fit["stages"][-1]
        stage["graph"] = _accuracy(labels)
        stage["cut"] = float(refinement._cut_fraction(affinity, labels))
        stage["graph_ncut"] = float(mixture_module._normalized_cut(affinity, labels, n_components))
        stage.update(_free_em_record(rows, labels, n_components, rng, rows_metric, affinity))
        result = free_em(rows, labels, n_components, rng, rows_metric, affinity)
        stage["free_em_replaces"] = result is not None
        return result

    def latent_class_stage(rows, labels, n_components, rng, cache=None):
        stage = _fit["stages"][-1]
        stage["graph"] = _accuracy(labels)
        _fit["model"] = "latent_class"
        result = latent_class_partition(rows, labels, n_components, rng, cache)
        stage["latent_class_replaces"] = result is not None
        return result

    def mixed_stage(rows, labels, n_components, rng):
        _fit["model"] = "mixed"
        result = mixed_partition(rows, labels, n_components, rng)
        _fit["stages"][-1]["mixed_replaces"] = result is not None
        return result

    def dependence_record(layout, labels, n_components):
        value = dependence(layout, labels, n_components)
        stage, model = _fit["stages"][-1], _fit["model"]
        stage[f"{model}_partition"] = _accuracy(labels)
        stage[f"{model}_dependence"] = value
        return value

    def split_gain_record(values, labels, n_components, rng):
        value = split_gain(values, labels, n_components, rng)
        stage = _fit["stages"][-1]
        stage["mixed_partition"] = _accuracy(labels)
        stage["mixed_split_gain"] = float(value)
        return value

    def em_labels_stage(rows, labels, n_components, rng):
        result = em_labels(rows, labels, n_components, rng)
        _fit["stages"][-1].setdefault("refinement_em", []).append(_accuracy(result))
        return result

    def refine_stage(rows, labels, n_components, rng, rows_metric, affinity, *args):
        result = refine(rows, labels, n_components, rng, rows_metric, affinity, *args)
        stage = _fit["stages"][-1]
        stage["refined"] = _accuracy(result)
        stage.update(_refinement_record(affinity, labels, result, n_components))
        return result

    def follows_tails_record(rows, labels, refined, n_components, rng, rows_metric):
        result = follows_tails(rows, labels, refined, n_components, rng, rows_metric)
        stage = _fit["stages"][-1]
        stage["follows_tails"] = result
        n_dims = refinement._supported_dims(rows, labels, n_components)
        if n_dims > 0:
            copy = np.random.RandomState()
            copy.set_state(rng.get_state())
            rows = refinement._principal_rows(rows, n_dims, copy, rows_metric)
            stage["refined_kurtosis"] = _kurtosis(rows, refined, n_components)
        return result

    def misreads_record(mixture, codes, labels, replaced, graph):
        result = misreads(mixture, codes, labels, replaced, graph)
        # The last call is the fit's: the clusterer decides once, after training.
        _fit["kept_refit"] = bool(result and not replaced)
        _fit["mixture_before_refit"] = mixture if _fit["kept_refit"] else None
        return result

    misreads = clusterer_module._misreads_partition
    clusterer_module._misreads_partition = misreads_record
    data_module._split_index = split_index
    mixture_module._spectral_partition = spectral_partition
    mixture_module._graph_partition = graph_partition_stage
    mixture_module._partition = partition_stage
    mixture_module.free_em_partition = free_em_stage
    refinement._em_labels = em_labels_stage
    mixture_module.refine_on_rows = refine_stage
    mixture_module.follows_tails = follows_tails_record
    mixture_module.latent_class_partition = latent_class_stage
    mixture_module.mixed_partition = mixed_stage
    latent_class.residual_dependence = dependence_record
    latent_class._split_gain = split_gain_record


def _graph_choice_record(affinity, row_affinity, common, own, n_components):
    """The choice between the partition ``common`` of the common graph ``affinity`` and
    the partition ``own`` of the rows' own graph ``row_affinity``: their accuracies, the
    own partition's normalized cut of each graph over the common partition's, whether
    the own partition cuts the common graph less (the first rule) and whether the rule of
    a clearly smaller cut of the rows' own graph takes it (``_clearly_better_on_own_graph``)."""
    common_cut_ratio = float(mixture_module._cut_ratio(affinity, own, common, n_components))
    return {
        "common_graph": _accuracy(common),
        "own_graph": _accuracy(own),
        "own_common_cut_ratio": common_cut_ratio,
        "own_rows_cut_ratio": float(
            mixture_module._cut_ratio(row_affinity, own, common, n_components)
        ),
        "own_cuts_common_less": common_cut_ratio < 1.0,
        "own_clearly_better": bool(
            mixture_module._clearly_better_on_own_graph(
                own, common, row_affinity, n_components, common_cut_ratio
            )
        ),
    }


def _classes_cut_record(affinity, output, n_components):
    """The normalized cut of the common graph ``affinity`` by the classes of the rows and
    by the stage's ``output``: where the classes cut the graph less than the partition
    found, its search missed a cut the graph holds; where they cut it more, the graph
    itself favours another partition, and no search on it would find the classes."""
    _, classes = np.unique(_classes_of_rows(), return_inverse=True)
    return {
        "classes_ncut": float(
            mixture_module._normalized_cut(affinity, classes, int(classes.max()) + 1)
        ),
        "output_ncut": float(mixture_module._normalized_cut(affinity, output, n_components)),
    }


def _classes_cut_ratio(affinity, labels, n_components):
    """The normalized cut of ``affinity`` by the training rows' classes over that by
    ``labels`` (None where ``labels`` cut nothing)."""
    record = _classes_cut_record(affinity, labels, n_components)
    cut = record["output_ncut"]
    return record["classes_ncut"] / cut if cut > CUT_EPSILON else None


def _free_em_record(rows, labels, n_components, rng, rows_metric, affinity):
    """The free EM competition of ``free_em_partition``, run again on a copy of its
    generator (the same draws): the free EM's gain per row over EM from the parts, EM
    from the parts' gain per row over the parts' own mixture, the free partition's cut,
    and the accuracies of both EM partitions."""
    n_dims = refinement._supported_dims(rows, labels, n_components)
    if n_dims < 1:
        return {}
    copy = np.random.RandomState()
    copy.set_state(rng.get_state())
    rows = refinement._principal_rows(rows, n_dims, copy, rows_metric)
    try:
        started = refinement._em_from_parts(rows, labels, n_components, copy).fit(rows)
        free = refinement._likeliest_free_em(rows, n_components, copy)
    except (ValueError, np.linalg.LinAlgError) as error:
        return {"error": repr(error)}
    free_labels = free.predict(rows)
    started_labels = started.predict(rows)
    return {
        "dims": int(n_dims),
        "graph_kurtosis": _kurtosis(rows, labels, n_components),
        "free_kurtosis": _kurtosis(rows, free_labels, n_components),
        "started_kurtosis": _kurtosis(rows, started_labels, n_components),
        "gain": float(free.score(rows) - started.score(rows)),
        "started_gain": float(
            started.score(rows) - parts_log_likelihood(rows, labels, n_components)
        ),
        "collapsed": bool(refinement._collapsed(started) or refinement._collapsed(free)),
        "free_cut": float(refinement._cut_fraction(affinity, free_labels)),
        "free_em": _accuracy(free_labels),
        "em_from_parts": _accuracy(started_labels),
    }


def _refinement_record(affinity, labels, refined, n_components):
    """What the refinement changed, without labels: the share of rows it moved; its
    normalized cut of the common graph over the graph partition's, the ratio that
    ``_kept_refinement`` bounds by ``REFINED_MAX_NCUT_RATIO`` (None where the graph
    partition cuts nothing); each part's conductance of that graph before and after it;
    and whether a part became one of outliers (``OUTLIER_PART_MIN_CONDUCTANCE``,
    ``OUTLIER_PART_MIN_GROWTH``), which ``_kept_refinement`` does not keep either."""
    parts_before = mixture_module._conductances(affinity, labels, n_components)
    parts_after = mixture_module._conductances(affinity, refined, n_components)
    # The normalized cuts are the sums of the parts' conductances.
    before, after = float(np.sum(parts_before)), float(np.sum(parts_after))
    return {
        "refined_moved": float(np.mean(np.asarray(refined) != np.asarray(labels))),
        "refined_ncut_ratio": after / before if before > 0 else None,
        "conductances_before": parts_before.tolist(),
        "conductances_after": parts_after.tolist(),
        "refined_outlier_part": mixture_module.makes_outlier_part(parts_before, parts_after),
    }


def _labels_before_refit(estimator, X):
    """The clusters of X under the mixture the fit had before the kept partition's refit
    (None where it was not refitted), read on the fitted model, which is left as it was."""
    before = _fit["mixture_before_refit"]
    if before is None:
        return None
    prior = estimator.model_.prior
    fitted = {key: value.clone() for key, value in prior.state_dict().items()}
    prior.set_components(before.means, before.covariances, before.weights)
    # predict reads float64 rows through a copy of the model made once and kept: drop it
    # before and after, so that it is made from the prior as it is at each call.
    FLOAT64_COPIES.pop(estimator.model_, None)
    try:
        return estimator.predict(X)
    finally:
        prior.load_state_dict(fitted)
        FLOAT64_COPIES.pop(estimator.model_, None)


def _kurtosis(rows, labels, n_components):
    """The largest of the parts' Mardia kurtosis ratios (``parts_kurtosis``), or None
    where a part is empty or its covariance cannot be factored."""
    if np.bincount(labels, minlength=n_components).min() == 0:
        return None
    try:
        return float(parts_kurtosis(rows, labels, n_components).max())
    except np.linalg.LinAlgError:
        return None


def summary(records):
    """The fits where the free EM partition (or EM's from the parts) replaced the graph's,
    and those where the free EM's gain over EM from the parts, or EM from the parts' gain
    over the parts' own mixture, was more than FREE_EM_MIN_GAIN or STARTED_EM_MIN_GAIN
    nats per row, with the free partition's cut ratio."""
    print("\nfree EM partitions with a gain of more than "
          f"{refinement.FREE_EM_MIN_GAIN} nats per row, EM from the parts with a gain of "
          f"more than {refinement.STARTED_EM_MIN_GAIN}, or that replaced the graph's:")
    for record in records:
        for stage in record["stages"]:
            if "gain" not in stage or not (
                stage["free_em_replaces"]
                or stage["gain"] > refinement.FREE_EM_MIN_GAIN
                or stage["started_gain"] > refinement.STARTED_EM_MIN_GAIN
            ):
                continue
            ratio = stage["free_cut"] / max(stage["cut"], 1e-12)
            print(
                f"  {record['dataset']:28s} seed {record['seed']} {stage['how']:10s} "
                f"gain {stage['gain']:6.2f} cut ratio {ratio:5.2f} started gain "
                f"{stage['started_gain']:6.2f} collapsed {stage['collapsed']!s:5s} "
                f"replaced {stage['free_em_replaces']!s:5s} graph {stage['graph']:.3f} "
                f"free EM {stage['free_em']:.3f} from parts {stage['em_from_parts']:.3f} "
                f"fit {record['acc']:.3f}"
            )


def graph_choice_summary(records):
    """The choices that the rule of a clearly smaller cut of the rows' own graph decides
    (the own partition kept, though it cuts the common graph more): how many, and where
    the two partitions differ in accuracy by more than 0.02, which one is the more
    accurate."""
    choices = [s for r in records for s in r["stages"] if "own_clearly_better" in s]
    decided = [
        (record, stage)
        for record in records
        for stage in record["stages"]
        if stage.get("own_clearly_better") and not stage["own_cuts_common_less"]
    ]
    apart = [(r, s) for r, s in decided if abs(s["own_graph"] - s["common_graph"]) > 0.02]
    better = sum(s["own_graph"] > s["common_graph"] for _, s in apart)
    print(
        f"\nchoices between the common and the rows' own graph's partition: {len(choices)}; "
        f"decided by the own graph's clearly smaller cut: {len(decided)}, {len(apart)} "
        f"of them by more than 0.02 in accuracy, {better} of those to the more accurate"
    )
    for record, stage in decided:
        print(
            f"  {record['dataset']:28s} seed {record['seed']} {stage['how']:10s} common "
            f"{stage['common_graph']:.3f} own {stage['own_graph']:.3f} cut ratios: common "
            f"graph {stage['own_common_cut_ratio']:.3f} own graph "
            f"{stage['own_rows_cut_ratio']:.3f} fit {record['acc']:.3f}"
        )


def model_summary(records):
    """The fits where a latent class or mixed model was fitted: the graph's partition,
    the model's, the test values and whether the model's replaced the graph's."""
    print("\nlatent class and mixed model partitions:")
    for record in records:
        for stage in record["stages"]:
            for model in ("latent_class", "mixed"):
                if f"{model}_partition" not in stage:
                    continue
                gain = stage.get(f"{model}_split_gain")
                dependence = stage.get(f"{model}_dependence")
                print(
                    f"  {record['dataset']:28s} seed {record['seed']} {stage['how']:10s} "
                    f"{model:12s} graph {stage['graph']:.3f} model "
                    f"{stage[f'{model}_partition']:.3f} split gain "
                    f"{'-' if gain is None else format(gain, '7.3f'):>7s} dependence "
                    f"{'-' if dependence is None else format(dependence, '5.2f'):>5s} "
                    f"replaced {stage[f'{model}_replaces']!s:5s} fit {record['acc']:.3f}"
                )


def classes_cut_summary(records):
    """How the classes' normalized cut of the common graph compares with each stage's
    graph partition's (before EM on the rows) and output's, for each stage kind: where
    it is clearly smaller, the search missed it (or EM moved rows across the graph's
    boundaries); where larger, the graph holds another partition that cuts it less."""
    for how in ("spectral", "modularity"):
        for key, name in (("graph_ncut", "graph partition's"), ("output_ncut", "output's")):
            # Cuts of a few 1e-16 are rounding: the partition cuts nothing.
            ratios = np.asarray([
                stage["classes_ncut"] / stage[key]
                for record in records for stage in record["stages"]
                if stage["how"] == how and stage.get(key, 0.0) > CUT_EPSILON
            ])
            if not len(ratios):
                continue
            print(
                f"{how}: classes' cut / {name} cut of the common graph, {len(ratios)} "
                f"stages: < 0.85 in {int(np.sum(ratios < 0.85))}, 0.85-1.15 in "
                f"{int(np.sum((ratios >= 0.85) & (ratios <= 1.15)))}, > 1.15 in "
                f"{int(np.sum(ratios > 1.15))} (median {np.median(ratios):.2f})"
            )


def refit_summary(records):
    """The fits where the mixture was refitted to read a kept graph partition: how many,
    how many gained or lost accuracy by it, and each one's accuracy before and after."""
    refitted = [r for r in records if r["kept_refit"]]
    up = sum(r["acc"] > r["acc_before_refit"] + 1e-12 for r in refitted)
    down = sum(r["acc"] < r["acc_before_refit"] - 1e-12 for r in refitted)
    print(f"\nkept partitions' mixtures refitted: {len(refitted)} of {len(records)} fits, "
          f"{up} more accurate for it, {down} less")
    for record in refitted:
        print(f"  {record['dataset']:28s} seed {record['seed']} before "
              f"{record['acc_before_refit']:.3f} after {record['acc']:.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", default=["every"],
        help="names of benchmarks/cluster.py, or one of: " + ", ".join(GROUPS),
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", type=pathlib.Path)
    parser.add_argument(
        "--summarise", type=pathlib.Path, metavar="JSONL",
        help="print the summaries of records written before (.jsonl or .jsonl.gz), "
        "fitting nothing",
    )
    args = parser.parse_args()
    if args.summarise is not None:
        opener = gzip.open if args.summarise.suffix == ".gz" else open
        with opener(args.summarise, "rt") as lines:
            _print_summaries([json.loads(line) for line in lines])
        return
    if args.out is None:
        parser.error("--out is required unless --summarise is given")
    names = args.datasets
    if len(names) == 1 and names[0] in GROUPS:
        names = GROUPS[names[0]]()
    args.out.mkdir(parents=True, exist_ok=True)
    _wrap_stages()
    records = []
    with open(args.out / "partition_stages.jsonl", "a") as out:
        for name in names:
            X, y = load(name)
            y = np.asarray(y)
            for seed in args.seeds:
                _fit.update(y=y, stages=[], kept=None, kept_refit=False,
                            mixture_before_refit=None)
                start = time.perf_counter()
                estimator = GWAEClusterer(len(np.unique(y)), random_state=seed).fit(X)
                fit_s = time.perf_counter() - start
                accuracy = float(cluster_accuracy(y, estimator.labels_))
                before = _labels_before_refit(estimator, X)
                record = {
                    "dataset": name,
                    "seed": seed,
                    "acc": accuracy,
                    "kept": _fit["kept"],
                    "kept_refit": _fit["kept_refit"],
                    "acc_before_refit": (
                        accuracy if before is None else float(cluster_accuracy(y, before))
                    ),
                    "fit_s": fit_s,
                    "stages": _fit["stages"],
                }
                records.append(record)
                out.write(json.dumps(record) + "\n")
                out.flush()
                print(json.dumps(record), flush=True)
    _print_summaries(records)


def _print_summaries(records):
    summary(records)
    model_summary(records)
    graph_choice_summary(records)
    refit_summary(records)
    classes_cut_summary(records)


if __name__ == "__main__":
    main()
