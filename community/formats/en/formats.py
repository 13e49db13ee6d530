"""How Rounds writes dates and times in English, on its pages, in its emails and in the
moderation panel: day, month in words, year, and a 24-hour clock ("6 December 2026, 14:05").

Django's own English formats end a time with "a.m." or "p.m.", which reads "a.m.." when a
sentence ends after it. Only the display formats are set here; the input formats stay
Django's (`django/conf/locale/en/formats.py`).
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
