"""The second blind catalogue (tests/blind_answers_2.py: 183 wrong and 44 right answers to the 22 checked exercises
of notebooks 01-04, written by a second tester who had seen neither the checks' catalogues nor the first blind set)
run through the checks in-process, as the student editions' cells run them: no wrong answer accepted, no right one
refused (but 02/4[9], 03/2[8] and 03/2[9], refused with the reason: REFUSED_WITH_REASON), no check crashes, and each wrong answer's diagnosis is the mistake (catalogued, or a family of slips) it
was mapped to below, so "named" is asserted, not judged.

The notebooks' import cells (PREAMBLE) run as they are, their style and BLAS limit kept inside this module's
setup.  Each mapping was read against the entry's label when it was made; a key that changes means a check's diagnosis
changed: read the new message before updating the key.
"""
import contextlib
import io

import matplotlib
import pytest
from threadpoolctl import threadpool_limits

import blind_answers_2 as blind
from lessonlib.exercises import harness

ENTRIES = [(ex, i) for ex in blind.EXERCISES for i in range(len(ex["entries"]))]


def key(ex, i):
    return f"{ex['nb']}/{ex['number']}[{i}]"


NAMED = {
    '01/1[0]': 'sum instead of mean',  # sum instead of mean: missing 1/N
    '01/1[1]': 'factor 2',  # extra factor 2: the 2 of the square kept though the 1/2 cancels it
    '01/1[2]': 'extra ½',  # extra 1/2: divided by 2N after differentiating
    '01/1[3]': 'sign of r',  # sign error: residual y - yhat
    '01/1[4]': 'slope without x',  # dJ/dtheta1 forgets the factor x (copies dJ/dtheta0)
    '01/1[5]': 'x² in ∂J/∂θ₁',  # dJ/dtheta1 with x squared
    '01/1[6]': 'components swapped',  # components in the wrong order (theta1 first)
    '01/1[7]': 'θ₀ and θ₁ swapped in ŷ',  # intercept and slope swapped in the model (theta1 + theta0 x)
    '01/1[8]': 'list, not array',  # returns a Python list, not a NumPy array
    '01/2[0]': '1/h_max',  # 1/h_max (the zig-zag threshold) instead of 2/h_max
    '01/2[1]': 'h_min',  # smallest eigenvalue: 2/h_min
    '01/2[2]': 'slope curvature only',  # ignores the intercept: 2/mean(x^2)
    '01/2[3]': 'sums instead of means',  # Hessian with sums instead of means (missing 1/N)
    '01/2[4]': 'square of the mean',  # square of the mean instead of mean of squares in H[1,1]
    '01/2[5]': 'variance for the mean of x²',  # variance instead of mean of x^2 in H[1,1]
    '01/2[6]': 'trace',  # trace instead of largest eigenvalue: 2/(1 + mean x^2)
    '01/2[7]': 'h_max itself',  # returns h_max itself, not the rate
    '01/3[0]': 'fails',  # too large: 30 (blows up)
    '01/3[1]': 'fails',  # too large: 2 (bounces)
    '01/3[2]': 'too small',  # too small: 0.03 (crawls)
    '01/3[3]': 'too small',  # too small: 0.3 (crawls, J about 0.8)
    '01/3[4]': 'not a learning rate',  # sign slip: negative rate
    '01/3[5]': 'not a learning rate',  # returns the list of rates tried
    '01/3[6]': 'not a learning rate',  # returns a string
    '01/4[0]': 'order ignored',  # forgets to shuffle: consecutive slices of arange(N)
    '01/4[1]': 'same order every epoch',  # reseeds inside the epoch loop (same order every epoch)
    '01/4[2]': 'same order every epoch',  # one permutation drawn before the epoch loop, reused every epoch
    '01/4[3]': 'start missing',  # path misses the initial theta
    '01/4[4]': 'last batch dropped',  # drops the last, shorter slice (N // B batches)
    '01/4[5]': 'rows alias one array',  # in-place update appended each time: aliasing, every row the same, call
    '01/4[6]': 'legacy np.random',  # global numpy RNG (np.random.seed + np.random.permutation) instead of d
    '01/4[7]': 'whole set',  # gradient on the whole data set, not the slice
    '01/4[8]': 'list, not array',  # returns a list of arrays, not an array
    '02/1[0]': 'no_1_over_B',  # no 1/B in the squared error's delta^L
    '02/1[1]': 'sign',  # sign error in delta^L: (y - a)
    '02/1[2]': 'db_mean',  # db as a mean over the batch instead of a sum
    '02/1[3]': 'outer_transposed',  # dW transposed: a^{m-1} delta^T
    '02/1[4]': 'no_f_prime',  # equation (2) forgets f'(z^{m-1})
    '02/1[5]': 'f′ of the wrong layer',  # equation (2) with f'(z^m) of the wrong layer (output layer's z)
    '02/1[6]': 'index_off_by_one',  # dW uses a^m instead of a^{m-1}
    '02/1[7]': 'ignored_delta_L',  # ignores delta_L: always the squared error's
    '02/1[8]': 'shape',  # db without keepdims: shape (n,) not (n, 1)
    '02/1[9]': 'mutated',  # in-place a^L -= Y changes the cache
    '02/2[0]': 'one_sided',  # one-sided quotient instead of central
    '02/2[1]': 'no_factor_2',  # central quotient missing the 2 in 2*Delta
    '02/2[2]': 'position',  # returns the index of the best step, not the step
    '02/2[3]': 'no_abs',  # signed difference, no absolute value
    '02/2[4]': 'largest',  # argmax instead of argmin
    '02/2[5]': 'list, not array',  # discrepancies as a Python list
    '02/2[6]': 'outputs swapped',  # outputs in the wrong order
    '02/2[7]': 'relative',  # relative discrepancy (divided by |exact|)
    '02/3[0]': 'one_sided',  # one-sided quotient
    '02/3[1]': 'no_factor_2',  # central quotient divided by step, not 2*step
    '02/3[2]': 'not_restored',  # forgets to put theta[j] back
    '02/3[3]': 'second_at_theta',  # second evaluation back at theta, not theta - step (add then subtract s
    '02/3[4]': 'nudged_a_copy',  # nudges a copy: cost() never sees the change
    '02/3[5]': 'swapped',  # sign flipped: (J(-) - J(+))
    '02/3[6]': 'nudged_all',  # nudges the whole array at once instead of entry j
    '02/4[0]': 'no_1_over_B',  # missing 1/B
    '02/4[1]': 'sign',  # sign error: (Y - a)/B
    '02/4[2]': 'divided by the rows of z',  # divides by len(Y): the number of classes, not B
    '02/4[3]': 'summed too far',  # mean over the batch axis: a column, not shaped like z
    '02/4[4]': 'extra_f_prime',  # keeps a sigmoid-style f' factor a(1-a)
    '02/4[5]': '∂J/∂a only',  # returns dJ/da, not dJ/dz
    '02/4[6]': 'z_not_a',  # uses z instead of a
    '02/4[7]': 'rows',  # own softmax over the wrong axis (rows)
    '02/5[0]': 'no_shuffle',  # no shuffle: batches in the original order
    '02/5[1]': 'same_order',  # reseeds every epoch
    '02/5[2]': 'cost_before_epoch',  # cost recorded at the start of each epoch, not after
    '02/5[3]': 'last_batch_cost',  # cost of the last mini-batch instead of the whole X, Y
    '02/5[4]': 'last_batch_dropped',  # drops the last, smaller batch
    '02/5[5]': 'X and Y shuffled differently',  # separate permutations for X and Y (labels no longer match)
    '02/5[6]': 'update_sign',  # gradient ascent: W += lr dW
    '02/5[7]': 'cost_every_batch',  # cost appended after every batch
    '02/5[8]': 'off by one: epochs',  # epochs off by one: range(1, epochs)
    '03/1[0]': 'average form',  # average form v = mu v + (1-mu) g (DLS's) with our alpha
    '03/1[1]': 'sign',  # sign error: theta + lr v
    '03/1[2]': 'velocity form',  # v in the v = mu v - lr g convention: the path right, the returned v no
    '03/1[3]': 'in-place update, the start too',  # in-place theta -= lr v, appended without copy (aliasing) and caller's 
    '03/1[4]': 'old velocity',  # step uses the old v (update theta before v)
    '03/1[5]': 'start missing',  # path misses theta(0)
    '03/1[6]': 'off by one: steps',  # one step too many: range(steps + 1)
    '03/1[7]': 'gradient at the look-ahead',  # Nesterov look-ahead gradient
    '03/1[8]': 'v started at the first gradient',  # v starts at the first gradient instead of 0
    '03/2[0]': 'farthest',  # argmax: the mu ending farthest
    '03/2[1]': 'ranked by J',  # ranks by the cost J at the end instead of the distance to the minimum
    '03/2[2]': 'start of the path',  # measures from the path's first row, not its last
    '03/2[3]': 'index',  # returns the index, not the mu
    '03/2[4]': 'last on a tie',  # last on a tie (<=)
    '03/2[5]': 'ranked by |v|',  # uses the returned v instead of the path
    '03/2[6]': 'α ignored',  # ignores lr: always searches at 0.03
    '03/2[7]': 'distance to the start',  # distance to the start instead of to the minimum (picks the mu that mov
    '03/3[0]': 'no bias correction',  # no bias correction
    '03/3[1]': 'eps inside the root',  # eps inside the square root
    '03/3[2]': 't from 0',  # bias correction with the old t (t incremented after)
    '03/3[3]': 'only s corrected',  # corrects s but not v
    '03/3[4]': 's from |g|',  # s from g, not g squared
    '03/3[5]': 'β₁ and β₂ swapped',  # betas swapped in the corrections
    '03/3[6]': 't not returned',  # t not incremented in the returned tuple
    '03/3[7]': 'scalar factor',  # returns the bias-corrected moments instead of the running ones
    '03/3[8]': 'mutated',  # in-place updates of the arrays passed in (theta, v, s)
    '03/4[0]': 'ramp from 0',  # warm-up starts at 0: lr0 * epoch / warmup
    '03/4[1]': 'ramp to warmup + 1',  # warm-up over warmup+1 steps: lr0 (epoch+1)/(warmup+1)
    '03/4[2]': 'cosine over T',  # cosine period T instead of T - warmup
    '03/4[3]': 'cosine from 0',  # cosine not shifted by the warm-up: cos(pi epoch / T)
    '03/4[4]': 'no clamp',  # no clamp after T: the cosine rises again
    '03/4[5]': 'α₀·cos without ½(1 + cos)',  # missing the 1/2(1 + cos): lr0 cos(...)
    '03/4[6]': 'ramp one too long',  # off by one at the boundary: epoch == warmup still in the warm-up
    '03/4[7]': 'a linear decay, not a cosine',  # linear decay instead of cosine
    '04/1[0]': 'the 2 forgotten (λW)',  # gradient lam W: the 2 of the square forgotten
    '04/1[1]': 'factor 2',  # penalty with a 1/2 (CS231n's)
    '04/1[2]': 'bias decayed',  # penalizes the bias too
    '04/1[3]': 'λ left out of the penalty',  # penalty without lam
    '04/1[4]': 'norm not squared',  # penalty lam ||W|| (not squared)
    '04/1[5]': 'mutated',  # in-place dW += 2 lam W changes the caller's dW
    '04/1[6]': 'outputs swapped',  # outputs in the wrong order
    '04/1[7]': 'gradient sign',  # sign error: dW - 2 lam W
    '04/1[8]': 'bias in the penalty',  # penalty includes the bias squares
    '04/2[0]': 'L2 through Adam',  # L2 in the gradient (Adam + L2), not decoupled
    '04/2[1]': 'decay by αλ (wd = λ)',  # decay lam instead of 2 lam
    '04/2[2]': 'decay without α',  # decay without the learning rate
    '04/2[3]': 'decay after the step',  # decay applied after the Adam step
    '04/2[4]': 'no bias correction',  # no bias correction
    '04/2[5]': 'off by one: t',  # t + 1 in the corrections though t already counts this step
    '04/2[6]': 'outputs swapped',  # returns (W, s, v): moments swapped
    '04/2[7]': 'ε inside the root',  # eps inside the square root
    '04/2[8]': 'decay with the wrong sign',  # decay sign: W (1 + 2 lr lam)
    '04/3[0]': 'Ĵ with the penalty',  # scores by the penalized cost J-hat (net.cost) instead of J
    '04/3[1]': 'scored the training folds',  # scores on the training folds instead of the held-out fold
    '04/3[2]': 'chose the highest cost',  # argmax of the mean cost
    '04/3[3]': 'chose by the single lowest cost',  # chooses the best single fold entry, not the best average
    '04/3[4]': 'rows and columns swapped',  # costs transposed: (lambdas, folds)
    '04/3[5]': 'trained on the held-out fold too',  # trains on all the data, the held-out fold included
    '04/3[6]': "a fold's mean over the wrong axis",  # mean over the wrong axis (over lambdas), chooses by fold
    '04/3[7]': 'global np.random',  # shuffles before splitting (np.random.permutation)
    '04/3[8]': 'position instead of λ',  # returns the index of the chosen lambda
    '04/4[0]': 'counted from 0',  # epochs counted from 0
    '04/4[1]': 'a tie counted as better',  # a tie counts as better (<=)
    '04/4[2]': 'one epoch too late',  # stops one epoch late (> patience)
    '04/4[3]': 'waiting not reset at a new best',  # counter of bad epochs never reset on improvement
    '04/4[4]': 'no stop epoch when patience never runs out',  # returns None as stop epoch when patience never runs out
    '04/4[5]': 'best looked up past the stop',  # best epoch from the whole list (looks past the stop)
    '04/4[6]': 'outputs swapped',  # outputs swapped (stop, best)
    '04/4[7]': 'compared with the previous epoch',  # compares with the previous epoch's cost, not the best so far
    '04/5f[0]': 'not scaled up',  # no scaling: mask of 0 and 1 (not inverted)
    '04/5f[1]': 'scaled by p_keep',  # scales by p_keep instead of 1/p_keep
    '04/5f[2]': 'kept where u > p_keep',  # keeps where u > p_keep (keeps with 1 - p_keep)
    '04/5f[3]': 'global np.random',  # global np.random instead of the rng given
    '04/5f[4]': 'mask without the 1/p_keep',  # returns the 0/1 keep mask though out is scaled
    '04/5f[5]': 'scaled by 1/(1 − p_keep)',  # scales by 1/(1 - p_keep) (drop probability confusion)
    '04/5f[6]': 'one mask per unit shared by all examples',  # one draw per unit (shape (n, 1)) shared by all examples
    '04/5f[7]': 'outputs swapped',  # outputs swapped (mask, out)
    '04/5f[8]': 'mutated',  # in place: a *= mask (changes the caller's activations)
    '04/5b[0]': 'divided by the mask',  # divides by the mask instead of multiplying
    '04/5b[1]': '0/1 mask',  # passes the 0/1 pattern only, loses the 1/p_keep scale
    '04/5b[2]': 'mask not applied',  # returns d_out unchanged
    '04/5b[3]': 'mutated',  # in place: d_out *= mask (changes the caller's array)
    '04/5b[4]': 'not updated',  # returns the mask instead of the gradient
    '04/5b[5]': 'scaled twice',  # scaled twice: d_out * mask * mask
    '04/6[0]': 'chose the highest accuracy',  # scores by accuracy (largest) instead of validation J
    '04/6[1]': 'chose the highest cost',  # argmax of the costs
    '04/6[2]': 'position instead of p_keep',  # returns the index, not p
    '04/6[3]': 'list, not array',  # costs as a Python list
    '04/6[4]': 'last on a tie',  # last on a tie (<=)
    '04/6[5]': 'outputs swapped',  # outputs swapped
    '04/6[6]': 'one network for every p_keep',  # trains once, with the first p, and scores that network for every p
    '04/7[0]': 'labels not swapped',  # forgets to relabel
    '04/7[1]': 'across the x₁ axis',  # reflection across the x1 axis only
    '04/7[2]': "turned about moon 1's centre",  # point reflection through (1, 0.5) instead of the midpoint
    '04/7[3]': 'shifted, not mirrored',  # translation by (1, 0.5) instead of a point reflection
    '04/7[4]': 'x₁ and x₂ swapped',  # swaps the coordinates x1 and x2 (rows)
    '04/7[5]': 'x₁ only',  # reflection across the vertical line x1 = 0.5 only
    '04/7[6]': 'mutated',  # in place: overwrites X and Y
    '04/7[7]': 'examples reversed instead of classes',  # relabels by swapping columns (examples) instead of rows (classes)
    '04/8[0]': 'divided by B instead of N',  # batch size B instead of N
    '04/8[1]': "the 2 of w² forgotten (λ''/(2N))",  # lam/(2N) W: the 2 not cancelled
    '04/8[2]': "2λ''/N",  # 2 lam / N W: doubled
    '04/8[3]': 'bias decayed',  # penalizes the bias too
    '04/8[4]': '∂J/∂b as a mean',  # db as a mean over the batch
    '04/8[5]': 'divided by B again',  # extra 1/B on the data gradient (delta already holds it)
    '04/8[6]': 'mutated',  # in place: W -= lr dW (changes the caller's W)
    '04/8[7]': 'α missing on the decay',  # weight decay without the learning rate: W (1 - lam/N)
    '04/8[8]': '∂J/∂W transposed',  # dW transposed: a_prev delta^T
}

# Right in exact arithmetic, refused on purpose, with a message that says why.
REFUSED_WITH_REASON = {
    # the long way, −y/(B·a) through the softmax's Jacobian: right in exact arithmetic, but the prompt asks for a
    # δ^L that stays finite at z ≈ 1000, where a softmax output rounds to 0 and −y/(B·a) is 0/0 = NaN; refused, and
    # the message says why and what to do (simplify to the closed form first)
    "02/4[9]": ("divided by an output that rounded to 0", "closed form (a − y)/B"),
    # best_mu by min(mus, key=distance) and by a loop that keeps the first run and then a strictly smaller one: right
    # under the contract they were written for ("nearest, first on a tie"), wrong under Exercise 2's contract now
    # ("a run that diverged never wins"): when the first μ's run diverges to a NaN distance, NaN < d is never true, so
    # both keep that μ, as np.argmin does; refused by the case where μ = 0 diverges, with the reason
    "03/2[8]": ("diverged run chosen", "treat non-finite distances as infinitely far"),
    "03/2[9]": ("diverged run chosen", "treat non-finite distances as infinitely far"),
}

_BASE = {}


def base(nb):
    """The notebook's import cell and the earlier cells an exercise builds on, run once per notebook."""
    if nb not in _BASE:
        ns = {"__name__": "__main__"}
        with matplotlib.rc_context(), threadpool_limits(limits=None):   # the cells' styles and BLAS limit stay here
            exec(blind.PREAMBLE[nb], ns)
            exec(blind.PRELUDE[nb], ns)
        _BASE[nb] = ns
    return _BASE[nb]


def run(ex, i):
    """The entry's cell in a copy of the notebook's namespace, then its check as the cell calls it; (result, printed)."""
    kind, label, src = ex["entries"][i]
    ns = dict(base(ex["nb"]))
    exec(src, ns)
    name = ex["call"].split("(")[1].split(")")[0]
    printed, recorded = io.StringIO(), len(harness.RESULTS)
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            result = ns[ex["check"]](ns[name])
            result.use(ns[name])
    finally:
        del harness.RESULTS[recorded:]
    return result, printed.getvalue()


@pytest.mark.parametrize("ex, i", ENTRIES, ids=[f"{key(ex, i)}-{ex['entries'][i][0]}" for ex, i in ENTRIES])
def test_a_blind_answer_is_judged_as_mapped(ex, i):
    kind, label, _ = ex["entries"][i]
    result, printed = run(ex, i)
    assert "Traceback" not in printed and printed.startswith(("✓", "✗")), printed
    if key(ex, i) in REFUSED_WITH_REASON:
        mistake, words = REFUSED_WITH_REASON[key(ex, i)]
        assert not result.passed and result.mistake == mistake and words in result.message, result.message
    elif kind == "correct":
        assert result.passed, f"a right answer refused ({label}): {result.message}"
    else:
        assert not result.passed, f"a wrong answer accepted: {label}"
        assert result.mistake == NAMED[key(ex, i)], f"{label}: diagnosed {result.mistake!r}: {result.message}"


def test_every_wrong_answer_has_its_diagnosis_and_it_is_a_name():
    wrong = {key(ex, i) for ex, i in ENTRIES if ex["entries"][i][0] == "wrong"}
    assert set(NAMED) == wrong
    assert not {"other", "error", None} & set(NAMED.values())
    assert (len(ENTRIES), len(wrong)) == (227, 183)
