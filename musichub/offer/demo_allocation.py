"""Demo data for fair allocation: the standard priority rules (idempotent)."""

from .allocation import default_priority_rules


def load_demo_allocation() -> None:
    default_priority_rules()
