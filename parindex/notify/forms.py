from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Message


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Every state")), *Message.Status.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("E-mail and SMS")), *Message.Channel.choices],
        required=False,
    )
    q = forms.CharField(label=_("Recipient or subject"), required=False, max_length=100)
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)
