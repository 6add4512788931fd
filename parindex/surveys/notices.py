"""The messages the surveys send, in the province's language: a staff member's invitation
with their personal link, and the reminder that carries a new one."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from parindex.notify.services import Notice, absolute_url
from parindex.org.templatetags.parindex import day

from .models import Campaign, Respondent


def personal_link(token: str) -> str:
    """The address of a personal link, as the invitation writes it."""
    return absolute_url(reverse("surveys:personal_form", args=[token]))


def invitation(campaign: Campaign, person: Respondent, token: str, *, reminder: bool) -> Notice:
    """The invitation (or a reminder) to answer the staff survey through a personal
    link; the link answers once, and says nothing of who answered."""
    with translation.override(settings.LANGUAGE_CODE):
        link = personal_link(token)
        values = {
            "name": person.name,
            "title": campaign.title,
            "unit": person.unit.name,
            "group": person.group.name,
            "opens": day(campaign.opens_on),
            "closes": day(campaign.closes_on),
            "link": link,
        }
        greeting = _("Dear %(name)s,") % values
        if reminder:
            lead = (
                _(
                    "You have not answered the survey “%(title)s” yet. It takes a few minutes "
                    "and stays open until %(closes)s."
                )
                % values
            )
            note = _("This link replaces the one sent to you before, which no longer answers.")
        else:
            lead = (
                _(
                    "You are invited to answer the survey “%(title)s” as a member of "
                    "%(group)s of %(unit)s, from %(opens)s to %(closes)s."
                )
                % values
            )
            note = ""
        anonymity = _(
            "Your answers are anonymous: the survey keeps only that this link was used, "
            "never which answers it gave. The link is yours alone and answers once."
        )
        detail = "\n\n".join(
            part
            for part in (greeting, lead, _("Answer here: %(link)s") % values, note, anonymity)
            if part
        )
        short = (
            _("[Staff survey] %(title)s: answer by %(closes)s at %(link)s (anonymous, once).")
            % values
        )
        return Notice(
            subject=(
                _("Reminder: staff survey “%(title)s”")
                if reminder
                else _("Staff survey “%(title)s”")
            )
            % values,
            detail=detail,
            short=short,
        )
