"""Regenerate the small data files the lessons read (deterministic: same bytes every run).

    python data/make_data.py

study_hours.npz  x: hours studied (30,), y: exam score out of 10 (30,), float64.
                 y = 2 + 0.8 x + noise, x uniform in [0, 8]; drawn from seed 5.
digits.npz       images: (1797, 64) uint8 pixel intensities 0..16 (8×8 images, row by row),
                 labels: (1797,) uint8 digits 0..9; a copy of scikit-learn's bundled digits
                 (``sklearn.datasets.load_digits``, from the UCI "Optical Recognition of Handwritten
                 Digits" data set), stored here so the lessons read them in milliseconds instead of
                 importing scikit-learn (about a second).
"""
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def study_hours(n=30, seed=5):
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0.0, 8.0, n), 1)
    y = np.round(2.0 + 0.8 * x + rng.normal(0.0, 0.6, n), 1)
    return x, y


def digits():
    from sklearn.datasets import load_digits
    bunch = load_digits()
    images, labels = bunch.data.astype(np.uint8), bunch.target.astype(np.uint8)
    assert np.array_equal(images, bunch.data) and np.array_equal(labels, bunch.target)   # exact copies
    return images, labels


if __name__ == "__main__":
    x, y = study_hours()
    np.savez(HERE / "study_hours.npz", x=x, y=y)
    print(f"wrote {HERE / 'study_hours.npz'}: x {x.shape}, y {y.shape}")
    images, labels = digits()
    np.savez_compressed(HERE / "digits.npz", images=images, labels=labels)
    print(f"wrote {HERE / 'digits.npz'}: images {images.shape}, labels {labels.shape}")
