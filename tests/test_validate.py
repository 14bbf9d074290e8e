"""`jingyan validate` against the bad-input corpus (tests/bad_records/cases.yml),
plus the output formats, the exit codes and the privacy allow-list and waivers.

Every case must report exactly the expected problems (file:line:column and the
message's distinctive part), exit 1 and never print a traceback.

Bounds: ordinary cases run in-process and must finish within CASE_SECONDS. The
hostile ones (alias bomb, 10,000-deep nesting, 50 MB file) run in a subprocess
limited to MEMORY_LIMIT of address space (RLIMIT_AS) and HOSTILE_TIMEOUT
seconds of wall time; their peak memory (ru_maxrss) must stay under
HOSTILE_MAX_RSS_KB.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from conftest import BAD, REPO, TODAY, make_repo
import generator.load as load
from generator.cli import main

CASES = yaml.safe_load((BAD / "cases.yml").read_text(encoding="utf-8"))
EXPECT_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<part>.+)$")

CASE_SECONDS = 5
MEMORY_LIMIT = 1 << 30  # 1 GiB of address space for a hostile case
HOSTILE_TIMEOUT = 20  # seconds
HOSTILE_MAX_RSS_KB = 128 * 1024  # a hostile file must not make the validator grow past 128 MiB

POST = textwrap.dedent("""\
    id: dongshan-post
    name: 东山警务室
    kind: post
    parent: xiagezhuang-pcs
    region:
      province: 山东省
      city: 青岛市
    """)

# Peak memory: VmHWM of this very process where Linux has it; ru_maxrss would
# also count the memory of the (large) pytest process it was forked from.
_RUNNER = textwrap.dedent("""\
    import re, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    from generator.cli import main
    rc = main(sys.argv[1:])
    sys.stdout.flush()
    try:
        with open("/proc/self/status") as fh:
            peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", fh.read()).group(1))
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("MAXRSS_KB=%d" % peak, file=sys.stderr)
    sys.exit(rc)
    """)


# ---------------------------------------------------------------- building a case

def _symlink(target, link: Path, **kw):
    try:
        os.symlink(target, link, **kw)
    except (OSError, NotImplementedError) as e:  # Windows without the privilege
        pytest.skip(f"cannot create symlinks here: {e}")


def _generate(kind: str, at: Path, outside: Path) -> None:
    at.parent.mkdir(parents=True, exist_ok=True)
    if kind == "deep-nesting":  # 10,000 nested lists in 20 KB
        at.write_text("id: dongshan-post\nname: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    elif kind == "huge-50mb":  # exactly 50 MiB, written in pieces
        size, chunk = 50 * 2**20, ("哈" * 349_525 + "\n").encode("utf-8")  # 1 MiB
        with at.open("wb") as fh:
            head = b"id: dongshan-post\ndescription: |\n"
            fh.write(head)
            written = len(head)
            while written + len(chunk) <= size:
                fh.write(chunk)
                written += len(chunk)
            fh.write(b"a" * (size - written))
        assert at.stat().st_size == size
    elif kind == "symlink-out":
        outside.mkdir(parents=True, exist_ok=True)
        (outside / "dongshan-post.yml").write_text(POST, encoding="utf-8")
        _symlink(outside / "dongshan-post.yml", at)
    elif kind == "symlink-dir-out":
        outside.mkdir(parents=True, exist_ok=True)
        (outside / "2020.yml").write_text("unit: laixi-psb\nyear: 2020\nmonths: {}\n", encoding="utf-8")
        _symlink(outside, at, target_is_directory=True)
    elif kind == "symlink-loop":
        _symlink(at.name, at)
    else:
        raise AssertionError(f"unknown generate: {kind}")


def build_case(case: dict, tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo")
    for rel in case.get("files", []):
        dst = root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BAD / case["name"] / rel, dst)
    if "generate" in case:
        _generate(case["generate"], root / case["at"], tmp_path / "outside")
    return root


def run_hostile(root: Path) -> tuple[int, str, str, int, float]:
    """(exit code, stdout, stderr, peak RSS in KiB, seconds) of validate in a
    memory-limited subprocess."""
    pytest.importorskip("resource")  # POSIX only
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER.format(limit=MEMORY_LIMIT),
         "validate", "--root", str(root), "--today", TODAY.isoformat()],
        capture_output=True, timeout=HOSTILE_TIMEOUT, cwd=REPO, env=env)
    seconds = time.monotonic() - start
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    rss = re.search(r"MAXRSS_KB=(\d+)", err)
    assert rss, err
    return proc.returncode, out, err, int(rss.group(1)), seconds


def check_output(case: dict, out: str) -> None:
    """The problems printed are exactly the expected ones, each matched once:
    by the message's distinctive part, or (`exact: true`) the whole message."""
    printed = [ln for ln in out.splitlines() if ln.strip() and not ln.startswith("全部记录检查通过")]
    expected = [EXPECT_RE.match(e) for e in case["expect"]]
    assert all(expected), case["expect"]
    unmatched = list(printed)
    for m in expected:
        prefix = f"{m['path']}:{m['line']}:{m['col']}: "
        hits = [ln for ln in unmatched if ln.startswith(prefix) and (
            m["part"] == ln[len(prefix):] if case.get("exact") else m["part"] in ln[len(prefix):])]
        assert hits, f"expected «{m.group(0)}», got:\n" + "\n".join(printed)
        unmatched.remove(hits[0])
    assert not unmatched, "unexpected problems:\n" + "\n".join(unmatched)


# ---------------------------------------------------------------- the corpus

@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_record(case, tmp_path, capsys):
    root = build_case(case, tmp_path)
    if case.get("hostile"):
        rc, out, err, rss_kb, seconds = run_hostile(root)
        assert rss_kb < HOSTILE_MAX_RSS_KB, f"peak memory {rss_kb} KiB"
    else:
        start = time.monotonic()
        rc = main(["validate", "--root", str(root), "--today", TODAY.isoformat()])
        seconds = time.monotonic() - start
        out, err = capsys.readouterr()
        assert seconds < CASE_SECONDS
    assert "Traceback" not in out + err
    assert rc == case.get("exit", 1), out + err
    check_output(case, out)
    if rc:
        assert f"共发现 {len(case['expect'])} 处问题。" in err


def test_corpus_is_complete():
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    assert len(names) >= 150  # 94 before issue 14 added its cases
    folders = {p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith("_")}
    committed = {c["name"] for c in CASES if c.get("files")}
    assert folders == committed, "every folder has a case, every case with files has its folder"
    for case in CASES:
        assert case.get("files") or case.get("generate"), case["name"]
        if case.get("files"):  # the manifest lists exactly what the folder holds
            folder = BAD / case["name"]
            held = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
            assert held == sorted(case["files"]), case["name"]
    kinds = {c["kind"] for c in CASES}
    assert {"syntax", "fields", "files", "hostile", "yaml11", "values", "references", "stats",
            "privacy", "text", "limits", "spoof"} <= kinds


# ---------------------------------------------------------------- exit codes and formats

def test_valid_repo_exits_0(repo, capsys):
    assert main(["validate", "--root", str(repo), "--today", TODAY.isoformat()]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("全部记录检查通过：2 个单位、1 条经验做法（另有 0 条草稿）、1 个品牌、1 个统计文件。")
    assert "Traceback" not in out + err


def test_github_format(tmp_path, capsys):
    case = next(c for c in CASES if c["name"] == "privacy-waiver-unknown-field")
    root = build_case(case, tmp_path)
    assert main(["validate", "--root", str(root), "--today", TODAY.isoformat(), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(
        "::error file=records/units/dongshan-post.yml,line=8,col=19,title=记录有误::发现手机号码：138****5678。")
    assert lines[1].startswith(
        "::error file=records/units/dongshan-post.yml,line=10,col=12,title=记录有误::豁免中的字段“descripton”")


def test_github_format_escapes_properties():
    from generator.problems import Problem
    line = Problem("records/units/a,b:c.yml", 2, 3, "100% 不对\n第二行").format_github()
    assert line == "::error file=records/units/a%2Cb%3Ac.yml,line=2,col=3,title=记录有误::100%25 不对%0A第二行"


def test_whole_file_problems_print_line_1_column_1(tmp_path, capsys):
    case = next(c for c in CASES if c["name"] == "extension-txt")
    root = build_case(case, tmp_path)
    assert main(["validate", "--root", str(root)]) == 1
    assert capsys.readouterr().out.startswith("records/practices/dongshan-huxuegang.txt:1:1: ")


def test_paths_only_report_those_files(repo, capsys):
    (repo / "records/units/dongshan-post.yml").write_text(POST.replace("name:", "nmae:"), encoding="utf-8")
    other = repo / "records/units/xiagezhuang-pcs.yml"
    other.write_text(other.read_text(encoding="utf-8") + "telephone: 1\n", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(repo)  # as pre-commit runs it: paths relative to the repository
    try:
        assert main(["validate", "./records/units/dongshan-post.yml"]) == 1
        out = capsys.readouterr().out
        assert "dongshan-post.yml:2:1: 不认识的字段“nmae”" in out and "xiagezhuang-pcs" not in out
        assert main(["validate", "records/brands/sitou-gongzuofa.yml"]) == 0  # problems only elsewhere
    finally:
        os.chdir(cwd)


def test_bad_today_is_refused(repo, capsys):
    with pytest.raises(SystemExit) as e:
        main(["validate", "--root", str(repo), "--today", "2024-13-01"])
    assert e.value.code == 2
    assert "不是有效的日期" in capsys.readouterr().err


def test_output_is_deterministic(tmp_path, capsys):
    case = next(c for c in CASES if c["name"] == "multiple-problems-one-file")
    root = build_case(case, tmp_path)
    outputs = []
    for _ in range(2):
        main(["validate", "--root", str(root), "--today", TODAY.isoformat()])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    lines = outputs[0].splitlines()
    keys = [tuple(int(x) for x in ln.split(":")[1:3]) for ln in lines]
    assert keys == sorted(keys)


def test_too_many_problems_stop_in_bounded_time(repo, capsys):
    """A 2 MB file of 200,000 unknown fields: the first 100 problems, then a note."""
    body = "".join(f"k{i}: 1\n" for i in range(200_000))
    (repo / "records/units/dongshan-post.yml").write_text("id: dongshan-post\n" + body, encoding="utf-8")
    start = time.monotonic()
    assert main(["validate", "--root", str(repo)]) == 1
    assert time.monotonic() - start < (15 if load._FAST_LOADER else 60)  # PyYAML alone reads ~100 KB/s
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("records/units/dongshan-post.yml:1:1: 这个文件的问题超过 100 处")
    assert len(out) == 101


# ---------------------------------------------------------------- privacy allow-list and waivers

def _validate(root: Path, capsys) -> tuple[int, str]:
    rc = main(["validate", "--root", str(root), "--today", TODAY.isoformat()])
    return rc, capsys.readouterr().out


def test_privacy_allow_list_lets_a_number_through(repo, capsys):
    (repo / "records/units/dongshan-post.yml").write_text(
        POST + "description: 值班电话 138-1234-5678，邮箱 duty@example.com\n", encoding="utf-8")
    rc, out = _validate(repo, capsys)
    assert rc == 1 and "138****5678" in out and "d***@example.com" in out
    site = repo / "site_config/site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace(
        "privacy_allow:\n", 'privacy_allow:\n  - "13812345678"\n  - duty@example.com\n'), encoding="utf-8")
    rc, out = _validate(repo, capsys)  # compared by digits: 138-1234-5678 is 13812345678
    assert rc == 0, out


def test_privacy_waiver_covers_one_field_only(repo, capsys):
    practice = (repo / "records/practices/xiagezhuang-sitou.yml").read_text(encoding="utf-8")
    practice = practice.replace("  让“平安不出事”落到每个村庄。\n",
                                "  让“平安不出事”落到每个村庄。服务热线 13912345678。\n")
    practice = practice.replace("把邻里矛盾化解在萌芽状态。", "把邻里矛盾化解在萌芽状态，联系人 13812345678。")
    path = repo / "records/practices/xiagezhuang-sitou.yml"
    path.write_text(practice + "privacy_waivers:\n  - field: summary\n    reason: 派出所对外公布的服务热线\n",
                    encoding="utf-8")
    rc, out = _validate(repo, capsys)
    assert rc == 1
    assert "139****5678" not in out  # summary is waived
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "records/practices/xiagezhuang-sitou.yml:16:51: 发现手机号码：138****5678。"), out


def test_privacy_waiver_needs_a_reason(repo, capsys):
    (repo / "records/units/dongshan-post.yml").write_text(
        POST + "privacy_waivers:\n  - field: description\n", encoding="utf-8")
    rc, out = _validate(repo, capsys)
    assert rc == 1
    assert out.startswith("records/units/dongshan-post.yml:9:5: 缺少必填字段“reason”")


def test_privacy_waiver_naming_no_field_is_reported(repo, capsys):
    (repo / "records/units/dongshan-post.yml").write_text(
        POST + "privacy_waivers:\n  - field: telephone\n    reason: 公开电话\n", encoding="utf-8")
    rc, out = _validate(repo, capsys)
    assert rc == 1
    assert out.strip() == ("records/units/dongshan-post.yml:9:12: 豁免中的字段“telephone”在这条记录里不存在。"
                           "可以写：id、name、kind、region、parent、description。")


def test_privacy_scan_survives_odd_waivers(repo, capsys):
    """A waiver whose field is a list, and a key that is a list: reported, no crash."""
    (repo / "records/units/dongshan-post.yml").write_text(
        POST + "privacy_waivers:\n  - field: [description]\n    reason: x\n[a, b]: 1\n", encoding="utf-8")
    rc, out = _validate(repo, capsys)
    assert rc == 1
    assert "records/units/dongshan-post.yml:9:12: 这里应是一段文字，实际是一个列表" in out
    assert "records/units/dongshan-post.yml:11:1: 字段名必须是一个词" in out


# ---------------------------------------------------------------- no cascades

def test_broken_metrics_file_does_not_flag_every_stats_file(repo, capsys):
    (repo / "site_config/metrics.yml").write_text("metrics: [\n", encoding="utf-8")
    rc, out = _validate(repo, capsys)
    assert rc == 1
    assert out.splitlines() == [out.splitlines()[0]] and out.startswith("site_config/metrics.yml:1:10: ")


def test_unit_with_wrong_field_still_counts_as_existing(repo, capsys):
    """xiagezhuang-pcs has a mistake; the practice, brand and stats naming it do not."""
    unit = repo / "records/units/xiagezhuang-pcs.yml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("kind: station", "kind: 派出所"), encoding="utf-8")
    rc, out = _validate(repo, capsys)
    assert rc == 1
    assert out.strip().splitlines() == [
        "records/units/xiagezhuang-pcs.yml:3:7: “派出所”不是允许的取值。可以写：bureau、station、post。"]
