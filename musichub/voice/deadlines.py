"""The response deadline: a number of working days (VoiceSettings, default 20) after a voice is received.

Working days are Monday to Friday, leaving out the city's school holidays: every `offer.Holiday` (half terms,
bank holidays, training days) and the gaps between consecutive `offer.Term`s (Christmas, Easter, summer).
Days before the first known term or after the last one count as working days (the hub has not entered
those dates yet, so nothing is assumed).
"""

from datetime import date, timedelta

from musichub.offer.models import Holiday, Term

from .models import VoiceSettings


def holidays_between(start: date, end: date) -> set[date]:
    """School holiday days from `start` to `end` (two queries, whatever the span)."""
    days: set[date] = set()

    def add(first: date, last: date) -> None:
        day = max(first, start)
        while day <= min(last, end):
            days.add(day)
            day += timedelta(days=1)

    for first, last in Holiday.objects.filter(starts_on__lte=end, ends_on__gte=start).values_list(
        "starts_on", "ends_on"
    ):
        add(first, last)
    terms = list(Term.objects.order_by("starts_on").values_list("starts_on", "ends_on"))
    for (_first, previous_end), (next_start, _last) in zip(terms, terms[1:], strict=False):
        if next_start - previous_end > timedelta(days=1):
            add(previous_end + timedelta(days=1), next_start - timedelta(days=1))
    return days


def add_working_days(start: date, days: int, *, holidays: set[date]) -> date:
    """The date `days` working days after `start` (the day of `start` itself does not count)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


def response_due_on(received_on: date, *, working_days: int | None = None) -> date:
    """When an answer to a voice received on `received_on` is due."""
    working_days = working_days or VoiceSettings.current().response_working_days
    # A generous window for the holiday lookup: every 5 working days take at most 7 calendar days, plus
    # the longest school holiday (the summer, about seven weeks).
    horizon = received_on + timedelta(days=working_days * 7 // 5 + 70)
    holidays = holidays_between(received_on, horizon)
    due = add_working_days(received_on, working_days, holidays=holidays)
    if due > horizon:  # more holidays than the window allowed for: look again over a wider span
        holidays = holidays_between(received_on, due + timedelta(days=365))
        due = add_working_days(received_on, working_days, holidays=holidays)
    return due
