"""Signing in with a username or an email address."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User


class UsernameOrEmailBackend(ModelBackend):
    """Families register with their email address, so they may sign in with it as well as the username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(Q(username=username) | (Q(email__iexact=username) & ~Q(email=""))).first()
        if user is None:
            User().set_password(password)  # same time as a real check, so timing tells nobody who exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
