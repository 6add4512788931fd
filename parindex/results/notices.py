"""The messages the results app sends, in the province's language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.notify.services import Notice, absolute_url
from parindex.org.models import Unit
from parindex.org.templatetags.parindex import percent, points
from parindex.scoring.engine import GroupSummary, RankedUnit, points_lost, points_pending

from .models import Appeal, AppealCriterion
from .provisional import missing_text, rank_note


def preliminary_result(
    *,
    year: int,
    round_number: int,
    unit: Unit,
    ranked: RankedUnit,
    summary: GroupSummary,
    group_name: str,
) -> Notice:
    """A unit's preliminary result after an appraisal round: its index and what it does
    not include yet (survey results not in, criteria not appraised), its rank and whom
    it is among, the points it lost and those still pending by field, with the link to
    its assessment."""
    result = ranked.result
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "year": year,
            "round": round_number,
            "unit": unit.name,
            "index": percent(result.index_pct),
            "total": points(result.total),
            "max": points(result.max_points),
            "rank": ranked.rank,
            "of": ranked.rank_of,
            "group": group_name,
            "missing": missing_text(result),
            "note": rank_note(ranked, summary),
            "link": absolute_url(reverse("assessments:detail", args=[year, unit.code])),
        }
        detail = _("%(unit)s — PAR index %(year)s, appraisal round %(round)s") % values
        detail += "\n\n"
        if values["missing"]:
            detail += _("Preliminary index: %(index)s (%(missing)s).") % values
        else:
            detail += _("Preliminary index: %(index)s.") % values
        detail += "\n" + _("Points: %(total)s of a maximum of %(max)s.") % values + "\n"
        detail += _rank_line(ranked, values) + "\n"
        lost = {code: value for code, value in points_lost(result).items() if value}
        if lost:
            detail += "\n" + _("Points lost by field:") + "\n"
            detail += "".join(f"  {code}: {points(value)}\n" for code, value in lost.items())
        pending = points_pending(result)
        if pending:
            detail += "\n" + _("Survey points pending by field (results not in yet, not lost):")
            detail += "\n"
            detail += "".join(f"  {code}: {points(value)}\n" for code, value in pending.items())
        detail += "\n" + _("Details, by criterion: %(link)s") % values
        return Notice(
            subject=_("PAR index %(year)s: result of appraisal round %(round)s") % values,
            detail=detail,
            short=_short(ranked, values),
        )


def _rank_line(ranked: RankedUnit, values: dict[str, object]) -> str:
    if ranked.rank is None:
        return ngettext(
            "Not ranked in the group “%(group)s”: %(count)s criterion not appraised yet.",
            "Not ranked in the group “%(group)s”: %(count)s criteria not appraised yet.",
            ranked.result.unappraised,
        ) % {**values, "count": ranked.result.unappraised}
    if values["note"]:
        return _("Rank %(rank)s of %(of)s in the group “%(group)s”, %(note)s.") % values
    return _("Rank %(rank)s of %(of)s in the group “%(group)s”.") % values


def _short(ranked: RankedUnit, values: dict[str, object]) -> str:
    """The SMS: the index, what it lacks in a few words, the rank, the link."""
    result = ranked.result
    lacking = []
    if result.pending:
        lacking.append(_("%(points)s survey points pending") % {"points": points(result.pending)})
    if result.unappraised:
        lacking.append(
            ngettext(
                "%(count)s criterion not appraised",
                "%(count)s criteria not appraised",
                result.unappraised,
            )
            % {"count": result.unappraised}
        )
    if ranked.rank is None:
        rank = _("not ranked")
    elif result.missing_surveys:
        rank = _("rank %(rank)s of %(of)s among the units also without survey results") % values
    elif values["note"]:
        rank = _("rank %(rank)s of %(of)s among the units with complete results") % values
    else:
        rank = _("rank %(rank)s of %(of)s") % values
    if lacking:
        return _(
            "[PAR index %(year)s] %(unit)s: appraisal round %(round)s, preliminary index "
            "%(index)s (%(lacking)s), %(rank_text)s. %(link)s"
        ) % {**values, "lacking": "; ".join(lacking), "rank_text": rank}
    return _(
        "[PAR index %(year)s] %(unit)s: appraisal round %(round)s, preliminary index "
        "%(index)s, %(rank_text)s. %(link)s"
    ) % {**values, "rank_text": rank}


def appeal_filed(*, appeal: Appeal, codes: list[str]) -> Notice:
    """To the council: a unit filed its appeal, on which criteria, where to decide it."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "year": appeal.cycle.year,
            "unit": appeal.unit.name,
            "criteria": ", ".join(codes),
            "link": absolute_url(
                reverse("results:appeal_detail", args=[appeal.cycle.year, appeal.pk])
            ),
        }
        detail = (
            _(
                "%(unit)s has filed an appeal against its PAR index %(year)s result, on the "
                "criteria %(criteria)s. The council decides each criterion with a reason: "
                "%(link)s"
            )
            % values
        )
        return Notice(
            subject=_("PAR index %(year)s: appeal of %(unit)s") % values,
            detail=detail,
            short=_("[PAR index %(year)s] appeal of %(unit)s filed. %(link)s") % values,
        )


def appeal_decided(*, appeal: Appeal, lines: list[AppealCriterion]) -> Notice:
    """The council's decision on a unit's appeal: each criterion upheld or rejected with
    its reason and, when something was upheld, that the results are corrected."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "year": appeal.cycle.year,
            "unit": appeal.unit.name,
            "link": absolute_url(
                reverse("results:appeal_detail", args=[appeal.cycle.year, appeal.pk])
            ),
        }
        upheld = [line for line in lines if line.outcome == line.Outcome.UPHELD]
        detail = _("%(unit)s — the council's decision on your appeal, PAR index %(year)s") % values
        detail += "\n\n"
        for line in lines:
            detail += f"  {line.criterion.code}: {line.get_outcome_display()} — "
            detail += f"{line.council_reason}\n"
        if upheld:
            detail += "\n" + _("The results are corrected accordingly: a new revision is computed.")
        else:
            detail += "\n" + _("The appeal is rejected: the published results stand.")
        detail += "\n\n" + _("Details: %(link)s") % values
        if upheld:
            short = _(
                "[PAR index %(year)s] %(unit)s: appeal decided, %(upheld)s of %(count)s "
                "criteria upheld, the results are corrected. %(link)s"
            ) % {**values, "upheld": len(upheld), "count": len(lines)}
        else:
            short = _("[PAR index %(year)s] %(unit)s: appeal rejected. %(link)s") % values
        return Notice(
            subject=_("PAR index %(year)s: the decision on your appeal") % values,
            detail=detail,
            short=short,
        )
