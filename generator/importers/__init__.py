"""Bringing outside material into records: shared helpers.

`jingyan new`, `import-stats` and `import-article` all write YAML text and
then check it exactly as `jingyan validate` would, in memory, against the
whole records tree (references, ids, months) before or after writing.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..privacy import printable
from ..problems import Problem


def say(*parts, **kw) -> None:
    """print() for the importers: what they echo comes from spreadsheets and
    articles, so every line is masked and escaped like the validator's messages."""
    print(*(printable(str(part), keep="\n") for part in parts), **kw)

_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#]*$")


def yaml_str(value) -> str:
    """A YAML scalar for `value` that reads back as the same string (quoted
    when YAML would otherwise read a number, a date, true/false or null)."""
    import yaml
    if value is None:
        return ""
    text = str(value)
    if "\n" in text:
        text = " ".join(text.split())
    if _PLAIN_SAFE.match(text) and ": " not in text and not text.endswith((":", " ")):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_number(value: float) -> str:
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return repr(round(value, 6))


def rel_to(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def check_documents(root: Path, new: dict[str, tuple[str, str]],
                    today: date | None = None) -> list[Problem]:
    """Problems concerning the files in `new` (relative path → (kind, YAML text)),
    checked together with every record already under `root`, as if written."""
    from ..load import Document, load_tree, parse_yaml
    from ..validate import validate
    docs, _ = load_tree(root)
    docs = [d for d in docs if d.path not in new]
    problems = []
    for path, (kind, text) in new.items():
        node, problem = parse_yaml(text, path)
        if problem:
            problems.append(problem)
        else:
            docs.append(Document(path, kind, node, text))
    _, more = validate(docs, today)
    return sorted(set(problems + [p for p in more if p.path in new]))


def read_input_text(path: Path) -> str:
    """A text file from outside (saved by Excel, a browser, WeChat…)."""
    return decode_input(path.read_bytes())


def decode_input(raw: bytes) -> str:
    """UTF-16 with its byte-order mark (Excel's “Unicode 文本”), UTF-8 with or
    without BOM, else GB18030 (what Chinese Windows calls ANSI)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- the records as they are

def _safe_load(path: Path):
    import yaml
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None


def existing_records(root: Path) -> dict:
    """What is already there, read leniently (a broken file elsewhere must not
    stop an import): units, brands, practices by id, metrics and categories."""
    from ..load import CONFIG_FILES, RECORD_DIRS
    root = Path(root)
    out: dict = {"unit": {}, "brand": {}, "practice": {}, "metrics": [], "categories": []}
    for kind in ("unit", "brand", "practice"):
        folder = root / RECORD_DIRS[kind]
        for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
            data = _safe_load(path)
            if isinstance(data, dict):
                data = dict(data, _path=rel_to(path, root))
                out[kind].setdefault(str(data.get("id") or path.stem), data)
    for kind in ("metrics", "categories"):
        data = _safe_load(root / CONFIG_FILES[kind])
        items = data.get(kind) if isinstance(data, dict) else None
        out[kind] = [m for m in items or [] if isinstance(m, dict) and m.get("id")]
    return out


def is_repo_root(root: Path) -> bool:
    return (Path(root) / "site_config").is_dir()


def inputs_ready(root: Path, src: Path, missing_message: str) -> bool:
    """Both import commands start alike: a repository root and an input file."""
    import sys
    from . import messages as IM
    if not is_repo_root(root):
        say(IM.NOT_ROOT.format(root=root), file=sys.stderr)
        return False
    if not src.is_file():
        say(missing_message.format(path=src), file=sys.stderr)
        return False
    return True


def nearest(value: str, options, cutoff: float = 0.4) -> str | None:
    import difflib
    near = difflib.get_close_matches(str(value), [str(o) for o in options], n=1, cutoff=cutoff)
    return near[0] if near else None


def _bare(name: str) -> str:
    return re.sub(r"[\s\u3000]+", "", str(name))


def resolve_unit(value: str, units: dict) -> tuple[str | None, str | None]:
    """A unit id from an id or a Chinese name (full, or without 派出所 etc.);
    else (None, nearest id or name for a suggestion)."""
    from ..naming import UNIT_SUFFIXES, split_unit_name
    v = _bare(value)
    if not v:
        return None, None
    if v in units:
        return v, None
    low = v.lower()
    if low in units:
        return low, None
    by_name = {_bare(u.get("name", "")): uid for uid, u in units.items()}
    if v in by_name:
        return by_name[v], None
    # 夏格庄 → 夏格庄派出所; 济宁市市中公安分局 → 济宁市公安局市中区分局
    key = split_unit_name(v)
    same = [uid for uid, u in units.items() if split_unit_name(_bare(u.get("name", ""))) == key
            and key[1] is not None]
    if len(same) == 1:
        return same[0], None
    bases = [uid for uid, u in units.items()
             if split_unit_name(_bare(u.get("name", "")))[0] == v
             or _bare(u.get("name", "")) in {v + s for s, _ in UNIT_SUFFIXES}]
    if len(bases) == 1:
        return bases[0], None
    if v.endswith("所") and not v.endswith("派出所") and len(v) > 2:  # 卜庄所 → 卜庄派出所
        uid, _ = resolve_unit(v[:-1] + "派出所", units)
        if uid:
            return uid, None
    options = list(units) + [u.get("name", "") for u in units.values()]
    return None, nearest(v, options)


# ---------------------------------------------------------------- categories

CATEGORY_WORDS = {
    "fengqiao": ("枫桥",),
    "community-policing": ("社区警务", "社区民警", "警务室", "警务助理", "一村一警", "包村", "片警", "村警"),
    "dispute-mediation": ("矛盾纠纷", "纠纷", "调解", "调处", "化解"),
    "mass-prevention": ("群防群治", "巡防", "巡逻队", "志愿者", "志愿服务", "义警", "联防", "治保", "人防"),
    "basic-information": ("一标三实", "标准地址", "实有人口", "实有房屋", "基础信息", "信息采集"),
    "public-service": ("便民", "服务群众", "为民", "办事", "户籍", "代办", "惠民"),
    "campus-safety": ("护学岗", "校园", "学校", "学生", "幼儿园"),
    "smart-policing": ("智慧", "智能", "平台", "APP", "大数据", "信息化", "视频监控"),
    "team-building": ("队伍建设", "培训", "考核", "练兵", "队伍管理"),
    "publicity": ("宣传", "防诈", "反诈", "防范意识"),
}


def guess_categories(text: str, categories: list[dict], limit: int = 3,
                     minimum: int = 2) -> list[str]:
    """Category ids whose words occur most in `text` (the category's own name
    counts three times as much as the built-in keywords)."""
    scores = []
    for i, c in enumerate(categories):
        cid = str(c["id"])
        score = 3 * text.count(str(c.get("name", "")).strip() or "\0")
        score += sum(text.count(w) for w in CATEGORY_WORDS.get(cid, ()))
        if score:
            scores.append((-score, i, cid))
    scores.sort()
    if not scores:
        return []
    top = -scores[0][0]
    return [cid for s, _, cid in scores[:limit] if -s >= max(minimum, top * 0.3)]


# ---------------------------------------------------------------- templates and to-do lists

TODO_RE = re.compile(r"（(?:待填写|草稿)：[^）]*）")


def template_env(root: Path):
    """Jinja environment for templates/new/: the repository's own copy when
    there is one (staff may adjust the comments), else the one shipped here."""
    import jinja2
    here = Path(__file__).resolve().parents[2] / "templates" / "new"
    dirs = [str(d) for d in (Path(root) / "templates" / "new", here) if d.is_dir()]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(dirs), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["y"] = yaml_str
    env.filters["num"] = yaml_number
    return env


def todo_problems(path: str, text: str) -> list[Problem]:
    """Every placeholder left in a written record, as path:line:col."""
    from .messages import TODO_MARK
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        for m in TODO_RE.finditer(line):
            out.append(Problem(path, n, m.start() + 1, TODO_MARK.format(text=m.group(0))))
    return out


def report(path: str, text: str, problems: list[Problem]) -> None:
    """Print what the staff member must still do for a freshly written record."""
    from .messages import SAME_LINES, STILL_TODO, VALID_OK
    todo = sorted(set(problems) | set(todo_problems(path, text)))
    if not todo:
        say(VALID_OK)
        return
    say(STILL_TODO)
    same: dict[str, list[Problem]] = {}
    for p in todo:
        same.setdefault(p.message, []).append(p)
    for message, group in sorted(same.items(), key=lambda kv: kv[1][0]):
        line = group[0].format()
        if len(group) > 1:  # one placeholder repeated (every measure's detail): say it once
            line += SAME_LINES.format(lines="、".join(str(p.line) for p in group[1:]))
        say(line)
