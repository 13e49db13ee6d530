"""Writes for programs, one module per area: `programs` (programs, questions,
coordinators, invitations, applications) and the others' modules beside it."""
