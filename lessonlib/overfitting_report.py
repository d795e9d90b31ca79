"""Notebook 04's tables and two-panel figures: what a slide shows, in a line of the notebook each.

  tables    show_sweep (under a dashboard: mean and range over the draws), show_cross_validation,
            show_procedure (a λ on fresh draws, scored on new points), show_remedies, show_test
  figures   plot_gap (the training curves and the boundary of section 2), plot_validation_curve

Every number a table prints is computed here from the runs it is given; none trains.
"""
import numpy as np

from . import text
from .optimizer_answers import Folded
from .overfitting_data import versus_bayes
from .overfitting_plots import figure, plot_boundary, plot_sweep, plot_training_curves
from .plots import alt_text
from .training import evaluate, one_blas_thread


def mean_range(values, fmt=".3f"):
    """'mean (min–max)' of repeated results, for a table cell."""
    values = np.asarray(values)
    return f"{values.mean():{fmt}} ({values.min():{fmt}}–{values.max():{fmt}})"


def value_label(value):
    """A grid value as a table shows it: N as a whole number, λ with two significant digits."""
    return str(value) if np.asarray(value).dtype.kind == "i" else f"{value:.2g}"


# ---- tables ----------------------------------------------------------------------------------------------
def show_sweep(sweep, name="N", omega=False):
    """For each grid value: training accuracy, validation J and validation accuracy, as mean (min–max) over
    the sweep's draws; with ``omega``, the training accuracy's mean alone and Ω's mean (the weights' size)."""
    text.show_table(*sweep_table(sweep, name, omega))


def sweep_table(sweep, name="N", omega=False):
    """``show_sweep``'s (rows, header)."""
    J, acc = sweep.data_cost, sweep.accuracy
    rows = []
    for k, value in enumerate(sweep.values):
        train = f"{acc['train'][:, k].mean():.0%}" if omega else mean_range(acc["train"][:, k], ".0%")
        row = [value_label(value), train, mean_range(J["validation"][:, k], ".2f"),
               mean_range(acc["validation"][:, k], ".0%")]
        rows.append(row + ([f"{sweep.omega[:, k].mean():.1f}"] if omega else []))
    head = [name, "train acc." if omega else "training acc.", "validation J", "validation acc."]
    return rows, head + ([f"Ω (mean of {len(sweep.nets)})"] if omega else [])


def folded_sweep(sweep, name, answer, omega=False):
    """The answer to a dashboard's question and its sweep's table, folded until the reader opens them."""
    table = text.table(*sweep_table(sweep, name, omega))
    return Folded("Answers", f"{answer}\n\nMean (min–max) over the {len(sweep.nets)} draws:\n\n```\n{table}\n```")


def size_answers(sizes, bayes):
    """Section 3's answers, from the size sweep: accuracies at the smallest and largest N."""
    train, val = sizes.accuracy["train"].mean(axis=0), sizes.accuracy["validation"].mean(axis=0)
    n0, n1 = sizes.values[0], sizes.values[-1]
    return folded_sweep(sizes, "N", (
        f"From N = {n0} to N = {n1} the training accuracy falls from {train[0]:.0%} to {train[-1]:.0%}, "
        f"toward the validation accuracy, which rises from {val[0]:.0%} to {val[-1]:.0%}, toward the Bayes "
        f"classifier's {bayes:.0%}; the boundary smooths."))


def l2_answers(lams):
    """Section 4's answers, from the λ sweep: Ω, the training cost, the best λ and the plateau."""
    omega, J_train = lams.omega.mean(axis=0), lams.data_cost["train"].mean(axis=0)
    J_val, acc = lams.data_cost["validation"].mean(axis=0), lams.accuracy["train"].mean(axis=0)
    k, flat = int(np.argmin(J_val)), lams.index(0.01)
    return folded_sweep(lams, "λ", (
        f"Ω falls from {omega[0]:.0f} to {omega[-1]:.1f} and the training J rises from {J_train[0]:.3f} to "
        f"{J_train[-1]:.2f} (means over the draws). The validation J is lowest at λ = {lams.values[k]:.2g}, "
        f"then rises as the training accuracy drops to {acc[flat]:.0%} at λ = 0.01: **underfitting**. At "
        f"λ = 0.1 our draw's network says 0.5 everywhere (printed below). The λ with the lowest validation J, "
        f"draw by draw: {', '.join(f'{lam:.2g}' for lam in lams.chosen())}."), omega=True)


def show_cross_validation(costs, lam_values, sweep):
    """The K-fold table beside our draw's validation J (row 0 of ``sweep``), and each fold's own choice."""
    J_val = sweep.data_cost["validation"][0]
    rows = [[value_label(lam), f"{J_val[sweep.index(lam)]:.3f}", f"{costs[:, c].mean():.3f}",
             f"{costs[:, c].std():.3f}"] for c, lam in enumerate(lam_values)]
    text.show_table(rows, ["λ", "validation J", f"{len(costs)}-fold J: mean", "std over folds"])
    print("each fold alone would choose: "
          + ", ".join(value_label(lam_values[c]) for c in np.argmin(costs, axis=1)))


def show_procedure(sweep, lam_values, name="new points"):
    """Each λ's networks, one per draw, scored on the set ``name``: J and accuracy, mean (min–max)."""
    J, acc = sweep.data_cost[name], sweep.accuracy[name]
    for lam in lam_values:
        k = sweep.index(lam)
        print(f"λ = {value_label(lam):<6}: J {mean_range(J[:, k], '.2f')}, "
              f"accuracy {mean_range(acc[:, k], '.1%')}")


def show_remedies(runs, X, Y):
    """{remedy: networks, one per draw}: validation J and accuracy, mean (min–max) over the draws."""
    from .overfitting_runs import Stack
    rows = []
    for name, nets in runs.items():
        with one_blas_thread():
            J, acc = Stack(nets).evaluate(X, Y)
        rows.append([name, mean_range(J, ".2f"), mean_range(acc, ".1%")])
    text.show_table(rows, ["remedy", "validation J", "validation acc."])


def show_test(models, X, Y):
    """Each finished model on the test set, paired with the Bayes classifier on the same points."""
    rows = []
    for name, model in models.items():
        with one_blas_thread():
            J, acc = evaluate(model, model.check_X(X), model.check_Y(Y, X.shape[1]))
            labels = model.predict(X).argmax(axis=0)
        n, mine, theirs = versus_bayes(labels, X, Y)
        rows.append([name, f"{J:.3f}", f"{acc:.1%}", n, f"{mine - theirs:+d}", f"±{np.sqrt(n):.1f}"])
    text.show_table(rows, ["model", "test J", "test acc.", "disagree", "right − Bayes", "luck"])


# ---- figures ---------------------------------------------------------------------------------------------
def plot_gap(history, image, X, Y):
    """Section 2's figure: both training curves, the epoch of the lowest validation J dotted, and the
    boundary after the last epoch against the Bayes boundary.  Returns the Figure."""
    fig, (ax_c, ax_b) = figure(2, figsize=(13, 4.3))
    plot_training_curves(history, ax_c, title="The gap opens", log=False, legend="upper center")
    best = int(np.argmin(history.val_cost)) + 1
    ax_c.axvline(best, color="black", linestyle=":", label=f"lowest validation J: epoch {best}")
    ax_c.legend(loc="upper center")
    plot_boundary(image, X, Y, ax_b, f"Boundary after epoch {history.epochs}", bayes=True)
    return alt_text(fig, "Training cost falls toward 0 while the validation cost turns up after the dotted "
                         "epoch; the boundary bends around single points, away from the dashed Bayes boundary.")


def plot_validation_curve(sweep, best, bayes):
    """Section 5's figure: training and validation accuracy against λ (mean of the draws, range shaded),
    the chosen λ dotted, the Bayes accuracy dashed.  Returns the Figure."""
    fig, ax = figure(1, figsize=(9, 4.2))
    plot_sweep(sweep, ax, metric="accuracy", best=best, bayes=bayes, title="Validation curve: accuracy",
               legend="lower left")
    return alt_text(fig, "Mean of the draws, range shaded: the validation accuracy peaks near the dotted λ, "
                         "under the Bayes line; both accuracies then drop to a plateau, and lower.")
