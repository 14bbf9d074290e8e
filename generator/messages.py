"""Every message staff can see, in one place, so they read consistently.

Each says what is wrong and what would be right, in Simplified Chinese.
"""
from __future__ import annotations

# --- files
FILE_IS_DIR = "这里应是一个 YAML 文件，却是一个文件夹。请删除该文件夹，或把记录放进同名的 .yml 文件。"
FILE_SYMLINK_OUT = "这是一个指向仓库之外的符号链接，出于安全考虑不会读取。请把记录文件本身放进仓库。"
FILE_TOO_BIG = "文件大小 {mb:.1f} MB，超过单个记录文件的上限 {max} MB。记录文件通常只有几 KB，请检查是否误存了其他内容。"
FILE_UNREADABLE = "无法读取该文件（{err}）。请检查文件权限。"
FILE_BOM = "文件开头带有 BOM 标记（UTF-8 with BOM）。请用编辑器另存为“UTF-8（无 BOM）”编码。"
FILE_UTF16 = "文件是 UTF-16（Unicode）编码。请用编辑器另存为“UTF-8（无 BOM）”编码。"
FILE_BINARY = "文件含有空字节，看起来不是文本文件。请确认保存的是 YAML 文本。"
FILE_GBK = ("文件不是 UTF-8 编码，看起来是 GBK/GB2312（Windows 记事本的“ANSI”）编码。"
            "请用编辑器另存为“UTF-8（无 BOM）”编码后再提交。")
FILE_NOT_UTF8 = "文件不是 UTF-8 编码，无法读取。请用编辑器另存为“UTF-8（无 BOM）”编码。"
FILE_EMPTY = "文件是空的。请填写记录内容，或删除这个文件。"
FILE_WRONG_EXT = "记录文件夹中只能放 .yml 文件，这个文件不会被读取。请改扩展名为 .yml，或移出该文件夹。"
CONFIG_MISSING = "缺少这个配置文件。请从仓库中恢复它。"
STATS_NOT_IN_FOLDER = "统计文件应放在以单位编号命名的文件夹里：records/stats/<单位编号>/<年份>.yml。"

# --- YAML syntax
YAML_ANCHOR = "记录中不允许使用 YAML 锚点（&）和别名（*）。请把内容直接写出来。"
YAML_TOO_DEEP = "嵌套层数超过 {n} 层。记录只需要三四层缩进，请检查缩进。"
YAML_SYNTAX = "YAML 格式错误：{detail}。请检查这一行的缩进、冒号和引号。"
YAML_TAB = "这一行用了制表符（Tab）缩进。YAML 只能用空格缩进，请把 Tab 换成两个空格。"
YAML_COLON = "这一行的冒号用法有误：冒号后面要有一个空格；如果文字本身含有英文冒号，请给整段文字加引号。"
YAML_INDENT = "缩进不一致：同一层的字段必须左对齐。请检查这一行和上一行的空格数。"
YAML_QUOTE = "引号没有配对。请检查这一行的引号是否成对出现。"
YAML_DUP_KEY = "字段“{key}”写了两次（上一次在第 {line} 行）。请删掉其中一个。"


def yaml_syntax(error, text: str, line: int) -> str:
    """Translate PyYAML's English parser errors into something staff can act on."""
    problem = (getattr(error, "problem", "") or "") + " " + (getattr(error, "context", "") or "")
    lines = text.splitlines()
    this = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in problem or "\t" in this[: len(this) - len(this.lstrip())]:
        return YAML_TAB
    if "mapping values are not allowed" in problem or "could not find expected ':'" in problem:
        return YAML_COLON
    if "quoted scalar" in problem:
        return YAML_QUOTE
    if "expected <block end>" in problem or "did not find expected key" in problem \
            or "did not find expected '-' indicator" in problem:
        return YAML_INDENT
    return YAML_SYNTAX.format(detail=(getattr(error, "problem", None) or str(error)).strip())


# --- shapes and types
EXPECT_MAPPING = "这里应写成“字段: 值”的形式（映射），实际是{got}。"
EXPECT_LIST = "这里应是一个列表（每项以“- ”开头），实际是{got}。"
EXPECT_TEXT = "这里应是文字，实际是{got}。"
EXPECT_INT = "这里应是整数，实际是“{value}”。"
EXPECT_NUMBER = "这里应是数字，实际是“{value}”。请去掉单位和汉字，单位写在 unit 字段里。"
EXPECT_BOOL = "这里应写 true 或 false，实际是“{value}”。"
UNKNOWN_FIELD = "不认识的字段“{key}”。{hint}"
MISSING_FIELD = "缺少必填字段“{key}”（{doc}）。"
EMPTY_VALUE = "字段“{key}”不能为空（{doc}）。"
TOO_FEW_ITEMS = "“{key}”至少要写 {n} 项。"
BAD_CHOICE = "“{value}”不是允许的取值。可以写：{choices}。"
DID_YOU_MEAN = "是不是想写“{near}”？"
ALLOWED_FIELDS = "可以使用的字段：{names}。"

# --- YAML 1.1 traps
TRAP_BOOL = "“{value}”在 YAML 里会被读成真假值而不是文字。如果要写文字，请加引号：\"{value}\"；如果要写真假值，请写 true 或 false。"
TRAP_BOOL_WORD = "请写 true 或 false，不要写“{value}”（YAML 对 yes/no/on/off 的理解因工具而异）。"
TRAP_OCTAL = "“{value}”以 0 开头，在 YAML 里会被当作八进制数或文字。请去掉开头的 0，写成 {fixed}。"
TRAP_SEXAGESIMAL = "“{value}”在 YAML 里会被读成六十进制数（{number}），而不是时间。请加引号：\"{value}\"。"
TRAP_DATE = "“{value}”在 YAML 里会被读成日期而不是文字。请加引号：\"{value}\"。"
TRAP_NUMBER = "“{value}”在 YAML 里会被读成数字而不是文字。请加引号：\"{value}\"。"
TRAP_NULL = "“{value}”在 YAML 里表示“空”。如果要写文字，请加引号：\"{value}\"；不填请删掉这个字段。"

# --- values
BAD_ID = "编号“{value}”不合规：只能用小写拼音字母、数字和连字符（-），不能以连字符开头或结尾，最长 64 个字符，如：buzhuang-pcs。"
BAD_METRIC_ID = "指标编号“{value}”不合规：只能用小写英文字母、数字和下划线，并以字母开头，如：criminal_cases。"
BAD_MONTH = "“{value}”不是有效的年月。请写成 \"2019-05\" 这样的格式（带引号）。"
BAD_DATE = "“{value}”不是有效的日期。请写成 2019-05-15 这样的格式。"
BAD_URL = "链接“{value}”无效：只接受以 http:// 或 https:// 开头的网址。"
FILENAME_ID = "文件名“{name}”与编号“{id}”不一致。请把文件改名为“{id}.yml”，或把 id 改为“{stem}”。"
DUPLICATE_ID = "编号“{id}”已被 {other} 使用。每个{kind}的编号必须唯一，请换一个编号。"
UNKNOWN_REF = "找不到{what}“{value}”。{hint}"
NO_SUCH_HINT = "请先在 {folder} 中建立它，或检查拼写。"
PERIOD_ORDER = "报告期的起始年月 {start} 晚于截止年月 {end}。请对调。"
FUTURE_MONTH = "{value} 还没有到（今天是 {today}）。请检查年份和月份。"
FUTURE_YEAR = "{year} 年还没有到（今天是 {today}）。请检查年份。"
OUTCOME_ONE_OF = "成效需要写 value（数值）或 change（变化幅度）之一，且只能写一个。"
MONTH_RANGE = "月份“{value}”不在 1–12 之间。"
MONTH_LEADING_ZERO = "月份请写 1–12 的数字，不要写成“{value}”（开头的 0 会让 YAML 读错）。请写 {fixed}。"
NEGATIVE_COUNT = "“{metric}”的数值不能为负数（{value}）。"
UNKNOWN_METRIC = "不认识的指标“{value}”。{hint}指标定义在 site_config/metrics.yml。"
STATS_FOLDER_UNIT = "统计文件所在文件夹“{folder}”与 unit 字段“{unit}”不一致。请把文件移到 records/stats/{unit}/，或改正 unit。"
STATS_FOLDER_UNKNOWN = "统计文件所在文件夹“{folder}”不是已知的单位编号。{hint}"
STATS_FILENAME_YEAR = "文件名“{name}”与年份 {year} 不一致。请把文件改名为“{year}.yml”。"
PARENT_KIND = "{kind_name}的上级单位应是{expected}，而“{parent}”是{actual}。"
PARENT_CYCLE = "上级单位形成了循环：{chain}。请检查 parent 字段。"
POST_NEEDS_PARENT = "{kind_name}必须填写上级单位（parent）。"
WAIVER_FIELD = "豁免中的字段“{field}”在这条记录里不存在。可以写：{names}。"

KIND_NAMES = {"bureau": "公安局/分局", "station": "派出所", "post": "警务室"}
RECORD_NAMES = {"unit": "单位", "practice": "经验做法", "brand": "品牌", "category": "分类",
                "metric": "指标"}
RECORD_FOLDERS = {"unit": "records/units/", "practice": "records/practices/",
                  "brand": "records/brands/", "category": "site_config/categories.yml",
                  "metric": "site_config/metrics.yml"}

# --- privacy
PRIVACY_FOUND = "发现{kind}：{masked}。警务记录不得公开公民个人信息，请删除或改写；如确属可公开的号码，请加入 site_config/site.yml 的 privacy_allow，或在本记录的 privacy_waivers 中写明理由。"
PRIVACY_KINDS = {"id_card": "居民身份证号", "mobile": "手机号码", "email": "电子邮箱",
                 "plate": "机动车号牌"}

# --- build
BUILD_FAILED = "网站没有生成：记录中有 {n} 处问题，请先改正。上一次生成的网站保持不变。"
JIEBA_MISSING = ("没有找到中文分词库 jieba（{err}）。没有它，站内搜索几乎搜不到中文。"
                 "请运行 pip install -e . 安装全部依赖后再生成网站。")


def got_name(node) -> str:
    import yaml
    if isinstance(node, yaml.MappingNode):
        return "一组“字段: 值”"
    if isinstance(node, yaml.SequenceNode):
        return "一个列表"
    return f"“{node.value}”"
