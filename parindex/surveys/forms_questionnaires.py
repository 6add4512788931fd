"""The forms of the questionnaires' pages: the list's filters, the import and its
confirmation, the copy into another year, the crosswalk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Question, Questionnaire, Source
from .questionnaires import MAX_CODE, MAX_YAML_BYTES, YEARS
from .xlsform import MAX_XLSX_BYTES


class QuestionnaireFilterForm(forms.Form):
    """Which questionnaires the list shows. Bad values are ignored."""

    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=YEARS[0], max_value=YEARS[1]
    )
    survey = forms.ChoiceField(
        label=gettext_lazy("Survey"),
        required=False,
        choices=[("", gettext_lazy("Both surveys")), *Source.choices],
    )

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


class QuestionnaireUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Questionnaire file (YAML, or an XLSForm from ODK or KoboToolbox)"),
        help_text=gettext_lazy(
            "A .yaml/.yml file as docs/questionnaire-format.md describes it, or an XLSForm "
            ".xlsx with its survey, choices and settings sheets."
        ),
        error_messages={
            "empty": gettext_lazy("The file is empty."),
            "required": gettext_lazy("Choose a file."),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if name.endswith((".yaml", ".yml")):
            most = MAX_YAML_BYTES
        elif name.endswith(".xlsx"):
            most = MAX_XLSX_BYTES
        else:
            raise forms.ValidationError(_("Choose a .yaml, .yml or .xlsx file."))
        if upload.size > most:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s MB).") % {"size": most // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class QuestionnaireConfirmForm(forms.Form):
    """The import itself, once its preview was seen: the questionnaire as YAML, as the
    preview read it (an XLSForm too), read and checked again before it is stored."""

    content = forms.CharField(max_length=MAX_YAML_BYTES, strip=False, widget=forms.Textarea)
    confirmed = forms.BooleanField()


class CopyForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Copy into the year"), min_value=YEARS[0], max_value=YEARS[1]
    )
    code = forms.SlugField(
        label=gettext_lazy("Code of the copy"), max_length=MAX_CODE, required=False
    )


class CopyConfirmForm(CopyForm):
    confirmed = forms.BooleanField()


class PreviousForm(forms.Form):
    """Which questionnaire the crosswalk links to: one of the same survey, earlier."""

    previous = forms.TypedChoiceField(
        label=gettext_lazy("Continues the questionnaire"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, candidates: list[Questionnaire], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["previous"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", _("— none —")),
            *((q.pk, f"{q.year} · {q.title} ({q.code})") for q in candidates),
        ]


class CrosswalkForm(forms.Form):
    """For each question of the questionnaire, which question of the previous one it
    continues (or none): a select bounded to the previous questionnaire's questions."""

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        earlier: list[Question],
        previous_id: int | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        choices: list[tuple[Any, str]] = [("", _("— none —"))]
        choices += [(q.pk, f"{q.code} · {_short(q.text)}") for q in earlier]
        allowed = {q.pk for q in earlier}
        # Another questionnaire chosen: its question of the same code is proposed.
        same_code = {q.code: q.pk for q in earlier}
        for question in questions:
            initial = (
                question.previous_id
                if question.previous_id in allowed
                else same_code.get(question.code)
            )
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=f"{question.code} · {question.text}",
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                initial=initial,
            )
        self.previous_id = previous_id

    def links(self) -> dict[int, int | None]:
        return {
            question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions
        }

    def rows(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[f"q{question.pk}"]) for question in self.questions]


def _short(text: str, most: int = 90) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
