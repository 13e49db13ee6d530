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
    path("complete/", views.complete, name="complete"),
    path("end/", views.end, name="end"),
    path("feedback/", views.feedback, name="feedback"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # Profiles
    path("mentor-profile/", views.mentor_profile, name="mentor_profile"),
    path("preferences/", views.preferences, name="preferences"),
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
