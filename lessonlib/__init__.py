"""lessonlib: the math of training a neural network, as taught in the notebooks.

    Network       forward / backward / cost            (network.py, notebook 02)
    train         the training loop                     (training.py, notebooks 01–04)
    optimizers    SGD, momentum, AdaGrad, RMSProp, Adam (optimizers.py, notebook 03)
    data          digits, toy sets, one-hot, splits     (data.py)
"""
from . import activations, data, gradcheck, losses, optimizers, regularization, schedules, surfaces
from .network import Network
from .training import STOP, History, StopTraining, train

__all__ = ["Network", "train", "History", "STOP", "StopTraining", "activations", "losses", "optimizers", "schedules",
           "regularization", "gradcheck", "data", "surfaces"]
__version__ = "0.1.0"
