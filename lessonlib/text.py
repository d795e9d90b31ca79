"""What the notebooks print: matrices, source code, tables and numbers, in a form stable across machines."""
import inspect
import textwrap

import numpy as np


def source(obj, width=None):
    """The source code of a function, method or class, dedented.  With ``width``, a line longer than that
    with a trailing comment gets its comment on a line of its own above it (what fits a slide)."""
    text = textwrap.dedent(inspect.getsource(obj)).rstrip()
    return text if width is None else "\n".join(fitted(line, width) for line in text.splitlines())


def fitted(line, width):
    """``line``, or its trailing comment (after two spaces and a #) above its code when it is too long."""
    code, mark, comment = line.partition("  # ")
    if len(line) <= width or not mark or not code.strip():
        return line
    indent = code[:len(code) - len(code.lstrip())]
    return f"{indent}# {comment.strip()}\n{code.rstrip()}"


def show_source(obj, width=None):
    """Print the source of ``obj`` (a notebook shows the library code it is about to use); ``width``: see
    ``source``."""
    print(source(obj, width))


def matrix(name, A, digits=4):
    """'name = [...]', one row per line with ``digits`` decimals (−0.0 printed as 0.0)."""
    A = np.atleast_2d(np.asarray(A, dtype=np.float64))
    cells = [[f"{v + 0.0:.{digits}f}" for v in row] for row in A]
    width = max(len(c) for row in cells for c in row)
    rows = ["[" + "  ".join(c.rjust(width) for c in row) + "]" for row in cells]
    pad = " " * (len(name) + 3)
    return f"{name} = " + ("\n" + pad).join(rows)


def show(name, A, digits=4):
    """Print a vector or matrix (see ``matrix``)."""
    print(matrix(name, A, digits))


def table(rows, header):
    """A plain-text table: columns padded to their widest cell, a rule under the header."""
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in rows + [list(header)]) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def show_table(rows, header):
    print(table(rows, header))


def percent(x, digits=1):
    """0.9712 → '97.1 %'."""
    return f"{100 * x:.{digits}f} %"
