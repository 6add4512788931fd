"""The tokens pages' forms. Every input is bounded: names of at most 100 characters, a
lifetime from the list only, a search of at most 100 characters, pages from 1 to 10,000."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parindex.org.models import normalize_name

from .tokens import DEFAULT_LIFE, LIFETIMES, NAME_MOST


def printable(value: str) -> None:
    """No control characters (a null byte, an escape…) in a name people read."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(_("The name may not hold control characters."), code="control")


class NameField(forms.CharField):
    """A name as people type it: spaces trimmed and collapsed, at most 100 characters, no
    control characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NAME_MOST)
        super().__init__(**kwargs)
        # Django's own check of null bytes has no Vietnamese message: this one says more.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.validators.append(printable)
        self.widget.attrs.update({"autocomplete": "off", "maxlength": NAME_MOST})

    def to_python(self, value: Any) -> str:
        return normalize_name(super().to_python(value) or "")


class TokenForm(forms.Form):
    """A new token: what it is for, and how long it lives."""

    name = NameField(
        label=_("Name"),
        help_text=_(
            "What the token is for, e.g. “Bảng điều khiển của tỉnh”: it tells your tokens apart."
        ),
    )
    lifetime = forms.TypedChoiceField(label=_("Valid for"), coerce=int)

    def __init__(self, *args: Any, for_system: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"lifetime": DEFAULT_LIFE.days})
        super().__init__(*args, **kwargs)
        if for_system:
            self.fields["name"].help_text = _(
                "Where it is used, e.g. “Máy chủ một cửa – đồng bộ hằng đêm”: it tells the "
                "system's tokens apart."
            )
        # Labels in the reader's language, made when the form is.
        self.fields["lifetime"].choices = [  # type: ignore[attr-defined]
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in LIFETIMES
        ]


class IntegrationForm(forms.Form):
    """A new integration account: the system's name, from which its username is made."""

    name = NameField(
        label=_("The system's name"),
        help_text=_(
            "As people know it, e.g. “Hệ thống một cửa điện tử tỉnh”; the account's username "
            "is made from it."
        ),
    )


class TokenFilterForm(forms.Form):
    """The administrator's list of live tokens: whose, and which page."""

    q = forms.CharField(
        label=_("User"),
        required=False,
        max_length=100,
        help_text=_("Part of the username or the name."),
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
