"""Which drills a note section's heading asks for.

A heading names a technique by its text before the first " - " or " = "
("ADAM  =  MOMENTUM + RMS_prop  =  ..." names Adam). Names compare
case-insensitively with everything but letters and digits dropped, so
"RMS_prop", "RMSprop" and "rms-prop" are one name, as are "Mini-batch" and
"MINI-BATCH" and "Learning-rate decay" and "LEARNING RATE DECAY". When the
whole text is not a name, its longest leading run of words that is one
counts ("Adam and its hyperparameters" names Adam; "Emacs" does not name EMA).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_MINIBATCH = ("minibatch",)
_EMA = ("ema",)
_MOMENTUM = ("momentum",)
_RMSPROP = ("rmsprop",)
_ADAM = ("adam",)
_DECAY = ("lr_decay",)
_SEARCH = ("log_scale",)
_BATCHNORM = ("batchnorm", "batchnorm_inference")
_WEIGHT_DECAY = ("sgd_weight_decay", "l2_equivalent")
_ADAMW = ("adamw",)
_NESTEROV = ("nesterov",)
_WARMUP = ("warmup_cosine",)
_BN_FOLD = ("bn_fold",)
_CLIPPING = ("grad_clip",)

#: Technique names (as headings write them) to drill kinds. Keys are matched
#: after normalize_name, so spelling variants differing in case, spaces,
#: hyphens or underscores need no entry of their own.
DEFAULT_HEADING_KINDS: dict[str, tuple[str, ...]] = {
    # The user's note.
    "MINI-BATCH": _MINIBATCH,
    "EXPONENTIAL MOVING AVERAGE": _EMA,
    "MOMENTUM": _MOMENTUM,
    "RMS_propagation": _RMSPROP,
    "ADAM": _ADAM,
    "LEARNING RATE DECAY": _DECAY,
    "HYPER PARAMETER OPTOMIZATION": _SEARCH,
    "BATCH NORMALIZATION": _BATCHNORM,
    # Common names (the bundled deck's among them).
    "Mini-batches": _MINIBATCH,
    "Mini-batch gradient descent": _MINIBATCH,
    "Batch vs. mini-batch gradient descent": _MINIBATCH,
    "Batch, mini-batch and stochastic gradient descent": _MINIBATCH,
    "Mini-batch, batch and stochastic gradient descent": _MINIBATCH,
    "Stochastic gradient descent": _MINIBATCH,
    "Batch size": _MINIBATCH,
    "Choosing the batch size": _MINIBATCH,
    "EMA": _EMA,
    "EWA": _EMA,
    "Exponential moving averages": _EMA,
    "Exponentially weighted average": _EMA,
    "Exponentially weighted averages": _EMA,
    "Exponentially weighted moving average": _EMA,
    "Exponentially weighted moving averages": _EMA,
    "Exponential weighted moving average": _EMA,
    "Exponential weighted moving averages": _EMA,
    "Bias correction": _EMA,
    "Gradient descent with momentum": _MOMENTUM,
    "SGD with momentum": _MOMENTUM,
    "RMSprop": _RMSPROP,
    "RMS propagation": _RMSPROP,
    "Root mean square propagation": _RMSPROP,
    "Adam optimizer": _ADAM,
    "Adam optimiser": _ADAM,
    "Adaptive moment estimation": _ADAM,
    "Learning-rate decay": _DECAY,
    "LR decay": _DECAY,
    "Learning-rate schedule": _DECAY,
    "Learning-rate schedules": _DECAY,
    "Learning-rate decay schedules": _DECAY,
    "Hyperparameter search": _SEARCH,
    "Hyperparameter tuning": _SEARCH,
    "Hyperparameter optimization": _SEARCH,
    "Hyperparameter optimisation": _SEARCH,
    "Random search": _SEARCH,
    "Log scale": _SEARCH,
    "Sampling on a log scale": _SEARCH,
    "Batch normalisation": _BATCHNORM,
    "Batch norm": _BATCHNORM,
    "BatchNorm": _BATCHNORM,
    "SGD with weight decay": _WEIGHT_DECAY,
    "Weight decay": _WEIGHT_DECAY,
    "L2 regularization": _WEIGHT_DECAY,
    "L2 regularisation": _WEIGHT_DECAY,
    # Issue 16's kinds.
    "AdamW": _ADAMW,
    "Decoupled weight decay": _ADAMW,
    "Nesterov momentum": _NESTEROV,
    "Nesterov accelerated gradient": _NESTEROV,
    "Nesterov": _NESTEROV,
    "Learning-rate warm-up": _WARMUP,
    "Warm-up": _WARMUP,
    "Warmup": _WARMUP,
    "Warm-up and cosine annealing": _WARMUP,
    "Cosine annealing": _WARMUP,
    "Cosine decay": _WARMUP,
    "Folding batch norm": _BN_FOLD,
    "Folding batch normalisation": _BN_FOLD,
    "Batch-norm folding": _BN_FOLD,
    "Gradient clipping": _CLIPPING,
    "Clipping gradients": _CLIPPING,
}

_SEPARATOR = re.compile(r" [-=] ")
_WORD = re.compile(r"[0-9a-z]+")


def normalize_name(text: str) -> str:
    """Lowercase letters and digits only: 'RMS_prop' -> 'rmsprop'."""
    return "".join(_WORD.findall(text.lower()))


def heading_name(heading_text: str) -> str:
    """A heading's text before the first ' - ' or ' = ' (leading #s dropped)."""
    text = heading_text.strip().lstrip("#").strip()
    return _SEPARATOR.split(text, maxsplit=1)[0].strip()


def normalize_table(table: Mapping[str, tuple[str, ...] | list[str]]) -> dict[str, tuple[str, ...]]:
    """A table keyed by normalized names (a config's table may spell names freely)."""
    out: dict[str, tuple[str, ...]] = {}
    for name, kinds in table.items():
        key = normalize_name(name)
        if key:
            out[key] = tuple(dict.fromkeys(out.get(key, ()) + tuple(kinds)))
    return out


_DEFAULT_NORMALIZED = normalize_table(DEFAULT_HEADING_KINDS)


def kinds_for_heading(
    heading_text: str, table: Mapping[str, tuple[str, ...] | list[str]] | None = None
) -> tuple[str, ...]:
    """The drill kinds a heading names, () when it names none."""
    lookup = (
        _DEFAULT_NORMALIZED
        if table is None or table is DEFAULT_HEADING_KINDS
        else normalize_table(table)
    )
    words = _WORD.findall(heading_name(heading_text).lower())
    for end in range(len(words), 0, -1):
        kinds = lookup.get("".join(words[:end]))
        if kinds:
            return tuple(kinds)
    return ()
