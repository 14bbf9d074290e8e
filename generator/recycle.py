"""Build into the folder of the site before last instead of an empty one.

`jingyan build` writes into a temporary folder and swaps it in whole. With an
empty folder every build creates each of the site's tens of thousands of
files and folders anew, and the old site's are deleted. On a file system
that is slow to create files right after deleting many (ext4 without a
journal scans past every inode deleted in the last half minute: measured at
8 s of a 52 s warm province build), that alone costs more than our stages.

So the replaced site is kept as a spare (in the cache folder) and the next
build adopts it as its temporary folder: MkDocs and the plugin then
overwrite the files in place (the same inode, no new one), and the files
this build did not write are swept out before the swap. The result is the
same site, byte for byte, as a build into an empty folder.

What the sweep relies on: every writer into the site writes (or links)
each file it produces, even when the content is the same, so that a file's
status-change time moves. A file whose inode and ctime are what they were
when the spare was adopted was not produced by this build and goes.
Hard-linked files (charts, shared with the chart cache) are unlinked on
adoption: a writer opening one in place would change the cache's copy.

A file that already holds exactly the bytes to be written is only touched
(`write`: its ctime moves, so the sweep keeps it): rewriting it in place
would free and allocate its blocks again (measured 60 to 140 µs a file here,
against 12 µs to compare and touch). MkDocs' page writer is routed through it
while an adopted folder is being built.

Only on POSIX systems (on Windows ctime is the creation time), only from
`jingyan build` (which passes the spare's path in JINGYAN_SPARE).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Optional

SPARE_ENV = "JINGYAN_SPARE"

# site folder → ({relative path: (inode, ctime ns)} of the files adopted into it, its folders)
_adopted: dict[str, tuple[dict[str, tuple[int, int]], list[str]]] = {}


def enabled() -> bool:
    return os.name == "posix"


def adopt(site_dir: Path) -> Optional[int]:
    """Move the spare named by JINGYAN_SPARE into `site_dir` (which MkDocs has
    just emptied) and remember its files. Returns how many files it brought,
    None when there was nothing to adopt."""
    spare = os.environ.get(SPARE_ENV)
    if not spare or not enabled() or not os.path.isdir(spare):
        return None
    site_dir = Path(site_dir)
    try:
        if site_dir.exists():
            site_dir.rmdir()                    # empty, or this is not the case we handle
        os.replace(spare, site_dir)
    except OSError:
        return None
    found: dict[str, tuple[int, int]] = {}
    folders: list[str] = []
    _scan(str(site_dir), "", found, folders)
    _adopted[str(site_dir)] = found, folders
    _route_page_writes(True)
    return len(found)


def write(path: str, data: bytes) -> None:
    """Write `data` to `path` (creating its folder), or only touch the file
    when it is not shared with another name and holds exactly `data`."""
    try:
        st = os.stat(path)
        if st.st_nlink == 1 and st.st_size == len(data):
            with open(path, "rb") as fh:
                same = fh.read() == data
            if same:
                os.utime(path)
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def _write_file(content: bytes, output_path: str) -> None:
    """`write` with mkdocs.utils.write_file's signature."""
    write(output_path, content)


_mkdocs_write = None


def _route_page_writes(on: bool) -> None:
    """MkDocs writes pages (and the search index) through mkdocs.utils.write_file."""
    global _mkdocs_write
    import mkdocs.utils
    if on and _mkdocs_write is None:
        _mkdocs_write, mkdocs.utils.write_file = mkdocs.utils.write_file, _write_file
    elif not on and _mkdocs_write is not None:
        mkdocs.utils.write_file, _mkdocs_write = _mkdocs_write, None


def _scan(folder: str, prefix: str, found: dict, folders: list) -> None:
    with os.scandir(folder) as it:
        for entry in it:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                folders.append(rel)
                _scan(entry.path, rel + "/", found, folders)
                continue
            st = entry.stat(follow_symlinks=False)
            if entry.is_symlink() or st.st_nlink > 1:
                os.unlink(entry.path)           # shared with another file: never written through
            else:
                found[rel] = (st.st_ino, st.st_ctime_ns)


def sweep(site_dir: Path) -> int:
    """Delete the adopted files this build did not write, then the adopted
    folders left empty (deepest first). Returns how many files went."""
    found, folders = _adopted.pop(str(site_dir), ({}, []))
    _route_page_writes(False)
    gone = 0
    for rel, was in found.items():
        path = os.path.join(site_dir, rel)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if (st.st_ino, st.st_ctime_ns) == was:
            os.unlink(path)
            gone += 1
    for rel in reversed(folders):              # scanned parents first: reversed, children first
        try:
            os.rmdir(os.path.join(site_dir, rel))
        except OSError:
            pass                               # not empty: still in use
    return gone


def forget(site_dir: Path) -> None:
    """After a build, swept or failed (a failed build's folder is deleted whole)."""
    _adopted.pop(str(site_dir), None)
    _route_page_writes(False)


def keep(old_site: Path, spare: Path) -> bool:
    """Keep the replaced site as the next build's spare. False when it cannot
    be moved there (another file system): the caller deletes it."""
    if not enabled():
        return False
    try:
        spare.parent.mkdir(parents=True, exist_ok=True)
        if spare.exists():
            shutil.rmtree(spare, ignore_errors=True)
        os.replace(old_site, spare)
        return True
    except OSError:
        return False
