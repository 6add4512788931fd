import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import SecurityEvent, Unit, UnitGroup, normalize_name


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After several failures the account is locked for a while."
        ),
        "inactive": _("This account is disabled."),
        "integration": _("An integration account works through the API only, with its tokens."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "is_integration", False):
            raise forms.ValidationError(self.error_messages["integration"], code="integration")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    show_dissolved = forms.BooleanField(label=_("Show dissolved units"), required=False)


class UnitContactsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The administrator's form for a unit's contact details."""

    class Meta:
        model = Unit
        fields = ["head_name", "email", "mobile"]
        labels = {"head_name": _("Head (title and name)")}
        help_texts = {
            "head_name": _("As a letter is addressed, e.g. “Giám đốc Sở Tư pháp Nguyễn Văn A”."),
            "email": _("The unit's official address: preliminary results are sent there."),
        }
        widgets = {
            "head_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }

    # Longer than the stored 15 characters: the spaces and dots people type are dropped.
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        required=False,
        help_text=_("The head's mobile number, for the short messages, e.g. 0912345678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean_head_name(self) -> str:
        return normalize_name(self.cleaned_data["head_name"])

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip()

    def clean_mobile(self) -> str:
        # People write numbers in groups: "0912 345 678", "091.234.5678", "+84 912-345-678".
        typed = str(self.cleaned_data["mobile"])
        return re.sub(r"[\s.\-()]", "", typed)


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=UnitGroup.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("Every group"),
    )
    missing = forms.BooleanField(label=_("Only units with details missing"), required=False)


class SecurityEventFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[("", _("Everything")), *SecurityEvent.Kind.choices],
        required=False,
    )
    who = forms.CharField(label=_("Who (username)"), required=False, max_length=150)
    ip = forms.CharField(label=_("From (IP address)"), required=False, max_length=45)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The first day comes after the last."))
        return data
