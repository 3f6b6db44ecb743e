"""How long the parts of a report and of casework may be: one place for the reporter's form,
the reporter API's schemas (and so its OpenAPI document) and the staff forms."""

MAX_ACCUSED = 10  # terlapor per report
TITLE_MAX = 200
DESCRIPTION_MIN = 30
DESCRIPTION_MAX = 20000
NAME_MAX = 150  # a person's name or position
SHORT_MAX = 255  # location, work unit, contact, "reported elsewhere to"
PERIOD_MAX = 120  # "Januari–Maret 2025"
RUPIAH_MAX = 30  # the estimated loss as typed ("Rp1.000.000,00")
MESSAGE_MAX = 10000  # messages, notes, telaahan fields
NIP_TYPED_MAX = 30  # a NIP as typed, spaces included (18 digits once cleaned)
ACCESS_CODE_TYPED_MAX = 64  # the Kode Akses as typed (24 symbols, separators, spaces)
