"""What the tests of collecting responses need besides factories.py: a SIPAS form of the
national survey's size (25 questions under the five factors), frozen as a campaign's
form is once in use, and a partner's people."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from parindex.org.models import EvaluatingBody, Partner, Role, Unit, User

from ..models import (
    Campaign,
    CollectorAssignment,
    Indicator,
    Question,
    Questionnaire,
    Source,
)

SIPAS_FACTORS = [
    (
        "access",
        "Tiếp cận dịch vụ hành chính công",
        [
            "Nơi ngồi chờ tại Bộ phận Một cửa có đủ chỗ ngồi",
            "Trang thiết bị phục vụ người dân, tổ chức đầy đủ",
            "Trang thiết bị phục vụ người dân, tổ chức hiện đại, dễ sử dụng",
            "Dễ dàng tìm hiểu thông tin về thủ tục hành chính cần làm",
            "Được hướng dẫn nộp hồ sơ trực tuyến khi cần",
        ],
    ),
    (
        "procedure",
        "Thủ tục hành chính",
        [
            "Thủ tục hành chính được niêm yết công khai đầy đủ",
            "Thủ tục hành chính được niêm yết công khai chính xác",
            "Thành phần hồ sơ phải nộp là đúng quy định",
            "Phí, lệ phí phải nộp là đúng quy định",
            "Thời hạn giải quyết ghi trên giấy hẹn là đúng quy định",
        ],
    ),
    (
        "staff",
        "Công chức trực tiếp giải quyết công việc",
        [
            "Công chức có thái độ giao tiếp lịch sự",
            "Công chức chú ý lắng nghe ý kiến của ông/bà",
            "Công chức trả lời, giải thích đầy đủ các ý kiến của ông/bà",
            "Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo",
            "Công chức hướng dẫn kê khai hồ sơ dễ hiểu",
            "Công chức tuân thủ đúng quy định trong giải quyết công việc",
        ],
    ),
    (
        "results",
        "Kết quả giải quyết thủ tục hành chính",
        [
            "Kết quả ông/bà nhận được là đúng quy định",
            "Kết quả có thông tin đầy đủ",
            "Kết quả có thông tin chính xác",
            "Kết quả được trả đúng hạn",
        ],
    ),
    (
        "feedback",
        "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
        [
            "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị",
            "Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý tích cực",
            "Góp ý, phản ánh, kiến nghị được phản hồi kịp thời",
        ],
    ),
]
CHANNELS = [
    {"value": 1, "label": "Nộp trực tiếp tại Bộ phận Một cửa"},
    {"value": 2, "label": "Qua dịch vụ bưu chính công ích"},
    {"value": 3, "label": "Nộp trực tuyến"},
]
SCALE_CODES = [
    f"{code}{n}" for code, _title, texts in SIPAS_FACTORS for n in range(1, len(texts) + 1)
]


def sipas_national(year: int = 2024, code: str = "") -> Questionnaire:
    """The SIPAS form of the national survey's shape: 23 scale questions under the five
    factors (all to be answered), how the dossier was filed, a comment; frozen."""
    questionnaire = Questionnaire.objects.create(
        code=code or f"sipas-quoc-gia-{year}",
        title=f"Phiếu khảo sát sự hài lòng năm {year}",
        source=Source.SIPAS,
        year=year,
    )
    position = 0
    for order, (code_, title, texts) in enumerate(SIPAS_FACTORS, start=1):
        indicator = Indicator.objects.create(
            questionnaire=questionnaire, code=code_, title=title, position=order
        )
        for n, text in enumerate(texts, start=1):
            position += 1
            Question.objects.create(
                questionnaire=questionnaire,
                indicator=indicator,
                code=f"{code_}{n}",
                kind=Question.Kind.SCALE,
                text=text,
                required=True,
                position=position,
            )
    Question.objects.create(
        questionnaire=questionnaire,
        code="channel",
        kind=Question.Kind.SINGLE,
        text="Ông/bà đã nộp hồ sơ theo hình thức nào?",
        choices=CHANNELS,
        position=position + 1,
    )
    Question.objects.create(
        questionnaire=questionnaire,
        code="note",
        kind=Question.Kind.TEXT,
        text="Ông/bà có góp ý gì để cơ quan phục vụ tốt hơn?",
        position=position + 2,
    )
    return frozen(questionnaire)


def frozen(questionnaire: Questionnaire) -> Questionnaire:
    questionnaire.frozen_at = timezone.now()
    questionnaire.save(update_fields=["frozen_at"])
    return questionnaire


def all_satisfied(value: str = "5") -> dict[str, str]:
    """A post that answers every scale question of `sipas_national` with `value`."""
    return {f"q-{code}": value for code in SCALE_CODES}


@dataclass
class PartnerPeople:
    partner: Partner
    collector: User
    other_collector: User
    supervisor: User


def partner_people(body: EvaluatingBody) -> PartnerPeople:
    """The post office's two collectors and the Fatherland Front's supervisor."""
    post = Partner.objects.create(body=body, name="Bưu điện tỉnh")
    front = Partner.objects.create(body=body, name="Ủy ban MTTQ Việt Nam tỉnh")

    def person(username: str, role: Role, partner: Partner) -> User:
        user = User(username=username, role=role, partner=partner, display_name=username)
        user.set_unusable_password()
        user.save()
        return user

    return PartnerPeople(
        partner=post,
        collector=person("collector", Role.COLLECTOR, post),
        other_collector=person("other_collector", Role.COLLECTOR, post),
        supervisor=person("supervisor", Role.SUPERVISOR, front),
    )


def assign(campaign: Campaign, collector: User, *units: Unit) -> None:
    CollectorAssignment.objects.bulk_create(
        CollectorAssignment(campaign=campaign, collector=collector, unit=unit) for unit in units
    )
