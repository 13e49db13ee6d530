"""The mentoring tables of the scale data set: mentor profiles (verified clinicians, with
capacity), mentee preferences (two in five students, and the bench member), requests in
every status, and mentorships whose active counts match each profile's counter."""

from __future__ import annotations

from accounts.models import STUDENT_ROLES, Role
from accounts.specialties import SPECIALTIES
from bench.scale.generator import Generator, Rows
from bench.scale.pgcopy import json_list, timestamp
from bench.scale.vocabulary import TIME_ZONES, TOPICS
from mentoring.models import MentorProfile
from mentoring.vocabulary import Area, MeetingMode, Stage

MENTOR_PROFILE_COLUMNS = (
    "id areas specialties stages capacity is_accepting languages meeting_modes time_zone "
    "statement background share_background_for_matching active_mentee_count search_tags "
    "created_at updated_at user_id"
).split()
MENTEE_PREFERENCES_COLUMNS = (
    "id goals specialties languages language_required meeting_modes time_zone introduction "
    "background share_background_for_matching updated_at user_id"
).split()
MENTOR_REQUEST_COLUMNS = (
    "id status message decline_note created_at decided_at reminded_at mentee_id mentor_id"
).split()
MENTORSHIP_COLUMNS = (
    "id status started_at ended_at end_reason ended_by_id mentee_id mentor_id request_id"
).split()


def mentoring_rows(plan: Generator) -> list[Rows]:
    """Mentor profiles, mentee preferences, requests and mentorships, in load order.

    Draws from the generator's random stream after its reactions, as the load calls it."""
    rng, size = plan.rng, plan.size
    clinicians = [
        i for i in plan.ids if plan.verified[i - 1] and plan.roles[i - 1] != Role.HIGH_SCHOOL
    ]
    rng.shuffle(clinicians)
    mentors = sorted(clinicians[: size.mentors])
    students = [i for i in plan.ids if plan.roles[i - 1] in STUDENT_ROLES]
    mentees = sorted({1, *rng.sample(students, min(len(students), len(students) * 2 // 5))})
    areas, stages = list(Area.values), list(Stage.values)
    modes = list(MeetingMode.values)
    capacity = {mentor: rng.randint(1, 6) for mentor in mentors}
    active = dict.fromkeys(mentors, 0)

    request_lines: list[str] = []
    mentorship_lines: list[str] = []
    pairs: set[tuple[int, int]] = set()
    statuses = ["accepted"] * 30 + ["declined"] * 20 + ["withdrawn"] * 10
    statuses += ["expired"] * 15 + ["requested"] * 25
    wanted = min(len(mentees) * 2, size.mentors * 3) if mentors else 0
    request_id = mentorship_id = 0
    while len(pairs) < wanted:
        pair = (rng.choice(mentees), rng.choice(mentors))
        if pair in pairs or pair[0] == pair[1]:
            continue
        pairs.add(pair)
        mentee, mentor = pair
        request_id += 1
        status = rng.choice(statuses)
        created = plan.now - rng.random() * 300 * 86_400
        decided = "\\N" if status == "requested" else timestamp(created + 86_400)
        request_lines.append(
            f"{request_id}\t{status}\tI would love your advice on {rng.choice(TOPICS)}.\t\t"
            f"{timestamp(created)}\t{decided}\t\\N\t{mentee}\t{mentor}\n"
        )
        if status == "accepted":
            mentorship_id += 1
            live = active[mentor] < capacity[mentor] and rng.random() < 0.7
            if live:
                active[mentor] += 1
            ended = "\\N" if live else timestamp(created + 120 * 86_400)
            mentorship_lines.append(
                f"{mentorship_id}\t{'active' if live else 'completed'}\t"
                f"{timestamp(created + 86_400)}\t{ended}\t\t\\N\t{mentee}\t{mentor}\t{request_id}\n"
            )

    profile_lines: list[str] = []
    for number, mentor in enumerate(mentors, start=1):
        profile = MentorProfile(
            areas=rng.sample(areas, rng.randint(1, 3)),
            specialties=[plan.specialty[mentor - 1]] if plan.specialty[mentor - 1] else [],
            stages=rng.sample(stages, rng.randint(1, 3)),
            languages=["en"] if rng.random() < 0.8 else ["en", rng.choice(["es", "fr"])],
            meeting_modes=rng.sample(modes, rng.randint(1, 3)),
        )
        profile.refresh_search_tags()
        profile_created = timestamp(plan.joined[mentor - 1] + 86_400)
        profile_lines.append(
            "\t".join(
                (
                    str(number),
                    json_list(profile.areas),
                    json_list(profile.specialties),
                    json_list(profile.stages),
                    str(capacity[mentor]),
                    "t" if rng.random() < 0.85 else "f",
                    json_list(profile.languages),
                    json_list(profile.meeting_modes),
                    rng.choice(TIME_ZONES),
                    f"Happy to help with {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
                    "[]",
                    "f",
                    str(active[mentor]),
                    profile.search_tags,
                    profile_created,
                    profile_created,
                    str(mentor),
                )
            )
            + "\n"
        )
    preference_lines = []
    for number, mentee in enumerate(mentees, start=1):
        specialty = plan.specialty[mentee - 1] or rng.choice(list(SPECIALTIES))
        preference_lines.append(
            "\t".join(
                (
                    str(number),
                    json_list(rng.sample(areas, rng.randint(1, 3))),
                    json_list([specialty]),
                    json_list(["en"]),
                    "f",
                    json_list(rng.sample(modes, rng.randint(1, 2))),
                    rng.choice(TIME_ZONES),
                    f"I am working towards {rng.choice(TOPICS)}.",
                    "[]",
                    "f",
                    timestamp(plan.now - rng.random() * 200 * 86_400),
                    str(mentee),
                )
            )
            + "\n"
        )
    return [
        Rows("mentor profiles", "mentoring_mentorprofile", MENTOR_PROFILE_COLUMNS, profile_lines),
        Rows(
            "mentee preferences",
            "mentoring_menteepreferences",
            MENTEE_PREFERENCES_COLUMNS,
            preference_lines,
        ),
        Rows("mentor requests", "mentoring_mentorrequest", MENTOR_REQUEST_COLUMNS, request_lines),
        Rows("mentorships", "mentoring_mentorship", MENTORSHIP_COLUMNS, mentorship_lines),
    ]
