"""Build hook: the fixture webs (fixtures/web/) ship inside the wheel as tracer/data/webs/.

Everything else about the package is declared in setup.cfg. ``tracer demo`` and
``tracer fixtures`` read the webs from the source checkout when there is one (an editable
install) and from the installed copy otherwise (``pip install .``, a wheel, PyPI).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

WEBS = Path(__file__).resolve().parent / "fixtures" / "web"


class BuildWithFixtureWebs(build_py):
    def run(self):
        super().run()
        if WEBS.is_dir() and not getattr(self, "editable_mode", False):
            target = Path(self.build_lib) / "tracer" / "data" / "webs"
            shutil.copytree(WEBS, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.warc.gz", "__pycache__"))


setup(cmdclass={"build_py": BuildWithFixtureWebs})
