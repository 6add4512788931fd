"""The documents' forms: each field bounded before anything works on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import GeneratedDocument, ReportEdition
from .services import EDITION_FIELDS

# A report's free parts are paragraphs, not books.
TEXT_MOST = 20_000
LINES_MOST = 4_000


class EditionForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**9)

    class Meta:
        model = ReportEdition
        fields = EDITION_FIELDS
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "legal_bases": forms.Textarea(attrs={"rows": 5}),
            "deployment": forms.Textarea(attrs={"rows": 4}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "shortcomings": forms.Textarea(attrs={"rows": 6}),
            "recommendations": forms.Textarea(attrs={"rows": 6}),
            "recipients": forms.Textarea(attrs={"rows": 5}),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "legal_bases": _("Each line becomes a paragraph: “Căn cứ …;”."),
            "assessment": _(
                "Your own words, printed as written. The figures of the report are generated "
                "from the results and cannot be typed over here."
            ),
            "recipients": _("One recipient per line, as under “Nơi nhận”."),
            "signer_title": _("One line each, e.g. “KT. GIÁM ĐỐC” then “PHÓ GIÁM ĐỐC”."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bounds = dict.fromkeys(("legal_bases", "recipients"), LINES_MOST)
        bounds.update(
            dict.fromkeys(
                ("deployment", "assessment", "shortcomings", "recommendations"), TEXT_MOST
            )
        )
        for name, most in bounds.items():
            field = self.fields[name]
            field.validators.append(MaxLengthValidator(most))
            field.widget.attrs["maxlength"] = str(most)
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0


class RequestForm(forms.Form):
    kind = forms.ChoiceField(choices=GeneratedDocument.Kind.choices)
    unit = forms.SlugField(max_length=80, required=False)
    drafts = forms.BooleanField(required=False)
