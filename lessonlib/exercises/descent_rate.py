"""Notebook 01's Exercise 3, a discovery: the learning rate for the digits network, found by experiment.

    my_learning_rate() → α        (a function, so that an unfinished answer only fails its check)

There is no formula to match: the check trains the network at the student's α from three random starts
(descent_network.SEEDS, EPOCHS full-batch epochs each) and reads the runs as CS231n's "babysitting" does:
too large when the cost "fails" (blows up or ends above its start) or "bounces" (jumps up by more than JUMP
in an epoch); "too small" when it ends above TARGET; "good" otherwise, on all three starts.  The catalogue holds one α of
each kind; the reference (and the fallback) is the library's search, descent_network.good_learning_rate.
"""
from .. import descent_network
from .harness import LIBRARY_USED, Case, Exercise, Mistake, OffLimits, Result, call_guarded

SEEDS = descent_network.SEEDS


class LearningRateExercise(Exercise):
    """The answer is a number, judged by training with it (see the module docstring)."""

    def diagnose(self, fn):
        if not callable(fn):
            return Result(self.name, False, "error", f"pass your function itself (no parentheses); got "
                                                     f"{type(fn).__name__}")
        with self.library_off(fn):
            out, error, _ = call_guarded(fn, Case("your answer", ()), self.time_limit)
        if error == "not done":
            return Result(self.name, False, "not done", f"{self.name}: not written yet (it raises "
                          f"NotImplementedError); replace the placeholder with the α you found")
        if error and error.startswith(LIBRARY_USED):
            return self._named("used the library", f"your function called {error[len(LIBRARY_USED):]}")
        if error:
            return Result(self.name, False, "error", f"{fn.__name__}() failed: {error}")
        try:
            lr = descent_network.learning_rate(out)
        except (TypeError, ValueError) as err:
            return self._named("not a learning rate", str(err))
        runs = descent_network.runs_of([(lr, descent_network.EPOCHS, None, case.kwargs["seed"]) for case in self.cases])
        verdicts = [(case.label, *descent_network.rate_verdict(run)) for case, run in zip(self.cases, runs)]
        for label, kind, sentence in verdicts:
            if kind != "good":
                return self._named(kind, f"α = {lr:g}, {label}: {sentence}")
        said = "; ".join(f"from the {label}, {sentence}" for label, _, sentence in verdicts)
        return Result(self.name, True, None, f"α = {lr:g} is good from all {len(verdicts)} random starts: {said}.")

    def _named(self, name, detail):
        """A verdict is named from the kinds of α, whether or not the catalogue is attached."""
        message = next((m.message for m in self.mistakes if m.name == name), KINDS.get(name, name))
        return Result(self.name, False, name, f"{message} ({detail})")


KINDS = {
    "too small": f"too small: the cost falls in every epoch, but slowly, and is still above the goal after "
                 f"{descent_network.EPOCHS} epochs; try a larger α",
    "bounces": "too large: the cost jumps up in some epochs, a sign that the steps overshoot; the run is close "
               "to the α where training fails. Try a smaller α",
    "fails": "much too large: the cost ends above where it started or blows up; try an α several times smaller",
    "not a learning rate": "make my_learning_rate() return one positive number, e.g. return 0.5",
    "used the library": "Exercise 3 asks for the α you found by experiment, not lessonlib's search",
}

learning_rate = LearningRateExercise(
    "learning_rate", descent_network.good_learning_rate,
    cases=[Case(f"start of seed {seed}", (), {"seed": seed}) for seed in SEEDS],
    outputs=("α",),
    mistakes=[Mistake(name, KINDS[name], fn) for name, fn in
              [("too small", lambda: 0.1), ("bounces", lambda: 1.5), ("fails", lambda: 10.0),
               ("not a learning rate", lambda: "0.5")]],
    off_limits=OffLimits(
        Mistake("used the library", KINDS["used the library"], lambda: descent_network.good_learning_rate()),
        objects=(descent_network,)))
