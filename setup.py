"""Bundles the defaults into the wheel (see generator/resources.py).

The templates, the site_config defaults, the theme overrides, the CSS, the
offline search shim, the staff guide, mkdocs.yml and the `jingyan init`
skeleton live in this repository's own folders, which keep their layout. A
build copies them into generator/data/ of the built package, so a wheel alone
can start and build a records repository, and nothing is kept twice in git.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLE = ["templates", "site_config", "docs/assets", "docs/guide", "mkdocs.yml"]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "sites.yml")


class BuildWithDefaults(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        data = Path(self.build_lib) / "generator" / "data"
        for rel in BUNDLE:
            src, dst = HERE / rel, data / rel
            if src.is_dir():
                shutil.copytree(src, dst, ignore=IGNORE, dirs_exist_ok=True)
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
        # dotfiles (.github/, .gitignore …) are not package data to setuptools' globs
        shutil.copytree(HERE / "generator" / "skeleton", Path(self.build_lib) / "generator" / "skeleton",
                        ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithDefaults})
