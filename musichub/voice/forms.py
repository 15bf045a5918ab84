"""Forms for youth voice: short and friendly for young people, clear for moderators and staff. Nothing here saves."""

from datetime import date

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from musichub.core.models import Genre, Instrument
from musichub.offer.models import Enrolment, Opportunity
from musichub.people.models import Barrier, YoungPerson

from .models import MAX_TEXT, MAX_TITLE, MusicianProfile, PanelAction, Post, SessionFeedback, YoungLeader

CHOOSE = _("Choose one of the answers")


def years_ago(today: date, years: int) -> date:
    """The same day `years` earlier (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter a date"), "invalid": _("Enter a real date, like 24 3 2027")},
    )


def _text(
    label, *, max_length, required=False, rows=None, help_text="", required_message=None, too_long=None
):
    messages = {"max_length": too_long or _("Keep it to %(limit_value)s characters (it has %(show_value)s).")}
    if required_message:
        messages["required"] = required_message
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages=messages,
    )


def _choice(choices, label, *, required=True, help_text="", required_message=None):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOOSE, "required": required_message or CHOOSE},
    )


def _optional(queryset, label, *, help_text=""):
    return forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        help_text=help_text,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Choose from the list")},
    )


# ---- Saying something -------------------------------------------------------------------------------------------


class SayForm(forms.Form):
    kind = _choice(
        Post.Kind.choices,
        _("What do you want to share?"),
        required_message=_("Choose what you want to share."),
    )
    title = _text(
        _("Say it in a few words"),
        max_length=MAX_TITLE,
        required=True,
        help_text=_("For example: “We want a grime workshop in Thornhill”."),
        required_message=_("Say what your idea, request or problem is in a few words."),
        too_long=_(
            "Keep this part to %(limit_value)s characters (it has %(show_value)s): put the rest below."
        ),
    )
    text = _text(
        _("Tell us more"),
        max_length=MAX_TEXT,
        rows=5,
        help_text=_("Don't include phone numbers, addresses or other people's names."),
        too_long=_(
            "That is %(show_value)s characters: keep it to %(limit_value)s, or split it into two posts."
        ),
    )
    topic = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Post.Topic.choices,
        initial=Post.Topic.OTHER,
        error_messages={"invalid_choice": _("Choose from the list")},
    )
    genre = _optional(Genre.objects.order_by("name"), _("Genre"))
    place = _text(
        _("Place"), max_length=60, help_text=_("An area of the city, like Thornhill. Not your address.")
    )
    opportunity = _optional(Opportunity.objects.none(), _("Something you go to"))
    barrier = _optional(Barrier.objects.order_by("name"), _("Does something make it hard to take part?"))
    show_as = _choice(
        Post.ShowAs.choices,
        _("How should we show your name?"),
        required_message=_("Choose how we show your name."),
    )

    def __init__(self, *args, young_person: YoungPerson | None = None, name_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if name_choices:
            self.fields["show_as"].choices = name_choices
        self.fields["show_as"].initial = Post.ShowAs.DISPLAY_NAME
        self.fields["opportunity"].queryset = (
            Opportunity.objects.filter(
                enrolments__young_person=young_person, enrolments__status=Enrolment.Status.ENROLLED
            )
            .order_by("title")
            .distinct()
            if young_person is not None
            else Opportunity.objects.none()
        )


class GroupSayForm(forms.Form):
    group_name = _text(
        _("Which group is this from?"),
        max_length=120,
        required=True,
        help_text=_("For example: Northam Drum Crew. Shown with the post."),
        required_message=_("Say which group this comes from."),
    )
    opportunity = _optional(Opportunity.objects.none(), _("The group's opportunity"))
    kind = SayForm.base_fields["kind"]
    title = SayForm.base_fields["title"]
    text = SayForm.base_fields["text"]
    topic = SayForm.base_fields["topic"]

    def __init__(self, *args, user, is_staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        opportunities = Opportunity.objects.exclude(status=Opportunity.Status.DRAFT).order_by("title")
        if not is_staff:
            opportunities = opportunities.filter(leaders=user) | opportunities.filter(
                partner__memberships__user=user
            )
        self.fields["opportunity"].queryset = opportunities.distinct()


# ---- Moderation ---------------------------------------------------------------------------------------------------


class PublishForm(forms.Form):
    title = _text(
        _("In a few words"),
        max_length=MAX_TITLE,
        required=True,
        required_message=_("The post needs its first part."),
    )
    text = _text(_("Tell us more"), max_length=MAX_TEXT, rows=6)
    note = _text(
        _("If you took something out, tell the author what and why"),
        max_length=300,
        help_text=_("For example: “We removed a phone number: never share your number in public.”"),
    )

    def clean(self):
        cleaned = super().clean()
        changed = self.initial and (
            cleaned.get("title", "").strip() != self.initial.get("title")
            or cleaned.get("text", "").strip() != self.initial.get("text")
        )
        if changed and not cleaned.get("note", "").strip():
            self.add_error(
                "note", _("Tell the author what you took out, so they know why their post changed.")
            )
        return cleaned


KIND_REASONS = [
    ("personal", _("It had personal details we could not take out without changing what you meant.")),
    ("unkind", _("Some of it could upset other people. Try saying it another way?")),
    ("unclear", _("We could not work out what you meant. Could you try again with a bit more detail?")),
    ("not_music", _("It is not about music-making at the hub, so this is not the place for it.")),
    ("other", _("Another reason (write it below)")),
]


class DeclineForm(forms.Form):
    reason = _choice(KIND_REASONS, _("Why can't it be published?"), required_message=_("Choose a reason."))
    words = _text(_("Anything to add, in kind words"), max_length=600, rows=3)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == "other" and not cleaned.get("words", "").strip():
            self.add_error("words", _("Write the reason, so the author knows what to do next."))
        return cleaned

    def reason_text(self) -> str:
        chosen = dict(KIND_REASONS)[self.cleaned_data["reason"]]
        words = self.cleaned_data.get("words", "").strip()
        if self.cleaned_data["reason"] == "other":
            return words
        return f"{chosen} {words}".strip()


class ConcernForm(forms.Form):
    note = _text(
        _("What worries you?"),
        max_length=2000,
        required=True,
        rows=4,
        help_text=_("Only the designated safeguarding lead sees this, with what the young person wrote."),
        required_message=_("Say what worries you about this post."),
    )


class ReportForm(forms.Form):
    reason = _text(
        _("What is wrong with this post?"),
        max_length=300,
        required=True,
        rows=3,
        help_text=_("A moderator looks at it again straight away. It is hidden until they have."),
        required_message=_("Say what is wrong with this post."),
    )


# ---- Answering ------------------------------------------------------------------------------------------------------


class RespondForm(forms.Form):
    status = _choice(Post.Answer.choices, _("Where does it stand?"), required_message=_("Choose a status."))
    text = _text(
        _("What we say"),
        max_length=MAX_TEXT,
        rows=5,
        help_text=_(
            "For “done”, say what was done; for “not possible”, say why. Plain words: a young person reads this."
        ),
    )
    ask_panel = forms.BooleanField(
        label=_("Ask the youth panel to co-sign this answer before it is published"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text", "").strip()
        if cleaned.get("status") == Post.Answer.DONE and not text:
            self.add_error("text", _("Say what was done, so the young person sees what changed."))
        if cleaned.get("status") == Post.Answer.NOT_POSSIBLE and not text:
            self.add_error("text", _("Say why it is not possible: a clear reason is part of the answer."))
        return cleaned


# ---- Quick feedback ---------------------------------------------------------------------------------------------------


class FeedbackForm(forms.Form):
    face = forms.TypedChoiceField(
        label=_("How was today?"),
        choices=SessionFeedback.Face.choices,  # "Loved it" first
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a face to say how it was."), "invalid_choice": CHOOSE},
    )
    word = _text(
        _("One word for today"), max_length=30, too_long=_("Just one word, please (up to 30 letters).")
    )
    play_next = _text(_("What should we play next?"), max_length=100)


# ---- Polls ------------------------------------------------------------------------------------------------------------


class PollForm(forms.Form):
    question = _text(_("Question"), max_length=200, required=True, required_message=_("Write the question."))
    description = _text(_("More about it"), max_length=1000, rows=3)
    options = forms.CharField(
        label=_("Answers to choose from"),
        help_text=_("One per line, 2 to 8."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Give between 2 and 8 answers to choose from.")},
    )
    by_youth_panel = forms.BooleanField(label=_("Asked by the youth panel"), required=False)
    closes_on = _date_field(_("Closes on"), required=False)

    def clean_options(self):
        options = [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
        if not 2 <= len(options) <= 8:
            raise forms.ValidationError(_("Give between 2 and 8 answers to choose from, one per line."))
        if len({o.lower() for o in options}) != len(options):
            raise forms.ValidationError(_("Each answer must be different."))
        if any(len(o) > 100 for o in options):
            raise forms.ValidationError(_("Keep each answer to 100 characters."))
        return options


class PollAnswerForm(forms.Form):
    option = forms.ModelChoiceField(
        label=_("Your answer"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose an answer."),
            "invalid_choice": _("Choose one of the answers."),
        },
    )

    def __init__(self, *args, poll, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = poll.options.order_by("position", "pk")
        self.fields["option"].label = poll.question


# ---- Identity ----------------------------------------------------------------------------------------------------------


class ProfileForm(forms.Form):
    chosen_name = _text(
        _("The name you go by"),
        max_length=40,
        help_text=_("Shown as your display name on things you post, once a moderator has checked it."),
    )
    pronouns = _text(
        _("Pronouns"), max_length=30, help_text=_("If you want to say. For example: she/her, they/them.")
    )
    pronouns_visible_to = _choice(MusicianProfile.Visibility.choices, _("Who sees your pronouns?"))
    instruments = forms.ModelMultipleChoiceField(
        queryset=Instrument.objects.order_by("name"),
        label=_("Instruments you play (or your voice)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    genres = forms.ModelMultipleChoiceField(
        queryset=Genre.objects.order_by("name"),
        label=_("Genres you love"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    music_visible_to = _choice(MusicianProfile.Visibility.choices, _("Who sees your instruments and genres?"))
    next_steps = _text(_("What you want to do next"), max_length=600, rows=3)
    next_steps_visible_to = _choice(
        MusicianProfile.Visibility.choices, _("Who sees what you want to do next?")
    )


# ---- A guardian's approval ----------------------------------------------------------------------------------------------


class ApproveChildForm(forms.Form):
    agree = forms.BooleanField(
        label=_(
            "I agree that my child can post ideas, support ideas and answer polls on the hub's youth voice pages"
        ),
        error_messages={"required": _("Tick the box to say yes.")},
    )
    username = _text(
        _("A username for your child"), max_length=30, help_text=_("Letters, numbers and . _ - only.")
    )
    password = forms.CharField(
        label=_("A password for your child"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    email = forms.EmailField(
        label=_("Your child's email address"),
        required=False,
        help_text=_(
            "If they have one: the hub sends news about their posts there. Otherwise they see it when they sign in."
        ),
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.org")},
    )

    def __init__(self, *args, needs_account: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_account = needs_account
        if not needs_account:
            for name in ("username", "password", "email"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if not self.needs_account:
            return cleaned
        username = cleaned.get("username", "").strip()
        if not username:
            self.add_error("username", _("Choose a username for your child."))
        elif not all(ch.isalnum() or ch in "._-" for ch in username):
            self.add_error("username", _("Use only letters, numbers and . _ - in the username."))
        password = cleaned.get("password", "")
        if not password:
            self.add_error("password", _("Choose a password for your child."))
        else:
            try:
                validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


# ---- The youth panel and young leaders -----------------------------------------------------------------------------------


class YoungPersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.first_name} {obj.last_name} ({obj.date_of_birth:%Y})"


class PanelMemberForm(forms.Form):
    young_person = YoungPersonChoiceField(
        queryset=YoungPerson.objects.none(),
        label=_("Young person"),
        help_text=_("Young people aged 13 and over with their own account."),
        error_messages={"required": _("Choose a young person."), "invalid_choice": _("Choose from the list")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("member", _("Member")), ("chair", _("Chair")), ("vice_chair", _("Vice chair"))],
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        born_by = years_ago(today, 13)
        self.fields["young_person"].queryset = YoungPerson.objects.filter(
            user__isnull=False, anonymised_at__isnull=True, date_of_birth__lte=born_by
        ).order_by("first_name", "last_name", "pk")


class MeetingForm(forms.Form):
    date = _date_field(_("Date of the meeting"))
    agenda = _text(
        _("Agenda"),
        max_length=5000,
        required=True,
        rows=5,
        required_message=_("Write the agenda: what the meeting is about."),
    )
    minutes = _text(_("Minutes"), max_length=10000, rows=8, help_text=_("What was said. Markdown."))
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )

    def clean_decisions(self):
        lines = [line.strip() for line in self.cleaned_data.get("decisions", "").splitlines() if line.strip()]
        if any(len(line) > 300 for line in lines):
            raise forms.ValidationError(_("Keep each decision to 300 characters."))
        return lines


class ActionForm(forms.Form):
    text = _text(_("Action"), max_length=300, required=True, required_message=_("Say what the action is."))
    owner = _text(
        _("Who will do it"), max_length=120, required=True, required_message=_("Say who will do it.")
    )
    due_on = _date_field(_("Due"))


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PanelAction.Status.choices)


class YoungLeaderForm(forms.Form):
    young_person = YoungPersonChoiceField(
        queryset=YoungPerson.objects.none(),
        label=_("Young person"),
        error_messages={"required": _("Choose a young person."), "invalid_choice": _("Choose from the list")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=YoungLeader.Role.choices)
    opportunity = _optional(
        Opportunity.objects.exclude(status=Opportunity.Status.DRAFT).order_by("title"), _("Where")
    )
    started_on = _date_field(_("From"))
    ended_on = _date_field(
        _("To"), required=False, help_text=_("Leave empty while they are still in the role.")
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        born_by = years_ago(today, 13)
        self.fields["young_person"].queryset = YoungPerson.objects.filter(
            anonymised_at__isnull=True, date_of_birth__lte=born_by
        ).order_by("first_name", "last_name", "pk")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("Choose an end date on or after the start date."))
        return cleaned


class PeriodForm(forms.Form):
    start = _date_field(_("From"))
    end = _date_field(_("To"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Choose a date on or after the ‘From’ date."))
        return cleaned
