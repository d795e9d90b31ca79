"""The training loop: digits to ≥ 97%, every batch size lowers the cost, divergence, early stopping,
callbacks, schedules and reproducibility."""
import numpy as np
import pytest

from lessonlib import Network, data, schedules, train
from lessonlib.optimizers import SGD, Adam
from lessonlib.training import STOP


def moons_classifier(seed=0, hidden=8, activation="tanh"):
    return Network([2, hidden, 2], activation=activation, output="softmax", loss="cross_entropy", seed=seed)


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(n=200, noise=0.1, seed=0)


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_digits_reach_97_percent(digits):
    """[64, 128, 10] ReLU + softmax, SGD with momentum 0.9, batches of 8, 20 epochs (≈ 0.5 s).

    Over network/shuffle seeds 0–29 this configuration ends between 96.7% and 98.0% (mean 97.5%;
    28 of 30 seeds ≥ 97%) on the default split; seed 0 gives 97.3%.
    """
    X_train, X_test, Y_train, Y_test = digits
    net = Network([64, 128, 10], activation="relu", output="softmax", loss="cross_entropy", seed=0)
    history = train(net, X_train, Y_train, SGD(0.05, momentum=0.9), epochs=20, batch_size=8,
                    X_test=X_test, Y_test=Y_test, seed=0)
    assert not history.diverged
    assert history.test_accuracy[-1] >= 0.97
    assert history.train_accuracy[-1] >= 0.99
    assert history.train_cost[-1] < 0.1 * history.train_cost[0]


@pytest.mark.parametrize("batch_size, n, epochs", [(None, 200, 100), (32, 200, 20), (1, 40, 5)],
                         ids=["full-batch", "mini-batch", "sgd"])
def test_every_batch_size_reduces_the_cost(moons, batch_size, n, epochs):
    X, Y = moons[0][:, :n], moons[1][:, :n]
    net = moons_classifier()
    J0 = net.cost(X, Y)
    history = train(net, X, Y, SGD(0.5 if batch_size is None else 0.1), epochs, batch_size=batch_size, seed=0)
    assert history.epochs == epochs and not history.diverged
    assert history.train_cost[-1] < 0.8 * J0
    assert history.train_cost[-1] == pytest.approx(net.data_cost(X, Y), rel=1e-12)


def test_full_batch_gradient_descent_lowers_the_cost_every_epoch(moons):
    X, Y = moons
    history = train(moons_classifier(), X, Y, SGD(0.1), epochs=30)
    assert all(b < a for a, b in zip(history.train_cost, history.train_cost[1:]))


def test_history_records_costs_and_accuracies(moons):
    X, Y = moons
    X_test, Y_test = data.make_moons(n=50, seed=1)
    history = train(moons_classifier(), X, Y, Adam(0.01), epochs=7, batch_size=50, X_test=X_test,
                    Y_test=Y_test, seed=0)
    assert history.epochs == 7
    for values in (history.train_cost, history.test_cost, history.train_accuracy, history.test_accuracy):
        assert len(values) == 7 and all(np.isfinite(values))
    assert all(0 <= acc <= 1 for acc in history.train_accuracy + history.test_accuracy)
    assert history.lr == [0.01] * 7
    assert not history.stopped_early and history.best_epoch is None and history.message == ""


def test_regression_has_no_accuracy_and_no_test_lists():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1, 30))
    Y = 2 * X + 1
    net = Network([1, 1], activation="identity", seed=0)
    history = train(net, X, Y, SGD(0.5), epochs=200)
    assert history.train_accuracy == [] and history.test_cost == [] and history.test_accuracy == []
    np.testing.assert_allclose([net.weights[0][0, 0], net.biases[0][0, 0]], [2.0, 1.0], atol=1e-6)


@pytest.mark.filterwarnings("error")
def test_divergence_stops_training_with_a_message_and_no_warnings(moons):
    X, Y = moons
    net = moons_classifier(activation="relu")
    J0 = net.data_cost(X, Y)
    history = train(net, X, Y, SGD(1e5), epochs=50, batch_size=20, seed=0)
    assert history.diverged
    assert history.epochs < 50
    assert 10 * J0 < history.train_cost[-1] < np.inf     # caught as exploding (> 10 × J0) while still finite
    assert "diverged at epoch" in history.message and "smaller learning rate" in history.message


@pytest.mark.filterwarnings("error")
def test_a_non_finite_cost_also_counts_as_divergence():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 20)), rng.normal(size=(2, 20))
    net = Network([3, 10, 10, 2], activation="identity", seed=0)
    history = train(net, X, Y, SGD(10.0), epochs=500, divergence_factor=np.inf)
    assert history.diverged and history.epochs < 500
    assert not np.isfinite(history.train_cost[-1])
    assert "diverged" in history.message


@pytest.mark.filterwarnings("error")
def test_overflow_inside_an_epoch_emits_no_warnings():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 20)), rng.normal(size=(2, 20))
    net = Network([3, 10, 10, 2], activation="relu", output="identity", seed=0)
    history = train(net, X, Y, SGD(1e3), epochs=5, batch_size=1, seed=0)   # θ reaches inf within epoch 1
    assert history.diverged and history.epochs == 1
    assert not np.isfinite(history.train_cost[-1])
    assert "diverged at epoch 1" in history.message


def test_early_stopping_restores_the_best_epoch(moons):
    X, Y = moons
    X_test, Y_test = X, 1.0 - Y           # a test set that disagrees with every label: it gets worse
    net, snapshots = moons_classifier(), {}

    def keep(epoch, history):
        snapshots[epoch] = [p.copy() for p in net.params]

    history = train(net, X, Y, SGD(0.5), epochs=100, X_test=X_test, Y_test=Y_test, early_stopping=3,
                    callback=keep)
    assert history.stopped_early and not history.diverged
    assert history.best_epoch == int(np.argmin(history.test_cost)) + 1
    assert history.epochs == history.best_epoch + 3 < 100
    assert f"kept epoch {history.best_epoch}" in history.message
    for p, best in zip(net.params, snapshots[history.best_epoch]):
        np.testing.assert_array_equal(p, best)
    assert net.data_cost(X_test, Y_test) == pytest.approx(min(history.test_cost), rel=1e-12)


def test_early_stopping_keeps_the_best_epoch_when_the_epochs_run_out(moons):
    X, Y = moons
    X_test, Y_test = X, 1.0 - Y
    net = moons_classifier()
    history = train(net, X, Y, SGD(0.5), epochs=4, X_test=X_test, Y_test=Y_test, early_stopping=10)
    assert not history.stopped_early and history.epochs == 4
    assert history.best_epoch < 4
    assert net.data_cost(X_test, Y_test) == pytest.approx(min(history.test_cost), rel=1e-12)


def test_callback_is_called_once_per_epoch(moons):
    X, Y = moons
    calls = []
    history = train(moons_classifier(), X, Y, SGD(0.1), epochs=6,
                    callback=lambda epoch, h: calls.append((epoch, h.epochs)))
    assert calls == [(k, k) for k in range(1, 7)]
    assert history.epochs == 6


def test_callback_can_stop_training(moons):
    X, Y = moons
    history = train(moons_classifier(), X, Y, SGD(0.1), epochs=50,
                    callback=lambda epoch, h: STOP if epoch == 3 else None)
    assert history.epochs == 3
    assert history.message.startswith("stopped at epoch 3 by the callback")


def test_schedule_sets_the_learning_rate_each_epoch(moons):
    X, Y = moons
    schedule, opt, seen = schedules.step_decay(0.4, drop=0.5, every=2), SGD(1.0), []
    history = train(moons_classifier(), X, Y, opt, epochs=7, schedule=schedule,
                    callback=lambda epoch, h: seen.append(opt.lr))
    expected = [0.4, 0.4, 0.2, 0.2, 0.1, 0.1, 0.05]
    assert history.lr == pytest.approx(expected, rel=1e-15)
    assert seen == pytest.approx(expected, rel=1e-15)


def test_same_seed_same_history(moons):
    X, Y = moons

    def run(seed):
        net = moons_classifier(seed=1)
        history = train(net, X, Y, SGD(0.1, momentum=0.9), epochs=5, batch_size=16, seed=seed)
        return history, net

    (h1, n1), (h2, n2), (h3, _) = run(3), run(3), run(4)
    assert h1.train_cost == h2.train_cost and h1.train_accuracy == h2.train_accuracy
    for p, q in zip(n1.params, n2.params):
        np.testing.assert_array_equal(p, q)
    assert h3.train_cost != h1.train_cost          # another seed shuffles differently


def test_train_updates_the_network_in_place(moons):
    X, Y = moons
    net = moons_classifier()
    W1 = net.weights[0]
    before = W1.copy()
    train(net, X, Y, SGD(0.1), epochs=2)
    assert net.weights[0] is W1 and not np.array_equal(W1, before)


def test_callback_also_sees_the_epoch_that_diverges(moons):
    X, Y = moons
    seen = []
    net = Network([2, 16, 2], activation="relu", output="softmax", loss="cross_entropy", seed=0)
    history = train(net, X, Y, SGD(1e4), 20, seed=0, callback=lambda epoch, h: seen.append((epoch, h.epochs)))
    assert history.diverged
    assert seen == [(k, k) for k in range(1, history.epochs + 1)]
