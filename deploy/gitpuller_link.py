"""The nbgitpuller link that puts the lessons into a student's home and opens one in JupyterLab.

    python deploy/gitpuller_link.py --hub https://hub.example.edu --repo https://github.com/ORG/REPO
    python deploy/gitpuller_link.py --hub … --repo … --branch main --notebook notebooks/02_backpropagation.ipynb

nbgitpuller's documented link: ``<hub>/hub/user-redirect/git-pull?repo=…&branch=…&urlpath=…``.  The hub
sends the student to their own server (starting it), which clones the repository into
``~/<repository name>`` on the first click and merges new commits on later ones (keeping the student's
own changes), then opens ``urlpath``: ``lab/tree/<repository name>/<notebook>``.
"""
import argparse
import sys
from urllib.parse import urlencode


def repo_folder(repo):
    """The folder nbgitpuller clones into: the last part of the repository's URL (``.git`` kept, as it does)."""
    return repo.rstrip("/").split("/")[-1]


def link(hub, repo, branch="main", notebook="notebooks/01_gradient_descent.ipynb"):
    if not hub.startswith(("http://", "https://")):
        raise ValueError(f"hub must be an http(s) URL, e.g. https://hub.example.edu; got {hub!r}")
    query = {"repo": repo, "branch": branch, "urlpath": f"lab/tree/{repo_folder(repo)}/{notebook}"}
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{urlencode(query)}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hub", required=True, help="the hub's URL, e.g. https://hub.example.edu")
    parser.add_argument("--repo", required=True, help="the repository's clone URL")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--notebook", default="notebooks/01_gradient_descent.ipynb", help="the notebook to open")
    args = parser.parse_args(argv)
    try:
        print(link(args.hub, args.repo, args.branch, args.notebook))
    except ValueError as err:
        parser.error(str(err))
    return 0


if __name__ == "__main__":
    sys.exit(main())
