"""The one build step pyproject.toml cannot declare: the wheel carries the repository's data/ inside the package.

``data/mnist.npz`` (and ``data/README.md``, its provenance and licence) stay where
they are in the repository, the only copy under version control; building a
wheel copies them into ``aecourse/data/`` of the wheel, where
``aecourse.data.files`` finds them wherever the package is installed. An
editable install gets no copy: it finds ``data/`` in the clone.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

VENDORED = ("mnist.npz", "README.md")


class BuildWithData(build_py):
    """build_py, then copy ``data/<file>`` to ``<build>/aecourse/data/<file>`` for every vendored file."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "aecourse" / "data"
        for name in VENDORED:
            source = Path("data") / name
            if not source.is_file():
                raise FileNotFoundError(
                    f"cannot build the wheel: {source} is missing (expected the course's vendored "
                    f"data file, tracked in the repository or shipped in the sdist)"
                )
            self.copy_file(str(source), str(target / name))


setup(cmdclass={"build_py": BuildWithData})
