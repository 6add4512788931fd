"""The annual analysis report of a year (shared/seeds/002's shape): the method, the results
per group, the results per field with the units that lost points on each criterion, the
charts, and the administrator's own conclusions.

Written from a `Source`: every figure is the engine's, worded by `narrative` and laid out
by `docx`. The typed parts (letterhead, legal bases, conclusions) come from the year's
`ReportEdition`; none of them replaces a generated sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from docx.document import Document

from parindex.assessments.models import bands_from_json
from parindex.scoring.engine import (
    DEFAULT_BANDS,
    Band,
    GroupSummary,
    RankedUnit,
    field_standings,
)
from parindex.scoring.summaries import field_point_averages, tally

from . import charts
from . import docx as layout
from .editions import edition_for, letterhead_of
from .models import ReportEdition
from .narrative import (
    band_counts,
    count,
    extremes_sentence,
    gap,
    joined,
    movement,
    pct,
    pts,
    ranked_sentence,
    whole,
)
from .sources import Source

Progress = Callable[[str, int, int], None]
ROMAN = ("I", "II", "III", "IV", "V")
SOURCES = {"sipas": "Chỉ số SIPAS", "staff": "khảo sát cán bộ, công chức, viên chức"}


def build_report(
    source: Source, *, edition: ReportEdition | None = None, on_progress: Progress | None = None
) -> bytes:
    """The report as a Word document."""
    progress = on_progress or (lambda step, done, total: None)
    edition = edition or edition_for(source.year)
    writer = _Report(source, edition, layout.blank_document())
    steps = (
        ("Phần mở đầu", writer.opening),
        ("Công tác triển khai", writer.deployment),
        ("Kết quả theo nhóm", writer.groups),
        ("Kết quả theo lĩnh vực", writer.fields),
        ("Kết luận, kiến nghị", writer.conclusion),
        ("Phụ lục", writer.appendix),
    )
    for done, (step, write) in enumerate(steps):
        progress(step, done, len(steps))
        write()
    progress("Hoàn tất", len(steps), len(steps))
    return layout.save(writer.document)


@dataclass
class _Report:
    source: Source
    edition: ReportEdition
    document: Document

    def __post_init__(self) -> None:
        self.results = self.source.results
        self.notes = layout.Footnotes()
        self.names = {code: info.name for code, info in self.results.units.items()}
        self.part = 0  # the Roman-numbered parts written so far

    # Helpers ------------------------------------------------------------------------

    def _part(self, text: str) -> None:
        layout.heading(self.document, f"{ROMAN[self.part]}. {text}")
        self.part += 1

    def _bands(self, group: str) -> tuple[Band, ...]:
        snapshot = self.results.snapshot
        if snapshot is not None:
            stored = snapshot.bands.get(str(self.results.groups[group].pk))
            if stored:
                return bands_from_json(stored)
        return DEFAULT_BANDS

    def _group_name(self, group: str) -> str:
        return self.results.groups[group].name

    def _units(self) -> int:
        return len(self.results.cycle.units)

    def _field_title(self, code: str) -> str:
        for titles in self.source.field_titles.values():
            if code in titles:
                return titles[code]
        return f"Lĩnh vực {code}"

    # The opening --------------------------------------------------------------------

    def opening(self) -> None:
        head = letterhead_of(self.edition)
        document = self.document
        layout.letterhead(document, head)
        if self.results.snapshot is not None and not self.results.snapshot.is_published:
            layout.paragraph(document, "DỰ THẢO", bold=True)
        layout.title(
            document,
            "Báo cáo",
            f"Kết quả Chỉ số cải cách hành chính của các cơ quan, đơn vị năm {self.source.year}",
        )
        if self.edition.addressee:
            layout.addressee(document, self.edition.addressee)
        for basis in ReportEdition.lines(self.edition.legal_bases):
            layout.paragraph(document, basis)
        layout.paragraph(
            document,
            f"{self.edition.issuer} báo cáo kết quả Chỉ số cải cách hành chính (CCHC) của các "
            f"cơ quan, đơn vị năm {self.source.year}, cụ thể như sau:",
        )

    # I. How the index was determined -------------------------------------------------

    def deployment(self) -> None:
        document = self.document
        source = self.source
        self._part("Công tác triển khai xác định Chỉ số CCHC")
        groups = [self._group_name(code) for code in self.results.groups]
        layout.heading(document, "1. Công tác tự đánh giá và thẩm định", level=2)
        if self.results.is_computed:
            layout.paragraph(
                document,
                f"Năm {source.year}, {count(self._units())} cơ quan, đơn vị thuộc "
                f"{count(len(groups))} nhóm ({joined(groups)}) tham gia tự đánh giá, chấm điểm "
                "theo Bộ tiêu chí xác định Chỉ số CCHC của nhóm mình; kết quả tự chấm cùng tài "
                "liệu kiểm chứng được thẩm định qua 02 vòng (cho phép điều chỉnh, bổ sung 01 "
                "lần giữa hai vòng) trước khi Hội đồng thẩm định xem xét.",
            )
        else:
            layout.paragraph(
                document,
                f"Kết quả năm {source.year} được nhập từ bảng kết quả đã công bố của "
                f"{count(self._units())} cơ quan, đơn vị thuộc {count(len(groups))} nhóm "
                f"({joined(groups)}). Hệ thống không có số liệu tự đánh giá và thẩm định theo "
                "từng tiêu chí của năm này, nên báo cáo không có các phần cần số liệu đó "
                "(kết quả chi tiết theo tiêu chí, các đơn vị bị trừ điểm).",
                italic=True,
            )
        self._missing_groups()
        if source.initiatives:
            units = {initiative.unit for initiative in source.initiatives}
            layout.paragraph(
                document,
                f"Năm {source.year}, Hội đồng thẩm định công nhận "
                f"{count(len(source.initiatives))} sáng kiến, giải pháp mới về CCHC của "
                f"{count(len(units))} cơ quan, đơn vị (Phụ lục kèm theo).",
            )
        for text in ReportEdition.paragraphs(self.edition.deployment):
            layout.paragraph(document, text)
        layout.heading(document, "2. Công tác khảo sát, điều tra xã hội học", level=2)
        if source.surveys:
            layout.paragraph(
                document,
                f"Năm {source.year}, {count(len(source.surveys))} cuộc khảo sát được thực hiện "
                "như sau:",
            )
            for survey in source.surveys:
                layout.bullet(
                    document,
                    f"{survey.title} ({SOURCES.get(survey.source, survey.source)}): "
                    f"{whole(survey.respondents)} phiếu được tính vào kết quả, về "
                    f"{count(survey.units)} cơ quan, đơn vị.",
                )
        else:
            layout.paragraph(
                document,
                f"Hệ thống không có số liệu các cuộc khảo sát năm {source.year} (số người được "
                "khảo sát): điểm khảo sát trong báo cáo là điểm đã công bố.",
                italic=True,
            )

    def _missing_groups(self) -> None:
        if not self.source.missing_groups:
            return
        present = [self._group_name(code) for code in self.results.groups]
        layout.paragraph(
            self.document,
            f"Lưu ý: năm {self.source.year} chỉ có số liệu của nhóm {joined(present)}; "
            f"không có số liệu của nhóm {joined(self.source.missing_groups)}. Các giá trị "
            f"trung bình trong báo cáo là của {count(self._units())} đơn vị thuộc các nhóm "
            "có số liệu, không phải của toàn tỉnh.",
            italic=True,
        )

    # II.1 Results per group ---------------------------------------------------------

    def groups(self) -> None:
        document = self.document
        year = self.source.year
        self._part(f"Kết quả Chỉ số cải cách hành chính năm {year}")
        layout.heading(document, "1. Chỉ số CCHC các cơ quan, đơn vị", level=2)
        layout.paragraph(
            document,
            f"Chỉ số CCHC năm {year} được xác định bằng tổng điểm tự đánh giá (đã thẩm định) "
            "và điểm điều tra xã hội học (khảo sát cán bộ, công chức, viên chức và Chỉ số "
            "SIPAS), chia cho điểm chuẩn tối đa của đơn vị, nhân 100%.",
        )
        self._provisional_note()
        previous = self.source.previous
        for code, summary in self.results.cycle.groups.items():
            members = self.results.members(code)
            bands = self._bands(code)
            counts = summary.bands
            sentence = (
                f"Đối với {self._group_name(code)}: tỉnh thực hiện đánh giá, xếp loại đối với "
                f"{count(summary.units)} đơn vị. Kết quả có {band_counts(counts, bands)}. "
                + extremes_sentence(summary.extremes, self.names)
            )
            layout.bullet(document, sentence)
            moved = ""
            if previous is not None and code in previous.cycle.groups:
                moved = movement(
                    summary.average_pct, previous.cycle.groups[code].average_pct, year - 1
                )
            layout.paragraph(
                document,
                f"Giá trị trung bình của nhóm đạt {pct(summary.average_pct)}"
                + (f", {moved}" if moved else "")
                + ".",
                keep_with_next=True,
            )
            self._group_table(members, summary)
            layout.picture(
                document,
                charts.bars(
                    [charts.Bar(self.names[r.result.unit], r.result.index_pct) for r in members],
                    title=f"Chỉ số CCHC năm {year} — {self._group_name(code)}",
                    average=summary.average_pct,
                    average_label="Trung bình",
                ),
                width_mm=150,
                caption=f"Biểu đồ: Chỉ số CCHC năm {year} của {self._group_name(code)}",
            )
        self._overall()

    def _provisional_note(self) -> None:
        provisional = [r for r in self.results.cycle.units if r.result.provisional]
        if not provisional:
            return
        layout.paragraph(
            self.document,
            f"Kết quả của {count(len(provisional))} đơn vị còn tạm tính (còn tiêu chí chưa "
            "thẩm định hoặc kết quả khảo sát chưa có), được đánh dấu (*) trong các bảng; "
            "đây chưa phải là kết quả cuối cùng của các đơn vị này.",
            italic=True,
        )

    def _group_table(self, members: list[RankedUnit], summary: GroupSummary) -> None:
        columns = [
            layout.Column("STT", 12, "center"),
            layout.Column("Đơn vị", 45),
            layout.Column("Điểm chuẩn tối đa", 17, "right"),
            layout.Column("Điểm tự đánh giá", 17, "right"),
            layout.Column("Khảo sát CBCCVC", 17, "right"),
            layout.Column("Chỉ số SIPAS", 17, "right"),
            layout.Column("Tổng điểm đạt được", 20, "right"),
            layout.Column("Chỉ số CCHC", 20, "right"),
        ]
        rows = []
        for number, ranked in enumerate(members, start=1):
            result = ranked.result
            marker = " (*)" if result.provisional else ""
            rows.append(
                [
                    str(number),
                    self.names[result.unit] + marker,
                    pts(result.max_points),
                    pts(result.self_assessed),
                    pts(result.survey_staff),
                    pts(result.survey_sipas),
                    pts(result.total),
                    pct(result.index_pct),
                ]
            )
        rows.append(["", "TRUNG BÌNH", "", "", "", "", "", pct(summary.average_pct)])
        layout.table(self.document, columns, rows, bold_rows=[len(rows) - 1], size=11)

    def _overall(self) -> None:
        document = self.document
        year = self.source.year
        cycle = self.results.cycle
        previous = self.source.previous
        moved = ""
        if previous is not None and set(previous.cycle.groups) == set(cycle.groups):
            moved = movement(cycle.average_pct, previous.cycle.average_pct, year - 1)
        elif previous is not None:
            moved = (
                f"không so sánh được với năm {year - 1} vì hai năm không có số liệu của cùng "
                "các nhóm"
            )
        ordered = sorted(cycle.groups.items(), key=lambda item: (-item[1].average_pct, item[0]))
        groups_sentence = ranked_sentence(
            [(f"nhóm {self._group_name(code)}", s.average_pct) for code, s in ordered],
            what="giá trị trung bình",
        )
        layout.paragraph(
            document,
            f"Giá trị trung bình Chỉ số CCHC năm {year} của {count(self._units())} đơn vị đạt "
            f"được là {pct(cycle.average_pct)}"
            + (f", {moved}" if moved else "")
            + "."
            + (f" Trong đó, {groups_sentence}" if len(ordered) > 1 else ""),
        )
        bands = self._bands(next(iter(cycle.groups)))
        layout.paragraph(
            document,
            f"Kết quả Chỉ số CCHC năm {year} của các cơ quan, đơn vị: "
            + band_counts(cycle.bands, bands)
            + ".",
        )
        self._years_chart()

    def _years_chart(self) -> None:
        history = self.source.history
        if not history:
            return
        years = sorted([*history, self.source.year])
        by_year = {**history, self.source.year: self.results}
        series = []
        for code in self.results.groups:
            values: list[Decimal | None] = []
            for year in years:
                summary = by_year[year].cycle.groups.get(code)
                values.append(summary.average_pct if summary is not None else None)
            series.append(charts.Series(self._group_name(code), values))
        layout.picture(
            self.document,
            charts.years(
                [str(year) for year in years],
                series,
                title="Giá trị trung bình Chỉ số CCHC theo nhóm qua các năm",
            ),
            width_mm=150,
            caption="Biểu đồ: Giá trị trung bình Chỉ số CCHC của các nhóm qua các năm",
        )

    # II.2 Results per field ---------------------------------------------------------

    def fields(self) -> None:
        document = self.document
        year = self.source.year
        layout.heading(document, "2. Kết quả Chỉ số CCHC theo từng lĩnh vực", level=2)
        with_pct = self.results.is_computed
        for code in self.results.groups:
            self._field_table(code)
        standings = field_standings(self.results.cycle)
        averages = (
            {standing.code: standing.average_pct for standing in standings.fields}
            if with_pct
            else field_point_averages(self.results.cycle.units)
        )
        if not averages:
            return
        ordered = sorted(averages.items(), key=lambda item: (-item[1], _order(item[0])))
        if with_pct and standings.extremes is not None:
            sentence = ranked_sentence(
                [(f"lĩnh vực {self._field_title(c).lower()}", v) for c, v in ordered],
                what="giá trị trung bình",
            )
            layout.paragraph(
                document,
                f"Xét giá trị trung bình của từng lĩnh vực trên các đơn vị được đánh giá: "
                f"{sentence} Khoảng cách chênh lệch giữa lĩnh vực có tỷ lệ cao nhất và thấp "
                f"nhất là {gap(standings.extremes.gap_pct)}.",
            )
            previous = self.source.previous
            if previous is not None and previous.is_computed:
                before = {
                    standing.code: standing.average_pct
                    for standing in field_standings(previous.cycle).fields
                }
                rising = [c for c, v in averages.items() if c in before and v > before[c]]
                compared = [c for c in averages if c in before]
                if compared:
                    layout.paragraph(
                        document,
                        f"So với năm {year - 1}, {count(len(rising))}/{count(len(compared))} "
                        "lĩnh vực có giá trị trung bình tăng"
                        + (f" ({joined([self._field_title(c) for c in rising])})" if rising else "")
                        + ".",
                    )
            layout.picture(
                document,
                charts.bars(
                    [charts.Bar(self._field_title(c), v) for c, v in ordered],
                    title=f"Giá trị trung bình các lĩnh vực năm {year}",
                ),
                width_mm=150,
                caption="Biểu đồ: Giá trị trung bình các Chỉ số thành phần",
            )
        for number, (code, _value) in enumerate(
            sorted(averages.items(), key=lambda item: _order(item[0])), start=1
        ):
            self._field_section(number, code, averages[code], with_pct)
            layout.footnotes(document, self.notes)  # each field's notes after it

    def _field_table(self, group: str) -> None:
        codes = self.results.field_codes(group)
        if not codes:
            return
        members = self.results.members(group)
        layout.bullet(
            self.document,
            f"Kết quả Chỉ số CCHC theo từng lĩnh vực của {self._group_name(group)} "
            "(điểm đạt được):",
        )
        width = max(9.0, (165 - 12 - 40) / len(codes))
        columns = [layout.Column("STT", 12, "center"), layout.Column("Đơn vị", 40)]
        columns += [layout.Column(f"LV {code}", width, "right") for code in codes]
        rows = []
        for number, ranked in enumerate(members, start=1):
            result = ranked.result
            cells = [str(number), self.names[result.unit]]
            for code in codes:
                points = result.field_points(code)
                cells.append(pts(points) if points is not None else "–")
            rows.append(cells)
        layout.table(self.document, columns, rows, size=10)
        titles = "; ".join(f"LV {code}: {self._field_title(code)}" for code in codes)
        layout.paragraph(self.document, f"Ghi chú: {titles}.", italic=True)

    def _field_section(self, number: int, code: str, average: Decimal, with_pct: bool) -> None:
        document = self.document
        title = self._field_title(code)
        layout.heading(document, f"2.{number}. {title}", level=3)
        groups = [g for g in self.results.groups if code in self.results.field_codes(g)]
        evaluated = sum(
            1
            for r in self.results.cycle.units
            if code in r.result.field_codes and r.result.field_points(code) is not None
        )
        layout.paragraph(
            document,
            f"Lĩnh vực này được đánh giá đối với {count(evaluated)}/{count(self._units())} "
            f"cơ quan, đơn vị ({joined([self._group_name(g) for g in groups])}).",
        )
        for group in groups:
            summary = self.results.cycle.groups[group]
            found = (summary.field_extremes if with_pct else summary.field_point_extremes).get(code)
            if found is None:
                continue
            if with_pct:
                sentence = extremes_sentence(found, self.names, lead="đạt tỷ lệ")
            else:
                highest = joined([self.names[c] for c in found.highest])
                lowest = joined([self.names[c] for c in found.lowest])
                sentence = (
                    f"cao nhất là {highest} với {pts(found.highest_pct)} điểm, thấp nhất là "
                    f"{lowest} với {pts(found.lowest_pct)} điểm, chênh lệch "
                    f"{pts(found.gap_pct)} điểm."
                )
            layout.bullet(document, f"Đối với {self._group_name(group)}: {sentence}")
        if with_pct:
            by_group = [
                (self._group_name(g), self.results.cycle.groups[g].field_averages[code])
                for g in groups
                if code in self.results.cycle.groups[g].field_averages
            ]
            by_group.sort(key=lambda item: -item[1])
            text = f"Giá trị trung bình của lĩnh vực này đạt {pct(average)}."
            if len(by_group) > 1:
                text += (
                    f" Trong đó, nhóm {by_group[0][0]} có giá trị trung bình cao nhất "
                    f"({pct(by_group[0][1])}), thấp nhất là nhóm {by_group[-1][0]} "
                    f"({pct(by_group[-1][1])})."
                )
            layout.paragraph(document, text)
        self._criteria(code)

    def _criteria(self, field_code: str) -> None:
        """The units that lost points on each criterion of the field, named in footnotes
        as the report names them."""
        losses = self.source.losses
        if losses is None:
            return
        evaluated = {
            r.result.unit for r in self.results.cycle.units if field_code in r.result.fields
        }
        found = tally(
            ((loss.code, loss.title), loss.unit, loss.lost)
            for unit in self.results.units
            for loss in losses.get(unit, ())
            if loss.field == field_code
        )
        if not found:
            layout.paragraph(
                self.document,
                "Không có đơn vị nào bị trừ điểm ở các tiêu chí của lĩnh vực này.",
            )
            return
        layout.paragraph(
            self.document,
            "Kết quả chi tiết theo từng tiêu chí như sau:",
            bold=True,
            italic=True,
            keep_with_next=True,
        )
        found.sort(key=lambda item: _order(item.key[0]))
        for item in found:
            code, title = item.key
            applies = self.source.applies.get(item.key, evaluated)
            layout.bullet(
                self.document,
                f"Tiêu chí {code} “{title}”{self._groups_of(applies, evaluated)}: "
                f"{count(len(item.units))}/{count(len(applies))} đơn vị bị trừ điểm, tổng "
                f"cộng {pts(item.points)} điểm",
                notes=self._who(item.units, applies),
            )
        if self.source.detail_differs:
            layout.paragraph(
                self.document,
                "Lưu ý: số liệu theo tiêu chí được đọc từ các câu trả lời hiện tại, đã thay đổi "
                "sau khi kết quả được tính.",
                italic=True,
            )

    def _groups_of(self, applies: set[str], evaluated: set[str]) -> str:
        """ " (UBND cấp huyện)" after a criterion that only some groups' frameworks have."""
        group_of = {r.result.unit: r.result.group for r in self.results.cycle.units}
        present = {group_of[code] for code in applies if code in group_of}
        everyone = {group_of[code] for code in evaluated if code in group_of}
        if present == everyone:
            return ""
        names = [info.name for code, info in self.results.groups.items() if code in present]
        return f" ({joined(names)})"

    def _who(self, units: tuple[str, ...], evaluated: set[str]) -> list[int]:
        """The footnote naming the units, as the report names them: all of them when they
        are few, the others ("trừ …") when they are most, none when it is every unit."""
        if len(units) == len(evaluated):
            return []
        if len(units) * 2 > len(evaluated):
            others = [code for code in self.results.units if code in evaluated - set(units)]
            text = (
                "Tất cả các đơn vị được đánh giá, trừ "
                + joined([self.names[c] for c in others])
                + "."
            )
        else:
            text = "Bao gồm: " + joined([self.names[unit] for unit in units]) + "."
        return [self.notes.add(text)]

    # III. Conclusions ----------------------------------------------------------------

    def conclusion(self) -> None:
        document = self.document
        edition = self.edition
        parts = [
            ("Nhận xét, đánh giá", edition.assessment),
            ("Tồn tại, hạn chế", edition.shortcomings),
            ("Kiến nghị, đề xuất", edition.recommendations),
        ]
        written = [(title, text) for title, text in parts if text.strip()]
        if written:
            self._part("Kết luận, kiến nghị")
            for number, (title, text) in enumerate(written, start=1):
                layout.heading(document, f"{number}. {title}", level=2)
                for paragraph in ReportEdition.paragraphs(text):
                    layout.paragraph(document, paragraph)
        layout.paragraph(
            document,
            f"Trên đây là báo cáo kết quả Chỉ số CCHC của các cơ quan, đơn vị năm "
            f"{self.source.year}, {edition.issuer} báo cáo"
            + (f" {edition.addressee}" if edition.addressee else "")
            + "./.",
        )
        layout.closing(document, letterhead_of(edition))

    # The appendix ------------------------------------------------------------------------

    def appendix(self) -> None:
        """The initiatives the council recognised, as the report's appendix lists them."""
        initiatives = self.source.initiatives
        if not initiatives:
            return
        document = self.document
        layout.page_break(document)
        layout.title(
            document,
            "Phụ lục",
            "Danh sách sáng kiến, giải pháp mới về cải cách hành chính được Hội đồng thẩm "
            f"định công nhận năm {self.source.year}",
        )
        layout.paragraph(
            document, "(Kèm theo Báo cáo của " + self.edition.issuer + ")", italic=True
        )
        columns = [
            layout.Column("STT", 12, "center"),
            layout.Column("Tên sáng kiến, giải pháp", 108),
            layout.Column("Đơn vị", 45),
        ]
        rows = [
            [
                str(number),
                initiative.title
                + (f"\n* {initiative.description}" if initiative.description else ""),
                initiative.unit,
            ]
            for number, initiative in enumerate(initiatives, start=1)
        ]
        layout.table(document, columns, rows, numbering=False, size=12, splittable=True)


def _order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())
