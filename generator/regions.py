"""One records tree, several sites: restrict the records to one unit's subtree.

A province (or any bureau) is built as its own site with `--region UNIT_ID`
(or JINGYAN_REGION); `jingyan build-regions` builds every configured region
and a landing page that links them.
"""
from __future__ import annotations

from dataclasses import replace

from .model import Records


def subtree(records: Records, root_id: str) -> set[str]:
    """The unit and everything below it."""
    children: dict[str, list[str]] = {}
    for u in records.units.values():
        if u.parent:
            children.setdefault(u.parent, []).append(u.id)
    out, todo = set(), [root_id]
    while todo:
        uid = todo.pop()
        if uid not in out:
            out.add(uid)
            todo += children.get(uid, [])
    return out


def restrict(records: Records, root_id: str) -> Records:
    keep = subtree(records, root_id)
    units = {k: u for k, u in records.units.items() if k in keep}
    # the region's root keeps its place but loses the parent outside the site
    units[root_id] = replace(units[root_id], parent=None)
    brands = {k: b for k, b in records.brands.items() if b.unit in keep}
    practices = {}
    for k, p in records.practices.items():
        if any(u in keep for u in p.units):
            practices[k] = replace(p, units=[u for u in p.units if u in keep],
                                   brand=p.brand if p.brand in brands else None)
    return replace(records, units=units, brands=brands, practices=practices,
                   drafts={}, stats=[s for s in records.stats if s.unit in keep])
