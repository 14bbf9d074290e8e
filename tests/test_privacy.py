"""Finding personal data: ID numbers (GB 11643 check digit), mobiles, e-mails, plates."""
from __future__ import annotations

import random

import pytest

from generator.privacy import (escape_controls, find_personal_data, id_check_digit_ok, luhn_ok, mask,
                               mask_text, normalise, normalise_allow)


def gb11643_check_digit(first17: str) -> str:
    """The check digit, computed here from the standard rather than taken from
    the code under test: weights 2^(17-i) mod 11, then 12 - (sum mod 11) mod 11,
    with 10 written as X."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    total = sum(int(d) * w for d, w in zip(first17, weights))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def test_weights_are_the_published_ones():
    assert [pow(2, 17 - i, 11) for i in range(17)] == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    # the example in GB 11643-1999, annex: 11010519491231002X
    assert gb11643_check_digit("11010519491231002") == "X"


def test_check_digit_agrees_with_the_standard_on_random_numbers():
    rng = random.Random(11643)  # fixed seed: deterministic
    for _ in range(2000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        right = gb11643_check_digit(body)
        assert id_check_digit_ok(body + right)
        for wrong in "0123456789X":
            if wrong != right:
                assert not id_check_digit_ok(body + wrong)


def test_check_digit_x_in_either_case_and_bad_shapes():
    body = next(b for b in (f"1101051949123{n:04d}" for n in range(10000)) if gb11643_check_digit(b) == "X")
    assert id_check_digit_ok(body + "X") and id_check_digit_ok(body + "x")
    assert not id_check_digit_ok(body)  # 17 characters
    assert not id_check_digit_ok(body + "X0")  # 19
    assert not id_check_digit_ok("A" + body[1:] + "X")


def _id(prefix: str = "11010119900307123") -> str:
    return prefix + gb11643_check_digit(prefix)


# ---------------------------------------------------------------- masks

def test_mask_formats():
    assert mask("id_card", "110101199003071234") == "110101********1234"
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("mobile", "138-1234-5678") == "138****5678"
    assert mask("email", "zhangsan@example.com") == "z***@example.com"
    assert mask("plate", "鲁B12345") == "鲁B****5"


# ---------------------------------------------------------------- finding

def test_valid_id_number_is_found_and_masked():
    number = _id()
    found = find_personal_data(f"身份证号{number}，")
    assert [(f.kind, f.start, f.end, f.masked) for f in found] == [
        ("id_card", 4, 22, number[:6] + "********" + number[-4:])]


def test_random_18_digits_failing_the_check_are_not_id_numbers():
    number = _id()
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    assert find_personal_data(f"案卷编号 {wrong}") == []
    assert find_personal_data("档案号 623456789012345678") == []  # check digit should be 1


def test_id_number_with_impossible_birth_date_is_not_reported():
    assert find_personal_data(_id("11010118991332123")) == []  # born in month 13 of 1899


def test_id_number_inside_longer_digits_is_not_reported():
    assert find_personal_data("9" + _id() + "9") == []


@pytest.mark.parametrize("text, masked", [
    ("电话13812345678。", "138****5678"),
    ("电话 138-1234-5678", "138****5678"),
    ("电话 138 1234 5678", "138****5678"),
    ("电话+86 13912345678", "139****5678"),
])
def test_mobile_numbers(text, masked):
    assert [(f.kind, f.masked) for f in find_personal_data(text)] == [("mobile", masked)]


@pytest.mark.parametrize("text", ["12345678901", "编号 138123456789", "110、12345"])
def test_not_mobile_numbers(text):
    assert find_personal_data(text) == []


def test_email_and_plate():
    found = find_personal_data("来信 li.si@example.com.cn，车牌鲁B12345、京A·D1234挂")
    assert [(f.kind, f.masked) for f in found] == [
        ("email", "l***@example.com.cn"), ("plate", "鲁B****5"), ("plate", "京A******挂")]


def test_a_mobile_used_as_an_email_name_is_reported_once():
    found = find_personal_data("13812345678@qq.com")
    assert [f.kind for f in found] == ["mobile"]


def test_findings_are_in_text_order():
    text = f"邮箱 a@b.cn 手机 13812345678 身份证 {_id()}"
    assert [f.kind for f in find_personal_data(text)] == ["email", "mobile", "id_card"]


# ---------------------------------------------------------------- allow-list

def test_allow_list_compares_numbers_by_digits():
    allow = normalise_allow(["138-1234-5678", "duty@example.com"])
    assert find_personal_data("值班 13812345678、138 1234 5678、duty@example.com", allow) == []
    assert [f.masked for f in find_personal_data("值班 13912345678", allow)] == ["139****5678"]


def test_allow_list_hotline_does_not_let_a_plate_through():
    """"12345" (the government hotline) is allowed; plate 鲁B12345 is still a plate."""
    allow = normalise_allow(["110", "12345"])
    assert [f.kind for f in find_personal_data("鲁B12345", allow)] == ["plate"]


def test_allow_list_id_number_with_x_in_either_case():
    body = next(b for b in (f"1101051949123{n:04d}" for n in range(10000)) if gb11643_check_digit(b) == "X")
    assert find_personal_data(body + "x", normalise_allow([body + "X"])) == []


def test_many_findings_stay_fast():
    import time
    text = " ".join(f"13{i % 10}1234{i % 10000:04d}" for i in range(20000))
    start = time.monotonic()
    assert len(find_personal_data(text)) == 20000
    assert time.monotonic() - start < 5


# ---------------------------------------------------------------- every spelling (issue 14)

def luhn_check_digit(body: str) -> str:
    """The Luhn digit, computed here from its definition: double every second
    digit from the right of the full number, digits of products summed."""
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)  # the check digit will take position 0
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def test_luhn_agrees_with_its_definition():
    rng = random.Random(1954)
    for _ in range(500):
        body = "".join(rng.choice("0123456789") for _ in range(rng.randint(15, 18)))
        right = luhn_check_digit(body)
        assert luhn_ok(body + right)
        assert not luhn_ok(body + str((int(right) + 1) % 10))
    assert luhn_ok("4111111111111111")  # the well-known test card


FULL = str.maketrans("0123456789Xx@.", "０１２３４５６７８９Ｘｘ＠．")
ID18 = _id("37028319850612241")


@pytest.mark.parametrize("spelled", [
    ID18,
    ID18.lower(),
    f"{ID18[:6]} {ID18[6:14]} {ID18[14:]}",
    f"{ID18[:6]}-{ID18[6:10]}-{ID18[10:14]}-{ID18[14:]}",
    ".".join(ID18[i:i + 4] for i in range(0, 18, 4)),
    ID18.translate(FULL),
    f"{ID18[:6]}  {ID18[6:]}",
])
def test_id_number_in_every_spelling(spelled):
    text = f"户籍登记：{spelled}。"
    found = find_personal_data(text)
    assert [(f.kind, f.masked) for f in found] == [("id_card", ID18[:6] + "********" + ID18[-4:].upper())]
    assert text[found[0].start:found[0].end] == spelled  # the span is the text as written


def test_old_15_digit_id_number():
    found = find_personal_data("旧证 370283850612241 已换")
    assert [(f.kind, f.masked, f.start) for f in found] == [("id_card", "370283******241", 3)]
    # a 15-digit number whose "birth date" is impossible is not one
    assert find_personal_data("流水 370283851332241") == []


@pytest.mark.parametrize("spelled", ["13912345678", "１３９１２３４５６７８", "139.1234.5678", "139 1234 5678",
                                     "13 912  34 5678", "139-1234-5678", "0086 13912345678", "+86 139 1234 5678",
                                     "+86-13912345678"])
def test_mobile_in_every_spelling(spelled):
    found = find_personal_data(f"联系 {spelled} 即可")
    assert [(f.kind, f.masked) for f in found] == [("mobile", "139****5678")]


def test_two_mobiles_side_by_side_are_two():
    found = find_personal_data("13912345678 13812345678、13712345678")
    assert [f.masked for f in found] == ["139****5678", "138****5678", "137****5678"]


def test_bank_cards():
    body = "62220202001122334"
    card = body + luhn_check_digit(body)  # 18 digits, not shaped like an ID number
    grouped = "4111 1111 1111 1111"
    found = find_personal_data(f"卡号 {card}，另一张 {grouped}")
    assert [(f.kind, f.masked) for f in found] == [("bank_card", card[:4] + "*" * 10 + card[-4:]),
                                                   ("bank_card", "4111********1111")]


@pytest.mark.parametrize("text, masked", [("护照 E12345678", "E******78"), ("G87654321号护照", "G******21"),
                                          ("新版 EA1234567", "E******67")])
def test_passports(text, masked):
    assert [(f.kind, f.masked) for f in find_personal_data(text)] == [("passport", masked)]


@pytest.mark.parametrize("text, masked", [
    ("0531-88886666", "0531-****6666"), ("(0531)88886666", "0531-****6666"), ("（0531）88886666", "0531-****6666"),
    ("0531 88886666", "0531-****6666"), ("010-62345678", "010-****5678"), ("053188886666", "0531-****6666"),
    ("座机 0532-88888888", "0532-****8888")])
def test_landlines(text, masked):
    assert [(f.kind, f.masked) for f in find_personal_data(text)] == [("landline", masked)]


def test_landline_allowed_by_the_allow_list_in_any_spelling():
    allow = normalise_allow(["0531-88886666"])
    for spelled in ("0531-88886666", "(0531)88886666", "０５３１－８８８８６６６６", "0531 88886666"):
        assert find_personal_data(f"值班电话 {spelled}", allow) == [], spelled
    assert [f.kind for f in find_personal_data("0531-88886667", allow)] == ["landline"]


def test_police_and_new_energy_plates():
    found = find_personal_data("鲁B1234警、粤BD12345")
    assert [(f.kind, f.masked) for f in found] == [("plate", "鲁B****警"), ("plate", "粤B*****5")]


def test_fullwidth_email_and_plates():
    found = find_personal_data("邮箱 ｌｉｕ＠ｅｘａｍｐｌｅ．ｃｎ，车辆 鲁Ｂ１２３４５ 与 鲁B 54321")
    assert [(f.kind, f.masked) for f in found] == [
        ("email", "l***@example.cn"), ("plate", "鲁B****5"), ("plate", "鲁B****1")]


@pytest.mark.parametrize("text", [
    "2019-2020年", "2019—2020 年度", "第110条", "法〔2019〕12号", "公通字〔2017〕3号", "20230311", "2023.03.11",
    "2023年3月11日", "共 1234 起", "处置 45、67、89 起", "110、12345 热线", "1234567812345678",  # 16 digits, Luhn fails
    "案卷 370283198506122419", "档案号 623456789012345678", "GB 11643-1999", "ISO 9001:2015",
    "G20 峰会", "第 3 季度 12 个村", "1986. 年起步", "版本 1.2.3.4", "鲁A 2020年", "京B1234",
])
def test_no_false_alarms(text):
    assert find_personal_data(text) == [], text


def test_normalise_keeps_the_original_columns():
    assert normalise("号１２Ａ") == ("号12A", None)  # one character each: the columns are the same
    norm, where = normalise("㈠1")  # one character becomes three
    assert norm == "(一)1" and where == [0, 0, 0, 1, 2]
    found = find_personal_data("㈠手机１３９１２３４５６７８")
    assert [(f.start, f.end) for f in found] == [(3, 14)]  # columns of the text as written
    assert normalise("plain ascii") == ("plain ascii", None)


def test_mask_text_masks_every_kind_and_keeps_the_rest():
    text = f"ID {ID18}、手机 139 1234 5678、卡 4111111111111111、护照 E12345678、座机 0531-88886666、邮箱 liu@example.cn"
    masked = mask_text(text)
    for secret in (ID18, "5678", "4111111111111111", "E12345678", "88886666", "liu@"):
        assert secret not in masked.replace("****5678", ""), secret
    assert masked.startswith("ID 370283********")
    assert mask_text("没有个人信息 2019-2020") == "没有个人信息 2019-2020"


def test_escape_controls():
    assert escape_controls("a\x1b[32mb\rc\u202ed\u200be\ud842") == "a<U+001B>[32mb<U+000D>c<U+202E>d<U+200B>e<U+D842>"
    assert escape_controls("行\n", keep="\n") == "行\n"
    assert escape_controls("正常的文字，tab\tok") == "正常的文字，tab<U+0009>ok"


def test_unpaired_surrogate_text_does_not_crash():
    assert find_personal_data("\ud842\ud842 13912345678")[0].masked == "139****5678"
