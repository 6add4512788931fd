from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parindex.org.models import UnitGroup


class FrameworkFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=UnitGroup.objects.all(),
        required=False,
        empty_label=_("All groups"),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file (YAML or Excel template)"),
        help_text=_("A .yaml/.yml file or the .xlsx template downloaded from a framework page."),
        error_messages={"empty": _("The file is empty."), "required": _("Choose a file.")},
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".yaml", ".yml", ".xlsx")):
            raise forms.ValidationError(_("Choose a .yaml, .yml or .xlsx file."))
        if upload.size > settings.FRAMEWORK_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s MB).")
                % {"size": settings.FRAMEWORK_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class CopyToYearForm(forms.Form):
    year = forms.IntegerField(label=_("New year"), min_value=2000, max_value=2100)


class CopyConfirmForm(CopyToYearForm):
    """The copy itself, once its preview was seen: with the years carried forward in its
    texts, or word for word."""

    carry = forms.ChoiceField(choices=[("yes", _("Carry the years forward")), ("no", _("Keep"))])

    @property
    def carry_years(self) -> bool:
        return bool(self.cleaned_data["carry"] == "yes")
