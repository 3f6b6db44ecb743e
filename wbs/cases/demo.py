"""Fictional report content for demo data and benchmarks (no real people or events)."""

import random

TEMPLATES = {
    "korupsi": [
        (
            "Dugaan mark-up pengadaan {item}",
            "Harga {item} dalam kontrak tahun {year} diduga jauh di atas harga pasar. Selisih "
            "diperkirakan dibagi antara penyedia dan pejabat pembuat komitmen.",
        ),
    ],
    "suap": [
        (
            "Suap dalam proses perizinan {item}",
            "Pemohon izin {item} diminta menyerahkan uang agar berkas diproses. Penyerahan "
            "dilakukan di luar kantor pada sore hari.",
        ),
    ],
    "gratifikasi": [
        (
            "Penerimaan hadiah dari rekanan {item}",
            "Pejabat menerima hadiah dari rekanan penyedia {item} menjelang penandatanganan "
            "kontrak dan tidak melaporkannya.",
        ),
    ],
    "pemerasan": [
        (
            "Permintaan uang pada layanan {item}",
            "Warga dan pegawai dimintai uang tambahan di luar ketentuan untuk layanan {item}.",
        ),
    ],
    "penggelapan": [
        (
            "Dugaan penggelapan dana {item}",
            "Dana {item} yang diterima tidak disetorkan seluruhnya ke kas daerah.",
        ),
    ],
    "benturan-kepentingan": [
        (
            "Benturan kepentingan dalam pengadaan {item}",
            "Pemenang pengadaan {item} adalah perusahaan milik keluarga pejabat yang menilai "
            "penawaran.",
        ),
    ],
    "kecurangan": [
        (
            "Kecurangan dalam lelang {item}",
            "Spesifikasi lelang {item} diduga disusun agar hanya satu penyedia yang memenuhi.",
        ),
    ],
    "penyalahgunaan-wewenang": [
        (
            "Penyalahgunaan kendaraan dinas {item}",
            "Kendaraan dinas {item} dipakai untuk keperluan pribadi setiap akhir pekan.",
        ),
    ],
    "disiplin": [
        (
            "Pegawai tidak masuk kerja tanpa keterangan di {item}",
            "Seorang pegawai di {item} tidak masuk kerja berminggu-minggu namun tetap menerima "
            "tunjangan penuh.",
        ),
    ],
    "kode-etik": [
        (
            "Perilaku tidak pantas pejabat {item}",
            "Pejabat {item} memperlakukan bawahan secara tidak pantas di depan umum.",
        ),
    ],
    "lainnya": [
        (
            "Pelanggaran prosedur layanan {item}",
            "Prosedur layanan {item} tidak dijalankan sesuai standar pelayanan.",
        ),
    ],
}
ITEMS = [
    "alat tulis kantor",
    "komputer",
    "seragam",
    "makan minum rapat",
    "bibit tanaman",
    "obat-obatan",
    "perbaikan jalan",
    "lampu jalan",
    "bantuan sosial",
    "retribusi pasar",
    "perjalanan dinas",
    "tenaga honorer",
    "sewa gedung",
    "kendaraan operasional",
]
FIRST = [
    "Ahmad",
    "Budi",
    "Citra",
    "Dedi",
    "Eka",
    "Fajar",
    "Gita",
    "Hadi",
    "Indah",
    "Joko",
    "Kurnia",
    "Lina",
    "Made",
    "Nina",
    "Oki",
    "Putri",
    "Rudi",
    "Sinta",
    "Taufik",
    "Wulan",
]
LAST = ["Contoh", "Fiktif", "Rekaan", "Sampel", "Uji", "Demo"]
POSITIONS = [
    "Kepala Bidang",
    "Kepala Seksi",
    "Bendahara",
    "Staf Pelaksana",
    "Pejabat Pembuat Komitmen",
    "Kepala Subbagian Umum",
    "Camat",
    "Lurah",
]


def fake_report(rng: random.Random, category_code: str, year: int) -> dict:
    title, body = rng.choice(TEMPLATES.get(category_code, TEMPLATES["lainnya"]))
    item = rng.choice(ITEMS)
    accused = [
        {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "position": rng.choice(POSITIONS)}
        for _ in range(rng.choice([1, 1, 1, 2]))
    ]
    return {
        "title": title.format(item=item, year=year),
        "description": body.format(item=item, year=year),
        "accused": accused,
        "loss": rng.choice([None, None, rng.randrange(5, 500) * 1_000_000]),
    }
