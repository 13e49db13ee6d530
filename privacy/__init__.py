"""Patient privacy: the text scanner (privacy.phi), the image checks (privacy.images,
privacy.dicom), the publishing rules (privacy.guard) and the contact rules.

``find_phi_in_image``, ``ImageFinding`` and ``Box`` are importable from here; they are
loaded on first use, so that importing this package does not load OpenCV and NumPy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from privacy.images import Box, ImageFinding, find_phi_in_image

__all__ = ["Box", "ImageFinding", "find_phi_in_image"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from privacy import images

        return getattr(images, name)
    raise AttributeError(f"module 'privacy' has no attribute {name!r}")
