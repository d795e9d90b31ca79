"""The exercise checks, one per exercise.  Each runs your function on cases it builds and says
which mistake it sees ("✗ …"), or confirms it ("✓ …"); it returns True or False and never shows
the solution.  Each check lives beside the lesson it belongs to; this module gathers them.
"""
from .backprop_lab import check_backward_2layer, check_delta_softmax
from .descent_lab import check_gd_step, check_max_stable_lr
from .optimizer_race import check_adam_step, check_momentum_step
from .overfitting_lab import check_l2_cost, check_l2_gradients, check_pick_lambda

CHECKS = {
    "01": [check_gd_step, check_max_stable_lr],
    "02": [check_backward_2layer, check_delta_softmax],
    "03": [check_momentum_step, check_adam_step],
    "04": [check_l2_cost, check_l2_gradients, check_pick_lambda],
}
__all__ = ["CHECKS", *(c.__name__ for checks in CHECKS.values() for c in checks)]
