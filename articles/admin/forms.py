"""The admin's base model form: the desk's text limits (articles/limits.py) as form errors, not 500s."""

from django import forms

from articles import services


class LimitedModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        services.apply_text_limits(self)
