"""`jingyan new unit|practice|brand|stats`: a new record from a commented template.

The id comes from the Chinese name through pinyin (generator/naming.py) unless
--id is given; an existing file is never overwritten. The record is filled
with what the options say and checked against the whole tree at once, and
the command prints what is still to be filled in (path:line:col: message).

What each kind gets, so that it is valid wherever that is possible:
  unit      region copied from the parent unit when --parent is given;
            otherwise province/city are left empty (validation points at them).
  practice  status: draft with marked placeholders (（待填写：…）): a draft is
            valid and never published, so the tree keeps building.
  brand     summary left empty: a brand has no draft state, and a placeholder
            must never reach the public site; validation points at it.
  stats     twelve month lines with every metric left blank (a blank is “no
            figure”, so the file is valid before and after the numbers go in).
Optional lists (outcomes, components, sources) are written wholly commented out,
so that removing the “# ” of each line gives valid YAML (no `[]` to delete).
Generated practice ids are cut at a word to PRACTICE_ID_MAX characters; --id sets
a shorter one.
Exit status: 0 when the file was written (even if items remain to fill in),
1 when nothing was written.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

KINDS = ("unit", "practice", "brand", "stats")
PRACTICE_ID_MAX = 40  # long titles made 53-character ids: hard to read in a URL or a file list
ID_SUGGESTED = 30


def add_arguments(p):
    sub = p.add_subparsers(dest="what", metavar="类型")
    sub.required = True
    root_kw = dict(default=argparse.SUPPRESS, help="仓库根目录（默认当前目录）")

    u = sub.add_parser("unit", help="新建单位：公安局、分局、派出所或警务室",
                       description="新建单位记录 records/units/<编号>.yml")
    u.add_argument("--name", required=True, help="单位全称，如：卜庄派出所")
    u.add_argument("--kind", dest="unit_kind", choices=("bureau", "station", "post"),
                   help="单位类别（默认按名称判断：公安局/分局 bureau、派出所 station、警务室 post）")
    u.add_argument("--parent", help="上级单位编号或全称，如：changyi-psb 或 昌邑市公安局")
    u.add_argument("--id", help="编号（默认由名称的拼音生成，如 卜庄派出所 → buzhuang-pcs）")
    u.add_argument("--root", **root_kw)

    pr = sub.add_parser("practice", help="新建经验做法（草稿）",
                        description="新建经验做法草稿 records/practices/<编号>.yml")
    pr.add_argument("--title", required=True, help="标题")
    pr.add_argument("--unit", required=True, action="append",
                    help="所属单位编号或全称；多个单位就写多次 --unit")
    pr.add_argument("--category", action="append", help="分类编号（可写多次）；默认按标题猜")
    pr.add_argument("--id", help=f"编号（默认由单位和标题的拼音生成，最长 {PRACTICE_ID_MAX} 个字符；"
                                 f"想要好记的短编号就自己指定，建议 {ID_SUGGESTED} 个字符以内，"
                                 "如 --id xiagezhuang-sitou）")
    pr.add_argument("--root", **root_kw)

    b = sub.add_parser("brand", help="新建警务品牌或工作法",
                       description="新建品牌记录 records/brands/<编号>.yml")
    b.add_argument("--name", required=True, help="品牌或工作法名称，如：“四头”工作法")
    b.add_argument("--unit", required=True, help="所属单位编号或全称")
    b.add_argument("--id", help="编号（默认由名称的拼音生成，如 “四头”工作法 → sitou-gongzuofa）")
    b.add_argument("--root", **root_kw)

    s = sub.add_parser("stats", help="新建某单位某年的月度统计文件",
                       description="新建月度统计 records/stats/<单位编号>/<年份>.yml")
    s.add_argument("--unit", required=True, help="单位编号或全称")
    s.add_argument("--year", required=True, help="年份，如：2020")
    s.add_argument("--root", **root_kw)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _unit_or_fail(value: str, units: dict):
    from ..importers import resolve_unit
    from ..importers import messages as IM
    uid, near = resolve_unit(value, units)
    if uid:
        return uid, None
    hint = IM.DID_YOU_MEAN.format(near=near) if near else ""
    return None, IM.UNKNOWN_UNIT.format(value=value, hint=hint + IM.UNKNOWN_UNIT_HINT)


def run(args) -> int:
    from ..importers import existing_records, is_repo_root, template_env
    from ..importers import messages as IM
    from ..naming import load_phrases

    root = Path(getattr(args, "root", "."))
    if not is_repo_root(root):
        return _fail(IM.NOT_ROOT.format(root=root))
    phrases, phrase_problems = load_phrases(root)
    for p in phrase_problems:
        print(p.format(), file=sys.stderr)
    ctx = {"root": root, "phrases": phrases, "have": existing_records(root),
           "env": template_env(root), "today": date.today()}
    return {"unit": _new_unit, "practice": _new_practice, "brand": _new_brand,
            "stats": _new_stats}[args.what](args, ctx)


def _check_id(value: str | None, name: str, ctx) -> tuple[str | None, str | None]:
    from ..importers import messages as IM
    from ..naming import is_valid_id, slug_from_name
    if value:
        return (value, None) if is_valid_id(value) else (None, IM.BAD_ID.format(value=value))
    made = slug_from_name(name, ctx["phrases"])
    return (made, None) if made else (None, IM.NO_ID.format(name=name))


def _finish(ctx, rel: str, kind: str, text: str, notes: list[str], last: str | None = None) -> int:
    from ..importers import check_documents, report
    from ..importers import messages as IM
    root = ctx["root"]
    path = root / rel
    if path.exists():
        return _fail((IM.FILE_EXISTS_STATS if kind == "stats" else IM.FILE_EXISTS).format(path=rel))
    problems = check_documents(root, {rel: (kind, text)})
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as fh:  # "x": never overwrite
        fh.write(text)
    print(IM.WRITTEN.format(path=rel))
    for note in notes:
        print(note)
    report(rel, text, problems)
    if last:
        print(last)
    return 0


# ---------------------------------------------------------------- unit

def _new_unit(args, ctx) -> int:
    from .. import messages as M
    from ..importers import messages as IM
    from ..naming import unit_kind
    units = ctx["have"]["unit"]
    name = args.name.strip()
    for uid, u in units.items():
        if str(u.get("name", "")).strip() == name:
            return _fail(IM.UNIT_NAME_EXISTS.format(name=name, path=u["_path"], id=uid))
    uid, err = _check_id(args.id, name, ctx)
    if err:
        return _fail(err)
    notes = []
    kind = args.unit_kind or unit_kind(name)
    if not args.unit_kind:
        notes.append(IM.NEW_UNIT_KIND_GUESSED.format(kind=kind, kind_name=M.KIND_NAMES[kind])
                     if kind else IM.NEW_UNIT_KIND_UNKNOWN)
    parent, region, region_from = None, {"province": "", "city": "", "county": None}, None
    if args.parent:
        parent, err = _unit_or_fail(args.parent, units)
        if err:
            return _fail(err)
        pregion = units[parent].get("region")
        if isinstance(pregion, dict):
            region = {k: pregion.get(k) or ("" if k != "county" else None)
                      for k in ("province", "city", "county")}
            if kind == "bureau" and units[parent].get("kind") == "bureau":
                region["county"] = _county_of(name)  # a county bureau or branch: its own district
            region_from = parent
            notes.append(IM.NEW_REGION_FROM_PARENT.format(parent=parent))
    elif kind in ("station", "post"):
        notes.append(IM.NEW_PARENT_HINT.format(kind_name=M.KIND_NAMES[kind]))
    text = ctx["env"].get_template("unit.yml.j2").render(
        id=uid, name=name, kind=kind, parent=parent, region=region, region_from=region_from)
    return _finish(ctx, f"records/units/{uid}.yml", "unit", text, notes)


def _county_of(name: str) -> str | None:
    """梁山县公安局 → 梁山县; 济宁市公安局市中区分局 → 市中区; else None."""
    import re

    from ..naming import _after_city, strip_province
    base = re.sub(r"(公安分局|分局|公安局)$", "", name)
    base = base.rsplit("公安局", 1)[-1]
    base = _after_city(strip_province(base)) if not base.endswith("市") else strip_province(base)
    return base if len(base) >= 2 and base[-1] in "县区市旗" else None


# ---------------------------------------------------------------- practice

def practice_id(unit_ids: list[str], title: str, phrases) -> str:
    """<unit place>-<quoted name in the title, else the title>: xiagezhuang-sitou."""
    import re

    from ..naming import slug
    base = unit_ids[0].rsplit("-", 1)[0] if unit_ids else ""
    quoted = re.findall(r"[“\"「『]([^”\"」』]{1,12})[”\"」』]", title)
    rest = slug(quoted[0], phrases) if quoted else slug(title, phrases, max_len=PRACTICE_ID_MAX)
    made = "-".join(x for x in (base, rest) if x)
    if len(made) > PRACTICE_ID_MAX:  # cut at a word, not inside one
        cut = made[: PRACTICE_ID_MAX + 1].rsplit("-", 1)[0]
        made = cut if len(cut) > len(base) else made[:PRACTICE_ID_MAX]
    return made.strip("-")


def _new_practice(args, ctx) -> int:
    from ..importers import guess_categories, nearest
    from ..importers import messages as IM
    from ..naming import is_valid_id
    units, have = ctx["have"]["unit"], ctx["have"]
    unit_ids = []
    for value in args.unit:
        uid, err = _unit_or_fail(value, units)
        if err:
            return _fail(err)
        if uid not in unit_ids:
            unit_ids.append(uid)
    cat_ids = [c["id"] for c in have["categories"]]
    notes = []
    if args.category:
        for c in args.category:
            if c not in cat_ids:
                near = nearest(c, cat_ids)
                return _fail(IM.UNKNOWN_CATEGORY.format(
                    value=c, hint=IM.DID_YOU_MEAN.format(near=near) if near else "",
                    choices="、".join(cat_ids)))
        categories, cat_note = list(dict.fromkeys(args.category)), ""
    else:
        categories = guess_categories(args.title, have["categories"], minimum=1)
        if categories:
            notes.append(IM.NEW_CATEGORIES_GUESSED.format(cats="、".join(categories)))
            cat_note = "按标题猜的，请核对"
        else:
            categories = cat_ids[:1]
            notes.append(IM.NEW_CATEGORIES_DEFAULT.format(cat=categories[0] if categories else ""))
            cat_note = "暂填，请改成合适的分类"
    if args.id:
        if not is_valid_id(args.id):
            return _fail(IM.BAD_ID.format(value=args.id))
        pid = args.id
    else:
        pid = practice_id(unit_ids, args.title.strip(), ctx["phrases"])
        if not pid:
            return _fail(IM.NO_ID.format(name=args.title))
        if len(pid) > ID_SUGGESTED:
            notes.append(IM.NEW_ID_LONG.format(id=pid, n=len(pid), max=ID_SUGGESTED))
    month = ctx["today"].strftime("%Y-%m")
    notes.append(IM.NEW_PERIOD_DEFAULT.format(month=month))
    text = render_practice(ctx["env"], have, {
        "id": pid, "title": args.title.strip(), "units": unit_ids,
        "period_start": month, "period_end": month, "period_note": "（暂填本月，请改）",
        "categories": categories, "categories_note": cat_note,
        "sources": [{"title": IM.PLACEHOLDER_TITLE, "publisher": IM.PLACEHOLDER_PUBLISHER}],
    })
    return _finish(ctx, f"records/practices/{pid}.yml", "practice", text, notes, IM.NEW_DRAFT)


def render_practice(env, have: dict, values: dict) -> str:
    """The practice template with defaults for everything not given
    (import-article uses it too)."""
    from ..importers import messages as IM
    data = {"header": [], "status": "draft", "units_comment": [], "period_note": "",
            "categories_note": "", "tags": [], "brand": None, "brand_comment": [],
            "summary": IM.PLACEHOLDER_SUMMARY, "outcomes": [],
            "measures": [{"name": IM.PLACEHOLDER_MEASURE, "detail": IM.PLACEHOLDER_DETAIL}],
            "category_choices": "、".join(c["id"] for c in have["categories"])}
    data.update(values)
    data["sources"] = [{k: src.get(k) for k in ("title", "publisher", "date", "url", "seed")}
                       for src in data["sources"]]
    data["outcomes"] = [{k: o.get(k) for k in ("label", "value", "change", "unit", "period",
                                              "approximate", "yoy", "wording", "note")}
                        for o in data["outcomes"]]
    return env.get_template("practice.yml.j2").render(**data)


# ---------------------------------------------------------------- brand

def _new_brand(args, ctx) -> int:
    unit, err = _unit_or_fail(args.unit, ctx["have"]["unit"])
    if err:
        return _fail(err)
    name = args.name.strip()
    bid, err = _check_id(args.id, name, ctx)
    if err:
        return _fail(err)
    text = ctx["env"].get_template("brand.yml.j2").render(id=bid, name=name, unit=unit)
    return _finish(ctx, f"records/brands/{bid}.yml", "brand", text, [])


# ---------------------------------------------------------------- stats

def _new_stats(args, ctx) -> int:
    from ..importers import messages as IM
    unit, err = _unit_or_fail(args.unit, ctx["have"]["unit"])
    if err:
        return _fail(err)
    y = str(args.year).strip().rstrip("年")
    if not (y.isdigit() and len(y) == 4 and 1949 <= int(y)):
        return _fail(IM.NEW_YEAR_BAD.format(value=args.year))
    year = int(y)
    if year > ctx["today"].year:
        return _fail(IM.NEW_STATS_FUTURE.format(year=year))
    text = ctx["env"].get_template("stats.yml.j2").render(
        unit=unit, unit_name=ctx["have"]["unit"][unit].get("name", unit), year=year,
        metrics=ctx["have"]["metrics"])
    return _finish(ctx, f"records/stats/{unit}/{year}.yml", "stats", text, [])
