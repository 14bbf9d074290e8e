"""The package stands on its own: a wheel, installed into an empty virtual
environment, starts a records repository with `jingyan init` and builds it.

Also: the README's test command is the one CI runs, and every module the code
and the tests import is a declared dependency.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import venv
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

REPO = Path(__file__).resolve().parent.parent


def clean_copy(dest: Path) -> Path:
    """The tracked files only (a build must not pick up site/, .cache/ or a stale build/)."""
    try:
        names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                               capture_output=True, check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("不是 git 检出的仓库，无法取得干净的文件列表")
    for name in filter(None, names):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = clean_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
                   check=True, cwd=src)
    return next(out.glob("jingyan-*.whl"))


@pytest.mark.slow
def test_wheel_alone_inits_and_builds(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], check=True)

    # Nothing of this checkout may be importable: run from an empty folder with a clean environment.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JINGYAN_RECORDS", "VIRTUAL_ENV")}
    env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run([str(py), "-c", "import generator; print(generator.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where, where

    r = subprocess.run([str(bindir / "jingyan"), "init", "records-repo", "--title", "某市警务经验"], cwd=work,
                       env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    repo = work / "records-repo"
    for rel in ("mkdocs.yml", "site_config/site.yml", "site_config/schema/practice.schema.json", ".gitignore",
                ".gitattributes", "README.md", "docs/guide/index.md"):
        assert (repo / rel).is_file(), rel
    for kind in ("units", "practices", "brands", "stats"):
        assert any((repo / "records" / kind).rglob("*.yml")), kind
    assert not (repo / "templates").exists() and not (repo / "generator").exists()
    assert "某市警务经验" in (repo / "site_config/site.yml").read_text(encoding="utf-8")

    # a second init into the same folder is refused and writes nothing
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    again = subprocess.run([str(bindir / "jingyan"), "init", "records-repo"], cwd=work, env=env,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert again.returncode == 2 and "不是空的" in again.stderr
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before

    v = subprocess.run([str(bindir / "jingyan"), "validate"], cwd=repo, env=env, capture_output=True, text=True)
    assert v.returncode == 0, v.stdout + v.stderr
    b = subprocess.run([str(bindir / "jingyan"), "build"], cwd=repo, env=env, capture_output=True, text=True)
    assert b.returncode == 0, b.stdout + b.stderr
    site = repo / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "某市警务经验" in home and "assets/stylesheets/jingyan.css" in home
    assert (site / "assets/stylesheets/jingyan.css").is_file()
    assert (site / "assets/javascripts/iframe-worker/shim.js").is_file()
    practice = (site / "practices/shiliqiao-chatang/index.html").read_text(encoding="utf-8")
    assert "茶堂议事" in practice
    unit = (site / "units/shiliqiao-pcs/index.html").read_text(encoding="utf-8")
    assert ".svg" in unit
    assert list(site.rglob("*.svg")), "no charts drawn"
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "十里桥派出所" in index
    assert (site / "guide/index.html").is_file()


def test_wheel_bundles_the_defaults(wheel):
    import zipfile
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("generator/data/mkdocs.yml", "generator/data/templates/practice.md.j2",
                 "generator/data/templates/theme/main.html", "generator/data/site_config/metrics.yml",
                 "generator/data/docs/assets/stylesheets/jingyan.css",
                 "generator/data/docs/assets/javascripts/iframe-worker/shim.js",
                 "generator/fonts/JingyanSansSC-Regular.otf", "generator/skeleton/.gitignore"):
        assert name in names, name
    assert not any(n.startswith(("records/", "tests/", "generator/data/records")) for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert "License-Expression: MIT AND OFL-1.1" in text
    assert any(n.endswith("licenses/generator/fonts/OFL.txt") for n in names)


def test_readme_test_command_is_what_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    assert len(commands) == 2, "README 的第一屏应当只有两条命令"
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines(), commands[1]
    assert all(c.startswith("python3 -m venv .venv &&") for c in commands)


# Imports that are not PyPI distributions of their own name.
STDLIB = set(sys.stdlib_module_names) | {"generator", "tests", "conftest", "synth", "run"}
PROVIDED_BY = {"yaml": "pyyaml", "opencc": "opencc-python-reimplemented", "material": "mkdocs-material",
               "docx": "python-docx", "python_calamine": "python-calamine", "fontTools": "matplotlib",
               "markdown": "mkdocs", "pymdownx": "mkdocs-material", "PIL": "matplotlib",
               "numpy": "matplotlib", "pre_commit": "pre-commit", "lxml": "python-docx",
               "markupsafe": "jinja2"}


def declared() -> set[str]:
    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        reqs += extra
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].strip().lower() for r in reqs}


def imported_top_names(path: Path) -> set[str]:
    import ast
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def test_every_import_is_declared():
    names = declared()
    local = {p.stem for folder in ("tests", "benchmarks", "scripts") for p in (REPO / folder).rglob("*.py")}
    missing = {}
    for folder in ("generator", "tests", "benchmarks", "scripts"):
        for path in (REPO / folder).rglob("*.py"):
            for top in imported_top_names(path):
                if top in STDLIB or top in local or top in {"msvcrt", "fcntl", "winreg", "_winapi"}:
                    continue
                dist = PROVIDED_BY.get(top, top).lower().replace("_", "-")
                if dist not in names:
                    missing.setdefault(top, path.relative_to(REPO).as_posix())
    assert not missing, f"这些导入没有在 pyproject.toml 中声明依赖：{missing}"
