"""Regenerate the small data files the lessons read (deterministic: same bytes every run).

    python data/make_data.py

study_hours.npz  x: hours studied (30,), y: exam score out of 10 (30,), float64.
                 y = 2 + 0.8 x + noise, x uniform in [0, 8]; drawn from seed 5.
"""
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def study_hours(n=30, seed=5):
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0.0, 8.0, n), 1)
    y = np.round(2.0 + 0.8 * x + rng.normal(0.0, 0.6, n), 1)
    return x, y


if __name__ == "__main__":
    x, y = study_hours()
    np.savez(HERE / "study_hours.npz", x=x, y=y)
    print(f"wrote {HERE / 'study_hours.npz'}: x {x.shape}, y {y.shape}")
