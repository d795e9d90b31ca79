"""Two harness hooks the second blind set needed (issue 22): ``later`` (mistakes and cases for an exercise whose
module is still being imported when its slips module runs) and the answer that draws from NumPy's global
generator, named as such, while one that uses a generator of its own is not called global."""
import numpy as np

from lessonlib.exercises import harness
from lessonlib.exercises.harness import Case, Exercise, Mistake
from lessonlib.exercises.overfitting import DROP_FORWARD, L2
from lessonlib.exercises.overfitting_more import ADAMW


def test_later_hands_mistakes_and_cases_to_the_exercise_when_it_is_built():
    wrong = Mistake("doubled", "twice", lambda x: 2 * x)
    harness.later("a later exercise", mistakes=[wrong], cases=[Case("x = 3", (3.0,))])
    ex = Exercise("a later exercise", lambda x: x, cases=[Case("x = 1", (1.0,))], outputs=("x",))
    assert ex.mistakes == [wrong] and [c.label for c in ex.cases] == ["x = 1", "x = 3"]
    assert "a later exercise" not in harness.LATER
    assert ex.diagnose(lambda x: 2 * x).mistake == "doubled"


def test_the_slips_for_overfitting_py_reached_its_exercises():
    assert "λ left out of the penalty" in [m.name for m in L2.mistakes]
    assert "kept where u > p_keep" in [m.name for m in DROP_FORWARD.mistakes]
    assert not harness.LATER


def test_an_answer_drawing_from_the_global_generator_is_named_and_the_state_is_put_back():
    def global_dropout(a, p_keep, rng):
        mask = (np.random.random(a.shape) < p_keep) / p_keep
        return a * mask, mask
    result = DROP_FORWARD.diagnose(global_dropout)
    assert (result.passed, result.mistake) == (False, "global np.random") and "rng.random" in result.message
    np.random.seed(7)
    state = np.random.get_state()
    assert DROP_FORWARD.draws_from_the_global_generator(global_dropout)
    assert np.array_equal(np.random.get_state()[1], state[1])     # put back, not left at the seeds it tried


def test_a_generator_of_its_own_is_not_called_global():
    own = np.random.default_rng(3)
    result = DROP_FORWARD.diagnose(lambda a, p_keep, rng: (a * 0 + own.random(), a * 0))
    assert not result.passed and result.mistake != "global np.random"


def test_adamw_has_a_case_where_eps_inside_the_root_differs():
    W, g, v, s, t, lr, lam = ADAMW.cases[-1].args
    assert np.max(g * g) < 1e-8                                  # ŝ ≪ ε at the default ε = 1e-8
    mistake = next(m for m in ADAMW.mistakes if m.name == "ε inside the root")
    assert not np.allclose(mistake.fn(W, g, v, s, t, lr, lam)[0], ADAMW.reference(W, g, v, s, t, lr, lam)[0])
    assert ADAMW.diagnose(mistake.fn).mistake == "ε inside the root"
