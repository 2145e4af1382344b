"""Dutch date styles; see ``koers.formats``."""

DATE_FORMAT = "j F Y"  # 4 december 2026
DATETIME_FORMAT = "j F Y H:i"  # 4 december 2026 09:30
SHORT_DATETIME_FORMAT = "j F H:i"  # 4 december 09:30
MONTH_DAY_FORMAT = "j F"  # 4 december
YEAR_MONTH_FORMAT = "F Y"  # december 2026
TIME_FORMAT = "H:i"
