"""Notebook 01's exercise checks (lessonlib/exercises/descent*.py): every catalogued mistake is named by its own
check, right answers of other forms pass, a list is refused where an array is asked for, the library is
switched off, and the discovery exercise judges the α by training with it."""
import numpy as np
import pytest

from lessonlib import descent_lab as lab
from lessonlib import descent_network as netlab
from lessonlib.exercises import descent as ex
from lessonlib.exercises.descent_data import x7, y7


@pytest.mark.parametrize("name", sorted(ex.EXERCISES))
def test_reference_passes(name, capsys):
    assert ex.EXERCISES[name].check(ex.EXERCISES[name].reference).passed
    assert capsys.readouterr().out.startswith("✓")


MISTAKES = [(name, m) for name, e in sorted(ex.EXERCISES.items()) for m in e.mistakes]


@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}: {m.name}" for n, m in MISTAKES])
def test_each_mistake_is_named(name, mistake, capsys):
    result = ex.EXERCISES[name].check(mistake.fn)
    assert not result.passed and result.mistake == mistake.name
    assert capsys.readouterr().out.startswith("✗ " + mistake.message)


@pytest.mark.parametrize("name", ["gradient", "max_stable_lr", "minibatch_descent"])
def test_mistakes_differ_from_the_reference_and_from_each_other(name):
    e = ex.EXERCISES[name]
    fns = [e.reference] + [m.fn for m in e.mistakes if m is not e.off_limits.mistake]   # the library's are right
    outs = [[e.run(fn, case).values[0] for case in e.cases] for fn in fns]
    for i in range(len(fns)):
        for j in range(i + 1, len(fns)):
            assert not all(a.shape == b.shape and np.allclose(a, b, rtol=1e-7, atol=1e-10)
                           for a, b in zip(outs[i], outs[j])), (i, j)


def test_the_fallbacks_are_the_library_functions_and_agree_with_the_references():
    assert ex.gradient.fallback is lab.regression_gradient and ex.max_stable_lr.fallback is lab.max_stable_lr
    assert ex.minibatch_descent.fallback is lab.minibatch_thetas
    assert ex.learning_rate.fallback is netlab.good_learning_rate
    for name in ("gradient", "max_stable_lr", "minibatch_descent"):
        e = ex.EXERCISES[name]
        assert e.diagnose(e.fallback).passed


# ---- right answers in other forms pass ----------------------------------------------------------------
def gradient_by_matrix(theta, x, y):
    A = np.column_stack([np.ones_like(x), x])            # ŷ = A θ
    return A.T @ (A @ theta - y) / len(x)


def gradient_by_loop(theta, x, y):
    g0 = g1 = 0.0
    for xi, yi in zip(x, y):
        r = theta[0] + theta[1] * xi - yi
        g0, g1 = g0 + r, g1 + r * xi
    return np.array([g0, g1]) / len(x)


def limit_closed_form(x):
    m, q = x.mean(), (x * x).mean()                      # eigenvalues of [[1, m], [m, q]]
    h_max = (1 + q) / 2 + np.sqrt(((1 - q) / 2) ** 2 + m * m)
    return 2 / h_max


def limit_by_eig(x):
    H = np.cov(np.vstack([np.ones_like(x), x]), bias=True) + np.outer([1, x.mean()], [1, x.mean()])
    return 2 / max(np.linalg.eig(H)[0].real)             # eig, unsorted, but the max taken


def descent_array_split(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    path = [np.asarray(theta, dtype=float)]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for batch in np.array_split(order, range(batch_size, len(x), batch_size)):
            path.append(path[-1] - lr * gradient_by_matrix(path[-1], x[batch], y[batch]))
    return np.stack(path)


def descent_in_place_with_copies(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    theta = theta.copy()                                  # the caller's array stays as it was
    path = np.empty((1 + epochs * -(-len(x) // batch_size), 2))
    path[0], k = theta, 1
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch_size):
            theta -= lr * gradient_by_loop(theta, x[order[i:i + batch_size]], y[order[i:i + batch_size]])
            path[k], k = theta, k + 1
    return path


@pytest.mark.parametrize("name, fn", [("gradient", gradient_by_matrix), ("gradient", gradient_by_loop),
                                      ("max_stable_lr", limit_closed_form), ("max_stable_lr", limit_by_eig),
                                      ("minibatch_descent", descent_array_split),
                                      ("minibatch_descent", descent_in_place_with_copies),
                                      ("learning_rate", lambda: 0.8), ("learning_rate", lambda: np.float64(0.9))])
def test_a_correct_alternative_passes(name, fn):
    result = ex.EXERCISES[name].diagnose(fn)
    assert result.passed, result.message


# ---- the type the prompt asks for ---------------------------------------------------------------------
def test_a_list_or_tuple_is_refused_where_an_array_is_asked_for():
    def as_tuple(theta, x, y):
        r = theta[0] + theta[1] * x - y
        return r.mean(), (r * x).mean()
    for fn in (as_tuple, lambda theta, x, y: list(ex.gradient_reference(theta, x, y))):
        result = ex.gradient.diagnose(fn)
        assert result.mistake == "list, not array" and "NumPy array" in result.message
    assert "Python tuple" in ex.gradient.diagnose(as_tuple).message
    with pytest.raises(TypeError):                                      # what the next cell would have done
        np.array([0.5, -1.0]) - 0.1 * [1.0, 2.0]
    assert ex.minibatch_descent.diagnose(
        lambda *a: list(ex.minibatch_descent.reference(*a))).mistake == "list, not array"


def test_a_wrong_shape_is_named():
    result = ex.gradient.diagnose(lambda theta, x, y: ex.gradient_reference(theta, x, y)[:, None])
    assert result.mistake == "shape" and "(2, 1)" in result.message
    result = ex.minibatch_descent.diagnose(lambda *a: ex.minibatch_descent.reference(*a)[1:])
    assert result.mistake == "start missing"


def test_in_place_update_of_the_callers_theta_is_reported():
    def in_place(theta, x, y, lr, batch_size, epochs, seed):
        rng = np.random.default_rng(seed)
        path = [theta.copy()]
        for epoch in range(epochs):
            order = rng.permutation(len(x))
            for i in range(0, len(x), batch_size):
                b = order[i:i + batch_size]
                theta -= lr * ex.gradient_reference(theta, x[b], y[b])
                path.append(theta.copy())
        return np.array(path)
    assert ex.minibatch_descent.diagnose(in_place).mistake == "mutated"


def test_a_notebook_function_calling_the_library_is_named_and_its_globals_restored():
    g = {"lab": lab, "np": np, "netlab": netlab}
    exec("def gradient(theta, x, y):\n    return lab.regression_gradient(theta, x, y)\n", g)
    result = ex.gradient.diagnose(g["gradient"])
    assert result.mistake == "used the library" and "lab.regression_gradient" in result.message
    assert g["lab"] is lab                                              # restored after the check
    exec("def descent(theta, x, y, lr, B, epochs, seed):\n"
         "    return lab.minibatch_thetas(theta, x, y, lr, B, epochs, seed)\n", g)
    assert ex.minibatch_descent.diagnose(g["descent"]).mistake == "used the library" and g["lab"] is lab
    exec("def pick():\n    return netlab.good_learning_rate()\n", g)
    assert ex.learning_rate.diagnose(g["pick"]).mistake == "used the library" and g["netlab"] is netlab
    exec("def own(theta, x, y):\n    r = theta[0] + theta[1] * x - y\n"
         "    return np.array([r.mean(), (r * x).mean()])\n", g)
    assert ex.gradient.diagnose(g["own"]).passed


def test_the_minibatch_check_names_y_sliced_by_position():
    def y_by_position(theta, x, y, lr, batch_size, epochs, seed):
        rng = np.random.default_rng(seed)
        path = [theta]
        for _ in range(epochs):
            order = rng.permutation(len(x))
            for i in range(0, len(x), batch_size):
                batch = order[i:i + batch_size]
                theta = theta - lr * ex.gradient_reference(theta, x[batch], y[i:i + batch_size])
                path.append(theta)
        return np.array(path)
    result = ex.minibatch_descent.diagnose(y_by_position)
    assert result.mistake == "y by position" and "x[batch], y[batch]" in result.message


def test_unknown_mistake_points_at_the_first_wrong_output():
    result = ex.gradient.diagnose(lambda theta, x, y: ex.gradient_reference(theta, x, y) + [0.0, 1e-3])
    assert result.mistake == "other" and "∇J is off by up to 0.001 at index (1,)" in result.message


def test_not_written_yet_and_exceptions_are_explained():
    def todo(*args):
        raise NotImplementedError("Exercise 1")
    for e in ex.EXERCISES.values():
        assert e.diagnose(todo).mistake == "not done"
    assert ex.minibatch_descent.diagnose(lambda *a: 1 / 0).mistake == "error"
    assert ex.learning_rate.diagnose(lambda: 1 / 0).mistake == "error"
    assert ex.learning_rate.diagnose(0.5).mistake == "error"            # the number, not a function


def test_the_learning_rate_check_says_which_start_and_why():
    result = ex.learning_rate.diagnose(lambda: 0.65)        # good from seed 0's start, too small from seed 1's
    assert result.mistake == "too small" and "start of seed 1" in result.message and "0.412" in result.message
    assert netlab.rate_verdict(netlab.train_digits(0.65, seed=0))[0] == "good"
    result = ex.learning_rate.diagnose(lambda: 1.0)
    assert result.passed and all(f"seed {seed}" in result.message for seed in (0, 1, 2))
    assert "all 3 random starts" in result.message and [c.kwargs["seed"] for c in ex.learning_rate.cases] == [0, 1, 2]
    result = ex.learning_rate.diagnose(lambda: 1.2)          # good from seed 0's start, bounces from seed 1's
    assert result.mistake == "bounces" and "start of seed 1" in result.message
    for lr in (0.03, 0.3, 1.5, 3.0):                         # the notebook's first list: no answer on the page
        assert not ex.learning_rate.diagnose(lambda: lr).passed


def test_the_student_contract_uses_the_cases_small_data():
    case = ex.minibatch_descent.cases[0]
    assert case.args[1] is x7 and case.args[2] is y7 and case.args[4] == 3     # B = 3 on 7: slices of 3, 3, 1


def test_exercise_4_passes_on_lessonlibs_gradient_when_exercise_1_has_not():
    """In the notebook, `grad` is the student's gradient once Exercise 1 passed, else lessonlib's: Exercise 4's
    check must accept a loop that calls the library's fallback through `grad` (only `lab` itself is off)."""
    g = {"np": np, "lab": lab, "grad": ex.gradient.fallback}
    exec("def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):\n"
         "    rng = np.random.default_rng(seed)\n"
         "    thetas = [theta]\n"
         "    for epoch in range(epochs):\n"
         "        order = rng.permutation(x.size)\n"
         "        for start in range(0, x.size, batch_size):\n"
         "            batch = order[start:start + batch_size]\n"
         "            theta = theta - lr * grad(theta, x[batch], y[batch])\n"
         "            thetas.append(theta)\n"
         "    return np.array(thetas)\n", g)
    assert ex.minibatch_descent.diagnose(g["minibatch_descent"]).passed
