"""The composer's check of a picked image, before anything is sent for good."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import participant_required
from community.ratelimit import rate_limited

from . import image_guard
from .uploads import CASE_KIND, decode_post_image


@participant_required
@rate_limited("image_check")
@require_POST
def check_image(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The composer's check of one picked image, before the post is sent: decoded in memory
    with the same limits as an upload, scanned, and the progress and findings streamed back
    as NDJSON (`privacy.image_guard.stream_check`). Nothing is stored."""
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "Choose an image to check."}, status=400)
    kind = request.POST.get("kind", "")
    try:
        image, from_dicom = decode_post_image(upload, dicom_allowed=kind == CASE_KIND)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    response = StreamingHttpResponse(
        image_guard.stream_check(image, is_dicom=from_dicom),
        content_type="application/x-ndjson; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    # Let each progress line through a buffering proxy (nginx) as soon as it is written.
    response["X-Accel-Buffering"] = "no"
    return response
