#!/usr/bin/env python3
"""生成演示用的月度统计样例数据：records/stats/<派出所编号>/<年份>.yml。

样例文章只报道某一时期的合计数和同比变化，没有逐月数据，所以网站演示用的
月度统计只能生成。本脚本为 records/units/ 中的每个派出所（kind: station）
生成 2018—2020 年共 36 个月、site_config/metrics.yml 中全部指标的数据：

* 季节规律（余弦曲线，各指标的峰值月份不同）× 均值回复的随机游走 × 小幅年趋势；
* 每个“单位 + 指标”使用独立的 random.Random（种子是字符串，跨进程、跨版本稳定），
  所以重复运行得到逐字节相同的文件；
* 文章报道了某派出所的同比变化或期间合计时（见下方 TARGETS），按该数字校准：
  - yoy：两个同期合计之比与报道的同比变化相差不超过 0.5 个百分点（实际校准到 0.05 以内，
    做不到时取最接近者）；
  - total：该时期各月之和与报道数字完全相等。

用法：
    python scripts/generate_sample_stats.py            # 写入仓库的 records/stats/
    python scripts/generate_sample_stats.py --root DIR # 读取 DIR 的配置与单位并写入 DIR/records/stats/
    python scripts/generate_sample_stats.py --out DIR  # 只改写输出文件夹
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

YEARS = (2018, 2019, 2020)


@dataclass(frozen=True)
class Target:
    unit: str
    metric: str
    start: str  # "YYYY-MM"，含
    end: str  # "YYYY-MM"，含
    kind: str  # "yoy"：同比变化（%）；"total"：期间合计
    value: float
    source: str  # 文章与原话（转述）
    said: str = ""  # 注释中怎样写这个数（约数时用），空则用 value 加计量单位


# ----------------------------------------------------------------------------
# 文章数字 → (单位, 指标, 时期, 目标)。yoy 的基期是上一年的相同月份。
# ----------------------------------------------------------------------------
TARGETS: list[Target] = [
    Target("xiagezhuang-pcs", "preventable_cases", "2019-01", "2019-05", "yoy", -35.1,
           "002 莱西新闻网 2019-05-15：截至目前全镇可防性案件同比下降35.1%"),
    Target("malianzhuang-pcs", "criminal_cases", "2019-01", "2019-05", "yoy", -60.3,
           "002 莱西新闻网 2019-05-15：今年以来全镇刑事警情同比下降60.3%"),
    Target("guhe-pcs", "criminal_cases", "2019-01", "2019-05", "yoy", -15.0,
           "002 莱西新闻网 2019-05-15：今年以来辖区刑事警情同比下降15%"),
    Target("guhe-pcs", "disputes_found", "2019-01", "2019-05", "total", 123,
           "002 莱西新闻网 2019-05-15：今年以来共排查矛盾纠纷123起"),
    Target("guhe-pcs", "disputes_resolved", "2019-01", "2019-05", "total", 110,
           "002 莱西新闻网 2019-05-15：今年以来调解矛盾纠纷110起"),
    # “目前已采集”是累计数：按基层基础建设三年攻坚战开始的2018年1月累计到文章发表前的2019年9月。
    Target("buzhuang-pcs", "addresses_collected", "2018-01", "2019-09", "total", 24871,
           "000 卜庄派出所“124”工作模式：已采集标准地址24871条（累计）"),
    Target("buzhuang-pcs", "population_checked", "2018-01", "2019-09", "total", 49971,
           "000 卜庄派出所“124”工作模式：已采集实有人口49971条（累计）"),
    # “100余件”是约数：取 104。
    Target("buzhuang-pcs", "services_done", "2019-01", "2019-09", "total", 104,
           "000 卜庄派出所“124”工作模式：今年以来受理、代理服务事项100余件（约数，取104）",
           said="100余件（约数，取104件）"),
]

# 指标的生成参数：乡镇所基数, 城区所基数, 季节振幅, 峰值月份, 年趋势
PARAMS = {
    "criminal_cases": (8, 14, 0.15, 8, -0.08),
    "public_order_cases": (14, 25, 0.20, 7, -0.05),
    "preventable_cases": (5, 9, 0.20, 12, -0.10),
    "disputes_found": (20, 24, 0.15, 2, 0.0),
    "disputes_resolved": None,  # 由 disputes_found 乘化解率得出，保证不超过排查数
    "addresses_collected": (600, 900, 0.10, 4, 0.0),
    "population_checked": (1200, 2000, 0.15, 2, 0.0),
    "households_visited": (300, 450, 0.10, 3, 0.10),
    "services_done": (15, 30, 0.20, 1, 0.12),
    "satisfaction": None,  # 百分比，一位小数，85–99
}
DEFAULT_PARAMS = (10, 15, 0.10, 6, 0.0)  # metrics.yml 将来新增的计数指标

URBAN = {"jiefanglu-pcs", "dongmen-pcs", "yushan-pcs", "guanyinge-pcs", "renxinglu-pcs",
         "renminlu-pcs", "xiangshui-pcs"}

NOTE = ("演示用样例数据：由 scripts/generate_sample_stats.py 按季节规律和随机游走生成，"
        "不是真实警情统计。")


def month_index(ym: str) -> int:
    """"2018-01" → 0 … "2020-12" → 35。"""
    y, m = map(int, ym.split("-"))
    return (y - YEARS[0]) * 12 + (m - 1)


def period_range(start: str, end: str) -> range:
    return range(month_index(start), month_index(end) + 1)


def shift_year(ym: str, years: int) -> str:
    y, m = ym.split("-")
    return f"{int(y) + years}-{m}"


def apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """把整数 total 按 weights 分到各月（最大余数法）；caps 给出各月上限。"""
    n = len(weights)
    caps = caps if caps is not None else [10 ** 12] * n
    if total > sum(caps):
        raise ValueError(f"合计 {total} 超过各月上限之和 {sum(caps)}")
    out = [0] * n
    remaining = total
    active = [i for i in range(n) if caps[i] > 0]
    while remaining > 0:
        w = [max(0.0, weights[i]) for i in active]
        if sum(w) <= 0:
            w = [1.0] * len(active)
        whole = sum(w)
        shares = [remaining * x / whole for x in w]
        floors = [int(math.floor(x)) for x in shares]
        order = sorted(range(len(active)), key=lambda k: (-(shares[k] - floors[k]), active[k]))
        for k in order[:remaining - sum(floors)]:
            floors[k] += 1
        still = []
        for k, i in enumerate(active):
            give = min(floors[k], caps[i] - out[i])
            out[i] += give
            remaining -= give
            if out[i] < caps[i]:
                still.append(i)
        active = still
    return out


class Series:
    """一个派出所的全部指标，36 个月。"""

    def __init__(self, unit: str, metric_ids: list[str]):
        self.unit = unit
        self.metric_ids = metric_ids
        scale_rng = random.Random(f"{unit}|scale")
        self.scale = scale_rng.uniform(0.7, 1.4)
        self.urban = unit in URBAN
        self.values: dict[str, list[float]] = {}
        self.notes: dict[int, list[str]] = {y: [] for y in YEARS}
        self.achieved: list[tuple[Target, float]] = []
        self.pending: list[tuple[list[int], str, str]] = []

    # -- raw generation ----------------------------------------------------
    def raw(self, metric: str) -> list[float]:
        rng = random.Random(f"{self.unit}|{metric}")
        rural, urban, amp, peak, trend = PARAMS.get(metric) or DEFAULT_PARAMS
        base = (urban if self.urban else rural) * self.scale
        walk, out = 0.0, []
        for t in range(len(YEARS) * 12):
            month = t % 12 + 1
            walk = 0.8 * walk + rng.gauss(0, 0.08)
            season = 1 + amp * math.cos(2 * math.pi * (month - peak) / 12)
            level = base * season * math.exp(walk) * (1 + trend) ** (t / 12)
            out.append(max(0.0, level + rng.gauss(0, math.sqrt(level) * 0.4)))
        return out

    def satisfaction(self) -> list[float]:
        rng = random.Random(f"{self.unit}|satisfaction")
        mean = rng.uniform(89.0, 95.0)
        x, out = mean, []
        for _ in range(len(YEARS) * 12):
            x = mean + 0.7 * (x - mean) + rng.gauss(0, 1.2)
            out.append(round(min(99.0, max(85.0, x)), 1))
        return out

    def resolved(self, found: list[float]) -> list[float]:
        rng = random.Random(f"{self.unit}|disputes_resolved")
        return [f * rng.uniform(0.82, 0.97) for f in found]

    # -- calibration ---------------------------------------------------------
    def targets(self, metric: str) -> list[Target]:
        return [t for t in TARGETS if t.unit == self.unit and t.metric == metric]

    def build(self) -> None:
        for metric in self.metric_ids:
            if metric == "satisfaction":
                self.values[metric] = self.satisfaction()
                continue
            if metric == "disputes_resolved" and "disputes_found" in self.values:
                floats = self.resolved(self.values["disputes_found"])
            else:
                floats = self.raw(metric)
            floats = self.pre_scale(metric, floats)
            ints = [int(round(v)) for v in floats]
            caps = None
            if metric == "disputes_resolved" and "disputes_found" in self.values:
                caps = [int(v) for v in self.values["disputes_found"]]
                ints = [min(v, c) for v, c in zip(ints, caps)]
            self.values[metric] = self.calibrate(metric, ints, caps)

    def pre_scale(self, metric: str, floats: list[float]) -> list[float]:
        """Move the whole series to the reported level before the exact fit, so
        the months outside the reported period stay consistent with it."""
        for t in self.targets(metric):
            idx = period_range(t.start, t.end)
            if t.kind == "yoy":
                first = month_index(f"{t.start[:4]}-01")
                floats = [v * (1 + t.value / 100) if i >= first else v for i, v in enumerate(floats)]
            else:
                current = sum(floats[i] for i in idx) or 1.0
                floats = [v * t.value / current for v in floats]
        return floats

    def calibrate(self, metric: str, ints: list[int], caps: list[int] | None) -> list[int]:
        for t in self.targets(metric):
            idx = list(period_range(t.start, t.end))
            cap_of = (lambda ii: [caps[i] for i in ii]) if caps else (lambda ii: None)
            if t.kind == "total":
                fitted = apportion(int(t.value), [float(ints[i]) for i in idx], cap_of(idx))
                for i, v in zip(idx, fitted):
                    ints[i] = v
                self.achieved.append((t, float(sum(ints[i] for i in idx))))
                said = t.said or f"{fmt_number(t.value)}{{unit}}"
                self.note_years(t, f"{label_period(t.start, t.end)}{{name}}合计按文章报道的{said}校准")
            else:
                base_idx = list(period_range(shift_year(t.start, -1), shift_year(t.end, -1)))
                b = sum(ints[i] for i in base_idx)
                a_now = sum(ints[i] for i in idx)
                b_new, a_new = best_pair(b, a_now, t.value)
                for ii, total in ((base_idx, b_new), (idx, a_new)):
                    fitted = apportion(total, [float(ints[i]) for i in ii], cap_of(ii))
                    for i, v in zip(ii, fitted):
                        ints[i] = v
                change = 100.0 * (a_new / b_new - 1)
                self.achieved.append((t, change))
                said = f"同比{'下降' if t.value < 0 else '上升'}{fmt_number(abs(t.value))}%"
                period = label_period(t.start, t.end)
                self.note_years(t, f"{period}{{name}}与上年同期相比按文章报道的{said}校准")
                base = label_period(shift_year(t.start, -1), shift_year(t.end, -1))
                self.note_years(t, f"{base}{{name}}是{period}{said}（文章报道）的同比基数",
                                years=[int(t.start[:4]) - 1])
        return ints

    def note_years(self, t: Target, text: str, years: list[int] | None = None) -> None:
        if years is None:
            years = list(range(int(t.start[:4]), int(t.end[:4]) + 1))
        self.pending.append((years, t.metric, text))

    def finish_notes(self, names: dict[str, tuple[str, str]]) -> None:
        for years, metric, text in self.pending:
            name, unit = names.get(metric, (metric, ""))
            for y in years:
                self.notes[y].append(text.format(name=name, unit=unit))


def best_pair(b: int, a_now: int, change: float) -> tuple[int, int]:
    """基期合计 b' 与本期合计 a'：a'/b' 尽量贴近 1+change/100，b' 尽量接近原值。"""
    b = max(b, 1)
    ratio = 1 + change / 100
    best = None
    for cand in range(max(1, int(b * 0.75)), int(b * 1.3) + 2):
        a = int(round(cand * ratio))
        err = abs(100.0 * (a / cand - 1) - change)
        key = (err > 0.05, err if err > 0.05 else 0.0, abs(cand - b))
        if best is None or key < best[0]:
            best = (key, cand, a)
    _, cand, a = best
    if abs(100.0 * (a / cand - 1) - change) > 0.5:
        raise SystemExit(f"无法在 0.5 个百分点内复现同比 {change}%（基数 {b}）")
    return cand, a


def label_period(start: str, end: str) -> str:
    (y1, m1), (y2, m2) = (map(int, start.split("-")), map(int, end.split("-")))
    if y1 == y2:
        return f"{y1}年{m1}—{m2}月" if m1 != m2 else f"{y1}年{m1}月"
    return f"{y1}年{m1}月至{y2}年{m2}月"


def fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def fmt_value(metric: str, v) -> str:
    return f"{float(v):.1f}" if metric == "satisfaction" else str(int(v))


def render(unit: str, year: int, series: Series, metric_ids: list[str]) -> str:
    note = NOTE
    if series.notes[year]:
        note += "其中" + "；".join(series.notes[year]) + "。"
    lines = [f"unit: {unit}", f"year: {year}", "sample: true",
             f"note: {json.dumps(note, ensure_ascii=False)}", "months:"]
    first = month_index(f"{year}-01")
    for m in range(1, 13):
        row = ", ".join(f"{k}: {fmt_value(k, series.values[k][first + m - 1])}" for k in metric_ids)
        lines.append(f"  {m}: {{{row}}}")
    return "\n".join(lines) + "\n"


def stations(root: Path) -> list[str]:
    out = []
    for path in sorted((root / "records" / "units").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("kind") == "station":
            out.append(str(data["id"]))
    return sorted(out)


def metrics(root: Path) -> tuple[list[str], dict[str, tuple[str, str]]]:
    data = yaml.safe_load((root / "site_config" / "metrics.yml").read_text(encoding="utf-8"))
    ids = [str(m["id"]) for m in data["metrics"]]
    names = {str(m["id"]): (str(m["name"]), str(m.get("unit", ""))) for m in data["metrics"]}
    return ids, names


def generate(root: Path, out: Path, quiet: bool = False) -> list[Path]:
    metric_ids, names = metrics(root)
    units = stations(root)
    unknown = sorted({t.unit for t in TARGETS} - set(units))
    if unknown:
        raise SystemExit(f"TARGETS 中的单位不是派出所或不存在：{', '.join(unknown)}")
    written = []
    report = []
    for unit in units:
        series = Series(unit, metric_ids)
        series.build()
        series.finish_notes(names)
        report += series.achieved
        for year in YEARS:
            path = out / unit / f"{year}.yml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(render(unit, year, series, metric_ids).encode("utf-8"))
            written.append(path)
    if not quiet:
        print(f"已写入 {len(written)} 个文件（{len(units)} 个派出所 × {len(YEARS)} 年）到 {out}")
        for t, got in report:
            want = f"{t.value:+.1f}%" if t.kind == "yoy" else fmt_number(t.value)
            have = f"{got:+.2f}%" if t.kind == "yoy" else fmt_number(got)
            print(f"  {t.unit:18} {t.metric:20} {t.start}..{t.end}  文章 {want:>8}  样例 {have:>8}")
    return written


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description="生成演示用的月度统计样例数据（可重复、逐字节相同）")
    ap.add_argument("--root", type=Path, default=here,
                    help="仓库根目录：从这里读取 site_config/metrics.yml 和 records/units/（默认本仓库）")
    ap.add_argument("--out", type=Path, default=None,
                    help="输出文件夹（默认 <root>/records/stats）")
    ap.add_argument("--quiet", action="store_true", help="不打印校准结果")
    args = ap.parse_args(argv)
    out = args.out if args.out is not None else args.root / "records" / "stats"
    generate(args.root, out, args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
