"""``python -m lessonlib.app``: a lesson's dashboard as a Voilà app; the tool lives in ``lessonlib.tools.app``."""
import sys

from .tools.app import *  # noqa: F401,F403
from .tools.app import main

if __name__ == "__main__":
    sys.exit(main())
