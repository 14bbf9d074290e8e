"""Reading record files safely: size, encoding, YAML with line marks.

The loader knows files and YAML, not what a valid record is. It returns YAML
*nodes* (which keep each value's line, column, tag and quoting style) so the
validator can point at the offending key and spot YAML 1.1 traps.
"""
from __future__ import annotations

import contextlib
import errno
import gc
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import messages as M
from .problems import Problem
from .resources import data_root

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


# libyaml (PyYAML's C parser) reads about five times faster; the nodes are
# composed here, in Python, from its events either way.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


_PLAIN_TAGS: dict[str, str] = {}  # plain scalar → resolved tag ("name" → str, "07" → int): a cache


def _compose(loader) -> yaml.Node | None:
    """The one document of a stream as YAML nodes, built from parser events.

    Refuses what a record never needs and an attacker would: anchors and
    aliases (the "billion laughs" bomb: refused at the first anchor, nothing is
    ever expanded) and nesting deeper than MAX_DEPTH (stopped at that depth,
    however deep the file goes: no recursion). Tags are resolved as PyYAML's
    SafeLoader does. Written as one loop because it runs for every value of
    every record.
    """
    get, resolve, cache = loader.get_event, loader.resolve, _PLAIN_TAGS
    ScalarEvent, SequenceStartEvent, MappingStartEvent = yaml.ScalarEvent, yaml.SequenceStartEvent, \
        yaml.MappingStartEvent
    get()  # stream start
    event = get()
    if isinstance(event, yaml.StreamEndEvent):
        return None
    root = None
    stack: list[list] = []  # open collections: [node, is_mapping, key waiting for its value]
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent or kind is SequenceStartEvent or kind is MappingStartEvent:
            if event.anchor is not None:
                raise _Stop(event.start_mark, M.YAML_ANCHOR)
            if len(stack) >= MAX_DEPTH:
                raise _Stop(event.start_mark, M.YAML_TOO_DEEP.format(n=MAX_DEPTH))
            tag = event.tag
            if kind is ScalarEvent:
                value = event.value
                if tag is None or tag == "!":
                    if event.implicit[0]:
                        tag = cache.get(value)
                        if tag is None:
                            tag = resolve(yaml.ScalarNode, value, event.implicit)
                            if len(value) <= 40 and len(cache) < 100_000:
                                cache[value] = tag
                    else:
                        tag = resolve(yaml.ScalarNode, value, event.implicit)
                # libyaml says "" for a plain scalar, PyYAML None: the validator expects None
                node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style or None)
            elif kind is SequenceStartEvent:
                if tag is None or tag == "!":
                    tag = resolve(yaml.SequenceNode, None, event.implicit)
                node = yaml.SequenceNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            else:
                if tag is None or tag == "!":
                    tag = resolve(yaml.MappingNode, None, event.implicit)
                node = yaml.MappingNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if not stack:
                root = node
            else:
                top = stack[-1]
                if not top[1]:
                    top[0].value.append(node)
                elif top[2] is None:
                    top[2] = node
                else:
                    top[0].value.append((top[2], node))
                    top[2] = None
            if kind is not ScalarEvent:
                stack.append([node, kind is MappingStartEvent, None])
        elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
            stack.pop()[0].end_mark = event.end_mark
        elif kind is yaml.AliasEvent:
            raise _Stop(event.start_mark, M.YAML_ANCHOR)
        else:  # document end
            break
    event = get()
    if not isinstance(event, yaml.StreamEndEvent):
        raise _Stop(event.start_mark, M.YAML_MULTI_DOC)
    return root


def _parse(text: str, loader_class) -> yaml.Node | None:
    loader = loader_class(text)  # the reader refuses control characters right here
    try:
        return _compose(loader)
    finally:
        loader.dispose()


def rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _inside(path: Path, root: Path, seen: dict | None = None) -> bool:
    """Whether `path`, symlinks followed, stays inside `root`. Resolved, not just
    `is_symlink()`: a symlinked *folder* (records/stats/x -> /etc) makes files
    that are not links themselves lead out of the repository. `seen` remembers
    folders already resolved during one load (resolving every file of 10,000
    was a fifth of the loading time)."""
    seen = {} if seen is None else seen
    top = seen.get(None)
    if top is None:
        top = seen[None] = root.resolve()
    folder = path.parent
    if folder not in seen:
        seen[folder] = folder.resolve().is_relative_to(top)
    if not seen[folder]:
        return False
    return not path.is_symlink() or path.resolve().is_relative_to(top)


def read_text(path: Path, root: Path, _seen: dict | None = None) -> tuple[str | None, Problem | None]:
    """The file's text, or a problem saying in Chinese why it cannot be read."""
    name = rel(path, root)
    try:
        if not _inside(path, root, _seen):
            return None, Problem(name, 0, 0, M.FILE_SYMLINK_OUT)
        try:
            st = path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                return None, Problem(name, 0, 0, M.FILE_SYMLINK_BROKEN)
            raise
        if stat.S_ISDIR(st.st_mode):
            return None, Problem(name, 0, 0, M.FILE_IS_DIR)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            return None, Problem(name, 0, 0, M.FILE_NOT_REGULAR)
        if st.st_size > MAX_BYTES:
            return None, Problem(name, 0, 0, M.FILE_TOO_BIG.format(mb=st.st_size / 2**20, max=MAX_BYTES // 2**20))
        with path.open("rb") as fh:  # never more than the limit, whatever stat() said
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None, Problem(name, 0, 0, M.FILE_TOO_BIG.format(mb=len(raw) / 2**20, max=MAX_BYTES // 2**20))
    except RuntimeError:  # Path.resolve() on a symlink loop (Python < 3.13)
        return None, Problem(name, 0, 0, M.FILE_SYMLINK_LOOP)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return None, Problem(name, 0, 0, M.FILE_SYMLINK_LOOP)
        return None, Problem(name, 0, 0, M.FILE_UNREADABLE.format(err=e.strerror or e))
    return decode(raw, name)


def decode(raw: bytes, name: str) -> tuple[str | None, Problem | None]:
    """Bytes → text; anything but UTF-8 without BOM is reported, naming the encoding."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, Problem(name, 1, 1, M.FILE_BOM)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        return None, Problem(name, 1, 1, M.FILE_UTF16)
    if b"\x00" in raw:
        return None, Problem(name, *_line_col(raw, raw.index(b"\x00")), M.FILE_BINARY)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _line_col(raw, e.start)
        try:
            raw.decode("gbk")
            return None, Problem(name, line, col, M.FILE_GBK)
        except UnicodeDecodeError:
            return None, Problem(name, line, col, M.FILE_NOT_UTF8)
    if not text.strip():
        return None, Problem(name, 1, 1, M.FILE_EMPTY)
    return text, None


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset`."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", errors="replace")) + 1


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL byte beside every character."""
    sample = raw[:200]
    if len(sample) < 4:
        return False
    evens, odds = sample[0::2], sample[1::2]
    return odds.count(0) > len(odds) * 0.7 or evens.count(0) > len(evens) * 0.7


_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_KEY_NO_SPACE = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"{}\[\],&*!|>%@`-][^\s:]*:[^\s:/]")


def explain_yaml_error(error: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """PyYAML's English parser error → (line, column, Chinese message), pointing at
    the line a person would have to change (often not where the parser gave up)."""
    problem = getattr(error, "problem", None) or ""
    context = getattr(error, "context", None) or ""
    pmark, cmark = error.problem_mark, error.context_mark
    mark = pmark or cmark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = _BREAK.split(text)

    def src(n: int) -> str:
        return lines[n - 1] if 0 < n <= len(lines) else ""

    def at_cmark(message: str) -> tuple[int, int, str]:
        return (cmark.line + 1, cmark.column + 1, message) if cmark else (line, col, message)

    if "\t" in src(line)[: len(src(line)) - len(src(line).lstrip())] or "'\\t'" in problem:
        return line, col, _tab_message(lines, line)
    fullwidth = _fullwidth_key(lines, line)
    if fullwidth and ("could not find expected ':'" in problem or "mapping values are not allowed" in problem):
        return fullwidth[0], fullwidth[1], M.YAML_FULLWIDTH_COLON
    if "quoted scalar" in context:
        if "escape" in problem:
            back = src(line)[: col - 1].rfind("\\")  # point at the backslash itself
            return line, (back + 1 if back >= 0 else col), M.YAML_ESCAPE
        return at_cmark(M.YAML_QUOTE)  # where the quote opened, not the end of the file
    if "single document" in context or "another document" in problem:
        return line, col, M.YAML_MULTI_DOC
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else ""
        return line, col, M.YAML_BAD_START.format(char=char)
    if "flow sequence" in context or "flow mapping" in context:
        return at_cmark(M.YAML_FLOW)  # where the bracket opened
    if "flow node" in context:  # the file ended inside brackets
        opened = _unclosed_bracket(text, pmark.index if pmark else len(text))
        return (*opened, M.YAML_FLOW) if opened else (line, col, M.YAML_FLOW)
    if "could not find expected ':'" in problem:
        key_line = cmark.line + 1 if cmark else line
        if ":" in src(key_line):
            return at_cmark(M.YAML_COLON)
        return at_cmark(M.YAML_NO_COLON)
    if "mapping values are not allowed" in problem:
        # `key:value` on an earlier line swallows the lines after it into one
        # text; the earliest such line of that run is the one to fix.
        indent = len(src(line)) - len(src(line).lstrip())
        culprit, n = 0, line - 1
        while n >= 1 and n > line - 50 and src(n).strip() and ": " not in src(n) \
                and not src(n).rstrip().endswith(":") and len(src(n)) - len(src(n).lstrip()) >= indent:
            if _KEY_NO_SPACE.match(src(n)):
                culprit = n
            n -= 1
        if culprit:
            return culprit, len(src(culprit)) - len(src(culprit).lstrip()) + 1, M.YAML_COLON
        if _KEY_NO_SPACE.match(src(line)) and src(line).find(":") < col - 1:
            return line, len(src(line)) - len(src(line).lstrip()) + 1, M.YAML_COLON
        prev = next((src(k) for k in range(line - 1, 0, -1) if src(k).strip()), "")
        if src(line)[:col - 1].strip().count(":") == 0 and indent > len(prev) - len(prev.lstrip()):
            return line, indent + 1, M.YAML_INDENT  # a key indented deeper than its sibling
        return line, col, M.YAML_COLON_IN_TEXT
    if "sequence entries are not allowed" in problem:
        return line, col, M.YAML_SEQ_HERE
    if "expected <block end>" in problem:
        if "found ']'" in problem or "found '}'" in problem:
            return line, col, M.YAML_FLOW_EXTRA.format(char=problem[-2])
        if "<scalar>" in problem and src(line)[:col - 1].rstrip()[-1:] in ("'", '"'):
            return line, col, M.YAML_AFTER_QUOTE
        if "'-'" in problem or "'?'" in problem or "<block sequence start>" in problem:
            return line, col, M.YAML_MIXED
        return line, col, M.YAML_INDENT
    if "did not find expected key" in problem or "did not find expected '-' indicator" in problem:
        return line, col, M.YAML_INDENT
    detail = " ".join(x for x in (context, problem) if x).strip() or str(error)
    return line, col, M.YAML_SYNTAX.format(detail=detail)


_FULLWIDTH_KEY = re.compile(r"^\s*(?:-\s+)?[^\s:：#'\"{}\[\],&*!|>%@`-][^\s:：]*：")
_ASCII_KEY = re.compile(r"^\s*(?:-\s+)?[^\s#][^:]*:(?:\s|$)")


def _fullwidth_key(lines: list[str], line: int) -> tuple[int, int] | None:
    """(line, column) of a "key：value" written with the full-width colon, on
    `line` or in the lines above it that YAML read as one text with it."""
    found, n = None, line
    while n >= 1 and n > line - 50:
        s = lines[n - 1] if n <= len(lines) else ""
        if _FULLWIDTH_KEY.match(s):
            found = (n, s.index("：") + 1)
        elif n < line and _ASCII_KEY.match(s):
            break
        n -= 1
    return found


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" \t"))


def _tab_message(lines: list[str], line: int) -> str:
    """The tab advice in words: how far the line above is indented with spaces."""
    prev = next((lines[k - 1] for k in range(line - 1, 0, -1)
                 if k <= len(lines) and lines[k - 1].strip() and not lines[k - 1].lstrip().startswith("#")), None)
    if prev is None or "\t" in prev[:_indent(prev)]:
        return M.YAML_TAB_TOP
    n = _indent(prev)
    return M.YAML_TAB.format(n=n, m=n + 2)


def _unclosed_bracket(text: str, end: int) -> tuple[int, int] | None:
    """(line, column) of the innermost "[" or "{" still open at `end` (quotes and
    comments skipped roughly: this only places a message)."""
    stack, line, col, skip = [], 1, 0, None  # skip: the quote we are in, or "#" in a comment
    for i, ch in enumerate(text[:end]):
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
            skip = None if skip == "#" else skip
        elif skip:
            skip = None if ch == skip else skip
        elif ch in "'\"" and (i == 0 or text[i - 1] in " [{,:"):
            skip = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            skip = "#"
        elif ch in "[{":
            stack.append((line, col))
        elif ch in "]}" and stack:
            stack.pop()
    return stack[-1] if stack else None


def parse_yaml(text: str, name: str) -> tuple[yaml.Node | None, Problem | None]:
    """YAML text → nodes, or a problem in Chinese pointing at the line to fix."""
    try:
        try:
            node = _parse(text, _FAST_LOADER or yaml.SafeLoader)
        except yaml.YAMLError:
            if _FAST_LOADER is None:
                raise
            # The messages are tuned to PyYAML's own parser: read a broken file
            # again with it, so the explanation does not depend on libyaml.
            node = _parse(text, yaml.SafeLoader)
    except _Stop as e:
        return None, Problem(name, e.mark.line + 1, e.mark.column + 1, e.message)
    except yaml.MarkedYAMLError as e:
        return None, Problem(name, *explain_yaml_error(e, text))
    except yaml.reader.ReaderError as e:  # a control character YAML refuses
        before = text[: e.position]
        line = len(_BREAK.findall(before)) + 1
        col = e.position - max(before.rfind("\n"), before.rfind("\r"))
        code = f"U+{e.character:04X}" if isinstance(e.character, int) else repr(e.character)
        return None, Problem(name, line, col, M.YAML_CONTROL_CHAR.format(code=code))
    except yaml.YAMLError as e:  # unmarked: rare, but never a traceback
        return None, Problem(name, 1, 1, M.YAML_SYNTAX.format(detail=str(e)))
    except RecursionError:  # cannot happen below MAX_DEPTH; kept as a last guard
        return None, Problem(name, 1, 1, M.YAML_TOO_DEEP.format(n=MAX_DEPTH))
    if node is None or (isinstance(node, yaml.ScalarNode) and node.style is None and not node.value):
        return None, Problem(name, 1, 1, M.FILE_NO_CONTENT)  # only comments, or a lone "---"
    return node, None


MAX_SYNTAX_ROUNDS = 20  # syntax problems reported from one file in one run
# Reading on re-parses the file from the start (PyYAML's own parser, for its
# messages: ~40 KB/s): at most this many characters parsed again in all, so a
# record (a few KiB) gets every round and a 2 MB file of broken lines one parse.
MAX_RECOVER_CHARS = 32 * 1024


def _recover(text: str, p: Problem) -> str | None:
    """`text` with the mistake `p` reports corrected as its message advises,
    when that correction is certain enough to read on and find the next one
    (a tab, a missing space after a colon, a full-width colon, a control
    character); None otherwise."""
    parts = _BREAK.split(text)
    breaks = _BREAK.findall(text)
    if not 0 < p.line <= len(parts):
        return None
    s, col = parts[p.line - 1], p.column - 1
    if p.message in (M.YAML_TAB_TOP,) or p.message.startswith(M.YAML_TAB[:20]):
        prev = next((parts[k] for k in range(p.line - 2, -1, -1)
                     if parts[k].strip() and not parts[k].lstrip().startswith("#")), "")
        depth = _indent(prev.replace("\t", "  ")) + (2 if prev.rstrip().endswith(":") else 0)
        s = " " * depth + s.lstrip(" \t")
    elif p.message == M.YAML_COLON:
        m = _KEY_NO_SPACE.match(s)
        if not m:
            return None
        s = s[:m.end() - 1] + " " + s[m.end() - 1:]
    elif p.message == M.YAML_FULLWIDTH_COLON and s[col:col + 1] == "：":
        s = s[:col] + ": " + s[col + 1:].lstrip(" ")
    elif p.message.startswith(M.YAML_CONTROL_CHAR[:12]) and col < len(s):
        s = s[:col] + " " + s[col + 1:]
    else:
        return None
    parts[p.line - 1] = s
    return "".join(x + y for x, y in zip(parts, breaks + [""]))


def parse_yaml_all(text: str, name: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Like parse_yaml, but reads on past each mistake it can correct with
    certainty, so one run reports several (staff fix them in one round, not
    three). Any problem means no node: the file is not used as it stands."""
    problems: list[Problem] = []
    fixed_lines: set[int] = set()
    budget = MAX_RECOVER_CHARS
    for _ in range(MAX_SYNTAX_ROUNDS):
        node, problem = parse_yaml(text, name)
        if problem is None:
            return (None if problems else node), problems
        if problem.line in fixed_lines and problems:
            break  # what our correction of this line left behind, not the author's mistake
        problems.append(problem)
        budget -= len(text)
        if budget < 0:
            break
        corrected = _recover(text, problem)
        if corrected is None or corrected == text:
            break
        fixed_lines.add(problem.line)
        text = corrected
    return None, problems


def load_file(path: Path, root: Path, kind: str, _seen: dict | None = None) -> tuple[Document | None, Problem | None]:
    text, problem = read_text(path, root, _seen)
    if problem:
        return None, problem
    return parse_source(Source(rel(path, root), kind, text))


@dataclass(frozen=True)
class Source:
    """A file read and decoded, not yet parsed."""
    path: str  # relative, forward slashes
    kind: str
    text: str


def parse_source(src: Source) -> tuple[Document | None, Problem | None]:
    doc, problems = parse_source_all(src)
    return doc, (problems[0] if problems else None)


def parse_source_all(src: Source) -> tuple[Document | None, list[Problem]]:
    """The document, or every syntax problem the parser could read past."""
    node, problems = parse_yaml_all(src.text, src.path)
    if problems:
        return None, problems
    return Document(src.path, src.kind, node, src.text), []


def _record_files(folder: Path, recursive: bool) -> list[Path]:
    if not folder.is_dir():
        return []
    pattern = "*/*" if recursive else "*"
    # sorted: the same records always load in the same order (deterministic output)
    return sorted(p for p in folder.glob(pattern) if p.suffix in (".yml", ".yaml"))


def right_name(name: str) -> str:
    """What a misnamed record file should be called: xinqi-post.yml.txt →
    xinqi-post.yml; 新旗警务室.txt → xinqi-post.yml (the `jingyan new` id)."""
    from .model import ID_MAX, ID_RE
    from .naming import slug_from_name
    base = name.split(".")[0].strip() or name
    if not (ID_RE.fullmatch(base) and len(base) <= ID_MAX):
        base = slug_from_name(base) or base
    return base + ".yml"


def stray_files(root: Path) -> list[Problem]:
    """Files in a records folder that will never be read: a wrong extension or a
    sub-folder is a silent mistake a staff member would never notice."""
    problems = []
    for kind, sub in RECORD_DIRS.items():
        folder = root / sub
        if not folder.is_dir():
            continue
        depth = 2 if kind == "stats" else 1  # stats/<unit>/<year>.yml; units/<id>.yml
        for p in sorted(folder.rglob("*")):
            inner = p.relative_to(folder).parts
            if p.is_dir() or any(x.startswith(".") for x in inner) or p.name == "README.md":
                continue
            if any(x.endswith((".yml", ".yaml")) for x in inner[:-1]):
                continue  # inside a folder named like a record: that folder is reported
            if len(inner) > depth:
                problems.append(Problem(rel(p, root), 0, 0, M.FILE_TOO_DEEP.format(
                    where=f"{sub}/<单位编号>/<年份>.yml" if kind == "stats" else f"{sub}/<编号>.yml")))
            elif p.suffix not in (".yml", ".yaml") and len(inner) == depth:
                problems.append(Problem(rel(p, root), 0, 0, M.FILE_WRONG_EXT.format(right=right_name(p.name))))
    return problems


@contextlib.contextmanager
def no_gc():
    """Pause the cyclic garbage collector while building many small objects.

    YAML nodes and marks hold no reference cycles, but with thousands of
    records kept alive every automatic collection walks all of them again:
    for 10,000 records that tripled the time to load. Reference counting
    still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_tree(root: Path, records: Path | None = None) -> tuple[list[Document], list[Problem]]:
    """Every configuration and record file under `root`, parsed to YAML nodes.

    `records` may point at another records tree (``--records DIR``); its own
    site_config/ is used when it has one.
    """
    with no_gc():
        sources, problems = read_tree(root, records)
        docs = []
        for src in sources:
            doc, found = parse_source_all(src)
            docs += [doc] if doc else []
            problems += found
        return docs, problems


def read_tree(root: Path, records: Path | None = None) -> tuple[list[Source], list[Problem]]:
    """Every configuration and record file, read and decoded (configuration
    first); a problem for each that cannot be read and each stray file."""
    root = Path(root)
    records_root = Path(records) if records else root
    config_root = records_root if (records_root / "site_config").is_dir() else root
    sources: list[Source] = []
    problems: list[Problem] = []
    config_seen: dict = {}  # folders known to lie inside the root (see _inside)
    records_seen: dict = {} if records_root != config_root else config_seen

    def read(path: Path, base: Path, kind: str, seen: dict) -> None:
        text, problem = read_text(path, base, seen)
        if problem:
            problems.append(problem)
        else:
            sources.append(Source(rel(path, base), kind, text))

    if not (records_root / "records").is_dir():
        return [], [Problem("records/", 0, 0, M.NOT_A_REPOSITORY)]
    for kind, sub in CONFIG_FILES.items():
        path = config_root / sub
        if path.exists():
            read(path, config_root, kind, config_seen)
        else:  # the repository keeps only the settings it changes (resources.py)
            read(data_root() / sub, data_root(), kind, {})
    for kind, sub in RECORD_DIRS.items():
        folder = records_root / sub
        if kind == "stats" and folder.is_dir():
            for entry in sorted(folder.iterdir()):
                if not entry.is_dir() and entry.name != "README.md" and not entry.name.startswith("."):
                    problems.append(Problem(rel(entry, records_root), 0, 0, M.STATS_NOT_IN_FOLDER))
        for path in _record_files(folder, recursive=(kind == "stats")):
            read(path, records_root, kind, records_seen)
    problems += stray_files(records_root)
    return sources, problems


def walk_nodes(*nodes: yaml.Node):
    """The nodes and every node below them, in document order (the validator
    uses it for whole-file scans). A loop, not recursion: any depth."""
    stack = list(reversed(nodes))
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, yaml.MappingNode):  # pushed in reverse: popped in document order
            for k, v in reversed(n.value):
                stack += [v, k]
        elif isinstance(n, yaml.SequenceNode):
            stack += reversed(n.value)

