"""Program pages, one module per area (`programs`: programs, questions, applications and
coordinators); `programs/urls.py` names each view by its module."""
