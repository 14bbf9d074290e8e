"""The loader: reading files safely (read_text), YAML to nodes (parse_yaml) and
the whole tree (load_tree)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
import yaml

import generator.load as load
from generator import messages as M
from generator.load import load_tree, parse_yaml, read_text, walk_nodes
from generator.problems import Problem

UNIT = "id: dongshan-post\nname: 东山警务室\nkind: post\n"


@pytest.fixture(params=["libyaml", "python"])
def parser(request, monkeypatch):
    """Run a test with the C parser (when installed) and with PyYAML's own: the
    nodes and the messages must not depend on which one reads the file."""
    if request.param == "libyaml":
        if load._FAST_LOADER is None:
            pytest.skip("PyYAML without libyaml")
    else:
        monkeypatch.setattr(load, "_FAST_LOADER", None)
    return request.param


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ---------------------------------------------------------------- read_text

def test_read_text_plain_utf8(tmp_path):
    path = write(tmp_path, "a.yml", UNIT)
    assert read_text(path, tmp_path) == (UNIT, None)


def test_read_text_keeps_windows_line_ends(tmp_path):
    text = UNIT.replace("\n", "\r\n")
    assert read_text(write(tmp_path, "a.yml", text), tmp_path) == (text, None)


@pytest.mark.parametrize("data, line, col, message", [
    (UNIT.encode("gbk"), 2, 7, M.FILE_GBK),
    (b"id: x\nname: \xff\xff\xff\n", 2, 7, M.FILE_NOT_UTF8),
    (UNIT.encode("utf-16"), 1, 1, M.FILE_UTF16),
    (UNIT.encode("utf-16-be"), 1, 1, M.FILE_UTF16),  # no BOM: recognised by its NUL bytes
    (UNIT.encode("utf-8-sig"), 1, 1, M.FILE_BOM),
    (b"id: x\nname: a\x00b\n", 2, 8, M.FILE_BINARY),
    (b"", 1, 1, M.FILE_EMPTY),
    (b" \n\t\n\r\n", 1, 1, M.FILE_EMPTY),
])
def test_read_text_refuses_with_position(tmp_path, data, line, col, message):
    text, problem = read_text(write(tmp_path, "records/units/a.yml", data), tmp_path)
    assert text is None
    assert problem == Problem("records/units/a.yml", line, col, message)


def test_gbk_position_counts_characters_not_bytes(tmp_path):
    data = "name: 东山".encode("utf-8") + "警务室".encode("gbk")
    problem = read_text(write(tmp_path, "a.yml", data), tmp_path)[1]
    assert (problem.line, problem.column, problem.message) == (1, 9, M.FILE_GBK)


def test_read_text_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "MAX_BYTES", 100)
    path = write(tmp_path, "a.yml", "a: " + "x" * 200)
    problem = read_text(path, tmp_path)[1]
    assert problem.message == M.FILE_TOO_BIG.format(mb=203 / 2**20, max=0)
    assert read_text(write(tmp_path, "b.yml", "a: " + "x" * 97), tmp_path)[1] is None


def test_read_text_50_mb_is_refused_without_reading(tmp_path):
    path = tmp_path / "a.yml"
    with path.open("wb") as fh:  # sparse: nothing is ever read
        fh.truncate(50 * 2**20)
    start = time.monotonic()
    problem = read_text(path, tmp_path)[1]
    assert time.monotonic() - start < 1
    assert problem.message.startswith("文件大小 50.0 MB，超过单个记录文件的上限 2 MB")


def test_read_text_directory(tmp_path):
    (tmp_path / "x.yml").mkdir()
    assert read_text(tmp_path / "x.yml", tmp_path)[1] == Problem("x.yml", 0, 0, M.FILE_IS_DIR)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_read_text_symlinks(tmp_path):
    root, outside = tmp_path / "repo", tmp_path / "outside"
    root.mkdir()
    write(outside, "secret.yml", UNIT)
    write(root, "real.yml", UNIT)
    os.symlink(outside / "secret.yml", root / "out.yml")
    os.symlink(root / "real.yml", root / "in.yml")
    os.symlink(outside, root / "folder")
    os.symlink("loop.yml", root / "loop.yml")
    os.symlink("missing.yml", root / "dangling.yml")
    assert read_text(root / "out.yml", root)[1].message == M.FILE_SYMLINK_OUT
    assert read_text(root / "folder" / "secret.yml", root)[1].message == M.FILE_SYMLINK_OUT
    assert read_text(root / "in.yml", root) == (UNIT, None)  # inside the repository: fine
    assert read_text(root / "loop.yml", root)[1].message == M.FILE_SYMLINK_LOOP
    assert read_text(root / "dangling.yml", root)[1].message == M.FILE_SYMLINK_BROKEN


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_read_text_fifo_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "a.yml")
    assert read_text(tmp_path / "a.yml", tmp_path)[1].message == M.FILE_NOT_REGULAR


# ---------------------------------------------------------------- parse_yaml

def test_parse_yaml_nodes_keep_positions_tags_and_style(parser):
    node, problem = parse_yaml("id: a\nname: '东山'\nsample: yes\nn: 07\nd: 2020-01-02\nt: |\n  x\ne:\n", "f")
    assert problem is None and isinstance(node, yaml.MappingNode)
    got = [(k.value, v.tag.rsplit(":", 1)[1], v.style, v.start_mark.line + 1, v.start_mark.column + 1)
           for k, v in node.value]
    assert got == [("id", "str", None, 1, 5), ("name", "str", "'", 2, 7), ("sample", "bool", None, 3, 9),
                   ("n", "int", None, 4, 4), ("d", "timestamp", None, 5, 4), ("t", "str", "|", 6, 4),
                   ("e", "null", None, 8, 3)]


def test_parse_yaml_refuses_anchors_and_aliases(parser):
    assert parse_yaml("a: &x 1\nb: 2\n", "f")[1] == Problem("f", 1, 4, M.YAML_ANCHOR)
    assert parse_yaml("a: 1\nb: *x\n", "f")[1] == Problem("f", 2, 4, M.YAML_ANCHOR)


def test_parse_yaml_alias_bomb_is_refused_quickly(parser):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    start = time.monotonic()
    assert parse_yaml("\n".join(lines) + "\n", "f")[1] == Problem("f", 1, 4, M.YAML_ANCHOR)
    assert time.monotonic() - start < 1


@pytest.mark.parametrize("text, line, col", [
    ("a: " + "[" * 10_000 + "]" * 10_000, 1, 35),  # the 32nd "[" is the 33rd level
    ("a: " + "{b: " * 10_000 + "}" * 10_000, 1, 125),  # the key "b" of the 31st "{"
    ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 40)) + "  " * 40 + "x\n", 33, 65),
], ids=["flow-lists", "flow-mappings", "block-lists"])
def test_parse_yaml_depth_limit(parser, text, line, col):
    start = time.monotonic()
    assert parse_yaml(text, "f")[1] == Problem("f", line, col, M.YAML_TOO_DEEP.format(n=load.MAX_DEPTH))
    assert time.monotonic() - start < 2


def test_parse_yaml_depth_limit_allows_records(parser):
    assert parse_yaml("a:\n" + "".join("  " * i + "- \n" for i in range(1, 31)) + "  " * 31 + "x\n", "f")[1] \
        is None


@pytest.mark.parametrize("text, problem", [
    ("# 只有注释\n", Problem("f", 1, 1, M.FILE_NO_CONTENT)),
    ("---\n", Problem("f", 1, 1, M.FILE_NO_CONTENT)),
    ("a: 1\n---\nb: 2\n", Problem("f", 2, 1, M.YAML_MULTI_DOC)),
    ('a: "x\nb: 1\n', Problem("f", 1, 4, M.YAML_QUOTE)),
    ("a: 'x\r\nb: 1\r\n", Problem("f", 1, 4, M.YAML_QUOTE)),
    ("a:x\nb: 1\n", Problem("f", 1, 1, M.YAML_COLON)),
    ("a: 1\nb\n", Problem("f", 2, 1, M.YAML_NO_COLON)),
    ("a: 1\n\tb: 2\n", Problem("f", 2, 1, M.YAML_TAB.format(n=0, m=2))),
    ("a: 标题: 副标题\n", Problem("f", 1, 6, M.YAML_COLON_IN_TEXT)),
    ('a: "四头"工作法\n', Problem("f", 1, 8, M.YAML_AFTER_QUOTE)),
    ("a: [1, 2\nb: 1\n", Problem("f", 1, 4, M.YAML_FLOW)),
    ("a: [1, [2\n", Problem("f", 1, 8, M.YAML_FLOW)),
    ("a: [1, 2]]\n", Problem("f", 1, 10, M.YAML_FLOW_EXTRA.format(char="]"))),
    ("a: - 1\n", Problem("f", 1, 4, M.YAML_SEQ_HERE)),
    ("a: b\n- c\n", Problem("f", 2, 1, M.YAML_MIXED)),
    ("a: x\n b: y\n", Problem("f", 2, 2, M.YAML_INDENT)),
    ("a: 1\n  b: y\n", Problem("f", 2, 3, M.YAML_INDENT)),
    ("a: x\nb: y: z\n", Problem("f", 2, 5, M.YAML_COLON_IN_TEXT)),
    ("a: %x\n", Problem("f", 1, 4, M.YAML_BAD_START.format(char="%"))),
    ('a: "C:\\d"\n', Problem("f", 1, 7, M.YAML_ESCAPE)),
    ("a: b\x07c\n", Problem("f", 1, 5, M.YAML_CONTROL_CHAR.format(code="U+0007"))),
], ids=lambda v: "" if isinstance(v, Problem) else repr(v)[:30])
def test_parse_yaml_explains_errors(parser, text, problem):
    assert parse_yaml(text, "f") == (None, problem)


def test_walk_nodes_visits_every_node_in_document_order():
    node = parse_yaml("a: [1, {b: 2}]\nc: 3\n", "f")[0]
    assert [n.value for n in walk_nodes(node) if isinstance(n, yaml.ScalarNode)] == ["a", "1", "b", "2", "c", "3"]


# ---------------------------------------------------------------- load_tree

def test_load_tree_reads_config_and_records_in_a_fixed_order(repo):
    docs, problems = load_tree(repo)
    assert problems == []
    assert [(d.kind, d.path) for d in docs] == [
        ("site", "site_config/site.yml"), ("metrics", "site_config/metrics.yml"),
        ("categories", "site_config/categories.yml"),
        ("unit", "records/units/laixi-psb.yml"), ("unit", "records/units/xiagezhuang-pcs.yml"),
        ("practice", "records/practices/xiagezhuang-sitou.yml"),
        ("brand", "records/brands/sitou-gongzuofa.yml"),
        ("stats", "records/stats/xiagezhuang-pcs/2019.yml")]


def test_load_tree_reports_files_it_would_never_read(repo):
    write(repo, "records/units/a.yaml.txt", UNIT)
    write(repo, "records/units/sub/a.yml", UNIT)
    write(repo, "records/stats/xiagezhuang-pcs/old/2018.yml", "x: 1\n")
    write(repo, "records/stats/2018.yml", "x: 1\n")
    write(repo, "records/units/README.md", "说明\n")  # allowed
    write(repo, "records/units/.gitkeep", "")  # hidden: ignored
    (repo / "records/brands/x.yml").mkdir()
    docs, problems = load_tree(repo)
    assert [(p.path, p.message) for p in problems] == [
        ("records/brands/x.yml", M.FILE_IS_DIR),
        ("records/stats/2018.yml", M.STATS_NOT_IN_FOLDER),
        ("records/units/a.yaml.txt", M.FILE_WRONG_EXT.format(right="a.yml")),
        ("records/units/sub/a.yml", M.FILE_TOO_DEEP.format(where="records/units/<编号>.yml")),
        ("records/stats/xiagezhuang-pcs/old/2018.yml",
         M.FILE_TOO_DEEP.format(where="records/stats/<单位编号>/<年份>.yml")),
    ]


def test_load_tree_missing_config_uses_packaged_default(repo):
    (repo / "site_config/metrics.yml").unlink()
    docs, problems = load_tree(repo)
    assert problems == []
    assert any(d.kind == "metrics" for d in docs)


def test_load_tree_not_a_repository(tmp_path):
    assert load_tree(tmp_path)[1] == [Problem("records/", 0, 0, M.NOT_A_REPOSITORY)]


def test_load_tree_other_records_folder(repo, tmp_path):
    other = tmp_path / "other"
    write(other, "records/units/a.yml", UNIT)
    docs, problems = load_tree(repo, other)  # no site_config there: the repository's is used
    assert problems == [] and [d.path for d in docs][3:] == ["records/units/a.yml"]


def test_load_tree_speed(tmp_path):
    """1,000 ordinary records load in well under the time staff would wait."""
    import shutil
    from conftest import make_repo
    root = make_repo(tmp_path / "repo")
    unit = (root / "records/units/xiagezhuang-pcs.yml").read_text(encoding="utf-8")
    for i in range(1000):
        write(root, f"records/units/u{i}.yml", unit.replace("xiagezhuang-pcs", f"u{i}"))
    start = time.monotonic()
    docs, problems = load_tree(root)
    assert problems == [] and len(docs) == 1008
    assert time.monotonic() - start < 10
    shutil.rmtree(root)
