"""The draft writer: `jingyan import-article FILE` → records/practices/<id>.yml.

The draft (status: draft) never copies the article's sentences: the summary
and every measure's detail are marked placeholders for the staff member to
write in their own words. Units found that already have a record go into
`units` by id; the others go into `unlinked_units`, which `jingyan validate`
reports one by one with the `jingyan new unit` command that creates them.
Each figure keeps the article's own words for it (`wording`) beside the
parsed value, and its period resolved against the publication date.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from .. import messages as IM
from .. import say
from .brands import brand_core
from .cleanup import CJK
from .extract import extract


def add_arguments(p):
    p.add_argument("file", help="文章文件：纯文本（.txt）或网页（.html）")
    p.add_argument("--out", help="草稿写到这个文件夹（默认 records/practices/）")
    p.add_argument("--id", help="草稿编号（默认由单位和标题的拼音生成）")
    p.add_argument("--unit", action="append",
                   help="所属单位编号或全称（文中的单位认不出来时指定；可写多次）")


def run(args) -> int:
    from datetime import date as Date

    from ...commands.new import practice_id, render_practice
    from ...naming import is_valid_id, load_phrases, slug_from_name, split_unit_name
    from .. import (check_documents, existing_records, guess_categories, inputs_ready,
                   read_input_text, rel_to, report, resolve_unit, template_env)

    root = Path(args.root)
    src = Path(args.file)
    if not inputs_ready(root, src, IM.ARTICLE_MISSING):
        return 1
    have = existing_records(root)
    phrases, _ = load_phrases(root)
    # the place names the repository knows help tell a name from a common word
    places = [split_unit_name(str(u.get("name", "")))[0] for u in have["unit"].values()] + list(phrases)
    art = extract(read_input_text(src), src.name, places=places)
    if not art.body:
        say(IM.ARTICLE_EMPTY, file=sys.stderr)
        return 1
    today = Date.today()

    for note in art.notes:
        say(note)
    say(IM.ARTICLE_TITLE.format(title=art.title) if art.title else IM.ARTICLE_NO_TITLE)
    say(IM.ARTICLE_PUBLISHER.format(publisher=art.publisher) if art.publisher else IM.ARTICLE_NO_PUBLISHER)
    say(IM.ARTICLE_DATE.format(date=art.date) if art.date else IM.ARTICLE_NO_DATE)

    # units: linked to records, or listed for the staff member to create
    linked: list[str] = []
    unmatched: list[tuple[str, str]] = []
    say(IM.ARTICLE_UNITS.format(n=len(art.units)))
    for name, _ in art.units:
        uid, _near = resolve_unit(name, have["unit"])
        if name in art.cited_only:
            say(IM.ARTICLE_UNIT_CITED.format(name=name, id=uid or slug_from_name(name, phrases)))
            continue
        if uid:
            say(IM.ARTICLE_UNIT_LINKED.format(name=name, id=uid))
            if uid not in linked:
                linked.append(uid)
        else:
            suggestion = slug_from_name(name, phrases)
            say(IM.ARTICLE_UNIT_UNMATCHED.format(name=name, slug=suggestion))
            unmatched.append((name, suggestion))
    explicit = []
    for value in args.unit or []:
        uid, near = resolve_unit(value, have["unit"])
        if not uid:
            hint = IM.DID_YOU_MEAN.format(near=near) if near else ""
            say(IM.UNKNOWN_UNIT.format(value=value, hint=hint + IM.UNKNOWN_UNIT_HINT), file=sys.stderr)
            return 1
        explicit.append(uid)
    linked = list(dict.fromkeys(explicit + linked))
    units_comment = []
    if unmatched:
        units_comment.append("unlinked_units：文中提到、还没有记录的单位。逐个建立或关联，把编号加进 units，再删去这一项：")
        units_comment += [f"  {n}：jingyan new unit --name {n}（建议编号 {s}）" for n, s in unmatched]

    # brands
    brand_ids = {}
    for bid, b in have["brand"].items():
        brand_ids.setdefault(brand_core(str(b.get("name", ""))), bid)
    if art.brands:
        say(IM.ARTICLE_BRANDS.format(n=len(art.brands), names="、".join(art.brands)))
    brand, brand_comment = None, []
    ranked = sorted(art.brands, key=lambda b: (0 if art.title and brand_core(b) in art.title else 1,
                                               -"\n".join(art.body).count(brand_core(b))))
    body_all = "\n".join(art.body)
    for b in ranked:
        in_title = bool(art.title and brand_core(b) in art.title)
        if brand_core(b) in brand_ids and (in_title or body_all.count(brand_core(b)) >= 2):
            brand = brand_ids[brand_core(b)]
            say(IM.ARTICLE_BRAND_LINKED.format(id=brand, name=b))
            break
    others = [b for b in art.brands if brand_ids.get(brand_core(b)) != brand]
    if others:
        brand_comment.append("文中其他品牌、工作法：" + "、".join(
            b + (f"（{brand_ids[brand_core(b)]}）" if brand_core(b) in brand_ids else "（还没有记录）")
            for b in others))

    # measures and figures
    if art.measures:
        say(IM.ARTICLE_MEASURES.format(n=len(art.measures), names="、".join(art.measures)))
    measures = [{"name": m, "detail": IM.PLACEHOLDER_DETAIL} for m in art.measures] or None
    outcomes = []
    say(IM.ARTICLE_OUTCOMES.format(n=len(art.figures)))
    several = len({n for n, _ in art.units}) > 1
    for f in art.figures:
        period = f.period.label() if f.period else None
        shown = (f"{f.label}：" + (f"{'+' if f.change > 0 else ''}{_num(f.change)}{f.unit}" if f.change is not None
                                   else f"{_num(f.value)}{f.unit}")
                 + ("（约数）" if f.approximate else "") + ("（同比）" if f.yoy else "")
                 + f"（原文“{f.wording}”）" + (f"，统计期：{period}" if period else "")
                 + (f"，{f.near_unit}" if several and f.near_unit else "") + f"　← “…{f.context}”")
        say(IM.ARTICLE_OUTCOME.format(text=shown))
        outcomes.append({"label": f.label, "value": f.value, "change": f.change, "unit": f.unit,
                         "period": period, "approximate": f.approximate, "yoy": f.yoy,
                         "wording": f.wording, "note": f.near_unit if several else None})

    # categories, period, sources
    body = "\n".join(([art.title] if art.title else []) + art.body)
    categories = guess_categories(body, have["categories"])
    if categories:
        say(IM.ARTICLE_CATEGORIES.format(cats="、".join(categories)))
    else:
        categories = [c["id"] for c in have["categories"]][:1]
        say(IM.NEW_CATEGORIES_DEFAULT.format(cat=categories[0] if categories else ""))
    spans = [f.period for f in art.figures if f.period and f.period.resolved
             and (not art.date or f.period.end <= art.date[:7])]
    if art.date:
        y, m = art.date[:4], art.date[5:7]
        period = (min([p.start for p in spans], default=f"{y}-{m}"), max([p.end for p in spans], default=f"{y}-{m}"))
        how = IM.ARTICLE_PERIOD_HOW["date"]
    else:
        period = (today.strftime("%Y-%m"),) * 2
        how = IM.ARTICLE_PERIOD_HOW["today"]
    say(IM.ARTICLE_PERIOD.format(how=how, start=period[0], end=period[1]))
    seed = src.name if src.resolve().parent.name == "seeds" else None
    source = {"title": art.title or IM.PLACEHOLDER_TITLE,
              "publisher": art.publisher or IM.PLACEHOLDER_PUBLISHER,
              "date": art.date, "url": art.url, "seed": seed}
    for pid, p in have["practice"].items():
        for s in p.get("sources") or []:
            if isinstance(s, dict) and seed and s.get("seed") == seed:
                say(IM.ARTICLE_SEED_DUP.format(path=p["_path"], seed=seed))
            elif isinstance(s, dict) and art.title and s.get("title") == art.title:
                say(IM.ARTICLE_TITLE_DUP.format(path=p["_path"]))

    # id and file
    if args.id:
        if not is_valid_id(args.id):
            say(IM.BAD_ID.format(value=args.id), file=sys.stderr)
            return 1
        pid = args.id
    else:
        unit_part = linked[:1] or [slug_from_name(n, phrases) for n, _ in art.units[:1]]
        rest = art.title or ""
        for name, _ in art.units:
            rest = rest.replace(name, "")
        # 泾源县公安局五措施推动社区警务走深走实 → jingyuan-wucuoshitui
        title_for_id = "“" + "".join(re.findall(f"[{CJK}]", rest))[:4] + "”" if rest else ""
        # the brand it shows (laixi-moshi), else <unit>-<title>
        pid = brand or practice_id(unit_part, title_for_id, phrases) or "draft"
    out_dir = Path(args.out) if args.out else root / "records" / "practices"
    base_id, n = pid, 2
    while (out_dir / f"{pid}.yml").exists() or (root / "records" / "practices" / f"{pid}.yml").exists() \
            or pid in have["practice"]:
        pid = f"{base_id}-{n}"[:64]
        n += 1
    if pid != base_id:
        say(IM.ARTICLE_ID_TAKEN.format(id=base_id, new=pid))
    header = [f"草稿：由 jingyan import-article 从 {src.name} 生成。数字和名称是从原文中自动找出的，请逐条核对；",
              "摘要和每项做法的 detail 请用自己的话写，不要照抄原文。"]
    values = {"id": pid, "title": art.title or IM.PLACEHOLDER_PRACTICE_TITLE, "units": linked,
              "unlinked_units": [n for n, _ in unmatched], "units_comment": units_comment, "period_start": period[0], "period_end": period[1],
              "period_note": f"（按{how}暂定，请核对）", "categories": categories,
              "categories_note": "按关键词猜的，请核对", "brand": brand, "brand_comment": brand_comment,
              "tags": [b.replace("“", "").replace("”", "") for b in art.brands[:5]],
              "outcomes": outcomes, "sources": [source], "header": header}
    if measures:
        values["measures"] = measures
    text = render_practice(template_env(root), have, values)
    target = out_dir / f"{pid}.yml"
    rel = rel_to(target, root)
    as_record = f"records/practices/{pid}.yml"
    problems = check_documents(root, {as_record: ("practice", text)}, today)
    problems = [type(p)(rel, p.line, p.column, p.message) for p in problems] + _unlinked_warnings(rel, text)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    say(IM.WRITTEN_DRAFT.format(path=rel))
    if not linked:
        say(IM.ARTICLE_NO_UNITS)
    report(rel, text, problems)
    return 0


def _unlinked_warnings(path: str, text: str) -> list:
    """What `jingyan validate` will say about the draft's unlinked units (warnings, not
    errors, in a draft), at the same line and column, so the import lists them too."""
    import yaml
    from ... import messages as M
    from ...problems import Problem
    node = yaml.compose(text)
    for k, v in node.value:
        if k.value == "unlinked_units" and isinstance(v, yaml.SequenceNode):
            return [Problem(path, i.start_mark.line + 1, i.start_mark.column + 1,
                            M.WARN_UNLINKED_UNIT.format(name=i.value)) for i in v.value]
    return []


def _num(x: float) -> str:
    from .. import yaml_number
    return yaml_number(x)

