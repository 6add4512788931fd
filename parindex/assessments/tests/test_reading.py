"""Reading an administrative document's header (Nghị định 30/2020/NĐ-CP) from its text:
the shapes the province's documents have (shared/seeds), as pdftotext and Word give them,
and text that is no document at all — always quick, whatever it holds."""

from __future__ import annotations

import datetime
import random
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.assessments.reading import DocumentHeader, body_name, read_header

# Seed 000 as pdftotext reads the letter (no -layout): the left column of the header
# table, then the right one; the issuer's lines were lost from the seed's own text.
LETTER = """UBND TỈNH SÓC TRĂNG
SỞ TÀI CHÍNH

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 1395/STC-VP

Sóc Trăng, ngày 23 tháng 4 năm 2020

V/v cải thiện và nâng cao\x20\x20
chỉ số cải cách hành chính

Kính gửi: Trưởng các đơn vị thuộc Sở Tài chính.

Căn cứ Quyết định số 341/QĐ-UBND ngày 20/02/2020 của Chủ tịch Ủy ban nhân dân tỉnh Sóc \
Trăng về việc phê duyệt và công bố Chỉ số cải cách hành chính,
"""

# The seeds' own first lines, as the province's documents were converted to text.
SEED_000 = """

Số: 1395/STC-VP

Sóc Trăng, ngày 23 tháng 4 năm 2020

V/v cải thiện và nâng cao\x20\x20
chỉ số cải cách hành chính

Kính gửi: Trưởng các đơn vị thuộc Sở Tài chính.
"""
SEED_001 = """

Sóc Trăng, ngày 24 tháng 9 năm 2021

V/v tăng cường giải pháp nâng cao Chỉ số cải cách hành chính

Kính gửi:

- Các sở, ngành;
"""
SEED_002 = """

Số: /BC-SNV

Sóc Trăng, ngày tháng 3 năm 2024

BÁO CÁO

Kết quả Chỉ số cải cách hành chính của các cơ quan, đơn vị trên địa bàn tỉnh Sóc Trăng, năm 2023

Kính gửi: Ủy ban nhân dân tỉnh Sóc Trăng

Căn cứ Quyết định số 1941/QĐ-UBND ngày 07/8/2023 của Chủ tịch Ủy ban nhân dân tỉnh Sóc Trăng
"""
SEED_003 = """

## **KẾ HOẠCH**

### **Thực hiện đề án Cải thiện Chỉ số cải cách hành chính cấp tỉnh và của Sở Tài chính tỉnh \
Sóc Trăng từ nay đến năm 2030**

Căn cứ Chỉ thị số 23/CT-TTg ngày 02/9/2021 của Thủ tướng Chính phủ về đẩy mạnh thực hiện
"""
SEED_004 = """ date 2021-08 Xác định cải cách hành chính là một trong 3 khâu đột phá chiến lược, \
Sóc Trăng triển khai công tác cải cách hành chính toàn diện trên các lĩnh vực, nhờ đó tạo nên \
những chuyển biến tích cực.

Xếp hạng 19/63 tỉnh, thành phố về chỉ số cải cách hành chính

Theo công bố của Bộ Nội vụ, năm 2020, tỷ lệ điểm chỉ số cải cách hành chính (CCHC) tỉnh Sóc \
Trăng tiếp tục được nâng lên.
"""

# pdftotext -layout: both columns on one line, centred by spaces.
REPORT_LAYOUT = """  UBND TỈNH SÓC TRĂNG              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
      SỞ TƯ PHÁP                          Độc lập - Tự do - Hạnh phúc
           ───────────                         ─────────────────────────

        Số: 37/BC-STP                 Sóc Trăng, ngày 12 tháng 3 năm 2024


                                  BÁO CÁO
  Kết quả thực hiện công tác cải cách hành chính quý I năm 2024 của Sở Tư
                            pháp tỉnh Sóc Trăng
                    Kính gửi: Sở Nội vụ tỉnh Sóc Trăng
      Thực hiện Kế hoạch số 12/KH-UBND ngày 03/01/2024 của Ủy ban nhân dân
"""
# pdftotext of a PDF whose text was drawn line by line: the columns interleaved.
PLAN_INTERLEAVED = """UBND TỈNH SÓC TRĂNG

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

SỞ TƯ PHÁP

Độc lập - Tự do - Hạnh phúc

Số: 12/KH-STP

Sóc Trăng, ngày 05 tháng 01 năm 2024

KẾ HOẠCH
Cải cách hành chính năm 2024
Thực hiện Kế hoạch số 163/KH-UBND ngày 24/11/2021 của Ủy ban nhân dân tỉnh Sóc Trăng, Sở \
Tư pháp ban hành Kế hoạch cải cách hành chính năm 2024 như sau:
"""
# A decision of the province (seed 002 cites it): the issuer on two lines, and the
# authority in capitals between the title and the grounds.
DECISION = """ỦY BAN NHÂN DÂN
TỈNH SÓC TRĂNG
───────
Số: 1941/QĐ-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
───────────────
Sóc Trăng, ngày 07 tháng 8 năm 2023

QUYẾT ĐỊNH
Ban hành Quy định đánh giá, xác định Chỉ số cải cách hành chính của các sở ngành, đơn vị
sự nghiệp công lập tỉnh, Ủy ban nhân dân các huyện, thị xã, thành phố và các cơ quan
Trung ương đặt tại tỉnh Sóc Trăng
────────
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
"""
# A Word file's text as reading.py gives it: each table cell's paragraphs, then a blank
# line; the cells of the letterhead's two rows, left to right.
WORD_CELLS = """UBND HUYỆN MỸ XUYÊN
PHÒNG NỘI VỤ
──────────

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
─────────────────

Số: 08/BC-PNV
V/v kết quả tự đánh giá
Chỉ số cải cách hành chính năm 2024

Mỹ Xuyên, 15/11/2024


Kính gửi: Sở Nội vụ tỉnh Sóc Trăng
"""


def header(number: str | None, date: str | None, issuer: str | None, title: str | None) -> object:
    return DocumentHeader(
        number=number,
        date=datetime.date.fromisoformat(date) if date else None,
        issuer=issuer,
        title=title,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            LETTER,
            header(
                "1395/STC-VP",
                "2020-04-23",
                "SỞ TÀI CHÍNH",
                "V/v cải thiện và nâng cao chỉ số cải cách hành chính",
            ),
            id="letter-of-a-department",
        ),
        pytest.param(
            SEED_000,
            header(
                "1395/STC-VP",
                "2020-04-23",
                None,
                "V/v cải thiện và nâng cao chỉ số cải cách hành chính",
            ),
            id="seed-000",
        ),
        pytest.param(
            SEED_001,
            header(
                None,
                "2021-09-24",
                None,
                "V/v tăng cường giải pháp nâng cao Chỉ số cải cách hành chính",
            ),
            id="seed-001",
        ),
        pytest.param(
            SEED_002,
            header(
                "/BC-SNV",  # a draft: the clerk writes the number when it is signed
                None,  # "ngày tháng 3 năm 2024": nor the day
                None,
                "BÁO CÁO Kết quả Chỉ số cải cách hành chính của các cơ quan, đơn vị trên địa "
                "bàn tỉnh Sóc Trăng, năm 2023",
            ),
            id="seed-002-draft",
        ),
        pytest.param(
            SEED_003,
            header(
                None,
                None,
                None,
                "KẾ HOẠCH Thực hiện đề án Cải thiện Chỉ số cải cách hành chính cấp tỉnh và của "
                "Sở Tài chính tỉnh Sóc Trăng từ nay đến năm 2030",
            ),
            id="seed-003-markdown",
        ),
        pytest.param(SEED_004, header(None, None, None, None), id="seed-004-an-article"),
        pytest.param(
            REPORT_LAYOUT,
            header(
                "37/BC-STP",
                "2024-03-12",
                "SỞ TƯ PHÁP",
                "BÁO CÁO Kết quả thực hiện công tác cải cách hành chính quý I năm 2024 của Sở "
                "Tư pháp tỉnh Sóc Trăng",
            ),
            id="report-pdftotext-layout",
        ),
        pytest.param(
            PLAN_INTERLEAVED,
            header(
                "12/KH-STP", "2024-01-05", "SỞ TƯ PHÁP", "KẾ HOẠCH Cải cách hành chính năm 2024"
            ),
            id="plan-columns-interleaved",
        ),
        pytest.param(
            DECISION,
            header(
                "1941/QĐ-UBND",
                "2023-08-07",
                "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
                "QUYẾT ĐỊNH Ban hành Quy định đánh giá, xác định Chỉ số cải cách hành chính của "
                "các sở ngành, đơn vị sự nghiệp công lập tỉnh, Ủy ban nhân dân các huyện, thị "
                "xã, thành phố và các cơ quan Trung ương đặt tại tỉnh Sóc Trăng",
            ),
            id="decision-of-the-province",
        ),
        pytest.param(
            WORD_CELLS,
            header(
                "08/BC-PNV",
                "2024-11-15",
                "PHÒNG NỘI VỤ",
                "V/v kết quả tự đánh giá Chỉ số cải cách hành chính năm 2024",
            ),
            id="word-cells-numeric-date",
        ),
    ],
)
def test_the_header_of_real_documents_is_read(text: str, expected: DocumentHeader) -> None:
    assert read_header(text) == expected


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số: 37/BC-STP", "37/BC-STP"),
        ("Số:37/BC-STP", "37/BC-STP"),
        ("SỐ: 25/QĐ-UBND", "25/QĐ-UBND"),
        ("Số: 10-NQ/TU", "10-NQ/TU"),
        ("Số: 766/QĐ-TTg", "766/QĐ-TTg"),
        ("Số: 30/2020/NĐ-CP", "30/2020/NĐ-CP"),
        ("Số: 37 /BC-STP", "37/BC-STP"),
        ("Số: 3787/BNV–CCHC", "3787/BNV-CCHC"),  # an en dash typed for the hyphen
        ("Số:        /BC-SNV", "/BC-SNV"),
        ("Số liệu năm 2024", None),  # a word, not the number
    ],
)
def test_the_number_and_symbol_as_written(line: str, number: str | None) -> None:
    text = f"SỞ TƯ PHÁP\n{line}\nSóc Trăng, ngày 12 tháng 3 năm 2024\n"
    assert read_header(text).number == number


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Sóc Trăng, ngày 12 tháng 3 năm 2024", "2024-03-12"),
        ("Hà Nội, ngày 05 tháng 01 năm 2024", "2024-01-05"),
        ("TP. Hồ Chí Minh, ngày 1 tháng 12 năm 2023", "2023-12-01"),
        ("Sóc Trăng, ngày  12  tháng  3  năm  2024", "2024-03-12"),
        ("ngày 12 tháng 3 năm 2024", "2024-03-12"),
        ("Sóc Trăng, 12/3/2024", "2024-03-12"),
        ("Sóc Trăng, ngày 12/03/2024", "2024-03-12"),
        ("12/3/2024", "2024-03-12"),
        ("Sóc Trăng, 12.3.2024", "2024-03-12"),
        ("Sóc Trăng, ngày 05 tháng 01 năm\n2024", "2024-01-05"),  # in a narrow column
        ("Sóc Trăng, ngày tháng 3 năm 2024", None),  # left for the clerk
        ("Sóc Trăng, ngày 31 tháng 2 năm 2024", None),  # no such day
        ("Sóc Trăng, ngày 12 tháng 3 năm 1890", None),
        ("Ngày 12 tháng 13 năm 2024", None),
    ],
)
def test_the_place_and_date(line: str, date: str | None) -> None:
    text = f"SỞ TƯ PHÁP\nSố: 37/BC-STP\n{line}\n"
    expected = datetime.date.fromisoformat(date) if date else None
    assert read_header(text).date == expected


def test_a_number_and_date_merged_on_one_line_are_both_read() -> None:
    found = read_header("SỞ TƯ PHÁP\nSố: 37/BC-STP Sóc Trăng, ngày 12 tháng 3 năm 2024\n")
    assert (found.number, found.date) == ("37/BC-STP", datetime.date(2024, 3, 12))


def test_dates_cited_in_a_title_or_the_body_are_not_the_documents() -> None:
    text = (
        "UBND TỈNH SÓC TRĂNG\nSỞ TƯ PHÁP\nSố: 45/STP-VP\n"
        "V/v triển khai Quyết định số 341/QĐ-UBND ngày 20/02/2020\n\n"
        "Kính gửi: các phòng.\nCăn cứ Quyết định số 25/QĐ-UBND ngày 08/01/2024;\n"
    )
    found = read_header(text)
    assert found.date is None
    assert found.title == "V/v triển khai Quyết định số 341/QĐ-UBND ngày 20/02/2020"


@pytest.mark.parametrize(
    ("top", "issuer"),
    [
        ("UBND TỈNH SÓC TRĂNG\nSỞ TƯ PHÁP", "SỞ TƯ PHÁP"),
        ("ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG\nSỞ NỘI VỤ", "SỞ NỘI VỤ"),
        ("ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG", "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG"),
        ("ỦY BAN NHÂN DÂN\nHUYỆN MỸ XUYÊN", "ỦY BAN NHÂN DÂN HUYỆN MỸ XUYÊN"),
        ("BỘ NỘI VỤ", "BỘ NỘI VỤ"),
        (
            "UBND TỈNH SÓC TRĂNG\nBAN QUẢN LÝ CÁC KHU\nCÔNG NGHIỆP",
            "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP",
        ),
        ("DỰ THẢO\nUBND TỈNH SÓC TRĂNG\nSỞ Y TẾ", "SỞ Y TẾ"),  # a draft's mark is no name
        ("UBND TỈNH SÓC TRĂNG  CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ Y TẾ", "SỞ Y TẾ"),
    ],
)
def test_the_issuer_under_its_parent(top: str, issuer: str) -> None:
    text = f"{top}\n────\nSố: 37/BC-STP\nSóc Trăng, ngày 12 tháng 3 năm 2024\n"
    assert read_header(text).issuer == issuer


def test_capitals_at_the_top_of_what_is_no_document_are_no_issuer() -> None:
    table = "BẢNG TỔNG HỢP ĐIỂM TỰ CHẤM\nĐơn vị: Sở Tư pháp\nTiêu chí 1.1 | 2,00\n"
    heading = "I. MỤC TIÊU, YÊU CẦU\n1. Mục tiêu\n"
    assert read_header(table) == DocumentHeader()
    assert read_header(heading) == DocumentHeader()


def test_text_decomposed_by_a_pdf_reads_the_same() -> None:
    assert read_header(unicodedata.normalize("NFD", LETTER)) == read_header(LETTER)


def test_a_title_stops_where_the_body_begins() -> None:
    text = (
        "SỞ TƯ PHÁP\nSố: 12/KH-STP\nKẾ HOẠCH\nCải cách hành chính năm 2024\n"
        "Thực hiện Kế hoạch số 163/KH-UBND của Ủy ban nhân dân tỉnh,\n"
        "Sở Tư pháp ban hành kế hoạch như sau:\n"
    )
    assert read_header(text).title == "KẾ HOẠCH Cải cách hành chính năm 2024"


def test_a_very_long_title_is_cut_at_a_word() -> None:
    words = " ".join(["cải cách hành chính"] * 6)
    text = "SỞ TƯ PHÁP\nSố: 12/KH-STP\nKẾ HOẠCH\n" + "\n".join([words] * 5) + "\n"
    title = read_header(text).title
    assert title is not None and len(title) <= 302 and title.endswith(" …")


# Hostile text: bounded before it is looked at, never slow.

JUNK = random.Random(30).randbytes(2_000_000).decode("latin-1")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(" \n\t\n" * 1000, id="whitespace"),
        pytest.param(JUNK, id="binary-junk"),
        pytest.param("\x00" * 1_000_000 + LETTER, id="nul-bytes"),
        pytest.param("Số: " * 2_000_000, id="numbers-without-end"),
        pytest.param("Sóc Trăng, ngày " * 1_000_000, id="dates-without-end"),
        pytest.param("a" * 59 + "," * 2_000_000, id="a-place-without-end"),
        pytest.param("V/v " + "x " * 5_000_000, id="one-line-of-10-mb"),
        pytest.param("\n" * 10_000_000, id="ten-million-lines"),
        pytest.param(("SỞ TƯ PHÁP   " * 40 + "\n") * 50_000, id="columns-without-end"),
        pytest.param("KẾ HOẠCH\n" * 1_000_000, id="titles-without-end"),
        pytest.param("\ud800\udfff\ufeff\u200b" * 100_000, id="surrogates-and-marks"),
    ],
)
def test_hostile_text_is_read_quickly_and_never_raises(text: str) -> None:
    started = time.perf_counter()
    found = read_header(text)
    assert time.perf_counter() - started < 0.5
    assert isinstance(found, DocumentHeader)
    for value in (found.number, found.issuer, found.title):
        assert value is None or len(value) <= 310


@settings(max_examples=300, deadline=500)
@given(st.text(alphabet=st.characters(), max_size=3000))
def test_any_text_gives_a_header_or_nothing(text: str) -> None:
    found = read_header(text)
    assert found.date is None or 1945 <= found.date.year <= 2100
    assert DocumentHeader.from_json(found.to_json()) == found


@settings(max_examples=200, deadline=500)
@given(
    st.lists(
        st.sampled_from(
            [
                "UBND TỈNH SÓC TRĂNG",
                "SỞ TƯ PHÁP",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Số: 37/BC-STP",
                "Sóc Trăng, ngày 12 tháng 3 năm 2024",
                "V/v cải thiện",
                "KẾ HOẠCH",
                "BÁO CÁO",
                "───",
                "",
                "   ",
                "\t",
                "Kính gửi:",
                "ngày",
                "Số:",
            ]
        ),
        max_size=200,
    )
)
def test_headers_shuffled_never_confuse_the_reader(lines: list[str]) -> None:
    found = read_header("\n".join(lines))
    assert found.number in (None, "37/BC-STP")
    assert found.date in (None, datetime.date(2024, 3, 12))


# What was read, stored and cited.


def test_the_header_is_stored_as_json_and_back() -> None:
    found = read_header(LETTER)
    assert found.to_json() == {
        "number": "1395/STC-VP",
        "date": "2020-04-23",
        "issuer": "SỞ TÀI CHÍNH",
        "title": "V/v cải thiện và nâng cao chỉ số cải cách hành chính",
    }
    assert DocumentHeader.from_json(found.to_json()) == found
    assert DocumentHeader().to_json() == dict.fromkeys(("number", "date", "issuer", "title"))
    assert not DocumentHeader().found


@pytest.mark.parametrize(
    "stored", [None, [], "x", {"date": "2024-02-31"}, {"number": 37, "title": ""}]
)
def test_anything_else_stored_reads_as_nothing_found(stored: object) -> None:
    assert DocumentHeader.from_json(stored) == DocumentHeader()


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        ("BÁO CÁO Kết quả thực hiện công tác CCHC", "Báo cáo kết quả thực hiện công tác CCHC"),
        ("KẾ HOẠCH Cải cách hành chính năm 2024", "Kế hoạch cải cách hành chính năm 2024"),
        ("QUYẾT ĐỊNH Về việc ban hành Quy chế", "Quyết định về việc ban hành Quy chế"),
        ("KẾ HOẠCH CCHC năm 2024", "Kế hoạch CCHC năm 2024"),
        ("V/v cải thiện chỉ số", "V/v cải thiện chỉ số"),
        ("THÔNG BÁO", "Thông báo"),
    ],
)
def test_a_title_as_a_sentence_cites_it(title: str, subject: str) -> None:
    assert DocumentHeader(title=title).subject == subject


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("SỞ TƯ PHÁP", "Sở Tư pháp"),
        ("SỞ TÀI CHÍNH", "Sở Tài chính"),
        ("UBND TỈNH SÓC TRĂNG", "UBND tỉnh Sóc Trăng"),
        ("ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", "Ủy ban nhân dân tỉnh Sóc Trăng"),
        ("ỦY BAN NHÂN DÂN HUYỆN MỸ XUYÊN", "Ủy ban nhân dân huyện Mỹ Xuyên"),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"),
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
        ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Sở Thông tin và Truyền thông"),
        ("BẢO HIỂM XÃ HỘI TỈNH SÓC TRĂNG", "Bảo hiểm xã hội tỉnh Sóc Trăng"),
        ("BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "Ban Quản lý các khu công nghiệp"),
        ("VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("THANH TRA TỈNH", "Thanh tra tỉnh"),
        ("BỘ NỘI VỤ", "Bộ Nội vụ"),
        ("PHÒNG NỘI VỤ", "Phòng Nội vụ"),
        ("Sở Tư pháp", "Sở Tư pháp"),  # written as a sentence already
    ],
)
def test_a_body_named_in_a_sentence(written: str, name: str) -> None:
    assert body_name(written) == name
    assert DocumentHeader(issuer=written).issuer_name == name
