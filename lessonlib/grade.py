"""``python -m lessonlib.grade SUBMISSIONS/ --out grades.csv``: the tool lives in ``lessonlib.tools.grade``."""
import sys

from .tools.grade import *  # noqa: F401,F403
from .tools.grade import main

if __name__ == "__main__":
    sys.exit(main())
