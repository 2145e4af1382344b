"""English date styles; see ``koers.formats``."""

DATE_FORMAT = "j F Y"  # 4 December 2026
DATETIME_FORMAT = "j F Y H:i"  # 4 December 2026 09:30
SHORT_DATETIME_FORMAT = "j F H:i"  # 4 December 09:30
MONTH_DAY_FORMAT = "j F"  # 4 December
YEAR_MONTH_FORMAT = "F Y"  # December 2026
TIME_FORMAT = "H:i"
