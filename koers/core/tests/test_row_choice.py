"""Ids beyond 64 bits are "not one of the choices", not a database error."""

from __future__ import annotations

import pytest
from django import forms

from koers.core.forms import RowChoiceField, RowMultipleChoiceField
from koers.core.models import Workspace

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


class PickForm(forms.Form):
    one = RowChoiceField(queryset=Workspace.objects.all(), required=False)
    many = RowMultipleChoiceField(queryset=Workspace.objects.all(), required=False)


def test_a_huge_id_is_an_invalid_choice(acme):
    form = PickForm({"one": HUGE, "many": [str(acme.pk), HUGE]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}


def test_real_ids_still_work(acme, bolt):
    form = PickForm({"one": str(acme.pk), "many": [str(acme.pk), str(bolt.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == acme
    assert set(form.cleaned_data["many"]) == {acme, bolt}
