"""Reading record files safely: size, encoding, YAML with line marks.

The loader knows files and YAML, not what a valid record is. It returns YAML
*nodes* (which keep each value's line, column, tag and quoting style) so the
validator can point at the offending key and spot YAML 1.1 traps.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import messages as M
from .problems import Problem

MAX_BYTES = 2 * 1024 * 1024  # a record is a few KiB; anything this big is a mistake
MAX_DEPTH = 32  # records nest three or four levels deep

RECORD_DIRS = {"unit": "records/units", "practice": "records/practices",
               "brand": "records/brands", "stats": "records/stats"}
CONFIG_FILES = {"site": "site_config/site.yml", "metrics": "site_config/metrics.yml",
                "categories": "site_config/categories.yml"}


@dataclass
class Document:
    path: str  # relative, forward slashes: what messages show
    kind: str  # unit | practice | brand | stats | site | metrics | categories
    node: yaml.Node
    text: str  # kept to place findings inside block scalars


class _Stop(Exception):
    def __init__(self, mark, message: str):
        self.mark, self.message = mark, message


class _SafeComposer(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases (alias bombs) and deep nesting."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Stop(event.start_mark, M.YAML_ANCHOR)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Stop(event.start_mark, M.YAML_TOO_DEEP.format(n=MAX_DEPTH))
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, root: Path) -> tuple[str | None, Problem | None]:
    """The file's text, or a problem saying in Chinese why it cannot be read."""
    name = rel(path, root)
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                return None, Problem(name, 0, 0, M.FILE_SYMLINK_OUT)
        if path.is_dir():
            return None, Problem(name, 0, 0, M.FILE_IS_DIR)
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, Problem(name, 0, 0, M.FILE_TOO_BIG.format(mb=size / 2**20, max=MAX_BYTES // 2**20))
        raw = path.read_bytes()
    except OSError as e:
        return None, Problem(name, 0, 0, M.FILE_UNREADABLE.format(err=e.strerror or e))
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, Problem(name, 1, 1, M.FILE_BOM)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(name, 1, 1, M.FILE_UTF16)
    if b"\x00" in raw:
        return None, Problem(name, 1, 1, M.FILE_BINARY)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            return None, Problem(name, line, 1, M.FILE_GBK)
        except UnicodeDecodeError:
            return None, Problem(name, line, 1, M.FILE_NOT_UTF8)
    if not text.strip():
        return None, Problem(name, 1, 1, M.FILE_EMPTY)
    return text, None


def parse_yaml(text: str, name: str) -> tuple[yaml.Node | None, Problem | None]:
    loader = _SafeComposer(text)
    try:
        node = loader.get_single_node()
    except _Stop as e:
        return None, Problem(name, e.mark.line + 1, e.mark.column + 1, e.message)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, Problem(name, line, col, M.yaml_syntax(e, text, line))
    except yaml.YAMLError as e:  # unmarked: rare, but never a traceback
        return None, Problem(name, 1, 1, M.YAML_SYNTAX.format(detail=str(e)))
    except RecursionError:
        return None, Problem(name, 1, 1, M.YAML_TOO_DEEP.format(n=MAX_DEPTH))
    finally:
        loader.dispose()
    if node is None:
        return None, Problem(name, 1, 1, M.FILE_EMPTY)
    return node, None


def load_file(path: Path, root: Path, kind: str) -> tuple[Document | None, Problem | None]:
    text, problem = read_text(path, root)
    if problem:
        return None, problem
    node, problem = parse_yaml(text, rel(path, root))
    if problem:
        return None, problem
    return Document(rel(path, root), kind, node, text), None


def _record_files(folder: Path, recursive: bool) -> list[Path]:
    if not folder.is_dir():
        return []
    pattern = "*/*" if recursive else "*"
    # sorted: the same records always load in the same order (deterministic output)
    return sorted(p for p in folder.glob(pattern) if p.suffix in (".yml", ".yaml"))


def stray_files(root: Path) -> list[Problem]:
    """Files in a records folder that will never be read: a wrong extension is
    a silent mistake a staff member would never notice."""
    problems = []
    for kind, sub in RECORD_DIRS.items():
        folder = root / sub
        if not folder.is_dir():
            continue
        for p in sorted(folder.rglob("*")):
            if p.is_dir() or p.name.startswith(".") or p.name == "README.md":
                continue
            if p.suffix not in (".yml", ".yaml"):
                problems.append(Problem(rel(p, root), 0, 0, M.FILE_WRONG_EXT))
    return problems


def load_tree(root: Path, records: Path | None = None) -> tuple[list[Document], list[Problem]]:
    """Every configuration and record file under `root`, parsed to YAML nodes.

    `records` may point at another records tree (``--records DIR``); its own
    site_config/ is used when it has one.
    """
    root = Path(root)
    records_root = Path(records) if records else root
    config_root = records_root if (records_root / "site_config").is_dir() else root
    docs: list[Document] = []
    problems: list[Problem] = []
    for kind, sub in CONFIG_FILES.items():
        path = config_root / sub
        if not path.exists():
            problems.append(Problem(rel(path, config_root), 0, 0, M.CONFIG_MISSING))
            continue
        doc, problem = load_file(path, config_root, kind)
        docs += [doc] if doc else []
        problems += [problem] if problem else []
    for kind, sub in RECORD_DIRS.items():
        folder = records_root / sub
        if kind == "stats" and folder.is_dir():
            for entry in sorted(folder.iterdir()):
                if not entry.is_dir() and entry.name != "README.md" and not entry.name.startswith("."):
                    problems.append(Problem(rel(entry, records_root), 0, 0, M.STATS_NOT_IN_FOLDER))
        for path in _record_files(folder, recursive=(kind == "stats")):
            doc, problem = load_file(path, records_root, kind)
            docs += [doc] if doc else []
            problems += [problem] if problem else []
    problems += stray_files(records_root)
    return docs, problems


def walk_nodes(node: yaml.Node):
    """Every node below `node` (the validator uses it for whole-file scans)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack += [v, k]
        elif isinstance(n, yaml.SequenceNode):
            stack += reversed(n.value)

