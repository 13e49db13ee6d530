"""Periodic program work, scheduled in CELERY_BEAT_SCHEDULE. Thin: the services decide."""

from __future__ import annotations

from celery import shared_task

from .services import pairs


@shared_task
def follow_up_pairs() -> dict[str, int]:
    """Record reached milestones, nudge stalled pairs or alert their coordinators, resolve
    alerts of pairs moving again, and invite members to open surveys (each once)."""
    result = pairs.follow_up_pairs()
    return {
        "completions": result.completions,
        "nudged": result.stalls.nudged,
        "escalated": result.stalls.escalated,
        "resolved": result.stalls.resolved,
        "survey_invitations": result.survey_invitations,
    }
