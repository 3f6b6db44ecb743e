"""One date style for Bahasa Indonesia everywhere, the Django admin included: the month spelt
out as the letters write it ("3 Desember 2026"), times with a full stop ("14.30"). Formats not
named here (input formats, separators) come from Django's own id locale."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H.i"
TIME_FORMAT = "H.i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
