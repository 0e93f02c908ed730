"""CUDA graphs of the training steps' forward and backward passes.

On a GPU, a step of these small networks is hundreds of small kernels, each of which takes
the CPU longer to launch than the GPU to run: a main step at batch 256 took 3.5 ms on an
H200, almost all of it launches, and a critic step several times that. A CUDA graph
records the kernels of a step once and replays them from a single launch.
"""

import torch

# Graphs kept per function: one per shape of its inputs. The trainer's batches have at most
# two sizes (near-equal splits of the rows), but data read by chunks can give more; a
# shape beyond these runs eagerly.
MAX_GRAPHS = 4


def graphs_supported(device):
    """Whether the steps on ``device`` can be replayed from CUDA graphs: a CUDA device and a
    torch whose graphs can take the draws of a generator of the caller's
    (``CUDAGraph.register_generator_state``, which older releases lack)."""
    return torch.device(device).type == "cuda" and hasattr(
        torch.cuda.CUDAGraph, "register_generator_state"
    )


class GraphedBackward:
    """Calls ``fn(*inputs)``, eagerly the first time a shape of inputs is seen and from a
    CUDA graph after that.

    ``fn`` must set the gradients of ``params`` from a loss, starting from none
    (``zero_grad(set_to_none=True)``), and return a tensor; its inputs are tensors on the
    device, or None. Calls with the same shapes then give what eager calls would: a
    replay reruns the recorded kernels on the new inputs, and ``generator`` (the CUDA
    generator that ``fn`` draws from) advances as it would eagerly. What cannot be
    recorded (a value read on the host, an output whose shape depends on the data) makes
    the capture fail; graphs are then off for this object's life and every call is eager.

    The graph reads its inputs from, and writes the gradients and the returned tensor to,
    memory of its own. Each call copies the inputs in, and points the parameters'
    ``.grad`` at that graph's gradients (an eager call or another graph may have replaced
    them). The returned tensor is overwritten by the next replay of the same graph: copy
    it to keep it. The first eager call of a shape initialises what a capture cannot (the
    libraries' handles and workspaces).

    Parameters
    ----------
    fn : callable
        The forward and backward pass.
    params : iterable of torch.nn.Parameter
        The parameters whose gradients ``fn`` sets.
    generator : torch.Generator
        The CUDA generator that ``fn`` draws from.
    """

    def __init__(self, fn, params, generator):
        self.fn = fn
        self.params = list(params)
        self.generator = generator
        self.enabled = True
        # Why the capture failed (the error's text), for whoever wonders why a fit on a GPU
        # is slow; None while graphs are on.
        self.failure = None
        self._seen = set()
        self._graphs = {}

    @property
    def n_graphs(self):
        """The number of graphs captured."""
        return len(self._graphs)

    def __call__(self, *inputs):
        key = tuple(None if t is None else tuple(t.shape) for t in inputs)
        entry = self._graphs.get(key)
        if entry is None:
            ready = self.enabled and key in self._seen and len(self._graphs) < MAX_GRAPHS
            self._seen.add(key)
            entry = self._capture(inputs) if ready else None
            if entry is None:
                return self.fn(*inputs)
            self._graphs[key] = entry
        graph, static_inputs, grads, output = entry
        for static, value in zip(static_inputs, inputs):
            if static is not None:
                static.copy_(value)
        with torch.cuda.device(self.generator.device):
            graph.replay()
        for param, grad in zip(self.params, grads):
            param.grad = grad
        return output

    def _capture(self, inputs):
        """Record ``fn`` on copies of ``inputs``; returns (graph, the copies, the gradients,
        the output), or None (and turns graphs off) when it cannot be recorded."""
        static_inputs = [None if t is None else t.detach().clone() for t in inputs]
        graph = torch.cuda.CUDAGraph()
        try:
            # On the model's GPU, which need not be the current one ("cuda:1").
            with torch.cuda.device(self.generator.device):
                graph.register_generator_state(self.generator)
                with torch.cuda.graph(graph):
                    output = self.fn(*static_inputs)
        except RuntimeError as error:
            # Nothing ran: a capture records kernels without running them. The gradients
            # may point at the failed graph's memory; the next eager call replaces them.
            self.enabled = False
            self.failure = f"{type(error).__name__}: {error}"
            for param in self.params:
                param.grad = None
            return None
        return graph, static_inputs, [p.grad for p in self.params], output

    def release(self):
        """Drop the graphs and their memory, and the gradients that point into it."""
        self._graphs.clear()
        for param in self.params:
            param.grad = None
