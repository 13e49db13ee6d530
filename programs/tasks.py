"""Periodic program work, scheduled in CELERY_BEAT_SCHEDULE. Thin: the services decide."""

from __future__ import annotations

from celery import shared_task

from .services import matching, pairs


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


@shared_task(acks_late=True, reject_on_worker_lost=True)
def notify_cohort(run_id: int) -> int:
    """Tell the members of a run just published (each once; safe to run twice)."""
    return matching.notify_cohort(run_id=run_id)


@shared_task
def notify_waiting_cohorts() -> int:
    """Tell the members of published runs whose `notify_cohort` task was lost."""
    return matching.notify_waiting_cohorts()
