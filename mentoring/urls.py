from __future__ import annotations

from django.urls import path

from . import views

app_name = "mentoring"

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
    # The mentorship space
    path("mentorships/<int:pk>/", views.mentorship, name="mentorship"),
    path("mentorships/<int:pk>/messages/", views.earlier_messages, name="messages"),
    path("mentorships/<int:pk>/messages/send/", views.send_message, name="send_message"),
    path("mentorships/<int:pk>/goals/", views.add_goal, name="add_goal"),
    path("mentorships/<int:pk>/goals/<int:goal_pk>/", views.set_goal, name="set_goal"),
    path("mentorships/<int:pk>/meetings/", views.log_meeting, name="log_meeting"),
    path("mentorships/<int:pk>/complete/", views.complete, name="complete"),
    path("mentorships/<int:pk>/end/", views.end, name="end"),
    path("mentorships/<int:pk>/feedback/", views.feedback, name="feedback"),
]
