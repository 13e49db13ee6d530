"""The sizes of the scale data set, the fixed points the benchmarks rely on, and the error
raised when the data set cannot be loaded. No Django here: the command line reads the
default sizes before Django is set up."""

from __future__ import annotations

from dataclasses import dataclass

BENCH_HANDLE = "bench-member"
BENCH_PASSWORD = "rounds-scale"
BUSY_THREAD_COMMENTS = 100
SPAN_DAYS = 730


class ScaleError(Exception):
    """The data set cannot be loaded here (wrong database, or data already present)."""


@dataclass(frozen=True)
class ScaleSize:
    members: int = 20_000
    posts: int = 1_000_000
    comments: int = 1_200_000
    # Likes and helpfuls together; about five in six on posts, the rest on comments.
    reactions: int = 1_800_000
    mentors: int = 2_000
    seed: int = 20_250_601

    @property
    def bench_follows(self) -> int:
        return min(200, self.members // 2)

    @property
    def post_reactions(self) -> int:
        return self.reactions * 5 // 6

    @property
    def comment_reactions(self) -> int:
        return self.reactions - self.post_reactions
