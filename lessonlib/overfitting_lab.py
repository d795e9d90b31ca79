"""Overfitting and L2 regularization: the experiments and figures of notebook 04.

  data        moons_sets, noisy_digits_sets, flip_labels   (train / validation / test, kept apart)
  the truth   true_labels, bayes_probability, bayes_accuracy, bayes_cost, bayes_boundary
              (the best any classifier can do)
  training    classifier, fit (lessonlib.train with Adam; a repeated fit is looked up), train_with_snapshots,
              fit_draws
  sweeps      lambda_sweep, size_sweep → Sweep; best_lambda (chosen on the validation set only)
  plots       plot_points, plot_signal, plot_boundary, plot_training_curves, plot_sweep,
              plot_weight_histogram (the dashboards in lessonlib/dashboards/overfitting.py reuse them)

Every network here is tanh hidden layers + softmax output + cross-entropy, trained full batch with
Adam by ``lessonlib.train``.  A sweep trains its networks once; a dashboard's slider only looks up
the precomputed arrays.
"""
import copy
import functools
import hashlib

import contourpy
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from . import data, optimizers, regularization
from .network import Network
from .plots import BLACK, COLORS, ORANGE, SET_COLORS, SKY, TRAIN_COLOR, YELLOW, axes_or_new
from .training import evaluate, train

# ---- the moons experiment ------------------------------------------------------------------
MOONS = {"noise": 0.25, "label_noise": 0.05}     # noise on the positions; 5 % of labels flipped
MOONS_SIZES = [2, 32, 32, 2]                     # ~1 200 weights for 60 training points: enough to memorize
EPOCHS, LR = 300, 0.02
N_SMALL = 60                                     # the small training set of the lesson
XLIM, YLIM = (-1.75, 2.75), (-1.25, 1.75)        # the plotting window of the moons
CLASS_COLORS = (ORANGE, SKY)                     # class 0 orange, class 1 sky blue: apart from the set colors
BOUNDARY_CMAP = LinearSegmentedColormap.from_list("moons", ["#F5D59A", "#FFFFFF", "#B3DDF5"])
WEIGHT_COLORS = {"no penalty": BLACK, "penalty": YELLOW}   # the weight histograms: λ = 0, λ > 0
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


def true_labels(n):
    """The class each of n moons examples was drawn from, before label noise (classes alternate)."""
    return np.arange(n) % 2


def flip_labels(Y, fraction, seed=0):
    """One-hot Y (K, N) with about ``fraction`` of the columns given another class at random.

    The same rule as ``data.make_moons(label_noise=...)``, through data.py's own label noise."""
    K, N = Y.shape
    _, flipped = data._noisy(np.zeros((0, N)), data.labels_of(Y), 0.0, fraction, K, np.random.default_rng(seed))
    return flipped


def noisy_digits_sets(n_train=200, n_validation=400, label_noise=0.15, seed=5):
    """The digits with a small training set: {"train", "validation", "test"} → (X, Y).

    ``label_noise`` of the training and validation labels are wrong (noisy observations); the
    test labels are the true ones, so the test score measures how well the signal was learned."""
    X_pool, X_test, Y_pool, Y_test = data.load_digits(test_size=0.25, seed=0)
    end = n_train + n_validation
    return {"train": (X_pool[:, :n_train], flip_labels(Y_pool[:, :n_train], label_noise, seed)),
            "validation": (X_pool[:, n_train:end], flip_labels(Y_pool[:, n_train:end], label_noise, seed + 1)),
            "test": (X_test, Y_test)}


# ---- the truth: the Bayes classifier of the moons --------------------------------------------
def bayes_probability(X, sigma=MOONS["noise"], n_t=400):
    """P(class 1 | x) from the known generating process: a point on a moon (t uniform) plus N(0, σ²I).

    p(x | k) = (1/π) ∫ N(x; c_k(t), σ²I) dt, computed on n_t midpoints; the classes are equally likely.
    Flipping 5 % of the labels at random does not move the boundary P = 0.5."""
    t = (np.arange(n_t) + 0.5) * np.pi / n_t
    centers = [(np.cos(t), np.sin(t)), (1 - np.cos(t), 0.5 - np.sin(t))]
    like = [np.exp(-((X[0][:, None] - cx) ** 2 + (X[1][:, None] - cy) ** 2) / (2 * sigma ** 2)).mean(axis=1)
            for cx, cy in centers]
    return like[1] / (like[0] + like[1])


def bayes_accuracy(X, Y):
    """The Bayes classifier's accuracy on (X, Y): the best any classifier can expect on this data."""
    return float(np.mean((bayes_probability(X) > 0.5) == (data.labels_of(Y) == 1)))


def bayes_cost(X, Y, label_noise=MOONS["label_noise"]):
    """The cross-entropy J of the true P(label | x) on (X, Y), label flips included: the lowest J to expect."""
    p1 = (1 - label_noise) * bayes_probability(X) + label_noise * (1 - bayes_probability(X))
    return float(-np.mean(np.log(np.where(data.labels_of(Y) == 1, p1, 1 - p1))))


# ---- training ------------------------------------------------------------------------------
def classifier(sizes=MOONS_SIZES, l2=0.0, seed=0):
    """tanh hidden layers, softmax output, cross-entropy cost, L2 penalty λ = ``l2``."""
    return Network(sizes, activation="tanh", output="softmax", loss="cross_entropy", l2=l2, seed=seed)


def fit(net, X, Y, epochs=EPOCHS, lr=LR, **train_kw):
    """lessonlib.train with full-batch Adam(lr); returns the History.

    Full-batch training draws nothing at random, so a fit that repeats an earlier one exactly (the same
    network, starting θ, data, λ, epochs and α, and no other train options) is not run again: its
    trained parameters are copied into ``net`` and a copy of its History is returned.  The lesson
    repeats some fits (the exercise re-runs section 4's λ values; a live class re-runs cells)."""
    key = fit_key(net, X, Y, epochs, lr) if not train_kw else None
    if key in FITTED:
        params, history = FITTED[key]
        for p, trained in zip(net.params, params):
            p[...] = trained
        return copy.deepcopy(history)
    history = train(net, X, Y, optimizers.Adam(lr), epochs, **train_kw)
    if key is not None:
        FITTED[key] = ([p.copy() for p in net.params], copy.deepcopy(history))
        if len(FITTED) > REMEMBERED:
            del FITTED[next(iter(FITTED))]                 # forget the oldest
    return history


FITTED, REMEMBERED = {}, 256     # fit's finished runs: key → (trained parameters, History)


def fit_key(net, X, Y, epochs, lr):
    """Everything that decides a full-batch Adam fit, or None when it cannot be told (then fit trains)."""
    if type(net) is not Network or not all(isinstance(A, np.ndarray) for A in (X, Y)):
        return None
    digest = hashlib.blake2b(digest_size=16)
    for A in (*net.params, X, Y):
        digest.update(f"{A.dtype.str}{A.shape}".encode())
        digest.update(np.ascontiguousarray(A).tobytes())
    return (repr(net), tuple(f.name for f in net.f_of[1:]), digest.hexdigest(), repr(epochs), repr(lr))


def boundary_grid(n_x=90, n_y=60):
    """The grid the decision boundaries are drawn on: (xs, ys, G) with G of shape (2, n_x n_y)."""
    xs, ys = np.linspace(*XLIM, n_x), np.linspace(*YLIM, n_y)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.vstack([gx.ravel(), gy.ravel()])


def class1_probability(net, grid=None):
    """a^L for class 1 over the boundary grid, as an image (n_y, n_x)."""
    xs, ys, G = boundary_grid() if grid is None else grid
    return net.predict(G)[1].reshape(ys.size, xs.size)


@functools.cache
def bayes_boundary():
    """The Bayes classifier's boundary P(class 1 | x) = 0.5 as (x, y) arrays; computed once (it never changes)."""
    xs, ys, G = boundary_grid()
    x, y = boundary_line(bayes_probability(G).reshape(ys.size, xs.size))
    x.flags.writeable = y.flags.writeable = False
    return x, y


def train_with_snapshots(net, X, Y, snapshot_epochs, epochs=EPOCHS, lr=LR, **train_kw):
    """``fit`` that also keeps the class-1 probability image after each epoch in ``snapshot_epochs``."""
    grid, images = boundary_grid(), {}

    def snapshot(epoch, history):
        if epoch in snapshot_epochs:
            images[epoch] = class1_probability(net, grid)
    return fit(net, X, Y, epochs, lr, callback=snapshot, **train_kw), images


def fit_draws(lam, seeds, n=N_SMALL, sizes=MOONS_SIZES, epochs=EPOCHS, lr=LR):
    """One network per independent n-point draw of the moons (data seed in ``seeds``), same λ and θ₀.

    Returns [(X, Y, net)]: how much the fitted boundary moves from one draw to the next is its variance."""
    runs = []
    for s in seeds:
        X, Y = data.make_moons(n, seed=s, **MOONS)
        net = classifier(sizes, l2=lam)
        fit(net, X, Y, epochs, lr)
        runs.append((X, Y, net))
    return runs


# ---- sweeps ----------------------------------------------------------------------------------
class Sweep:
    """Trained networks over a grid of one hyper-parameter, evaluated once on every set.

    ``values``: the grid; ``nets``: one Network per value; ``cost[name]``, ``accuracy[name]``:
    arrays over the grid (J without the penalty) for each set name; ``omega``: Ω = Σ ||W^m||²."""

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
            self._images = np.array([class1_probability(net, grid) for net in self.nets])
        return self._images

    def index(self, value):
        """The grid position closest to ``value`` (on a log scale)."""
        v = np.log10(np.maximum(self.values, 1e-300))
        return int(np.argmin(np.abs(v - np.log10(max(value, 1e-300)))))


def lambda_sweep(sets, lams=LAMBDAS, sizes=MOONS_SIZES, n_train=N_SMALL, epochs=EPOCHS, lr=LR, seed=0):
    """One network per λ, all from the same θ₀ (``seed``), each trained by ``fit`` on the first
    ``n_train`` training examples; evaluated on every set."""
    X, Y = sets["train"][0][:, :n_train], sets["train"][1][:, :n_train]
    nets = []
    for lam in lams:
        net = classifier(sizes, l2=lam, seed=seed)
        fit(net, X, Y, epochs, lr)
        nets.append(net)
    return Sweep(lams, nets, dict(sets, train=(X, Y)))


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
    own = [evaluate(net, X[:, :n], Y[:, :n]) for net, n in zip(nets, sizes_n)]
    sweep.cost["train"], sweep.accuracy["train"] = (np.array(v) for v in zip(*own))
    return sweep


def best_lambda(lams, validation_cost):
    """The λ with the lowest validation cost (the test set plays no part)."""
    return float(np.asarray(lams)[int(np.argmin(validation_cost))])


# ---- plots -----------------------------------------------------------------------------------
def plot_points(X, Y, ax=None, size=28, animated=False):
    """The examples as dots colored by class (class 0 orange, class 1 sky blue); returns (ax, dots)."""
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


def plot_boundary(net_or_image, X, Y, ax=None, title="Decision boundary", bayes=False):
    """The regions a network gives each class (shaded), its boundary a^L = 0.5, and the examples;
    ``bayes=True`` adds the Bayes classifier's boundary, dashed."""
    ax = axes_or_new(ax)
    image = net_or_image if isinstance(net_or_image, np.ndarray) else class1_probability(net_or_image)
    draw_boundary(ax, image)
    if bayes:
        ax.plot(*bayes_boundary(), "--", color=COLORS[3], linewidth=2, label="Bayes boundary")
        ax.legend(loc="lower left")
    plot_points(X, Y, ax)
    ax.set_title(title)
    ax.grid(False)
    return ax


def plot_training_curves(history, ax=None, held_out="test", title="Cost per epoch", log=True):
    """Training cost and held-out cost J per epoch (log scale unless ``log=False``); marks the kept
    epoch of early stopping.  ``held_out``: "validation" (history.val_cost) or "test" (history.test_cost)."""
    ax = axes_or_new(ax)
    epochs = np.arange(1, history.epochs + 1)
    ax.plot(epochs, history.train_cost, color=TRAIN_COLOR, label="training set")
    held_out_cost = history.val_cost if held_out == "validation" else history.test_cost
    ax.plot(epochs, held_out_cost, SET_STYLES[held_out], color=SET_COLORS[held_out],
            label=SET_LABELS[held_out])
    if history.best_epoch is not None:
        ax.axvline(history.best_epoch, color="black", linestyle=":", linewidth=2,
                   label=f"kept: epoch {history.best_epoch}")
    ax.set(xlabel="epoch", ylabel="cost J (log scale)" if log else "cost J", title=title,
           yscale="log" if log else "linear")
    ax.legend()
    return ax


def plot_sweep(sweep, ax=None, sets=("train", "validation"), metric="cost", best=None, xlabel="λ",
               title="Validation curve", bayes=None):
    """Cost or accuracy against the swept value on a log axis (λ = 0 drawn at the left edge);
    ``bayes``: the Bayes classifier's accuracy, drawn as a line (metric="accuracy")."""
    ax = axes_or_new(ax)
    x, zero_at = sweep_x(sweep.values)
    for name in sets:
        y = sweep.cost[name] if metric == "cost" else sweep.accuracy[name]
        ax.plot(x, y, SET_STYLES[name], marker="o", markersize=4, color=SET_COLORS[name], label=SET_LABELS[name])
    if bayes is not None:
        ax.axhline(bayes, color=COLORS[3], linestyle="--", linewidth=2, label=f"Bayes classifier ({bayes:.1%})")
    if best is not None:
        bx = x[int(np.argmin(np.abs(sweep.values - best)))]
        ax.axvline(bx, color="black", linestyle=":", linewidth=2, label=f"chosen λ = {best:.2g}")
    ax.set_xscale("log")
    if zero_at is not None:
        label_zero(ax, zero_at, sweep.values)
    elif sweep.values.dtype.kind == "i":
        ax.set_xticks(sweep.values, [str(v) for v in sweep.values])
        ax.minorticks_off()
    ax.set(xlabel=xlabel, ylabel="cost J" if metric == "cost" else "accuracy", title=title)
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


def plot_weight_histogram(net, ax=None, label=None, color=WEIGHT_COLORS["penalty"]):
    """Histogram of every weight of ``net`` (log count scale), outlined in black."""
    ax = axes_or_new(ax)
    counts = np.maximum(weight_counts(net), 0.8)
    ax.stairs(counts, WEIGHT_BINS, baseline=0.8, fill=True, alpha=0.6, color=color, label=label)
    ax.stairs(counts, WEIGHT_BINS, baseline=0.8, color="black", linewidth=1)
    ax.set(yscale="log", ylim=(0.8, 3000), xlabel="weight w (|w| > 4 drawn at ±4)", ylabel="count",
           title="Weights")
    if label:
        ax.legend()
    return ax
