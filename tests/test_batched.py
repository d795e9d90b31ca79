"""train_many against one train call per network: every option, the same parameters, Histories and state.

The oracle is lessonlib.train itself, run on copies of the same networks and optimizers.  Parameters and
costs must agree to 1e-12 relative (in practice they agree to the last bit: the last test says so).
"""
import copy

import numpy as np
import pytest

from lessonlib import Network, schedules, train
from lessonlib.batched import train_many
from lessonlib.data import load_digits, make_moons
from lessonlib.optimizers import SGD, AdaGrad, Adam, RMSProp

FIELDS = ["train_cost", "val_cost", "test_cost", "train_accuracy", "val_accuracy", "test_accuracy", "lr",
          "diverged", "stopped_early", "best_epoch", "message"]


def moons(n, seed):
    return make_moons(n, noise=0.25, seed=seed)


def tanh_nets(lams, sizes=(2, 16, 16, 2), seed=0):
    return [Network(list(sizes), activation="tanh", output="softmax", loss="cross_entropy", l2=lam, seed=seed + k)
            for k, lam in enumerate(lams)]


def each(value, k):
    return value[k] if isinstance(value, list) else value


def loop_and_batch(nets, X, Y, opts, epochs, **kw):
    """(one train call per net, train_many) on independent copies of the same nets and optimizers."""
    nets_b, opts_b = [net.copy() for net in nets], copy.deepcopy(opts)
    loop = [train(net, each(X, k), each(Y, k), opt, each(epochs, k), **{n: each(v, k) for n, v in kw.items()})
            for k, (net, opt) in enumerate(zip(nets, opts))]
    batch = train_many(nets_b, X, Y, opts_b, epochs, **kw)
    return (nets, opts, loop), (nets_b, opts_b, batch)


def assert_same(a, b, rtol=1e-12):
    for net, net_b in zip(a[0], b[0]):
        for p, q in zip(net.params, net_b.params):
            np.testing.assert_allclose(q, p, rtol=rtol, atol=0)
    for opt, opt_b in zip(a[1], b[1]):
        assert opt.lr == opt_b.lr
        for s, s_b in zip(opt.state, opt_b.state):
            assert s.keys() == s_b.keys()
            for key in s:
                np.testing.assert_allclose(s_b[key], s[key], rtol=rtol, atol=0)
    for h, h_b in zip(a[2], b[2]):
        for field in FIELDS:
            x, y = getattr(h, field), getattr(h_b, field)
            if field.endswith("cost"):
                np.testing.assert_allclose(y, x, rtol=rtol, atol=0, err_msg=field)
            else:
                assert y == x, field


X60, Y60 = moons(60, seed=1)
X_VAL, Y_VAL = moons(100, seed=2)
X_TEST, Y_TEST = moons(80, seed=3)


def test_full_batch_adam_sweep_over_lr_and_lambda():
    nets = tanh_nets([0.0, 1e-3, 1e-2, 0.1])
    opts = [Adam(lr) for lr in (0.005, 0.02, 0.05, 0.1)]
    assert_same(*loop_and_batch(nets, X60, Y60, opts, 60, X_test=X_TEST, Y_test=Y_TEST))


def test_early_stopping_freezes_some_networks_and_restores_their_best_epoch():
    nets = tanh_nets([0.0, 0.0, 1e-3])
    opts = [Adam(lr) for lr in (0.3, 0.003, 0.1)]
    a, b = loop_and_batch(nets, X60, Y60, opts, 120, X_val=X_VAL, Y_val=Y_VAL, X_test=X_TEST, Y_test=Y_TEST,
                          early_stopping=[3, 200, 5])
    assert_same(a, b)
    assert any(h.stopped_early for h in b[2]) and not all(h.stopped_early for h in b[2])
    assert len({h.epochs for h in b[2]}) > 1


@pytest.mark.parametrize("seed", [7, [1, 2, 3, 4], [5, 5, 5, 5]])
def test_mini_batches_with_momentum_nesterov_and_plain_sgd_mixed(seed):
    nets = tanh_nets([0.0, 1e-3, 0.0, 1e-2])
    opts = [SGD(0.1), SGD(0.1, momentum=0.9, nesterov=True), SGD(0.3, momentum=0.5), SGD(0.05, momentum=0.9)]
    assert_same(*loop_and_batch(nets, X60, Y60, opts, 12, batch_size=16, seed=seed))


@pytest.mark.parametrize("make", [lambda: [AdaGrad(0.1), AdaGrad(0.3, eps=1e-6), AdaGrad(0.05)],
                                  lambda: [RMSProp(0.01), RMSProp(0.003, rho=0.9), RMSProp(0.02, eps=1e-6)],
                                  lambda: [Adam(0.01), Adam(0.003, beta1=0.8, beta2=0.99), Adam(0.02, eps=1e-6)]])
def test_adaptive_optimizers_with_hyperparameters_per_network(make):
    assert_same(*loop_and_batch(tanh_nets([0.0, 1e-3, 0.0]), X60, Y60, make(), 10, batch_size=20, seed=[0, 1, 2]))


def digits_subset(n=200, order="F"):
    X, _, Y, _ = load_digits()
    return np.asarray(X[:, :n], order=order), np.asarray(Y[:, :n], order=order)


@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("batch_size", [None, 32, 1])
def test_digits_with_one_data_set_per_network(order, batch_size):
    """X, Y one pair per network (stacked as each was laid out), B = 1, 32 and full batch."""
    sets = [digits_subset(200 + 0 * k, order) for k in range(3)]
    sets = [(X[:, np.random.default_rng(k).permutation(200)], Y) for k, (X, Y) in enumerate(sets)]
    sets = [(np.asarray(X, order=order), np.asarray(Y, order=order)) for X, Y in sets]
    nets = [Network([64, 16, 10], activation="relu", output="softmax", loss="cross_entropy", seed=k) for k in range(3)]
    opts = [SGD(lr) for lr in (0.01, 0.1, 0.5)]
    epochs = 1 if batch_size == 1 else 4
    assert_same(*loop_and_batch(nets, [X for X, _ in sets], [Y for _, Y in sets], opts, epochs,
                                batch_size=batch_size, seed=[3, 4, 5]))


def test_one_data_set_per_network_in_mixed_memory_layouts():
    X, Y = digits_subset(120)
    Xs = [X, np.ascontiguousarray(X), X[:, ::-1].copy(order="F")]
    nets = [Network([64, 8, 10], activation="sigmoid", output="softmax", loss="cross_entropy", seed=k) for k in range(3)]
    for batch_size in (None, 30):
        a, b = loop_and_batch([n.copy() for n in nets], Xs, [Y, Y, Y[:, ::-1]], [SGD(0.5) for _ in range(3)], 3,
                              batch_size=batch_size, seed=0)
        assert_same(a, b)


def test_training_sets_of_different_sizes_full_batch_with_held_out_sets_per_network():
    sizes = [20, 45, 60]
    Xs, Ys = [X60[:, :n] for n in sizes], [Y60[:, :n] for n in sizes]
    vals = [moons(n, seed=10 + n) for n in (30, 50, 70)]
    nets = tanh_nets([1e-3, 0.0, 1e-2])
    a, b = loop_and_batch(nets, Xs, Ys, [Adam(0.05) for _ in sizes], 80, X_val=[v[0] for v in vals],
                          Y_val=[v[1] for v in vals], early_stopping=10)
    assert_same(a, b)


def test_schedules_divergence_and_epochs_per_network():
    """A network that diverges freezes where train leaves it; the others go on, each to its own epochs."""
    nets = tanh_nets([0.0, 0.0, 1e-3, 0.0])
    opts = [SGD(0.1, momentum=0.9) for _ in range(4)]
    sched = [schedules.step_decay(0.5, drop=0.5, every=5), schedules.exponential(0.2, gamma=0.9), None,
             schedules.constant(400.0)]
    a, b = loop_and_batch(nets, X60, Y60, opts, [30, 25, 30, 30], schedule=sched, batch_size=10, seed=1,
                          divergence_factor=[10.0, 10.0, np.inf, 3.0])
    assert_same(a, b)
    assert b[2][3].diverged and "diverged" in b[2][3].message and not b[2][0].diverged
    assert [h.epochs for h in b[2][:3]] == [30, 25, 30]


@pytest.mark.parametrize("activation, output, loss, targets", [
    ("sigmoid", "sigmoid", "mse", "one-hot"),
    ("leaky_relu", "softmax", "mse", "one-hot"),
    ("relu", "identity", "mse", "real"),
    ("identity", "tanh", "mse", "real"),
])
def test_every_activation_and_loss(activation, output, loss, targets):
    Y = Y60 if targets == "one-hot" else np.vstack([np.sin(X60[0]), 0.5 * X60[1]])
    nets = [Network([2, 8, 8, 2], activation=activation, output=output, loss=loss, l2=lam, seed=k)
            for k, lam in enumerate([0.0, 1e-3])]
    for batch_size in (None, 7):
        a, b = loop_and_batch([n.copy() for n in nets], X60, Y, [SGD(0.2), SGD(0.05, momentum=0.5)], 8,
                              batch_size=batch_size, seed=2, X_test=X_TEST, Y_test=Y_TEST if targets == "one-hot"
                              else np.vstack([np.sin(X_TEST[0]), 0.5 * X_TEST[1]]))
        assert_same(a, b)
        assert bool(b[2][0].train_accuracy) == (targets == "one-hot")


def test_optimizer_state_carries_on_into_a_second_call():
    """A second call continues from the first's velocities and step counts, as a second train does."""
    nets, opts = tanh_nets([0.0, 1e-3]), [Adam(0.02), Adam(0.05)]
    nets_b, opts_b = [n.copy() for n in nets], copy.deepcopy(opts)
    for _ in range(2):
        loop = [train(net, X60, Y60, opt, 7) for net, opt in zip(nets, opts)]
        batch = train_many(nets_b, X60, Y60, opts_b, 7)
        assert_same((nets, opts, loop), (nets_b, opts_b, batch))
    assert [opt.state[0]["t"] for opt in opts_b] == [14, 14]


def test_results_agree_to_the_last_bit():
    """Not merely to 1e-12: every product is the one train makes, so the numbers are identical."""
    a, b = loop_and_batch(tanh_nets([0.0, 1e-2, 1e-3]), X60, Y60, [Adam(0.02), Adam(0.01), Adam(0.1)], 40,
                          batch_size=15, seed=[0, 1, 2], X_val=X_VAL, Y_val=Y_VAL)
    for net, net_b in zip(a[0], b[0]):
        assert all(np.array_equal(p, q) for p, q in zip(net.params, net_b.params))
    assert [h.train_cost for h in a[2]] == [h.train_cost for h in b[2]]


# ---- what train_many refuses, before any update --------------------------------------------------------
@pytest.mark.parametrize("change, error, words", [
    (dict(callback=lambda epoch, history: None), ValueError, "callback"),
    (dict(batch_size=[10, 10]), ValueError, "batch_size"),
    (dict(X=[X60, X60[:, :40]], Y=[Y60, Y60[:, :40]], batch_size=10), ValueError, "different sizes"),
    (dict(opts=[Adam(0.1), SGD(0.1)]), ValueError, "one class"),
    (dict(nets=tanh_nets([0.0]) + tanh_nets([0.0], sizes=(2, 8, 2))), ValueError, "one shape"),
    (dict(opts=[Adam(0.1)]), ValueError, "one optimizer per network"),
    (dict(seed=[1, 2, 3]), ValueError, "seed: a list gives one value per network, so it needs 2; got 3"),
    (dict(X=[X60, X60[:1]]), ValueError, "nets[1]: X must have 2 rows"),
    (dict(epochs=0), ValueError, "nets[0]: epochs must be a positive int"),
])
def test_bad_arguments_are_refused_with_a_message_and_change_nothing(change, error, words):
    nets = change.pop("nets", tanh_nets([0.0, 1e-3]))
    before = [[p.copy() for p in net.params] for net in nets]
    args = dict(nets=nets, X=X60, Y=Y60, optimizers=change.pop("opts", [Adam(0.1), Adam(0.2)]), epochs=3)
    args.update({k: change.pop(k) for k in list(change) if k in args})
    with pytest.raises(error, match=words.replace("[", r"\[")):
        train_many(**args, **change)
    assert all(np.array_equal(p, q) for net, saved in zip(nets, before) for p, q in zip(net.params, saved))


def test_the_same_network_or_optimizer_twice_is_refused():
    net, opt = tanh_nets([0.0])[0], Adam(0.1)
    with pytest.raises(ValueError, match=r"nets\[1\] is the same object as nets\[0\]"):
        train_many([net, net], X60, Y60, [Adam(0.1), Adam(0.1)], 2)
    with pytest.raises(ValueError, match=r"optimizers\[1\] is the same object"):
        train_many(tanh_nets([0.0, 0.0]), X60, Y60, [opt, opt], 2)


def test_an_optimizer_subclass_is_refused():
    class MyAdam(Adam):
        pass
    with pytest.raises(ValueError, match="MyAdam|one class"):
        train_many(tanh_nets([0.0, 0.0]), X60, Y60, [MyAdam(0.1), MyAdam(0.1)], 2)


@pytest.mark.parametrize("budget", [1, 2000])
def test_networks_in_groups_and_held_out_sets_a_few_networks_at_a_time(monkeypatch, budget):
    """Large arrays go a few networks at a time (ROWS_BUDGET): the same numbers."""
    import lessonlib.batched
    monkeypatch.setattr(lessonlib.batched, "ROWS_BUDGET", budget)
    nets = tanh_nets([0.0, 1e-3, 1e-2, 0.0, 1e-3])
    opts = [Adam(lr) for lr in (0.3, 0.02, 0.05, 0.1, 0.01)]
    for batch_size in (None, 12):
        a, b = loop_and_batch([n.copy() for n in nets], X60, Y60, copy.deepcopy(opts), 30, X_val=X_VAL, Y_val=Y_VAL,
                              X_test=[X_TEST] * 5, Y_test=[Y_TEST] * 5, early_stopping=4, batch_size=batch_size,
                              seed=[0, 1, 2, 3, 4])
        assert_same(a, b)
