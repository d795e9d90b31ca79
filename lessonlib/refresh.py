"""``python -m lessonlib.refresh``: re-executing the notebooks; the tool lives in ``lessonlib.tools.refresh``."""
import sys

from .tools.refresh import *  # noqa: F401,F403
from .tools.refresh import main

if __name__ == "__main__":
    sys.exit(main())
