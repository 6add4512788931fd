"""The demo province: Sóc Trăng's four groups of 2023 with their real unit names.

Accounts are named by role and unit, never after people. Loading is idempotent: what
exists already is kept as it is.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from parindex.assessments.models import Assessment, Cycle, CycleGroup, Phase
from parindex.assessments.services import (
    SelfAnswer,
    assessment_transition,
    cycle_advance,
    evidence_upload,
    item_save_self,
)
from parindex.frameworks.models import Framework
from parindex.frameworks.services import framework_copy_to_year, framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.models import EvaluatingBody, Partner, Role, Unit, UnitGroup, User, make_code
from parindex.results.history import parse_rows, read_table, results_import
from parindex.results.models import ImportedResult, NationalResult, Target

from .directives import load_directives
from .inspections import load_inspections
from .plans import load_plans
from .samples import sample_inputs
from .surveys import PARTNER_LOGINS, PARTNERS, load_surveys

DEMO_PASSWORD = "parindex-demo"  # noqa: S105 - demo accounts only, printed in README
DATA = Path(__file__).resolve().parent / "data"  # the four frameworks and the 2023 results
HISTORY_FILE = DATA / "results-2023-districts.published.csv"  # with the published figures
BODY_NAME = "Sở Nội vụ tỉnh Sóc Trăng"
FRAMEWORK_YEAR = 2023

# (code, name, heading of the head) per group, in the order of the 2023 report.
GROUPS: list[tuple[str, str, str, list[str]]] = [
    (
        "so-nganh",
        "Sở, ban, ngành tỉnh",
        "Giám đốc",
        [
            "Sở Nội vụ",
            "Sở Tài chính",
            "Sở Kế hoạch và Đầu tư",
            "Sở Tư pháp",
            "Sở Công Thương",
            "Sở Giao thông vận tải",
            "Sở Khoa học và Công nghệ",
            "Sở Thông tin và Truyền thông",
            "Sở Nông nghiệp và Phát triển nông thôn",
            "Sở Giáo dục và Đào tạo",
            "Sở Lao động - Thương binh và Xã hội",
            "Sở Xây dựng",
            "Sở Y tế",
            "Sở Văn hóa, Thể thao và Du lịch",
            "Sở Tài nguyên và Môi trường",
            "Văn phòng UBND tỉnh",
            "Thanh tra tỉnh",
            "Ban Dân tộc",
            "Ban Quản lý các khu công nghiệp",
        ],
    ),
    (
        "huyen",
        "UBND cấp huyện",
        "Chủ tịch",
        [
            "UBND huyện Mỹ Xuyên",
            "UBND huyện Long Phú",
            "UBND thị xã Ngã Năm",
            "UBND huyện Châu Thành",
            "UBND huyện Kế Sách",
            "UBND huyện Thạnh Trị",
            "UBND huyện Cù Lao Dung",
            "UBND huyện Mỹ Tú",
            "UBND thành phố Sóc Trăng",
            "UBND huyện Trần Đề",
            "UBND thị xã Vĩnh Châu",
        ],
    ),
    (
        "dvsn",
        "Đơn vị sự nghiệp công lập tỉnh",
        "Giám đốc",
        [
            "Ban Quản lý Dự án 1",
            "Ban Quản lý Dự án 2",
            "Trường Cao đẳng Cộng đồng Sóc Trăng",
            "Trường Cao đẳng Nghề Sóc Trăng",
        ],
    ),
    (
        "trung-uong",
        "Cơ quan Trung ương đặt tại tỉnh",
        "Giám đốc",
        [
            "Bảo hiểm xã hội tỉnh Sóc Trăng",
            "Chi cục Hải quan Sóc Trăng",
            "Công an tỉnh Sóc Trăng",
            "Cục Thuế tỉnh Sóc Trăng",
            "Kho bạc Nhà nước Sóc Trăng",
            "Ngân hàng Nhà nước chi nhánh tỉnh Sóc Trăng",
        ],
    ),
]
HEAD_TITLES = {  # where the head is not called by the group's usual title
    "Văn phòng UBND tỉnh": "Chánh Văn phòng",
    "Thanh tra tỉnh": "Chánh Thanh tra",
    "Ban Dân tộc": "Trưởng ban",
    "Ban Quản lý các khu công nghiệp": "Trưởng ban",
    "Công an tỉnh Sóc Trăng": "Giám đốc",
    "Cục Thuế tỉnh Sóc Trăng": "Cục trưởng",
    "Chi cục Hải quan Sóc Trăng": "Chi cục trưởng",
    "Ban Quản lý Dự án 1": "Giám đốc",
    "Trường Cao đẳng Cộng đồng Sóc Trăng": "Hiệu trưởng",
    "Trường Cao đẳng Nghề Sóc Trăng": "Hiệu trưởng",
}
# Appraisers: their own department, and the fields they check in every group.
APPRAISERS: list[tuple[str, list[str]]] = [
    ("Sở Nội vụ", ["1", "4", "5", "8"]),
    ("Sở Tư pháp", ["2"]),
    ("Văn phòng UBND tỉnh", ["3"]),
    ("Sở Tài chính", ["6"]),
    ("Sở Thông tin và Truyền thông", ["7"]),
]


# The province in the national ranking, as shared/seeds/004 reports it (Báo Sóc Trăng,
# 08/2021): 85.19% and 19/63 in 2020, up 3.16 points on 2019 at the same rank.
NATIONAL = [
    (2019, "82.03", 19, 63, None, "Báo Sóc Trăng 08/2021: năm 2020 tăng 3,16% so với năm 2019"),
    (
        2020,
        "85.19",
        19,
        63,
        "88.67",
        "Bộ Nội vụ công bố Chỉ số CCHC năm 2020 (Báo Sóc Trăng 08/2021)",
    ),
]
PLAN = (
    "Kế hoạch của Sở Tài chính thực hiện Quyết định số 2437/QĐ-UBND ngày 16/9/2022 "
    "(Đề án cải thiện Chỉ số CCHC đến năm 2030)"
)
# The goals of that plan (shared/seeds/003), in its words: (title, kind, N, years, unit).
TARGETS: list[tuple[str, str, str | None, int, int, str | None]] = [
    (
        "Đến năm 2025, Chỉ số CCHC tỉnh Sóc Trăng trong nhóm 15 tỉnh, thành phố đứng đầu cả nước",
        "national_rank_at_most",
        "15",
        2025,
        2025,
        None,
    ),
    (
        "Từ năm 2026 đến năm 2030, mỗi năm Chỉ số CCHC tỉnh Sóc Trăng tăng tối thiểu 01 bậc",
        "national_rank_rise",
        "1",
        2026,
        2030,
        None,
    ),
    (
        "Hàng năm, tỷ lệ điểm Chỉ số CCHC của tỉnh cao hơn năm trước liền kề",
        "national_index_rise",
        None,
        2021,
        2030,
        None,
    ),
    (
        "Hàng năm, tỷ lệ điểm Chỉ số CCHC của Sở Tài chính cao hơn năm trước liền kề",
        "unit_index_rise",
        None,
        2024,
        2030,
        "Sở Tài chính",
    ),
    (
        "Chỉ số CCHC của mỗi cơ quan, đơn vị năm sau cao hơn năm trước",
        "unit_index_rise",
        None,
        2024,
        2030,
        None,
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    unit: str | None  # unit code
    partner: str | None = None  # a survey partner's name


def short_name(name: str) -> str:
    """“UBND huyện Mỹ Xuyên” → “Huyện Mỹ Xuyên”; other names stay whole."""
    if name.startswith("UBND "):
        rest = name.removeprefix("UBND ")
        return rest[:1].upper() + rest[1:]
    return name


def demo_logins() -> list[DemoLogin]:
    """Every demo account, in the order README lists them."""
    logins = [
        DemoLogin("admin", "Quản trị CCHC – Sở Nội vụ", Role.ADMIN, None),
        DemoLogin("chair", "Chủ tịch Hội đồng thẩm định", Role.COUNCIL_CHAIR, None),
        DemoLogin("viewer", "Lãnh đạo UBND tỉnh (xem)", Role.VIEWER, None),
    ]
    for unit_name, _fields in APPRAISERS:
        code = make_code(unit_name)
        logins.append(
            DemoLogin(f"{code}.appraiser", f"Thẩm định viên – {unit_name}", Role.APPRAISER, code)
        )
    for _code, _group, _title, names in GROUPS:
        for name in names:
            code = make_code(name)
            logins.append(
                DemoLogin(f"{code}.scorer", f"Đầu mối CCHC – {name}", Role.UNIT_SCORER, code)
            )
            logins.append(DemoLogin(f"{code}.head", f"Thủ trưởng – {name}", Role.UNIT_HEAD, code))
    for username, display, role, partner in PARTNER_LOGINS:
        logins.append(DemoLogin(username, display, role, None, partner))
    return logins


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create what is missing of the demo province; keep whatever exists."""
    created = {
        "units": 0,
        "users": 0,
        "frameworks": 0,
        "results": 0,
        "initiatives": 0,
        "inspections": 0,
        "assessments": 0,
    }
    body, _new = EvaluatingBody.objects.get_or_create(
        name=BODY_NAME, defaults={"short_name": "Sở Nội vụ"}
    )
    for position, (group_code, group_name, head_title, names) in enumerate(GROUPS, start=1):
        group, _new = UnitGroup.objects.get_or_create(
            code=group_code, defaults={"body": body, "name": group_name, "position": position}
        )
        for unit_position, name in enumerate(names, start=1):
            title = HEAD_TITLES.get(name, head_title)
            _unit, new = Unit.objects.get_or_create(
                code=make_code(name),
                defaults={
                    "name": name,
                    "short_name": short_name(name),
                    "group": group,
                    "position": unit_position,
                    "head_name": f"{title} {name}",
                    "email": f"{make_code(name)}@demo.parindex.invalid",
                },
            )
            created["units"] += new
    units = {unit.code: unit for unit in Unit.objects.all()}
    partners = {name: Partner.objects.get_or_create(body=body, name=name)[0] for name in PARTNERS}
    existing = set(User.objects.values_list("username", flat=True))
    hashed = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
    new_users = [
        User(
            username=login.username,
            display_name=login.display_name,
            role=login.role,
            unit=units.get(login.unit) if login.unit else None,
            partner=partners.get(login.partner) if login.partner else None,
            password=hashed,
        )
        for login in demo_logins()
        if login.username not in existing
    ]
    # Through the users' own bulk path: the role sets Django's admin flags (role_flags).
    created["users"] = len(User.objects.bulk_create(new_users))
    frameworks_before = Framework.objects.count()
    _load_frameworks()
    created["frameworks"] = Framework.objects.count() - frameworks_before  # copies too
    _assign_appraisers()
    if not ImportedResult.objects.filter(year=FRAMEWORK_YEAR).exists():
        rows = parse_rows(read_table(HISTORY_FILE.read_bytes(), HISTORY_FILE.name))
        created["results"] = len(results_import(rows=rows, year=FRAMEWORK_YEAR))
    _load_national_and_targets()
    created["initiatives"] = _load_initiatives()
    created["assessments"] = _load_cycle()
    admin = User.objects.get(username="admin")
    created["responses"] = load_surveys(
        admin, {u.username: u for u in User.objects.filter(partner__isnull=False)}
    )
    created["directives"] = load_directives(admin)
    created["plans"] = load_plans()
    created["inspections"] = load_inspections(admin)
    return created


CYCLE_YEAR = FRAMEWORK_YEAR + 1
# Units part-way through the demo's 2024 self-assessment: (unit, fields answered, submit).
PROGRESS = [
    ("UBND huyện Mỹ Xuyên", None, True),  # every field, submitted
    ("Sở Tư pháp", ("1", "2", "3"), False),
    ("UBND huyện Long Phú", ("1", "4"), False),
    ("Sở Y tế", ("1",), False),
]
# A one-page PDF written by hand: the demo's evidence file (ASCII: PDF's base fonts).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 88>>stream\nBT /F1 16 Tf 60 770 Td (Ke hoach cai cach hanh chinh nam 2024"
    b" - tai lieu mau demo) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _load_cycle() -> int:
    """The 2024 cycle open for self-assessment (its deadlines counted from today), with a
    few units part-way through, so that every role has something to do."""
    if Cycle.objects.filter(year=CYCLE_YEAR).exists():
        return 0
    today = timezone.localdate()
    days = datetime.timedelta
    cycle = Cycle.objects.create(
        year=CYCLE_YEAR,
        title=f"Chỉ số CCHC năm {CYCLE_YEAR}",
        self_assessment_until=today + days(days=21),
        appraisal_1_until=today + days(days=35),
        revision_until=today + days(days=45),
        appraisal_2_until=today + days(days=55),
        council_until=today + days(days=65),
    )
    for framework in Framework.objects.filter(year=CYCLE_YEAR).order_by("group", "-version"):
        if CycleGroup.objects.filter(cycle=cycle, group=framework.group).exists():
            continue
        if not framework.is_frozen:
            framework = framework_freeze(framework=framework)
        CycleGroup.objects.create(cycle=cycle, group=framework.group, framework=framework)
    admin = User.objects.get(username="admin")
    cycle_advance(cycle=cycle, to=Phase.SELF_ASSESSMENT, by=admin)
    rng = random.Random(CYCLE_YEAR)
    for name, fields, submit in PROGRESS:
        code = make_code(name)
        assessment = Assessment.objects.get(cycle=cycle, unit__code=code)
        scorer = User.objects.get(username=f"{code}.scorer")
        first_evidence = True
        for item in assessment.items.select_related("criterion").order_by("criterion__position"):
            criterion = item.criterion
            if fields is not None and criterion.field_code not in fields:
                continue
            inputs = sample_inputs(criterion.rule(), Decimal(criterion.max_points), rng)
            if inputs is None:
                continue
            note = ""
            if criterion.evidence_required:
                note = f"Văn bản số {rng.randint(10, 250)}/BC-{code[:3].upper()} (demo)"
            item = item_save_self(
                item=item,
                answer=SelfAnswer(inputs, note, False, ""),
                version=item.version,
                by=scorer,
            )
            if criterion.evidence_required and first_evidence:
                upload = SimpleUploadedFile("ke-hoach-cchc-2024.pdf", DEMO_PDF)
                evidence_upload(item=item, upload=upload, by=scorer)
                first_evidence = False
        if submit:
            head = User.objects.get(username=f"{code}.head")
            assessment_transition(assessment=assessment, action="submit", by=head)
    return cycle.assessments.count()


INITIATIVES_FILE = DATA / "initiatives" / "2023.yaml"


def _load_initiatives() -> int:
    """The 26 initiatives the council recognised in 2023 (seed 002's appendix)."""
    import yaml

    from parindex.followup.models import Initiative

    data = yaml.safe_load(INITIATIVES_FILE.read_text(encoding="utf-8"))
    units = {unit.name: unit for unit in Unit.objects.all()}
    if Initiative.objects.filter(year=data["year"]).exists():
        return _load_initiatives_2024(units)
    created = len(
        Initiative.objects.bulk_create(
            Initiative(
                unit=units[item["unit"]],
                year=data["year"],
                title=item["title"],
                description=item.get("description", ""),
                status=Initiative.Status.RECOGNISED,
                decision=data["decision"],
                position=position,
            )
            for position, item in enumerate(data["initiatives"], start=1)
        )
    )
    return created + _load_initiatives_2024(units)


GENERATED = "[Dữ liệu minh họa do parindex tạo] "
# Units reporting in 2024 on their 2023 initiatives: (unit, maintained, extended).
MAINTAINED_2024 = [
    ("Sở Nội vụ", True, True),
    ("Sở Y tế", True, False),
    ("UBND huyện Mỹ Xuyên", True, True),
    ("Bảo hiểm xã hội tỉnh Sóc Trăng", False, False),
]
SUBMITTED_2024 = [
    (
        "Sở Tư pháp",
        "Hướng dẫn đăng ký khai sinh trực tuyến qua mã QR tại Bộ phận Một cửa.",
        "Dán mã QR dẫn tới hướng dẫn từng bước tại quầy; công chức hỗ trợ người dân lần đầu.",
    ),
    (
        "UBND huyện Long Phú",
        "Tổ thanh niên hỗ trợ dịch vụ công trực tuyến tại nhà văn hóa ấp.",
        "Đoàn viên thanh niên trực cuối tuần, hướng dẫn người dân tạo tài khoản và nộp hồ sơ.",
    ),
]


def _load_initiatives_2024(units: dict[str, Unit]) -> int:
    """A few 2024 reports on 2023's initiatives (generated), and two 2024 submissions
    awaiting the council's decision."""
    from parindex.followup.models import Initiative, InitiativeFollowup

    if Initiative.objects.filter(year=2024).exists():
        return 0
    heads = {
        user.unit_id: user
        for user in User.objects.filter(role=Role.UNIT_HEAD, unit__name__in=units.keys())
    }
    first: dict[str, Initiative] = {}
    for initiative in Initiative.objects.recognised(2023).select_related("unit"):
        first.setdefault(initiative.unit.name, initiative)
    reports = [
        InitiativeFollowup(
            initiative=first[name],
            year=2024,
            maintained=maintained,
            extended=extended,
            note=GENERATED
            + (
                "Tiếp tục duy trì, nhân rộng áp dụng tại các đơn vị trực thuộc."
                if extended
                else "Tiếp tục duy trì thực hiện trong năm."
                if maintained
                else "Tạm dừng do thay đổi phần mềm nghiệp vụ."
            ),
            reported_by=heads.get(first[name].unit_id),
        )
        for name, maintained, extended in MAINTAINED_2024
        if name in first
    ]
    InitiativeFollowup.objects.bulk_create(reports)
    submissions = Initiative.objects.bulk_create(
        Initiative(
            unit=units[name],
            year=2024,
            title=title,
            description=GENERATED + description,
            position=1,
            created_by=heads.get(units[name].pk),
        )
        for name, title, description in SUBMITTED_2024
        if name in units
    )
    return len(reports) + len(submissions)


def _load_national_and_targets() -> None:
    if not NationalResult.objects.exists():
        NationalResult.objects.bulk_create(
            NationalResult(
                year=year,
                index_pct=Decimal(index),
                rank=rank,
                rank_of=rank_of,
                sipas_pct=Decimal(sipas) if sipas else None,
                source=source,
            )
            for year, index, rank, rank_of, sipas, source in NATIONAL
        )
    if not Target.objects.exists():
        units = {unit.name: unit for unit in Unit.objects.filter(name__in=[t[5] for t in TARGETS])}
        Target.objects.bulk_create(
            Target(
                title=title,
                source=PLAN,
                kind=kind,
                value=Decimal(value) if value else None,
                first_year=first,
                last_year=last,
                unit=units.get(unit) if unit else None,
                position=position,
            )
            for position, (title, kind, value, first, last, unit) in enumerate(TARGETS, start=1)
        )


def _assign_appraisers() -> None:
    """Each appraiser checks their fields in every group whose framework has them."""
    from parindex.frameworks.models import Criterion
    from parindex.org.models import AppraisalAssignment

    fields_by_group: dict[int, set[str]] = {}
    for group_id, code in Criterion.objects.filter(
        depth=0, framework__year=FRAMEWORK_YEAR
    ).values_list("framework__group_id", "code"):
        fields_by_group.setdefault(group_id, set()).add(code)
    groups = list(UnitGroup.objects.filter(pk__in=fields_by_group))
    for unit_name, fields in APPRAISERS:
        appraiser = User.objects.get(username=f"{make_code(unit_name)}.appraiser")
        if AppraisalAssignment.objects.filter(appraiser=appraiser).exists():
            continue
        AppraisalAssignment.objects.bulk_create(
            AppraisalAssignment(appraiser=appraiser, group=group, field_code=field)
            for group in groups
            for field in fields
            if field in fields_by_group[group.pk]
        )


def _load_frameworks() -> None:
    admin = User.objects.filter(username="admin").first()
    for path in sorted(DATA.glob("*.yaml")):
        tree = tree_from_yaml(path.read_bytes())
        if Framework.objects.filter(group__code=tree.group, year=tree.year).exists():
            continue
        framework = framework_freeze(framework=framework_import(tree=tree, by=admin))
        framework_copy_to_year(framework=framework, year=tree.year + 1, by=admin, carry_years=True)
