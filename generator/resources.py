"""Where the packaged defaults live, and which file wins.

A records repository holds records and, optionally, its own `templates/` and
`site_config/` files. Everything it lacks comes from the defaults that ship
with jingyan: the page templates, the theme overrides, the CSS and the search
shim, the `site_config/` defaults, `mkdocs.yml`, the staff guide and the
`jingyan init` skeleton.

In a wheel these sit in `generator/data/` (setup.py copies them there from the
repository's own folders at build time, so nothing is kept twice). In a
checkout of the jingyan repository itself (an editable install) they are the
repository's own folders.

Order, first found wins (the staff guide says the same):
  templates:  site.yml `templates_dir` → the repository's `templates/` → packaged
  site_config files, theme overrides, CSS/JS assets: the repository's → packaged
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SKELETON = PACKAGE / "skeleton"  # `jingyan init`'s files that are not copies of the defaults


def data_root() -> Path:
    """The folder that holds the packaged `templates/`, `site_config/`, `docs/`
    and `mkdocs.yml`."""
    bundled = PACKAGE / "data"
    return bundled if (bundled / "templates").is_dir() else PACKAGE.parent


def config_path(root: Path, rel: str) -> Path:
    """`root/rel` when the repository has it, else the packaged default."""
    own = Path(root) / rel
    return own if own.exists() else data_root() / rel


def template_dirs(root: Path, override_dir: str | None = None) -> list[Path]:
    """Jinja search path for page templates, most specific first, no repeats."""
    dirs = [Path(root) / override_dir] if override_dir else []
    dirs += [Path(root) / "templates", data_root() / "templates"]
    seen, out = set(), []
    for d in dirs:
        key = d.resolve()
        if key not in seen and d.is_dir():
            seen.add(key)
            out.append(d)
    return out


def theme_dirs(root: Path) -> list[Path]:
    """Material overrides: the repository's templates/theme, then the packaged one."""
    dirs = [d for d in (Path(root) / "templates" / "theme", data_root() / "templates" / "theme") if d.is_dir()]
    return [d for i, d in enumerate(dirs) if d.resolve() not in {e.resolve() for e in dirs[:i]}]


def asset_files() -> list[str]:
    """Paths (relative to docs/) of the packaged static assets: CSS, the
    offline search shim and its licence."""
    base = data_root() / "docs"
    return sorted(p.relative_to(base).as_posix() for p in (base / "assets").rglob("*") if p.is_file())
