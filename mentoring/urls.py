from __future__ import annotations

from django.urls import include, path

from . import views

app_name = "mentoring"

# The mentorship space: every page of one mentorship, under mentorships/<pk>/.
mentorship_patterns = [
    path("", views.mentorship, name="mentorship"),
    path("messages/", views.earlier_messages, name="messages"),
    path("messages/send/", views.send_message, name="send_message"),
    path("messages/read/", views.read_messages, name="read_messages"),
    path("goals/", views.add_goal, name="add_goal"),
    path("goals/<int:goal_pk>/", views.set_goal, name="set_goal"),
    path("meetings/", views.log_meeting, name="log_meeting"),
    # Scheduled meetings: propose, answer, move, cancel, and the calendar file.
    path("meetings/propose/", views.propose_meeting, name="propose_meeting"),
    # The board alone, for the page to refresh when its stream says a meeting changed.
    path("meetings/board/", views.meeting_board_fragment, name="meeting_board"),
    path(
        "meetings/<int:meeting_pk>/accept/",
        views.meeting_action,
        {"action": "accept"},
        name="accept_meeting",
    ),
    path(
        "meetings/<int:meeting_pk>/decline/",
        views.meeting_action,
        {"action": "decline"},
        name="decline_meeting",
    ),
    path(
        "meetings/<int:meeting_pk>/cancel/",
        views.meeting_action,
        {"action": "cancel"},
        name="cancel_meeting",
    ),
    path(
        "meetings/<int:meeting_pk>/reschedule/",
        views.reschedule_meeting,
        name="reschedule_meeting",
    ),
    path("meetings/<int:meeting_pk>/invite.ics", views.meeting_invite, name="meeting_invite"),
    path("complete/", views.complete, name="complete"),
    path("end/", views.end, name="end"),
    path("feedback/", views.feedback, name="feedback"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # Profiles
    path("mentor-profile/", views.mentor_profile, name="mentor_profile"),
    path("preferences/", views.preferences, name="preferences"),
    # Weekly availability for meetings
    path("availability/", views.availability, name="availability"),
    path("availability/slots/", views.add_availability, name="add_availability"),
    path(
        "availability/slots/<int:slot_pk>/remove/",
        views.remove_availability,
        name="remove_availability",
    ),
    path("availability/zone/", views.availability_zone, name="availability_zone"),
    # Finding a mentor
    path("suggestions/", views.suggestions, name="suggestions"),
    path("mentors/", views.directory, name="directory"),
    path("mentors/<slug:handle>/", views.mentor, name="mentor"),
    path("mentors/<slug:handle>/request/", views.request_mentor, name="request"),
    # Answering requests
    path("requests/<int:pk>/accept/", views.accept, name="accept"),
    path("requests/<int:pk>/decline/", views.decline, name="decline"),
    path("requests/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("mentorships/<int:pk>/", include(mentorship_patterns)),
]
