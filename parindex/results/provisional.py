"""What a provisional result still misses, and how far its rank reaches, in words.

The engine says it as data (`UnitResult.unappraised`, `missing_surveys`, `pending`;
`scoring.engine.rank_pool`); the results pages, the Excel files and the messages to the
units' heads all say it with these sentences, so that they never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.org.templatetags.parindex import points
from parindex.scoring.engine import GroupSummary, RankedUnit, UnitResult


def survey_names(sources: Sequence[str]) -> str:
    """The survey sources (or their indicators, "sipas:procedure") as a reader names them:
    "the SIPAS survey and the staff survey (indicator 1.3)"."""
    names = {"sipas": _("the SIPAS survey"), "staff": _("the staff survey")}
    written = []
    for key in sources:
        source, _colon, indicator = key.partition(":")
        name = names.get(source, source)
        if indicator:
            name = _("%(survey)s (indicator %(indicator)s)") % {
                "survey": name,
                "indicator": indicator,
            }
        written.append(name)
    return _(" and ").join(written)


def missing_parts(result: UnitResult) -> list[str]:
    """What the result does not include yet, one phrase per part; empty when complete."""
    parts = []
    if result.missing_surveys:
        parts.append(
            _("without the points of %(sources)s: %(points)s points pending")
            % {"sources": survey_names(result.missing_surveys), "points": points(result.pending)}
        )
    if result.short_samples:
        parts.append(
            _("%(sources)s short of the unit's target sample")
            % {"sources": survey_names(result.short_samples)}
        )
    if result.unappraised:
        parts.append(
            ngettext(
                "%(count)s criterion not appraised",
                "%(count)s criteria not appraised",
                result.unappraised,
            )
            % {"count": result.unappraised}
        )
    if result.provisional and not parts:
        # Computed before the missing parts were recorded: all that was known then.
        parts.append(_("some criteria not appraised"))
    return parts


def missing_text(result: UnitResult) -> str:
    """The missing parts in one phrase: "without …: 35 points pending; 12 criteria …"."""
    return "; ".join(missing_parts(result))


def unranked_reason(result: UnitResult) -> str:
    """Why a unit has no rank, as its own page says it."""
    return ngettext(
        "a unit is ranked once every criterion is appraised: %(count)s is not yet",
        "a unit is ranked once every criterion is appraised: %(count)s are not yet",
        result.unappraised,
    ) % {"count": result.unappraised}


def rank_label(ranked: RankedUnit) -> str:
    """The rank as a table prints it: "3/15", or "—" for a unit not ranked."""
    if ranked.rank is None:
        return "—"
    return f"{ranked.rank}/{ranked.rank_of}"


def rank_note(ranked: RankedUnit, summary: GroupSummary) -> str:
    """Whom the rank is among, when not simply every unit of the group; why a unit is not
    ranked. Empty for a unit ranked among all the units of its group."""
    result = ranked.result
    if ranked.rank is None:
        return ngettext(
            "not ranked: %(count)s criterion not appraised yet",
            "not ranked: %(count)s criteria not appraised yet",
            result.unappraised,
        ) % {"count": result.unappraised}
    if result.missing_surveys:
        return ngettext(
            "among the %(count)s unit of the group appraised in full and also without "
            "the results of %(sources)s",
            "among the %(count)s units of the group appraised in full and also without "
            "the results of %(sources)s",
            ranked.rank_of or 0,
        ) % {"count": ranked.rank_of, "sources": survey_names(result.missing_surveys)}
    if ranked.rank_of != summary.units:
        return ngettext(
            "among the %(count)s unit of the group with complete results",
            "among the %(count)s units of the group with complete results",
            ranked.rank_of or 0,
        ) % {"count": ranked.rank_of}
    return ""


def row_note(ranked: RankedUnit, summary: GroupSummary) -> str:
    """What a table's row says beside the unit's name: what its result misses, then that
    it is not ranked (the group's note says why) or whom its rank is among."""
    rank = _("not ranked") if ranked.rank is None else rank_note(ranked, summary)
    return sentence("; ".join(part for part in (missing_text(ranked.result), rank) if part))


def sentence(text: str) -> str:
    """A phrase begun with a capital, the rest as written ("SIPAS" stays)."""
    return text[:1].upper() + text[1:]


def pool_label(ranked: RankedUnit, count: int) -> str:
    """The heading of a set of units ranked among themselves (or not ranked), in a table
    in rank order."""
    if ranked.rank is None:
        return ngettext(
            "Not ranked, criteria not appraised yet: %(count)s unit",
            "Not ranked, criteria not appraised yet: %(count)s units",
            count,
        ) % {"count": count}
    if ranked.result.missing_surveys:
        return ngettext(
            "Appraised in full, without the results of %(sources)s yet, ranked among "
            "themselves: %(count)s unit",
            "Appraised in full, without the results of %(sources)s yet, ranked among "
            "themselves: %(count)s units",
            count,
        ) % {"count": count, "sources": survey_names(ranked.result.missing_surveys)}
    return ngettext(
        "With complete results, ranked among themselves: %(count)s unit",
        "With complete results, ranked among themselves: %(count)s units",
        count,
    ) % {"count": count}


def pool_headings(members: Sequence[RankedUnit], shown: Sequence[RankedUnit]) -> dict[str, str]:
    """In a table in rank order, where a set of units ranked together begins (by the code
    of its first unit shown) and its heading; nothing when the group is ranked whole."""

    def key(ranked: RankedUnit) -> tuple[str, ...] | None:
        return None if ranked.rank is None else ranked.result.missing_surveys

    sizes: dict[tuple[str, ...] | None, int] = {}
    for ranked in members:
        sizes[key(ranked)] = sizes.get(key(ranked), 0) + 1
    if list(sizes) == [()]:
        return {}
    headings = {}
    previous: object = object()
    for ranked in shown:
        if key(ranked) != previous:
            headings[ranked.result.unit] = pool_label(ranked, sizes[key(ranked)])
            previous = key(ranked)
    return headings


def group_notes(members: Sequence[RankedUnit], summary: GroupSummary) -> list[str]:
    """How a group's units were ranked, when not all together: one sentence per set of
    units ranked among themselves, one for the units not ranked."""
    pools: dict[tuple[str, ...], int] = {}
    unranked = 0
    for ranked in members:
        if ranked.rank is None:
            unranked += 1
        else:
            pools[ranked.result.missing_surveys] = ranked.rank_of or 0
    if not unranked and list(pools) in ([], [()]):
        return []
    notes = []
    for missing, count in pools.items():
        if missing:
            notes.append(
                ngettext(
                    "%(count)s unit appraised in full, without the results of %(sources)s "
                    "yet, is ranked on its own.",
                    "%(count)s units appraised in full, without the results of %(sources)s "
                    "yet, are ranked among themselves.",
                    count,
                )
                % {"count": count, "sources": survey_names(missing)}
            )
        else:
            notes.append(
                ngettext(
                    "%(count)s unit with complete results is ranked.",
                    "%(count)s units with complete results are ranked among themselves.",
                    count,
                )
                % {"count": count}
            )
    if unranked:
        notes.append(
            ngettext(
                "%(count)s unit is not ranked: some of its criteria are not appraised yet.",
                "%(count)s units are not ranked: some of their criteria are not appraised yet.",
                unranked,
            )
            % {"count": unranked}
        )
    return notes
