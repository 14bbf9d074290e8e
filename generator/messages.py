"""Every message staff can see, in one place, so they read consistently.

Each says what is wrong and what would be right, in Simplified Chinese.
"""
from __future__ import annotations

# --- files
FILE_IS_DIR = "这里应是一个 YAML 文件，却是一个文件夹。请删除该文件夹，或把记录放进同名的 .yml 文件。"
FILE_SYMLINK_OUT = "这个文件（或它所在的文件夹）是指向仓库之外的符号链接，出于安全考虑不会读取。请把记录文件本身放进仓库。"
FILE_TOO_BIG = "文件大小 {mb:.1f} MB，超过单个记录文件的上限 {max} MB。记录文件通常只有几 KB，请检查是否误存了其他内容。"
FILE_UNREADABLE = "无法读取该文件（{err}）。请检查文件权限。"
FILE_BOM = "文件开头带有 BOM 标记（UTF-8 with BOM）。请用编辑器另存为“UTF-8（无 BOM）”编码。"
FILE_UTF16 = "文件是 UTF-16（Unicode）编码。请用编辑器另存为“UTF-8（无 BOM）”编码。"
FILE_BINARY = "文件含有空字节，看起来不是文本文件。请确认保存的是 YAML 文本。"
FILE_GBK = ("文件不是 UTF-8 编码，看起来是 GBK/GB2312（Windows 记事本的“ANSI”）编码。"
            "请用编辑器另存为“UTF-8（无 BOM）”编码后再提交。")
FILE_NOT_UTF8 = "文件不是 UTF-8 编码，无法读取。请用编辑器另存为“UTF-8（无 BOM）”编码。"
FILE_EMPTY = "文件是空的。请填写记录内容，或删除这个文件。"
TOO_MANY_PROBLEMS = "这个文件的问题超过 {n} 处，只列出了前面的部分，没有继续检查。请先改正上面列出的问题（常见原因：缩进整体错位，或把别的文件误存成了记录）。"
FILE_NO_CONTENT = "文件里只有注释，没有记录内容。请填写记录，或删除这个文件。"
FILE_SYMLINK_BROKEN = "这是一个符号链接，但它指向的文件不存在。请把记录文件本身放进仓库，或删除这个链接。"
FILE_SYMLINK_LOOP = "这是一个循环的符号链接（最终指回自己），无法读取。请删除这个链接，把记录文件本身放进仓库。"
FILE_NOT_REGULAR = "这不是普通文件（可能是管道或设备），不会读取。请把记录保存为普通的 .yml 文本文件。"
FILE_TOO_DEEP = "这个文件放在了多余的子文件夹里，不会被读取。记录文件应直接放在 {where}。"
FILE_WRONG_EXT = "记录文件夹中只能放 .yml 文件，这个文件不会被读取。请改名为“{right}”，或移出该文件夹。"
NOT_A_REPOSITORY = ("这里没有 records/ 文件夹，不像记录仓库。请在记录仓库的根目录（有 mkdocs.yml 和 records/ 的文件夹）"
                    "中运行命令，或用 --root 指定它；要新建记录仓库，运行 jingyan init 文件夹名。")
STATS_NOT_IN_FOLDER = "统计文件应放在以单位编号命名的文件夹里：records/stats/<单位编号>/<年份>.yml。"

# --- YAML syntax
YAML_ANCHOR = "记录中不允许使用 YAML 锚点（&）和别名（*）。请把内容直接写出来。"
YAML_TOO_DEEP = "嵌套层数超过 {n} 层。记录只需要三四层缩进，请检查缩进。"
YAML_SYNTAX = "YAML 格式错误：{detail}。请检查这一行的缩进、冒号和引号。"
YAML_TAB = ("这一行的缩进里有制表符（Tab）。YAML 只能用空格缩进：请删掉 Tab，改用空格。"
            "上一行缩进了 {n} 个空格：这一行与它同一层就用 {n} 个空格，属于它的下一层就用 {m} 个。")
YAML_TAB_TOP = "这一行的缩进里有制表符（Tab）。YAML 只能用空格缩进：请删掉 Tab，改用空格，让这一行与同一层的字段左对齐。"
YAML_FULLWIDTH_COLON = ("这一行用了中文冒号“：”分隔字段名和值，YAML 不认识。请改成英文冒号加一个空格，"
                        "如：name: 东山警务室。如果“：”是文字的一部分，请给整段文字加引号。")
YAML_MORE_AFTER = "（这个文件还有语法错误没有检查到：改正上面的问题后请再运行一次检查。）"
YAML_COLON = "冒号后面缺少空格：应写成“字段: 值”（英文冒号后加一个空格）。如果这是文字的一部分，请给整段文字加引号。"
YAML_NO_COLON = "这一行既不是“字段: 值”，也不是以“- ”开头的列表项。如果它是上一行文字的续行，请比字段名多缩进两格；否则请补上“字段: ”。"
YAML_COLON_IN_TEXT = "文字中的“: ”（英文冒号加空格）会被 YAML 当成字段分隔。请给整段文字加引号，或改用中文冒号“：”。"
YAML_AFTER_QUOTE = "引号已经结束，后面却还有文字。如果引号是文字的一部分，请改用中文引号“”，或用单引号把整段文字括起来。"
YAML_ESCAPE = "双引号里的反斜杠（\\）有特殊含义，这里的写法无效。请改用单引号括起文字，或把 \\ 写成 \\\\。"
YAML_BAD_START = "“{char}”不能作为值的开头。请给整段文字加引号，如：\"{char}……\"。"
YAML_FLOW = "方括号 [ ] 或花括号 { } 没有配对，或各项之间缺少英文逗号。请检查从这里开始的括号。"
YAML_FLOW_EXTRA = "这里多了一个“{char}”，前面没有与它配对的左括号。请删掉它，或补上左括号。"
YAML_SEQ_HERE = "“- ”列表项不能写在冒号后面的同一行。请换行并缩进两格再写“- ”，或写成 [甲, 乙]。"
YAML_MIXED = "同一层里混用了“- ”列表项和“字段: 值”。请检查这一行的缩进和开头的“- ”。"
YAML_MULTI_DOC = "一个文件只能写一条记录，这里出现了第二个 YAML 文档（“---”）。请删掉“---”，或把第二条记录存为另一个文件。"
YAML_CONTROL_CHAR = "文件里有不可见的控制字符（{code}），YAML 不允许。请删除它（常见于从网页或 Word 复制的文字）。"
YAML_KEY_NOT_TEXT = "字段名必须是一个词，这里却是{got}。请检查这一行的写法。"
YAML_INDENT = "缩进不一致：同一层的字段必须左对齐。请检查这一行和上一行的空格数。"
YAML_QUOTE = "引号没有配对。请检查这一行的引号是否成对出现。"
YAML_DUP_KEY = "字段“{key}”写了两次（上一次在第 {line} 行）。请删掉其中一个。"


# --- shapes and types
EXPECT_MAPPING = "这里应写成“字段: 值”的形式（映射），实际是{got}。"
EXPECT_LIST = "这里应是一个列表（每项以“- ”开头），实际是{got}。"
EXPECT_LIST_ONE = "这里应是一个列表，实际是一项文字“{value}”。只有一项也要写成列表：[{value}]。"
EXPECT_TEXT = "这里应是一段文字，实际是{got}。请直接写文字（不要以“- ”开头，也不要写成“字段: 值”）。"
EXPECT_INT = "这里应是整数，实际是“{value}”。请只写阿拉伯数字，如：2020。"
EXPECT_NUMBER = "这里应是数字，实际是“{value}”。请只写阿拉伯数字（如：35 或 -12.5），去掉单位和汉字。"
EXPECT_NUMBER_GOT = "这里应是数字，实际是{got}。请只写一个数字，如：35。"
EXPECT_BOOL_GOT = "这里应写 true 或 false，实际是{got}。"
QUOTED_NUMBER = "数字不要加引号：请把 \"{value}\" 写成 {value}。"
QUOTED_BOOL = "true 和 false 不要加引号：请把 \"{value}\" 写成 {plain}。"
EMPTY_NUMBER = "这里缺少数值。请填写数字；没有数据就删掉这一项。"
EMPTY_ITEM = "列表里有一个空项（只有“- ”）。请填写内容，或删掉这一行。"
EXPECT_BOOL = "这里应写 true 或 false，实际是“{value}”。"
UNKNOWN_FIELD = "不认识的字段“{key}”。{hint}"
MISSING_FIELD = "缺少必填字段“{key}”（{doc}）。请补上这一项。"
EMPTY_VALUE = "字段“{key}”不能为空（{doc}）。请填写内容。"
TRAP_NULL_REQUIRED = "“{value}”在 YAML 里表示“空”，而字段“{key}”必须填写（{doc}）。请填写内容；如果确实要写这几个字母，请加引号：\"{value}\"。"
TOO_FEW_ITEMS = "“{key}”至少要写 {n} 项。请补上。"
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
BAD_URL_SPACE = "链接“{value}”里有{char}。网址中不能有空白：请删掉它（网址本身含空格的，写成 %20）。"
BAD_URL_CHAR = "链接“{value}”里有不允许的字符{char}。请删掉它，或从浏览器地址栏重新复制网址。"
RESERVED_ID = "编号“{value}”是保留字：{why}。请换一个编号（文件名随之改为“新编号.yml”）。"
RESERVED_INDEX = "它是栏目首页的文件名，会替换掉“经验做法”“警务品牌”等栏目的首页"
RESERVED_DEVICE = "Windows 不允许用它作文件名（设备名），这条记录在 Windows 电脑上无法检出"
TEMPLATES_DIR_OUTSIDE = ("templates_dir 必须是仓库里的相对路径（如 site_config/templates），这里是“{value}”。"
                         "模板是代码，只能来自本仓库并像代码一样经过审核。")
TEMPLATES_DIR_LINK = "templates_dir“{value}”经符号链接指向仓库之外。模板是代码，只能来自本仓库。"
TEMPLATES_DIR_MISSING = "templates_dir“{value}”不是仓库里的文件夹。请先建立它，或删掉 site.yml 中的 templates_dir。"
FILENAME_ID_ONLY = "文件名“{name}”与编号“{id}”不一致（“{stem}”不能作编号）。请把文件改名为“{id}.yml”。"
FILENAME_OR_SLUG = "；如果想用文件名对应的编号，请把 id 改为“{slug}”，并把文件改名为“{slug}.yml”"

# --- text that is not text
TEXT_CONTROL = "文字里有不可见的控制字符（{code}）。记录中只允许换行和制表符：请删除它（常见于从网页、聊天软件复制的文字）。"
TEXT_SURROGATE = ("文字里有不成对的代理字符（{code}），它不是有效的文字（常见于写成 \\ud842 这样的转义）。"
                  "请直接写出这个字，或删掉这个转义。")
TEXT_NONCHAR = "文字里有非字符（{code}），它不代表任何文字。请删除它。"
TEXT_BIDI = "文字里有看不见的文字方向控制字符（{code}），它会让网页显示的文字与记录、搜索中的不同。请删除它。"
TEXT_ZERO_WIDTH = "文字里有看不见的零宽字符（{code}），它会让看起来相同的文字在搜索和链接中不同。请删除它。"

# --- limits (see docs/guide/errors.md: 记录的上限)
TEXT_TOO_LONG = "“{key}”有 {n} 个字，超过上限 {max} 字。真实记录远短于此，请精简；长文请放在出处链接里。"
LIST_TOO_LONG = "“{key}”有 {n} 项，超过上限 {max} 项。请精简。"
TAG_TOO_LONG = "标签“{value}”有 {n} 个字，超过上限 {max} 字。标签应是一个短词。"
UNIT_TOO_DEEP = "单位层级超过上限 {max} 层（从最上级数起：{chain}）。请检查 parent 字段。"
YEAR_TOO_EARLY = "{value} 早于 {min} 年。请检查年份。"
FILENAME_ID = "文件名“{name}”与编号“{id}”不一致。请把文件改名为“{id}.yml”，或把 id 改为“{stem}”。"
DUPLICATE_ID = "编号“{id}”已被 {other} 使用。每个{kind}的编号必须唯一，请换一个编号。"
DUPLICATE_CONFIG_ID = "编号“{id}”在本文件中出现了两次（上一次在第 {line} 行）。请换一个编号或删掉重复的一项。"
UNKNOWN_REF = "找不到{what}“{value}”。{hint}"
NO_SUCH_HINT = "请先在 {folder} 中建立它，或检查拼写。"
PERIOD_ORDER = "报告期的起始年月 {start} 晚于截止年月 {end}。请对调。"
FUTURE_MONTH = "{value} 还没有到（今天是 {today}）。请检查年份和月份。"
FUTURE_YEAR = "{year} 年还没有到（今天是 {today}）。请检查年份。"
OUTCOME_NEITHER = "这条成效既没有 value（数值）也没有 change（变化幅度）。请补上其中一个。"
OUTCOME_BOTH = "这条成效同时写了 value（数值）和 change（变化幅度），只能写一个。请删掉其中一个。"
MONTH_RANGE = "月份“{value}”不是 1–12 之间的整数。请改为 1–12 的数字。"
MONTH_EMPTY = "月份 {month} 下面没有任何数据。请写上“指标编号: 数值”，没有数据就删掉这个月份。"
MONTH_DUPLICATE = "月份 {month} 写了两次（上一次在第 {line} 行）。请合并成一个。"
MONTH_LEADING_ZERO = "月份请写 1–12 的数字，不要写成“{value}”（开头的 0 会让 YAML 读错）。请写 {fixed}。"
NEGATIVE_COUNT = "“{metric}”的数值不能为负数（{value}）。请改正；没有数据就删掉这一项。"
UNKNOWN_METRIC = "不认识的指标“{value}”。{hint}指标定义在 site_config/metrics.yml。"
STATS_FOLDER_UNIT = "统计文件所在文件夹“{folder}”与 unit 字段“{unit}”不一致。请把文件移到 records/stats/{unit}/，或改正 unit。"
STATS_FOLDER_UNKNOWN = "统计文件所在文件夹“{folder}”不是已知的单位编号。{hint}"
STATS_FILENAME_YEAR = "文件名“{name}”与年份 {year} 不一致。请把文件改名为“{year}.yml”，或改正 year。"
STATS_DUPLICATE = "{unit} 的 {year} 年统计已在 {other} 中。每个单位每年只能有一个统计文件，请合并。"
PARENT_KIND = "{kind_name}的上级单位应是{expected}，而“{parent}”是{actual}。请改正 parent 或 kind。"
PARENT_CYCLE = "上级单位形成了循环：{chain}。请检查 parent 字段。"
POST_NEEDS_PARENT = "{kind_name}必须填写上级单位（parent）。"
WAIVER_FIELD = "豁免中的字段“{field}”在这条记录里不存在。{hint}可以写：{names}。"

KIND_NAMES = {"bureau": "公安局/分局", "station": "派出所", "post": "警务室"}
RECORD_NAMES = {"unit": "单位", "practice": "经验做法", "brand": "品牌", "category": "分类",
                "metric": "指标"}
RECORD_FOLDERS = {"unit": "records/units/", "practice": "records/practices/",
                  "brand": "records/brands/", "category": "site_config/categories.yml",
                  "metric": "site_config/metrics.yml"}

# --- privacy
PRIVACY_FOUND = "发现{kind}：{masked}。警务记录不得公开公民个人信息，请删除或改写；如确属可公开的号码或信息，请加入 site_config/site.yml 的 privacy_allow，或在本记录的 privacy_waivers 中写明理由。"
PRIVACY_KINDS = {"id_card": "居民身份证号", "mobile": "手机号码", "email": "电子邮箱",
                 "plate": "机动车号牌", "bank_card": "银行卡号", "passport": "护照号码",
                 "landline": "固定电话号码"}

# --- build
DUPLICATE_PAGE = "两个生成的页面或文件都要写到“{path}”，后一个会悄悄覆盖前一个。请检查记录的编号。"
BUILD_FAILED = "网站没有生成：记录中有 {n} 处问题，请先改正。上一次生成的网站保持不变。"
JIEBA_MISSING = ("没有找到中文分词库 jieba（{err}）。没有它，站内搜索几乎搜不到中文。"
                 "请运行 pip install -e . 安装全部依赖后再生成网站。")


def got_name(node) -> str:
    import yaml
    if isinstance(node, yaml.MappingNode):
        return "一组“字段: 值”"
    if isinstance(node, yaml.SequenceNode):
        return "一个列表"
    text = str(node.value)
    if not text and node.style is None:
        return "空白"
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"

# --- warnings (jingyan validate prints them; they do not fail the check)
WARN_NO_COMPARISON = ("提示：经验做法“{title}”（{id}）的单位有月度统计，但找不到可比单位（同一上级、同一地区和全站的同类单位中，"
                      "实施前后都有至少 {months} 个月数据、且没有同期推行其他做法的不足 {n} 个），“成效对照”只能列出本单位实施前后的变化。")
WARN_SUMMARY = "另有 {n} 条提示（不影响检查通过）。"

# --- placeholders left in a record that will be published (#20)
PLACEHOLDER_LEFT = "还留着占位文字“{text}”，请换成实际内容。还没写完的经验做法可以先保持 status: draft（草稿不发布）。"
UNLINKED_UNIT = ("文中提到的单位“{name}”还没有关联：请建立记录（jingyan new unit --name {name}）"
                 "或找到已有单位，把编号写进 units，再从 unlinked_units 中删去这一项。")
# the same for a draft: a warning (drafts are not published, the build goes on)
WARN_UNLINKED_UNIT = ("提示：草稿中的单位“{name}”还没有记录，请新建或关联：jingyan new unit --name {name}"
                      "（已有记录就把它的编号写进 units），再从 unlinked_units 中删去这一项。草稿发布前必须处理。")

# --- 经验汇编 (jingyan compile)
COMPILE_UNKNOWN = "找不到{what}“{value}”。{hint}"
COMPILE_DID_YOU_MEAN = "是不是：{near}？"
COMPILE_LIST_HINT = "现有的{what}：{names}。"
COMPILE_DRAFT = "经验做法“{value}”还是草稿（status: draft），汇编不收录草稿。请先把它改为 published 并通过检查。"
COMPILE_REPEATED = "--practice 重复写了“{value}”。每条经验做法只收录一次，请删去重复的一项。"
COMPILE_FILTERED_OUT = "经验做法“{value}”不符合其他筛选条件（{filters}），不会收录。请去掉这个 --practice 或放宽条件。"
COMPILE_EMPTY = "没有符合条件的经验做法（{filters}）。请放宽条件，例如去掉 --since 或换一个分类。"
COMPILE_BAD_MONTH = "--since 的“{value}”不是有效的年月，请写成 2019-06 这样的格式。"
COMPILE_BAD_OUT = "--out 的“{value}”不是 .pdf 或 .docx 文件：汇编只能生成 PDF（.pdf）或 Word（.docx）。"
COMPILE_MISSING_DEP = ("生成{kind}需要 {package}，当前环境没有安装（{err}）。请运行：\n"
                       "    pip install 'jingyan[compile]'\n"
                       "（在仓库里开发时用 pip install -e '.[compile]'）。{extra}")
COMPILE_PANGO = ("WeasyPrint 还需要系统的 Pango 排版库：Debian/Ubuntu 上运行 "
                 "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk。")
COMPILE_WRITTEN = "✔ 已生成 {kind}：{path}（收录 {n} 条经验做法，{pages}{kib} KB，用时 {secs:.1f} 秒）"
COMPILE_NOT_WRITTEN = "没有生成文件{kept}。"
COMPILE_KEPT = "，原有的 {path} 保持不变"

# --- pre-rendered HTML in a page (generator/tables.py): a template's link the build cannot resolve
BLOCK_LINK_MISSING = "页面 {page} 的预生成 HTML 链接的文件不存在：{url}"
BLOCK_LINK_OUTSIDE = "页面 {page} 的预生成 HTML 链接到网站之外：{url}（只能链接网站内的文件）"
