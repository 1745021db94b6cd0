"""Who made a change: every history row written inside a service names the user the service was given.

django-simple-history takes the user from the web request (HistoryRequestMiddleware); outside a request
(management commands, importers, demo data, the task queue) it has none. Each service write is wrapped
in `service_write`, which remembers its `user` argument for the duration of the call, and the receiver
below puts that user on every history record written meanwhile, whatever model or code path wrote it.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

_acting_user: ContextVar = ContextVar("acting_user", default=None)


@contextmanager
def acting_user(user) -> Iterator[None]:
    """History rows written inside the block name `user` (no change when `user` is None)."""
    if user is None:
        yield
        return
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def service_write(function: Callable) -> Callable:
    """A service that writes: atomic, and its history rows name its keyword argument `user`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with transaction.atomic(), acting_user(kwargs.get("user")):
            return function(*args, **kwargs)

    return wrapper


@receiver(pre_create_historical_record, dispatch_uid="articles.services.history.name_the_user")
def _name_the_user(sender, history_instance, **kwargs) -> None:
    user = _acting_user.get()
    if user is not None and getattr(user, "pk", None) is not None:
        history_instance.history_user = user
