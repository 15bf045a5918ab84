"""Forms for joining: asking for a place, and staff or partners taking a young person off an opportunity."""

from django import forms
from django.utils.translation import gettext_lazy as _

from musichub.core.permissions import role_of
from musichub.core.roles import Role
from musichub.people.models import Barrier, SupportKind, YoungPerson
from musichub.people.selectors import young_people_visible_to


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.preferred_name or obj.first_name


class JoinForm(forms.Form):
    young_person = ChildChoiceField(
        label=_("Who is the place for?"),
        queryset=YoungPerson.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose who the place is for.")},
    )
    barriers = forms.ModelMultipleChoiceField(
        label=_("Does anything make it hard to take part?"),
        queryset=Barrier.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    support_kinds = forms.ModelMultipleChoiceField(
        label=_("Would any support help?"),
        queryset=SupportKind.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Anything the organisers should know"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = young_people_visible_to(user).order_by("date_of_birth", "pk")
        if role_of(user) == Role.YOUNG_PERSON:
            people = people.filter(user=user)
            self.fields["young_person"].label = _("Who is the place for?")
        self.fields["young_person"].queryset = people
        choices = list(people[:2])
        if len(choices) == 1:
            self.fields["young_person"].initial = choices[0].pk
        self.has_people = bool(choices)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are they coming off?"),
        max_length=300,
        widget=forms.TextInput,
        error_messages={"required": _("Say why, so the family and the hub know.")},
    )
