"""core: the only place where neurons are evaluated.

Layers: ``definition -> compile -> core -> simulate / learn / analyse -> io, cli``.
A compiled :class:`~netsim.compile.Program` is plain data; the core derives from it
(and keeps beside it, :func:`derived`) everything evaluation needs:

- :mod:`~netsim.core.stages`: :class:`Stage` and :func:`evaluate_stage`, the
  reference evaluation in the public ``(B, N)`` layout, with the program's values or
  others (a configuration being trained);
- :mod:`~netsim.core.layout`: :class:`Plan`, the program laid out once for a set of
  stages (contiguous rows, dense/sparse blocks, in-place activation kernels) — what
  the layered and parallel rules and the sequential rule's resyncs run on;
- :mod:`~netsim.core.vjp`: :class:`DiffStage`, a stage's forward evaluation beside its
  vector-Jacobian product (backpropagation, also through time; dropout masks);
- :mod:`~netsim.core.kernels`: the shared kernels (activation forward and backward
  through the registry entries' own fast kernels, :data:`DENSE_FILL`);
- :mod:`~netsim.core.sequential`: :class:`~netsim.core.sequential.NeuronUpdate`, the
  incremental single-neuron update the sequential rule is made of (one state or a
  batch, exact at a threshold's jump, with a temperature for Glauber updates);
- :mod:`~netsim.core.dense`: the whole weight matrix as one dense block;
- :mod:`~netsim.core.cache`: the per-program table of derived objects.

See docs/architecture.md.
"""

from .cache import derived, derived_items, patch_values
from .kernels import DENSE_FILL, activate_into, backward_into, column
from .layout import Plan, StagePlan, build_plan, plan_for
from .stages import (
    ActivationSegment,
    LinearBlock,
    PotentialSegment,
    Stage,
    apply_activation,
    evaluate_stage,
    layer_stages,
    parallel_stage,
    stage,
)
from .vjp import DiffStage, reaches_outputs

__all__ = [
    "DENSE_FILL",
    "ActivationSegment",
    "DiffStage",
    "LinearBlock",
    "Plan",
    "PotentialSegment",
    "Stage",
    "StagePlan",
    "activate_into",
    "apply_activation",
    "backward_into",
    "build_plan",
    "column",
    "derived",
    "derived_items",
    "evaluate_stage",
    "layer_stages",
    "parallel_stage",
    "patch_values",
    "plan_for",
    "reaches_outputs",
    "stage",
]
