"""Building blocks shared by the moderation panel's admin classes (here and in accounts,
posts and mentoring): a confirmation page for bulk actions that need a reason, and the
errors a decision can be refused with."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from community.errors import refusal_messages

# What services raise when a decision does not apply; the message is shown to the moderator.
# (community.errors.Refused, every app's refusal, is a PermissionDenied.)
REFUSALS: tuple[type[ValidationError], type[PermissionDenied]] = (ValidationError, PermissionDenied)

CONFIRM_TEMPLATE = "admin/moderation/confirm_action.html"


def refusal_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(refusal_messages(error))


def confirm_then_apply(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: models.QuerySet[Any],
    *,
    form_class: type[forms.Form],
    title: str,
    intro: str,
    button: str,
    apply: Callable[[Any, forms.Form], object],
    done: tuple[str, str],
    objects: Iterable[Any] | None = None,
) -> TemplateResponse | None:
    """A bulk action in two steps, like Django's delete confirmation: first a page with the
    selected items and `form_class` (a reason, a duration ...), then `apply(item, form)`
    for each item. Refusals are reported item by item; the rest go through, and `done`
    (the message for one item and for several, each with a `{count}`) says how many."""
    form = form_class(request.POST, request.FILES) if "apply" in request.POST else form_class()
    if "apply" in request.POST and form.is_valid():
        applied, refused = 0, []
        for item in queryset:
            try:
                apply(item, form)
            except REFUSALS as error:
                refused.append(f"{item}: {refusal_text(error)}")
            else:
                applied += 1
        if applied:
            singular, plural = done
            text = ngettext(singular, plural, applied).format(count=applied)
            model_admin.message_user(request, text, messages.SUCCESS)
        for text in refused:
            model_admin.message_user(request, text, messages.ERROR)
        return None
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "button": button,
        "form": form,
        "objects": list(objects if objects is not None else queryset),
        "selected_ids": [str(pk) for pk in queryset.values_list("pk", flat=True)],
        "opts": opts,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "is_multipart": form.is_multipart(),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, CONFIRM_TEMPLATE, context)
