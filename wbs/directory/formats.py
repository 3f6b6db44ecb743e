"""How Indonesian letters and screens write dates, NIPs and Rupiah (one place for the letters
in wbs.monitoring and the template filters in wbs.cases)."""

import datetime

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def tanggal(day: datetime.date) -> str:
    """17 Agustus 2025 (the month spelt out)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def nip_grouped(nip: str) -> str:
    """198507152010011003 → 19850715 201001 1 003 (birth date, appointment, sex, serial)."""
    digits = "".join(ch for ch in nip or "" if ch.isdigit())
    if len(digits) != 18:
        return nip or "-"
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def rupiah(value: int | None) -> str:
    """4500000 → Rp4.500.000."""
    if value is None or value == "":
        return "-"
    return "Rp" + f"{int(value):,}".replace(",", ".")
