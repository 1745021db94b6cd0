"""How every admin class that writes reports a refusal: the service's message, never a 500.

Admin forms check only what a form can (types, required fields, the version the page was read at);
the rules belong to the services, which the admin's save_model / save_related / delete_model and
actions call. When a service refuses (ValidationError, ConflictError), `ServiceWritesMixin` rolls the
save back and shows the page again with the service's messages as form errors, next to the field
they name; a refused delete or action goes back with the message. One place, used by every admin
class that writes.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect

from articles.errors import ConflictError, DuplicateArticle

REFUSALS = (ValidationError, ConflictError, DuplicateArticle)


def refusal_messages(error) -> dict[str, list[str]]:
    """A service's refusal as {field: [messages]} (NON_FIELD_ERRORS for the ones naming no field)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return error.message_dict
    if isinstance(error, ValidationError):
        return {NON_FIELD_ERRORS: error.messages}
    return {NON_FIELD_ERRORS: [str(error) or "You are not allowed to do that."]}


def refusal_text(error) -> str:
    """A refusal (or a PermissionDenied) as one line for a message."""
    return " ".join(message for found in refusal_messages(error).values() for message in found)


class ServiceWritesMixin:
    """A ModelAdmin whose writes call services: their refusals become form errors or messages."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except REFUSALS as error:
            if request.method != "POST" or getattr(request, "_service_refusal", None) is not None:
                raise
            # The save was rolled back with the admin's transaction; show the page again, the form
            # validated once more with the service's messages added, so nothing the user typed is lost.
            request._service_refusal = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form

        class RefusedForm(form):
            def clean(self):
                data = super().clean()
                for field, found in refusal_messages(refusal).items():
                    self.add_error(field if field in self.fields else None, found)
                return data

        RefusedForm.__name__ = form.__name__
        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except REFUSALS as error:
            self.message_user(request, f"Not deleted: {refusal_text(error)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" goes through the same service as deleting one record.
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                self.delete_model(request, obj)

    def response_action(self, request, queryset):
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().response_action(request, queryset)
        except REFUSALS as error:
            self.message_user(request, f"Nothing changed: {refusal_text(error)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def adopt(obj, saved) -> None:
    """Give the admin's instance the row a service saved: the admin goes on to log and redirect with it."""
    obj.__dict__.update({name: value for name, value in saved.__dict__.items() if not name.startswith("_")})
    obj._state.adding = False
