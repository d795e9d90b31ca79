"""lessonlib.plots: a figure's alt text (its titles and what the reader should see)."""
from lessonlib import plots


def test_alt_text_is_the_titles_then_what_to_see_or_the_axes():
    fig, (ax1, ax2) = plots.new_figure(ncols=2)
    ax1.set(title="Path", xlabel="θ₀", ylabel="θ₁")
    ax2.set(title="Cost per step", xlabel="step k", ylabel="J")
    assert plots.describe_figure(fig) == "Path; Cost per step. Axes: θ₁ against θ₀; J against step k."
    assert plots.alt_text(ax2, "The cost  falls\nfast.") is fig
    assert plots.describe_figure(fig) == "Path; Cost per step. The cost falls fast."
    fig.suptitle("Two views")
    assert plots.describe_figure(fig).startswith("Two views; Path; Cost per step.")
