"""Overfitting and L2 regularization: the computations, plots, dashboards and checks of notebook 04.

  data        moons_sets, digits_sets, flip_labels      (train / validation / test, kept apart)
  training    fit (lessonlib.train with Adam), train_with_snapshots, train_for_each_lambda
  sweeps      lambda_sweep, size_sweep → Sweep; best_lambda (chosen on the validation set only)
  plots       plot_points, plot_signal, plot_boundary, plot_learning_curves, plot_sweep, plot_weight_histogram
  dashboards  size_dashboard (more data), l2_dashboard (λ)        DASHBOARDS
  checks      check_l2_cost, check_l2_gradients, check_pick_lambda

Every network here is tanh hidden layers + softmax output + cross-entropy, trained full batch with
Adam.  Networks are trained when a sweep is built, never when a slider moves: a slider move is a
lookup of precomputed arrays and a redraw of the animated artists.
"""
import functools

import contourpy
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from . import data, optimizers, regularization
from .dashboards.machinery import Dashboard, checkbox, log_slider, new_figure
from .network import Network
from .plots import COLORS, TEST_COLOR, TRAIN_COLOR, axes_or_new, presentation_style
from .training import evaluate, train

from threadpoolctl import threadpool_limits


def one_blas_thread(fn):
    """Run ``fn`` with BLAS on one thread: these matrices are small, and on a busy 2-core machine
    BLAS threads mostly wait for each other (training with a 1000-example test set ran 8× slower)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with threadpool_limits(1):
            return fn(*args, **kwargs)
    return wrapper


# ---- the moons experiment ------------------------------------------------------------------
MOONS = {"noise": 0.25, "label_noise": 0.05}     # noise on the positions; 5 % of labels flipped
MOONS_SIZES = [2, 32, 32, 2]                     # ~1 200 weights for 60 training points: enough to memorise
EPOCHS, LR = 600, 0.02
N_SMALL = 60                                     # the small training set of the lesson
XLIM, YLIM = (-1.75, 2.75), (-1.25, 1.75)        # the plotting window of the moons
CLASS_COLORS = (COLORS[1], COLORS[0])            # class 0 vermillion, class 1 blue (Okabe–Ito)
VAL_COLOR = COLORS[2]
BOUNDARY_CMAP = LinearSegmentedColormap.from_list("moons", ["#F3C3A6", "#FFFFFF", "#A9CBE4"])
SET_COLORS = {"train": TRAIN_COLOR, "validation": VAL_COLOR, "test": TEST_COLOR}
SET_STYLES = {"train": "-", "validation": "-.", "test": "--"}
SET_LABELS = {"train": "training set", "validation": "validation set", "test": "test set"}

# ---- the λ and N grids of the dashboards (the slider lands exactly on them) ----------------
LAM_EXP = (-5.0, -1.0, 0.2)                      # log10 λ from −5 to −1 in steps of 0.2: 21 values
SIZE_EXP = (np.log10(15), np.log10(960), np.log10(2))   # N = 15, 30, …, 960


def log_grid(lo, hi, step):
    """10^lo, 10^(lo+step), …, 10^hi."""
    return 10.0 ** (lo + step * np.arange(int(round((hi - lo) / step)) + 1))


LAMBDAS = np.concatenate([[0.0], log_grid(*LAM_EXP)])     # λ = 0 first, then the log grid
SIZES_N = np.rint(log_grid(*SIZE_EXP)).astype(int)        # 15, 30, 60, 120, 240, 480, 960


# ---- data ------------------------------------------------------------------------------------
def moons_sets(n_train=960, n_validation=300, n_test=1000, seed=1):
    """Three independent draws of the noisy moons: {"train", "validation", "test"} → (X, Y).

    The first ``N_SMALL`` training columns are the lesson's small training set (classes alternate,
    so any prefix is balanced); the size sweep uses longer prefixes."""
    return {name: data.make_moons(n, seed=seed + i, **MOONS)
            for i, (name, n) in enumerate([("train", n_train), ("validation", n_validation), ("test", n_test)])}


def flip_labels(Y, fraction, seed=0):
    """One-hot Y (K, N) with about ``fraction`` of the columns given another class at random."""
    rng = np.random.default_rng(seed)
    y, K = data.labels_of(Y), Y.shape[0]
    flip = rng.random(y.size) < fraction
    return data.one_hot(np.where(flip, (y + rng.integers(1, K, y.size)) % K, y), K)


def digits_sets(n_train=200, n_validation=400, label_noise=0.15, seed=5):
    """The digits with a small training set: {"train", "validation", "test"} → (X, Y).

    ``label_noise`` of the training and validation labels are wrong (noisy observations); the
    test labels are the true ones, so the test score measures how well the signal was learned."""
    X_pool, X_test, Y_pool, Y_test = data.load_digits(test_size=0.25, seed=0)
    end = n_train + n_validation
    return {"train": (X_pool[:, :n_train], flip_labels(Y_pool[:, :n_train], label_noise, seed)),
            "validation": (X_pool[:, n_train:end], flip_labels(Y_pool[:, n_train:end], label_noise, seed + 1)),
            "test": (X_test, Y_test)}


# ---- training ------------------------------------------------------------------------------
def classifier(sizes=MOONS_SIZES, l2=0.0, seed=0):
    """tanh hidden layers, softmax output, cross-entropy cost, L2 penalty λ = ``l2``."""
    return Network(sizes, activation="tanh", output="softmax", loss="cross_entropy", l2=l2, seed=seed)


@one_blas_thread
def fit(net, X, Y, epochs=EPOCHS, lr=LR, **train_kw):
    """lessonlib.train with full-batch Adam(lr); returns the History."""
    return train(net, X, Y, optimizers.Adam(lr), epochs, **train_kw)


def boundary_grid(n_x=90, n_y=60):
    """The grid the decision boundaries are drawn on: (xs, ys, G) with G of shape (2, n_x n_y)."""
    xs, ys = np.linspace(*XLIM, n_x), np.linspace(*YLIM, n_y)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.vstack([gx.ravel(), gy.ravel()])


def class1_probability(net, grid=None):
    """a^L for class 1 over the boundary grid, as an image (n_y, n_x)."""
    xs, ys, G = boundary_grid() if grid is None else grid
    return net.predict(G)[1].reshape(ys.size, xs.size)


def train_with_snapshots(net, X, Y, snapshot_epochs, epochs=EPOCHS, lr=LR, **train_kw):
    """``fit`` that also keeps the class-1 probability image after each epoch in ``snapshot_epochs``."""
    grid, images = boundary_grid(), {}

    def snapshot(epoch, history):
        if epoch in snapshot_epochs:
            images[epoch] = class1_probability(net, grid)
    return fit(net, X, Y, epochs, lr, callback=snapshot, **train_kw), images


@one_blas_thread
def train_for_each_lambda(sizes, lams, X, Y, epochs=EPOCHS, lr=LR, seed=0):
    """One network per λ in ``lams``, each trained as ``fit(classifier(sizes, λ, seed), X, Y, epochs, lr)``.

    The K networks start from the same θ and are trained side by side: every W^m is stacked into a
    (K, n_m, n_{m-1}) array so one numpy call serves all K.  The equations are the lesson's, with
    f = tanh written through a^m (f'(z^m) = 1 − (a^m)²); tests check the result equals lessonlib.train.
    Returns the list of trained Networks."""
    lams = np.asarray(lams, dtype=np.float64)
    template = classifier(sizes, seed=seed)
    X, Y = template.check_X(X), template.check_Y(Y, np.shape(X)[1])
    K, L, B = lams.size, template.L, X.shape[1]
    W = [np.repeat(w[None], K, axis=0) for w in template.weights]   # W[m-1] = W^m for all K, (K, n_m, n_{m-1})
    b = [np.repeat(v[None], K, axis=0) for v in template.biases]    # (K, n_m, 1)
    lam = lams.reshape(K, 1, 1)
    params, adam = [p for Wb in zip(W, b) for p in Wb], optimizers.Adam(lr)
    for _ in range(epochs):
        a = [X]
        for m in range(1, L + 1):
            z = W[m - 1] @ a[m - 1] + b[m - 1]                          # z^m = W^m a^{m-1} + b^m
            if m < L:
                a.append(np.tanh(z))                                     # a^m = f(z^m)
            else:
                e = np.exp(z - z.max(axis=1, keepdims=True))             # softmax over each column
                a.append(e / e.sum(axis=1, keepdims=True))
        delta = (a[L] - Y) / B                                           # δ^L = (a^L − y)/B
        grads = [None] * (2 * L)
        for m in range(L, 0, -1):
            grads[2 * m - 2] = (delta @ np.swapaxes(a[m - 1], -1, -2)    # ∂J/∂W^m = δ^m (a^{m-1})^T
                                + lam * regularization.penalty_gradient(W[m - 1]))   # + 2λ W^m
            grads[2 * m - 1] = delta.sum(axis=-1, keepdims=True)         # ∂J/∂b^m (no penalty)
            if m > 1:
                delta = (1.0 - a[m - 1] ** 2) * (np.swapaxes(W[m - 1], -1, -2) @ delta)   # δ^{m-1}
        adam.step(params, grads)
    nets = []
    for k in range(K):
        net = classifier(sizes, l2=lams[k], seed=seed)
        for m in range(L):
            net.weights[m][...], net.biases[m][...] = W[m][k], b[m][k]
        nets.append(net)
    return nets


# ---- sweeps ----------------------------------------------------------------------------------
class Sweep:
    """Trained networks over a grid of one hyper-parameter, evaluated once on every set.

    ``values``: the grid; ``nets``: one Network per value; ``cost[name]``, ``accuracy[name]``:
    arrays over the grid (J without the penalty) for each set name; ``omega``: Ω = Σ ||W^m||²."""

    @one_blas_thread
    def __init__(self, values, nets, sets):
        self.values, self.nets = np.asarray(values), list(nets)
        self.cost, self.accuracy = {}, {}
        for name, (X, Y) in sets.items():
            J, acc = zip(*(evaluate(net, X, Y) for net in self.nets))
            self.cost[name], self.accuracy[name] = np.array(J), np.array(acc)
        self.omega = np.array([regularization.penalty(net.weights) for net in self.nets])
        self._images = None

    @property
    def images(self):
        """Class-1 probability images over the boundary grid, (K, n_y, n_x), computed once."""
        if self._images is None:
            grid = boundary_grid()
            with threadpool_limits(1):
                self._images = np.array([class1_probability(net, grid) for net in self.nets])
        return self._images

    def index(self, value):
        """The grid position closest to ``value`` (on a log scale)."""
        v = np.log10(np.maximum(self.values, 1e-300))
        return int(np.argmin(np.abs(v - np.log10(max(value, 1e-300)))))


@one_blas_thread
def lambda_sweep(sets, lams=LAMBDAS, sizes=MOONS_SIZES, n_train=N_SMALL, epochs=EPOCHS, lr=LR, seed=0):
    """Train one network per λ on the first ``n_train`` training examples; evaluate it on every set."""
    X, Y = sets["train"]
    nets = train_for_each_lambda(sizes, lams, X[:, :n_train], Y[:, :n_train], epochs, lr, seed)
    small = dict(sets, train=(X[:, :n_train], Y[:, :n_train]))
    return Sweep(lams, nets, small)


@one_blas_thread
def size_sweep(sets, sizes_n=SIZES_N, sizes=MOONS_SIZES, epochs=EPOCHS, lr=LR, seed=0):
    """The same network (λ = 0) trained on the first N training examples, for each N in ``sizes_n``.

    ``cost["train"]`` is each network's cost on its own N examples."""
    X, Y = sets["train"]
    nets = []
    for n in sizes_n:
        net = classifier(sizes, seed=seed)
        fit(net, X[:, :n], Y[:, :n], epochs, lr)
        nets.append(net)
    sweep = Sweep(sizes_n, nets, {k: v for k, v in sets.items() if k != "train"})
    sweep.cost["train"] = np.array([evaluate(net, X[:, :n], Y[:, :n])[0] for net, n in zip(nets, sizes_n)])
    sweep.accuracy["train"] = np.array([evaluate(net, X[:, :n], Y[:, :n])[1] for net, n in zip(nets, sizes_n)])
    return sweep


def best_lambda(lams, validation_cost):
    """The λ with the lowest validation cost (the test set plays no part)."""
    return float(np.asarray(lams)[int(np.argmin(validation_cost))])


# ---- plots -----------------------------------------------------------------------------------
def plot_points(X, Y, ax=None, size=28, animated=False):
    """The examples as dots coloured by class (class 0 vermillion circles, class 1 blue)."""
    ax = axes_or_new(ax)
    colors = np.array(CLASS_COLORS)[data.labels_of(Y)]
    dots = ax.scatter(X[0], X[1], c=list(colors), s=size, edgecolors="black", linewidths=0.6,
                      zorder=3, animated=animated)
    ax.set(xlim=XLIM, ylim=YLIM, xlabel="$x_1$", ylabel="$x_2$")
    return ax, dots


def plot_signal(ax=None):
    """The signal the moons are drawn from: two noiseless half circles."""
    ax = axes_or_new(ax)
    t = np.linspace(0, np.pi, 200)
    ax.plot(np.cos(t), np.sin(t), color=CLASS_COLORS[0], label="class 0")
    ax.plot(1 - np.cos(t), 0.5 - np.sin(t), color=CLASS_COLORS[1], label="class 1")
    ax.set(xlim=XLIM, ylim=YLIM, xlabel="$x_1$", ylabel="$x_2$", title="The signal")
    ax.legend(loc="lower left")
    return ax


def boundary_line(image):
    """The a^L = 0.5 contour of a class-1 probability image as (x, y) arrays, pieces split by NaN."""
    xs, ys, _ = boundary_grid()
    pieces = contourpy.contour_generator(xs, ys, image, line_type="Separate").lines(0.5)
    if not pieces:
        return np.array([np.nan]), np.array([np.nan])
    xy = np.concatenate([np.vstack([p, [np.nan, np.nan]]) for p in pieces])
    return xy[:, 0], xy[:, 1]


def draw_boundary(ax, image, animated=False):
    """The class-1 probability as a background image plus its 0.5 contour; returns (image, line) artists."""
    im = ax.imshow(image, origin="lower", extent=(*XLIM, *YLIM), cmap=BOUNDARY_CMAP, vmin=0, vmax=1,
                   aspect="auto", interpolation="bilinear", animated=animated)
    line, = ax.plot(*boundary_line(image), color="black", linewidth=2, animated=animated)
    return im, line


def plot_boundary(net_or_image, X, Y, ax=None, title="Decision boundary"):
    """The regions a network gives each class (shaded), its boundary a^L = 0.5, and the examples."""
    ax = axes_or_new(ax)
    image = net_or_image if isinstance(net_or_image, np.ndarray) else class1_probability(net_or_image)
    draw_boundary(ax, image)
    plot_points(X, Y, ax)
    ax.set_title(title)
    ax.grid(False)
    return ax


def plot_learning_curves(history, ax=None, held_out="test", title="Cost per epoch", log=True):
    """Training cost and held-out cost J per epoch (log scale unless ``log=False``); marks the kept
    epoch of early stopping.  ``held_out`` names the set recorded as history.test_cost."""
    ax = axes_or_new(ax)
    epochs = np.arange(1, history.epochs + 1)
    ax.plot(epochs, history.train_cost, color=TRAIN_COLOR, label="training set")
    ax.plot(epochs, history.test_cost, SET_STYLES[held_out], color=SET_COLORS[held_out],
            label=SET_LABELS[held_out])
    if history.best_epoch is not None:
        ax.axvline(history.best_epoch, color="black", linestyle=":", linewidth=2,
                   label=f"kept: epoch {history.best_epoch}")
    ax.set(xlabel="epoch", ylabel="cost J (log scale)" if log else "cost J", title=title,
           yscale="log" if log else "linear")
    ax.legend()
    return ax


def plot_sweep(sweep, ax=None, sets=("train", "validation"), metric="cost", best=None, xlabel="λ",
               title="Validation curve"):
    """Cost (or error = 1 − accuracy) against the swept value on a log axis, λ = 0 drawn at the left edge."""
    ax = axes_or_new(ax)
    x, zero_at = sweep_x(sweep.values)
    for name in sets:
        y = sweep.cost[name] if metric == "cost" else 1 - sweep.accuracy[name]
        ax.plot(x, y, SET_STYLES[name], marker="o", markersize=4, color=SET_COLORS[name], label=SET_LABELS[name])
    if best is not None:
        bx = x[int(np.argmin(np.abs(sweep.values - best)))]
        ax.axvline(bx, color="black", linestyle=":", linewidth=2, label=f"chosen λ = {best:.2g}")
    ax.set_xscale("log")
    if zero_at is not None:
        label_zero(ax, zero_at, sweep.values)
    ax.set(xlabel=xlabel, ylabel="cost J" if metric == "cost" else "error (1 − accuracy)", title=title)
    ax.legend()
    return ax


def sweep_x(values):
    """x positions for a log axis: a λ = 0 entry is drawn half a decade left of the smallest λ > 0."""
    values = np.asarray(values, dtype=np.float64)
    if values[0] > 0:
        return values, None
    zero_at = values[1] / 10 ** 0.7
    return np.concatenate([[zero_at], values[1:]]), zero_at


def label_zero(ax, zero_at, values):
    """Ticks at each decade plus '0' at the λ = 0 position."""
    decades = 10.0 ** np.arange(np.ceil(np.log10(values[1])), np.floor(np.log10(values[-1])) + 1)
    ax.set_xticks([zero_at, *decades], ["0", *[f"$10^{{{int(np.log10(d))}}}$" for d in decades]])
    ax.minorticks_off()
    ax.set_xlim(zero_at / 10 ** 0.2, values[-1] * 10 ** 0.2)


WEIGHT_BINS = np.linspace(-4, 4, 41)


def weight_counts(net):
    """How many weights (biases excluded) fall in each WEIGHT_BINS bin; larger |w| go to the end bins."""
    w = np.concatenate([W.ravel() for W in net.weights])
    return np.histogram(np.clip(w, WEIGHT_BINS[0], WEIGHT_BINS[-1]), WEIGHT_BINS)[0]


def plot_weight_histogram(net, ax=None, label=None, color=TRAIN_COLOR):
    """Histogram of every weight of ``net`` (log count scale)."""
    ax = axes_or_new(ax)
    ax.stairs(np.maximum(weight_counts(net), 0.8), WEIGHT_BINS, baseline=0.8, fill=True, alpha=0.6,
              color=color, label=label)
    ax.set(yscale="log", ylim=(0.8, 3000), xlabel="weight w (|w| > 4 drawn at ±4)", ylabel="count",
           title="Weights")
    if label:
        ax.legend()
    return ax


# ---- dashboards ------------------------------------------------------------------------------
def _text(ax, x=0.03, y=0.97, ha="left", **kw):
    return ax.text(x, y, "", transform=ax.transAxes, va="top", ha=ha, multialignment="left", fontsize=12, animated=True,
                   bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85}, **kw)


def size_dashboard(sweep=None, sets=None):
    """More data: the same network (λ = 0) trained on N examples; boundary and train/test cost against N.

    ``sweep``: a ``size_sweep`` of ``sets`` (computed here when not given)."""
    with presentation_style():
        return _size_dashboard(sweep, sets)


def _size_dashboard(sweep, sets):
    sets = moons_sets() if sets is None else sets
    sweep = size_sweep(sets) if sweep is None else sweep
    X, Y = sets["train"]
    images = sweep.images
    lines = [boundary_line(im) for im in images]
    fig, (ax_b, ax_c) = new_figure(figsize=(12, 4.6), ncols=2)
    im, line = draw_boundary(ax_b, images[0], animated=True)
    colors = np.array(CLASS_COLORS)[data.labels_of(Y)]
    dots = ax_b.scatter(X[0], X[1], s=22, edgecolors="black", linewidths=0.5, zorder=3, animated=True)
    ax_b.set(xlim=XLIM, ylim=YLIM, xlabel="$x_1$", ylabel="$x_2$", title="Decision boundary, λ = 0")
    ax_b.grid(False)
    for name in ("train", "test"):
        ax_c.plot(sweep.values, sweep.cost[name], SET_STYLES[name], marker="o", color=SET_COLORS[name],
                  label=SET_LABELS[name])
    marks = [ax_c.plot([], [], "o", markersize=13, color=SET_COLORS[n], markeredgecolor="black",
                       animated=True)[0] for n in ("train", "test")]
    ax_c.set_xscale("log")
    ax_c.set_xticks(sweep.values, [str(n) for n in sweep.values])
    ax_c.minorticks_off()
    ax_c.set(xlabel="training examples N", ylabel="cost J", title="Cost after training",
             ylim=(-0.05, 1.45 * sweep.cost["test"].max()))     # room for the numbers above the curves
    ax_c.legend(loc="center right")
    text = _text(ax_c, x=0.97, ha="right")

    def update(N):
        k = sweep.index(N)
        im.set_data(images[k])
        line.set_data(*lines[k])
        n = int(sweep.values[k])
        dots.set_offsets(X[:, :n].T)
        dots.set_facecolor(colors[:n])
        for mark, name in zip(marks, ("train", "test")):
            mark.set_data([sweep.values[k]], [sweep.cost[name][k]])
        text.set_text(f"N = {n}\ntraining: J {sweep.cost['train'][k]:.3f}, accuracy {sweep.accuracy['train'][k]:.0%}\n"
                      f"test: J {sweep.cost['test'][k]:.3f}, accuracy {sweep.accuracy['test'][k]:.1%}")

    lo, hi, step = np.log10(sweep.values[0]), np.log10(sweep.values[-1]), np.log10(sweep.values[1] / sweep.values[0])
    control = log_slider("training examples N", 10 ** (lo + 2 * step), lo, hi, step=step, fmt=".0f")
    return Dashboard({"N": control}, update, fig, title="Remedy one: more data")


def l2_dashboard(sweep=None, sets=None):
    """L2 regularization: λ redraws the boundary, the train/test cost against λ, Ω and the weights.

    ``sweep``: a ``lambda_sweep`` of ``sets`` over LAMBDAS (computed here when not given)."""
    with presentation_style():
        return _l2_dashboard(sweep, sets)


def _l2_dashboard(sweep, sets):
    sets = moons_sets() if sets is None else sets
    sweep = lambda_sweep(sets) if sweep is None else sweep
    X, Y = sets["train"][0][:, :N_SMALL], sets["train"][1][:, :N_SMALL]
    images = sweep.images
    lines = [boundary_line(im) for im in images]
    counts = [np.maximum(weight_counts(net), 0.8) for net in sweep.nets]
    fig, (ax_b, ax_c, ax_w) = new_figure(figsize=(14, 4.6), ncols=3)
    im, line = draw_boundary(ax_b, images[0], animated=True)
    plot_points(X, Y, ax_b, animated=True)          # animated so it is drawn over the animated image
    ax_b.set_title(f"Decision boundary, N = {N_SMALL}")
    ax_b.grid(False)
    x, zero_at = sweep_x(sweep.values)
    for name in ("train", "test"):
        ax_c.plot(x, sweep.cost[name], SET_STYLES[name], marker="o", markersize=4, color=SET_COLORS[name],
                  label=SET_LABELS[name])
    marks = [ax_c.plot([], [], "o", markersize=13, color=SET_COLORS[n], markeredgecolor="black",
                       animated=True)[0] for n in ("train", "test")]
    ax_c.set_xscale("log")
    label_zero(ax_c, zero_at, sweep.values)
    top = 1.45 * sweep.cost["test"].max()                   # room for the numbers above the curves
    ax_c.set(xlabel="λ", ylabel="cost J (penalty not included)", title="Cost after training", ylim=(-0.05, top))
    ax_c.legend(loc="center left")
    text = _text(ax_c, x=0.97, ha="right")
    stairs = ax_w.stairs(counts[0], WEIGHT_BINS, baseline=0.8, fill=True, alpha=0.7, color=TRAIN_COLOR,
                         animated=True)
    ax_w.set(yscale="log", ylim=(0.8, 3000), xlim=(WEIGHT_BINS[0], WEIGHT_BINS[-1]),
             xlabel="weight w (|w| > 4 drawn at ±4)", ylabel="count", title="The weights W")
    omega_text = _text(ax_w)

    def update(lam, no_penalty):
        k = 0 if no_penalty else sweep.index(lam)
        im.set_data(images[k])
        line.set_data(*lines[k])
        stairs.set_data(counts[k])
        for mark, name in zip(marks, ("train", "test")):
            mark.set_data([x[k]], [sweep.cost[name][k]])
        value = "0" if k == 0 else f"{sweep.values[k]:.2g}"
        text.set_text(f"λ = {value}\ntraining: J {sweep.cost['train'][k]:.3f}, accuracy {sweep.accuracy['train'][k]:.0%}\n"
                      f"test: J {sweep.cost['test'][k]:.3f}, accuracy {sweep.accuracy['test'][k]:.1%}")
        omega_text.set_text(f"Ω = Σ w² = {sweep.omega[k]:.1f}")
        if sweep.accuracy["train"][k] < 0.7:
            return (f"λ = {value} is so large that the penalty wins: the weights shrink to about 0 and the "
                    f"network predicts the same for every point (underfitting). Try λ below 0.06.")
        return None

    lo, hi, step = LAM_EXP
    controls = {"λ": log_slider("λ", 10 ** -2.4, lo, hi, step=step, fmt=".2g"),
                "no penalty": checkbox("λ = 0 (no penalty)", value=False)}
    return Dashboard(controls, lambda **v: update(v["λ"], v["no penalty"]), fig,
                     title="Remedy two: L2 regularization")


DASHBOARDS = {"training_size": size_dashboard, "l2": l2_dashboard}


# ---- exercise checks -------------------------------------------------------------------------
def _random_params(rng, sizes=(3, 4, 2)):
    weights = [rng.normal(0, 0.8, (n, m)) for m, n in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.8, (n, 1)) for n in sizes[1:]]
    return weights, biases


def _call(fn, args, what):
    try:
        return fn(*args), None
    except Exception as err:   # a student's error is reported, not raised
        return None, f"✗ your function raised {type(err).__name__}: {err} ({what})."


def check_l2_cost(l2_cost):
    """Exercise 1: ``l2_cost(J, weights, biases, lam) -> Ĵ``; prints ✓ or names the mistake."""
    rng = np.random.default_rng(4)
    weights, biases = _random_params(rng)
    J, lam = 0.7, 0.03
    sq = sum(float(np.sum(W ** 2)) for W in weights)
    mistakes = [
        (J + lam * (sq + sum(float(np.sum(b ** 2)) for b in biases)),
         "the biases are penalised too: Ω sums the squared weights only, never the biases b^m."),
        (J + sq, "λ is missing: the penalty is λ Ω, so λ = 0 must give back J."),
        (J + lam * sum(float(np.sum(W)) for W in weights),
         "the weights are summed without squaring them: Ω = Σ w², so negative weights cannot cancel positive ones."),
        (J + lam * sum(float(np.linalg.norm(W)) for W in weights),
         "that adds the norms ||W^m||; Ω uses the squared norms ||W^m||² = Σ w²."),
        (J + lam * np.sqrt(sq), "that adds the norm √(Σ w²); Ω is the squared norm Σ w², no square root."),
        (lam * sq, "J is missing: Ĵ = J + λ Ω keeps the data cost and adds the penalty to it."),
    ]
    got, error = _call(l2_cost, (J, [W.copy() for W in weights], [b.copy() for b in biases], lam),
                       "J = 0.7, λ = 0.03, a 3-4-2 network")
    if error:
        print(error)
        return False
    try:
        got = float(got)
    except (TypeError, ValueError):
        print(f"✗ return one number, Ĵ; got {type(got).__name__}.")
        return False
    if not np.isclose(got, J + lam * sq, rtol=1e-10, atol=1e-12):
        for value, message in mistakes:
            if np.isclose(got, value, rtol=1e-10, atol=1e-12):
                print(f"✗ {message}")
                return False
        print(f"✗ Ĵ = {got:.4f} for J = 0.7, λ = 0.03; expected a different value. Ĵ = J + λ Σ_m ||W^m||².")
        return False
    net = classifier([3, 5, 2], l2=0.01, seed=2)
    X, Y = rng.normal(size=(3, 8)), data.one_hot(np.arange(8) % 2, 2)
    got, error = _call(l2_cost, (net.data_cost(X, Y), net.weights, net.biases, net.l2), "a lessonlib Network")
    if error:
        print(error)
        return False
    if not np.isclose(float(got), net.cost(X, Y), rtol=1e-10):
        print("✗ right on the first case but not on a lessonlib Network (λ = 0.01): check you use every layer.")
        return False
    print("✓ Ĵ = J + λ Σ||W^m||², biases excluded; it equals Network.cost with l2 = λ.")
    return True


def check_l2_gradients(l2_gradients):
    """Exercise 2: ``l2_gradients(dW, db, weights, biases, lam) -> (dW_hat, db_hat)``; prints ✓ or the mistake."""
    rng = np.random.default_rng(5)
    net = classifier([3, 4, 2], l2=0.0, seed=3)
    for b in net.biases:
        b[...] = rng.normal(0, 0.5, b.shape)        # non-zero biases, so penalising them would show
    X, Y = rng.normal(size=(3, 6)), data.one_hot(np.arange(6) % 2, 2)
    lam = 0.05
    g = net.gradients(X, Y)
    copies = ([d.copy() for d in g.dW], [d.copy() for d in g.db], [W.copy() for W in net.weights],
              [b.copy() for b in net.biases], lam)
    got, error = _call(l2_gradients, copies, "λ = 0.05, a 3-4-2 network")
    if error:
        print(error)
        return False
    try:
        dW_hat, db_hat = [list(x) for x in got]
        ok_shapes = all(np.shape(a) == np.shape(r) for a, r in zip(dW_hat + db_hat, g.dW + g.db))
    except (TypeError, ValueError):
        print("✗ return two lists, (dW_hat, db_hat), each with one array per layer.")
        return False
    if len(dW_hat) != len(g.dW) or len(db_hat) != len(g.db) or not ok_shapes:
        print("✗ return two lists, (dW_hat, db_hat), with one array per layer, shaped like W^m and b^m.")
        return False
    W, bs = net.weights, net.biases

    def same(a, b):
        return all(np.allclose(x, y, rtol=1e-10, atol=1e-13) for x, y in zip(a, b))
    if not same(db_hat, g.db):
        if same(db_hat, [d + 2 * lam * b for d, b in zip(g.db, bs)]) or same(db_hat, [d + lam * b for d, b in zip(g.db, bs)]):
            print("✗ the bias gradients changed: the penalty has no biases in it, so ∂Ĵ/∂b^m = ∂J/∂b^m.")
        else:
            print("✗ the bias gradients changed: return db as it came in, ∂Ĵ/∂b^m = ∂J/∂b^m.")
        return False
    wrong_dW = [([d + lam * w for d, w in zip(g.dW, W)], "the factor 2 is missing: ∂(λ w²)/∂w = 2λw."),
                ([d - 2 * lam * w for d, w in zip(g.dW, W)],
                 "sign error: the penalty's gradient is +2λW^m, so a descent step shrinks the weights."),
                ([d + 2 * w for d, w in zip(g.dW, W)], "λ is missing: the penalty's gradient is 2λW^m."),
                ([d + 2 * lam * np.sign(w) for d, w in zip(g.dW, W)], "that is the gradient of |w|; for w² it is 2λw."),
                ([d + lam * np.sign(w) for d, w in zip(g.dW, W)], "that is the gradient of λ|w|; for λw² it is 2λw."),
                (g.dW, "dW is unchanged: add the penalty's gradient 2λW^m to each ∂J/∂W^m.")]
    net.l2 = lam
    target = net.gradients(X, Y).dW                  # lessonlib's backward with the penalty
    if not same(dW_hat, target):
        for value, message in wrong_dW:
            if same(dW_hat, value):
                print(f"✗ {message}")
                return False
        print("✗ dW_hat is off: ∂Ĵ/∂W^m = ∂J/∂W^m + 2λW^m, layer by layer.")
        return False
    print("✓ dW gains 2λW^m, db is untouched; it equals Network.backward with l2 = λ.")
    return True


def check_pick_lambda(pick_lambda):
    """Exercise 3: ``pick_lambda(lams, train_cost, validation_cost, test_cost) -> λ``; prints ✓ or the mistake."""
    lams = np.array([0.0, 1e-4, 1e-3, 1e-2, 1e-1])
    cases = [(np.array([0.01, 0.05, 0.2, 0.4, 0.7]), np.array([0.9, 1.2, 0.45, 0.5, 0.7]),
              np.array([1.8, 0.85, 0.5, 0.43, 0.7])),
             (np.array([0.0, 0.02, 0.1, 0.3, 0.69]), np.array([2.5, 1.2, 0.6, 0.4, 0.69]),
              np.array([2.4, 1.1, 0.38, 0.45, 0.7]))]
    for train_cost, val_cost, test_cost in cases:
        got, error = _call(pick_lambda, (lams.copy(), train_cost.copy(), val_cost.copy(), test_cost.copy()),
                           "five λ values")
        if error:
            print(error)
            return False
        try:
            got = float(got)
        except (TypeError, ValueError):
            print(f"✗ return one λ value (a number); got {type(got).__name__}.")
            return False
        want = lams[np.argmin(val_cost)]
        if np.isclose(got, want, rtol=1e-12, atol=0):
            continue
        if got == lams[np.argmin(test_cost)]:
            print("✗ that λ has the lowest test cost. Choosing by the test set makes it part of training, and "
                  "its score is no longer a fair estimate for new data: choose on the validation set.")
        elif got == lams[np.argmin(train_cost)]:
            print("✗ that λ has the lowest training cost, which always favours λ → 0 (memorising the training "
                  "set): choose on data the network was not trained on, the validation set.")
        elif got == lams[np.argmax(val_cost)]:
            print("✗ that λ has the highest validation cost; we want the lowest.")
        elif float(got).is_integer() and 0 <= got < lams.size and lams[int(got)] == want:
            print("✗ that is the position of the best λ in the list; return the value λ itself.")
        else:
            print(f"✗ got λ = {got:g}; pick the λ whose validation cost is lowest.")
        return False
    print("✓ λ is chosen by the validation cost alone; the test set stays unseen until the final report.")
    return True
