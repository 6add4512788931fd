from django import forms


class JobListForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)


class RetryForm(forms.Form):
    confirmed = forms.BooleanField(required=True)
