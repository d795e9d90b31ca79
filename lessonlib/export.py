"""``python -m lessonlib.export html OUT/``: the static handout; the tool lives in ``lessonlib.tools.export``."""
import sys

from .tools.export import *  # noqa: F401,F403
from .tools.export import main

if __name__ == "__main__":
    sys.exit(main())
