"""``python -m lessonlib.student``: student editions; the tool lives in ``lessonlib.tools.student``."""
import sys

from .tools.student import *  # noqa: F401,F403
from .tools.student import main

if __name__ == "__main__":
    sys.exit(main())
