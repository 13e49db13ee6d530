"""Writes for posts, comments, reactions, bookmarks, groups and campaigns.

Every write checks that the member may take part (`ensure_can_participate`) and that they
can see what they act on (which also keeps blocked members apart). Notifications are
written in the same transaction as the event. Deleting one's own post or comment, leaving a
group and saving bookmarks stay possible while suspended: they take nothing to anyone.

The modules: `rules` (who may do what), `media` (hashtags, the search document, images),
`publishing` (posts), `comments`, `events` (live Q&As: RSVPs, reminders, co-hosts,
question votes and the hosts' moves), `reactions` (likes, helpfuls, bookmarks), `groups` and
`campaigns`. This package re-exports the names the views, the other apps and scripts use.
"""

from __future__ import annotations

from posts.services.campaigns import create_campaign
from posts.services.comments import (
    add_comment,
    delete_comment,
    edit_comment,
    questions_open,
    recount_replies,
)
from posts.services.events import (
    ANNOUNCEMENTS as EVENT_ANNOUNCEMENTS,
)
from posts.services.events import (
    BUTTON_ACTIONS as QUESTION_BUTTON_ACTIONS,
)
from posts.services.events import (
    AttendanceState,
    QuestionRefused,
    VoteState,
    add_cohost,
    answer_question,
    move_question,
    remove_cohost,
    send_event_reminders,
    set_question_vote,
    set_rsvp,
)
from posts.services.groups import (
    approve_membership,
    create_circle,
    join_circle,
    leave_circle,
    make_circle_moderator,
    remove_member,
    remove_post_in_circle,
)
from posts.services.media import (
    MAX_IMAGES,
    NO_IMAGE_CONSENT,
    SEARCH_CONFIG,
    ImageConsent,
    ImageInput,
)
from posts.services.publishing import (
    DOUBLE_SUBMIT_WINDOW,
    ImageFindings,
    PostContent,
    PrivacyFindings,
    delete_post,
    edit_post,
    publish_post,
)
from posts.services.reactions import ReactionState, toggle_bookmark, toggle_reaction
from posts.services.rules import (
    CAMPAIGN_PERMISSION,
    MAX_REASON_LENGTH,
    ModeratesAs,
    NotAllowed,
    can_moderate_circle,
    may_remove_group_moderators,
    may_start_campaigns,
    moderates_circle_as,
)

__all__ = [
    "EVENT_ANNOUNCEMENTS",
    "QUESTION_BUTTON_ACTIONS",
    "AttendanceState",
    "QuestionRefused",
    "VoteState",
    "add_cohost",
    "answer_question",
    "move_question",
    "remove_cohost",
    "send_event_reminders",
    "set_question_vote",
    "set_rsvp",
    "CAMPAIGN_PERMISSION",
    "DOUBLE_SUBMIT_WINDOW",
    "MAX_IMAGES",
    "MAX_REASON_LENGTH",
    "NO_IMAGE_CONSENT",
    "SEARCH_CONFIG",
    "ImageConsent",
    "ImageFindings",
    "ImageInput",
    "ModeratesAs",
    "NotAllowed",
    "PostContent",
    "PrivacyFindings",
    "ReactionState",
    "add_comment",
    "approve_membership",
    "can_moderate_circle",
    "create_campaign",
    "create_circle",
    "delete_comment",
    "recount_replies",
    "delete_post",
    "edit_comment",
    "edit_post",
    "join_circle",
    "leave_circle",
    "make_circle_moderator",
    "may_remove_group_moderators",
    "may_start_campaigns",
    "moderates_circle_as",
    "publish_post",
    "questions_open",
    "remove_member",
    "remove_post_in_circle",
    "toggle_bookmark",
    "toggle_reaction",
]
