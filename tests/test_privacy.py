"""Finding personal data: ID numbers (GB 11643 check digit), mobiles, e-mails, plates."""
from __future__ import annotations

import random

import pytest

from generator.privacy import find_personal_data, id_check_digit_ok, mask, normalise_allow


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


@pytest.mark.parametrize("text", ["座机 0532-88888888", "12345678901", "编号 138123456789", "110、12345"])
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
