"""Drill: RMSprop (torch.optim.RMSprop with alpha = beta).

Mistakes kept outside the tolerance: epsilon inside the root; eps left out;
eps added outside the division (the user's note: w - lr g / sqrt(S) + eps);
averaging the squared weights instead of the squared gradients (the note's
slip); no square root; a bias correction RMSprop does not apply; beta and
1 - beta swapped; one step fewer (t off by one); w0.
Not applicable: momentum's first step and weight decay (RMSprop has neither).
Inputs: eps is drawn in [1e-3, 0.1] and the gradients near eps / sqrt(1 - beta),
so sqrt(S_t) and eps are of a size: with eps = 1e-8 and gradients near 1 the
eps mistakes would give the same digits as the right method.
"""

from __future__ import annotations

import math

from srs_dl.compute_names import RMSPROP_BETAS  # noqa: F401  (placeholder, replaced below)
