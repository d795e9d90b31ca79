"""``python -m lessonlib TOOL …``: the same as the ``lessonlib`` command (``lessonlib.tools.cli``)."""
import sys

from .tools.cli import main

sys.exit(main())
