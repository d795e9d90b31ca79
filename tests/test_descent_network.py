"""Lesson 01's digits network (descent_network): its runs, the verdicts Exercise 3 uses, and the numbers notebook
01's prose states about the network (§4, §5 and their optional cells)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib import descent_network as netlab
from lessonlib import optimizers, train


def test_train_digits_is_lessonlib_train_on_a_fresh_network_and_is_cached():
    X, _, Y, _ = netlab.digits()
    net = netlab.digits_net(0)
    J0 = net.cost(X, Y)
    history = train(net, X, Y, optimizers.SGD(0.3), 5, seed=0)
    run = netlab.train_digits(0.3, 5)
    np.testing.assert_allclose(run.cost, [J0] + history.train_cost, rtol=1e-12)
    assert netlab.train_digits(0.3, 5) is run and netlab.train_digits(0.3, epochs=5, seed=0) is run


@pytest.mark.parametrize("B", [None, 7, 1])
def test_runs_trained_side_by_side_equal_one_train_call_each(B):
    """runs_of trains the missing runs together (lessonlib.batched.train_many): the same costs and weights as a
    loop of lessonlib.train, whatever the batch size, the α (one of them diverging) and the seed."""
    X, _, Y, _ = netlab.digits()
    specs = [(0.05, 2, B, 3), (0.2, 2, B, 4), (40.0, 2, B, 3)]
    runs = netlab.runs_of(specs)
    for (lr, epochs, _, seed), run in zip(specs, runs):
        net = netlab.digits_net(seed)
        J0 = net.cost(X, Y)
        history = train(net, X, Y, optimizers.SGD(lr), epochs, batch_size=B, seed=seed)
        np.testing.assert_allclose(run.cost, [J0] + history.train_cost, rtol=1e-12)
        assert run.history.diverged == history.diverged
        for W, W_ref in zip(run.net.weights, net.weights):
            np.testing.assert_allclose(W, W_ref, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-0.1, ValueError), (float("nan"), ValueError),
                                        ("1", TypeError), (True, TypeError), ([0.1], TypeError)])
def test_a_bad_learning_rate_is_refused_by_name(bad, error):
    with pytest.raises(error, match="learning rate"):
        netlab.train_digits(bad)


def test_try_learning_rates_wants_a_list():
    for bad in (0.1, "0.1"):
        with pytest.raises(TypeError, match="list of learning rates"):
            netlab.try_learning_rates(bad)
    with pytest.raises(ValueError, match="at least one"):
        netlab.try_learning_rates([])
    runs = netlab.try_learning_rates([0.1, 10])
    assert list(runs) == [0.1, 10.0] and runs[10.0].history.diverged
    ax = netlab.plot_learning_rates(runs)
    assert ax.get_title() and ax.get_xlabel() and len(ax.get_legend().get_texts()) == 3
    plt.close(ax.figure)
    assert netlab.describe_run(0.1, runs[0.1]).endswith("in 30 epochs; rose after epochs: none")
    assert netlab.describe_run(10.0, runs[10.0]).endswith("blew up at epoch 4; rose after epochs: 1, 2, 3, 4")


def test_describe_run_names_the_largest_rise():
    run = netlab.try_learning_rates([1.5])[1.5]
    k, rise = run.largest_rise
    assert not run.history.diverged and rise == max(np.diff(run.cost) / run.cost[:-1]) > 0.10
    line = netlab.describe_run(1.5, run)
    assert line.endswith(f"; rose {len(run.rises)} times, most +{rise:.0%} (epoch {k})") and len(line) <= 76


def test_largest_rise_is_relative_to_the_epoch_before():
    run = netlab.Run(np.array([2.0, 1.0, 1.2, 1.1, 1.155]), history=None)
    assert run.rises == [2, 4]
    k, rise = run.largest_rise
    assert k == 2 and rise == pytest.approx(0.2)
    assert netlab.Run(np.array([2.0, 1.0]), history=None).largest_rise == (None, 0.0)


def test_lr_sweep_classes_run_from_crawl_to_failure():
    exps, runs = netlab.lr_sweep()
    assert netlab.lr_sweep(-1.5, 1.0, 0.1, 30, 0) is netlab.lr_sweep()         # one cache, however it is called
    kinds = netlab.classify_runs(runs)
    assert kinds[0] == "crawls" and kinds[-1] == "fails" and "smooth" in kinds and "bounces" in kinds
    order = ["crawls", "smooth", "bounces", "fails"]
    assert [order.index(k) for k in kinds] == sorted(order.index(k) for k in kinds)   # one band each, in order
    assert all(r.cost.size == 31 for r in runs if not r.history.diverged)           # epochs 0 … 30
    for r, kind in zip(runs, kinds):
        assert (kind == "fails") == (r.history.diverged or r.cost[-1] > r.cost[0])


def test_compare_batch_sizes_uses_the_same_epochs_and_starts_at_epoch_0():
    runs = netlab.compare_batch_sizes()
    assert {len(r.cost) for seeds, _ in runs.values() for r in seeds} == {7}
    for k in range(3):                                                 # the same net before training, per seed
        assert len({seeds[k].cost[0] for seeds, _ in runs.values()}) == 1
    assert all(not r.failed for seeds, _ in runs.values() for r in seeds)
    ax = netlab.plot_batch_comparison(runs)
    assert ax.get_xlabel() and ax.get_ylabel() and len(ax.get_legend().get_texts()) == 2
    assert len(ax.lines) == 6                                         # one line per seed and batch size
    plt.close(ax.figure)


def test_steady_lr_is_the_largest_grid_alpha_whose_cost_falls_every_epoch_from_every_start():
    steady = lambda seeds: all(not r.failed and not r.rises for r in seeds)     # noqa: E731
    for B, expected in ((None, 1.0), (32, 0.1)):                              # the α of BATCH_CHOICES and the text
        lr, runs = netlab.steady_lr(B)
        assert lr == expected and steady(runs[lr]) and not any(steady(rs) for a, rs in runs.items() if a > lr)
        assert all(len(rs) == len(netlab.SEEDS) == 3 for rs in runs.values())
    assert [(B, lr) for B, _, lr in netlab.BATCH_CHOICES] == [(None, 1.0), (32, 0.1)]
    _, runs = netlab.steady_lr(32)
    assert runs[0.3][0].rises == [] and runs[0.3][1].rises and runs[0.3][2].rises     # it rises from starts 1, 2
    assert netlab.steady_lr(32, seeds=(0,))[0] == 0.3                              # "from the first start alone: 0.3"


# ---- Exercise 3's verdicts ---------------------------------------------------------------------------
@pytest.mark.parametrize("lr, kind", [(0.01, "too small"), (0.1, "too small"), (0.3, "too small"), (0.8, "good"),
                                      (1.0, "good"), (1.5, "bounces"), (2.0, "fails"), (10.0, "fails")])
def test_rate_verdicts_on_all_three_starts(lr, kind):
    for seed in netlab.SEEDS:
        assert netlab.rate_verdict(netlab.train_digits(lr, seed=seed))[0] == kind


def test_good_learning_rate_is_the_largest_good_grid_alpha():
    assert netlab.good_learning_rate() == 1.0
    for seed in netlab.SEEDS:
        kinds = [netlab.rate_verdict(netlab.train_digits(lr, seed=seed))[0] for lr in netlab.LR_GRID]
        assert kinds == ["too small", "too small", "too small", "too small", "good", "fails"]


# ---- the numbers notebook 01's prose states about the network --------------------------------------------
def test_notebook_network_facts():
    X, X_test, Y, _ = netlab.digits()
    assert X.shape == (64, 1347) and X.min() >= 0 and X.max() <= 1 and X_test.shape[1] == 450
    first = netlab.train_digits(0.1)
    assert abs(first.cost[0] - np.log(10)) < 0.1                       # "about where the untrained network starts"
    assert first.cost[-1] < first.cost[0] and not first.rises          # "the cost falls", slowly
    tried = netlab.try_learning_rates([0.03, 0.3, 1.5, 3.0])      # Exercise 3's start: none of them passes
    assert [netlab.rate_verdict(r)[0] for r in tried.values()] == ["too small", "too small", "bounces", "fails"]
    assert all(not r.rises for r in list(tried.values())[:2])           # the notes: 0.03 and 0.3 crawl
    finals = [r.cost[-1] for r in list(tried.values())[:3]]
    assert finals[2] == min(finals) and tried[3.0].history.diverged    # 1.5 ends lowest but bounces; 3 blows up
    assert tried[3.0].largest_rise[1] > 3 * tried[1.5].largest_rise[1]  # 3 "bounces harder", then blows up
    final = netlab.train_digits(1.0)
    assert 0.85 < netlab.test_accuracy(final) <= final.history.train_accuracy[-1]


def test_notebook_network_slider_claims():
    exps, runs = netlab.lr_sweep()
    assert np.allclose(np.diff(exps), 0.1) and exps[0] == -1.5 and exps[-1] == 1.0     # steps of 0.1 in log₁₀ α
    assert -0.5 in np.round(exps, 6)                                                   # starts at 10^−0.5 ≈ 0.316
    kinds = netlab.classify_runs(runs)
    assert len(set(kinds)) == 4                                                        # "four bands"
    finals = [np.inf if r.failed else r.cost[-1] for r in runs]
    best = int(np.argmin(finals))
    assert kinds[best] == "bounces" and kinds[best + 1] == "fails"      # lowest J just below the edge, then fails
    limit = netlab.crawl_threshold(runs)
    for r, kind in zip(runs, kinds):
        if kind in ("crawls", "smooth"):
            assert (kind == "crawls") == (r.cost[-1] > limit) and np.all(np.diff(r.cost) <= 0)


def test_notebook_mini_batches_end_at_a_quarter_to_a_third_of_the_full_batch_from_every_start():
    (full, _), (mini, B) = netlab.compare_batch_sizes(epochs=6, seeds=(0, 1, 2)).values()
    N = netlab.digits()[0].shape[1]
    assert -(-N // B) == 43                                                  # "43 updates to one"
    ratios = [m.cost[-1] / f.cost[-1] for f, m in zip(full, mini)]
    assert all(0.24 < r < 1 / 3 for r in ratios)                             # "a quarter to a third … every start"
    assert all(np.all(np.diff(m.cost) < 0) for m in mini)                    # the alt text: "keeps falling"
    assert all(m.cost[1] < f.cost[1] for f, m in zip(full, mini))            # "far below … within the first epoch"
    assert all(np.all(m.cost[1:] < 0.7 * f.cost[1:]) for f, m in zip(full, mini))      # and far below from then on
