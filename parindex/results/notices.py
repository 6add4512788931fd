"""The messages the results app sends, in the province's language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from parindex.notify.services import Notice, absolute_url
from parindex.org.models import Unit
from parindex.org.templatetags.parindex import percent, points
from parindex.scoring.engine import RankedUnit, points_lost


def preliminary_result(
    *, year: int, round_number: int, unit: Unit, ranked: RankedUnit, group_name: str
) -> Notice:
    """A unit's preliminary result after an appraisal round: its index, its rank in its
    group and the points it lost by field, with the link to its assessment."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "year": year,
            "round": round_number,
            "unit": unit.name,
            "index": percent(ranked.result.index_pct),
            "rank": ranked.rank,
            "of": ranked.rank_of,
            "group": group_name,
            "link": absolute_url(reverse("assessments:detail", args=[year, unit.code])),
        }
        detail = (
            _(
                "%(unit)s — PAR index %(year)s, appraisal round %(round)s\n\n"
                "Preliminary index: %(index)s, rank %(rank)s of %(of)s in the group "
                "“%(group)s”.\n"
            )
            % values
        )
        detail += _("Points lost by field:") + "\n"
        detail += "".join(
            f"  {code}: {points(value)}\n"
            for code, value in points_lost(ranked.result).items()
            if value
        )
        detail += "\n" + _("Details, by criterion: %(link)s") % values
        return Notice(
            subject=_("PAR index %(year)s: result of appraisal round %(round)s") % values,
            detail=detail,
            short=_(
                "[PAR index %(year)s] %(unit)s: appraisal round %(round)s, preliminary index "
                "%(index)s, rank %(rank)s of %(of)s. %(link)s"
            )
            % values,
        )
