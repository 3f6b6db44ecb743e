"""Kota Palembang's organisation data (docs/design/context-id.md). Unit names come from
news 2016–2026 or standard nomenclature and are marked assumed there; the OPD→wilayah mapping is
an assumption by sector, because the real mapping is not public."""

WILAYAH = [
    # code, name, short name, investigation
    ("irban-1", "Inspektur Pembantu Wilayah I", "Irban I", False),
    ("irban-2", "Inspektur Pembantu Wilayah II", "Irban II", False),
    ("irban-3", "Inspektur Pembantu Wilayah III", "Irban III", False),
    ("irban-4", "Inspektur Pembantu Wilayah IV", "Irban IV", False),
    ("investigasi", "Inspektur Pembantu Investigasi", "Irban Investigasi", True),
]

# name, short name, kind, wilayah code
UNITS = [
    ("Sekretariat Daerah", "Setda", "sekretariat", "irban-1"),
    ("Sekretariat DPRD", "Setwan", "sekretariat", "irban-1"),
    ("Inspektorat Daerah", "Inspektorat", "inspektorat", "investigasi"),
    ("Dinas Pendidikan", "Disdik", "dinas", "irban-4"),
    ("Dinas Kesehatan", "Dinkes", "dinas", "irban-4"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "PUPR", "dinas", "irban-3"),
    ("Dinas Perumahan Rakyat, Kawasan Permukiman dan Pertanahan", "Perkimtan", "dinas", "irban-3"),
    ("Dinas Sosial", "Dinsos", "dinas", "irban-4"),
    ("Dinas Lingkungan Hidup", "DLH", "dinas", "irban-3"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "dinas", "irban-1"),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DPPPA", "dinas", "irban-4"),
    ("Dinas Pengendalian Penduduk dan Keluarga Berencana", "DPPKB", "dinas", "irban-4"),
    ("Dinas Pemberdayaan Masyarakat dan Kelurahan", "DPMK", "dinas", "irban-4"),
    ("Dinas Perhubungan", "Dishub", "dinas", "irban-3"),
    ("Dinas Komunikasi dan Informatika", "Diskominfo", "dinas", "irban-1"),
    ("Dinas Penanaman Modal dan PTSP", "DPMPTSP", "dinas", "irban-2"),
    ("Dinas Kepemudaan dan Olahraga", "Dispora", "dinas", "irban-4"),
    ("Dinas Pariwisata", "Dispar", "dinas", "irban-2"),
    ("Dinas Kebudayaan", "Disbud", "dinas", "irban-4"),
    ("Dinas Perindustrian", "Disperin", "dinas", "irban-2"),
    ("Dinas Perdagangan", "Disdag", "dinas", "irban-2"),
    ("Dinas Koperasi dan UKM", "Diskop UKM", "dinas", "irban-2"),
    ("Dinas Tenaga Kerja", "Disnaker", "dinas", "irban-4"),
    ("Dinas Ketahanan Pangan dan Pertanian", "DKPP", "dinas", "irban-2"),
    ("Dinas Perikanan", "Diskan", "dinas", "irban-2"),
    ("Dinas Arsip dan Perpustakaan", "Disarpus", "dinas", "irban-4"),
    ("Dinas Pemadam Kebakaran dan Penyelamatan", "Damkar", "dinas", "irban-3"),
    ("Satuan Polisi Pamong Praja", "Satpol PP", "satuan", "irban-1"),
    ("Bappeda Litbang", "Bappeda Litbang", "badan", "irban-2"),
    ("Badan Pendapatan Daerah", "Bapenda", "badan", "irban-2"),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", "badan", "irban-2"),
    ("Badan Kepegawaian dan Pengembangan SDM", "BKPSDM", "badan", "irban-1"),
    ("Badan Kesatuan Bangsa dan Politik", "Kesbangpol", "badan", "irban-1"),
    ("Badan Penanggulangan Bencana Daerah", "BPBD", "badan", "irban-3"),
    ("RSUD Palembang BARI", "RSUD BARI", "rsud", "irban-4"),
    ("RSUD Gandus", "RSUD Gandus", "rsud", "irban-4"),
]

KECAMATAN_WILAYAH = {
    "Alang-Alang Lebar": "irban-4",
    "Bukit Kecil": "irban-1",
    "Gandus": "irban-1",
    "Ilir Barat I": "irban-1",
    "Ilir Barat II": "irban-1",
    "Ilir Timur I": "irban-2",
    "Ilir Timur II": "irban-2",
    "Ilir Timur III": "irban-2",
    "Jakabaring": "irban-3",
    "Kalidoni": "irban-3",
    "Kemuning": "irban-2",
    "Kertapati": "irban-1",
    "Plaju": "irban-3",
    "Sako": "irban-4",
    "Seberang Ulu I": "irban-3",
    "Seberang Ulu II": "irban-3",
    "Sematang Borang": "irban-4",
    "Sukarami": "irban-4",
}

# code, name, description (docs/design/product.md §3)
CATEGORIES = [
    (
        "korupsi",
        "Korupsi/kerugian keuangan negara",
        "Perbuatan yang merugikan keuangan atau perekonomian negara/daerah.",
    ),
    ("suap", "Suap", "Memberi atau menerima sesuatu agar pejabat berbuat atau tidak berbuat."),
    (
        "gratifikasi",
        "Gratifikasi",
        "Pemberian dalam arti luas kepada pegawai yang berhubungan dengan jabatannya.",
    ),
    (
        "pemerasan",
        "Pemerasan",
        "Memaksa seseorang memberikan sesuatu dengan menyalahgunakan kekuasaan.",
    ),
    (
        "penggelapan",
        "Penggelapan dalam jabatan",
        "Menggelapkan uang atau barang yang dikuasai karena jabatan.",
    ),
    (
        "benturan-kepentingan",
        "Benturan kepentingan",
        "Kepentingan pribadi yang memengaruhi keputusan dalam jabatan.",
    ),
    (
        "kecurangan",
        "Kecurangan (fraud, pengadaan barang/jasa)",
        "Kecurangan, termasuk dalam pengadaan barang/jasa.",
    ),
    (
        "penyalahgunaan-wewenang",
        "Penyalahgunaan wewenang",
        "Menggunakan wewenang untuk tujuan lain dari yang diberikan.",
    ),
    ("disiplin", "Pelanggaran disiplin ASN", "Pelanggaran kewajiban atau larangan PP 94/2021."),
    ("kode-etik", "Pelanggaran kode etik/perilaku", "Pelanggaran kode etik dan kode perilaku."),
    ("lainnya", "Lainnya", "Pelanggaran lain dalam penyelenggaraan pemerintahan."),
]

ASSUMED_BASIS = "Asumsi sambil menunggu konfirmasi Permendagri 8/2023"
# stage, days, unit, legal basis (defaults in docs/design/product.md §4, all assumed)
DEADLINES = [
    ("acknowledgement", 0, "hari_kerja", ASSUMED_BASIS + " (tanda terima seketika)"),
    ("verification", 3, "hari_kerja", ASSUMED_BASIS + "; sejalan dengan SP4N-LAPOR!"),
    ("completion", 10, "hari_kerja", ASSUMED_BASIS + "; sejalan dengan SP4N-LAPOR!"),
    ("review", 10, "hari_kerja", ASSUMED_BASIS),
    ("approval", 3, "hari_kerja", ASSUMED_BASIS),
    ("first_answer", 30, "hari_kerja", ASSUMED_BASIS + "; sejalan dengan BPKP"),
]

PROFILE = {
    "government_name": "PEMERINTAH KOTA PALEMBANG",
    "office_name": "INSPEKTORAT DAERAH",
    "city": "Palembang",
    "app_name": "WBS Inspektorat Daerah Kota Palembang",
    "address": "Jalan Merdeka Nomor 1, Palembang 30131 (alamat contoh — ubah di Administrasi)",
    "phone": "(0711) 000000 (contoh)",
    "email": "wbs@example.org",
    "website": "inspektorat.palembang.go.id",
}

# code: (subject, body). Staff e-mails carry no name, content or registration number.
TEMPLATES = {
    "completion_request": (
        "",
        "Terima kasih atas laporan Anda. Agar laporan dapat diproses, mohon lengkapi informasi "
        "berikut dalam {batas} hari kerja:\n\n- \n\nBalas melalui halaman Cek Status dengan Kode "
        "Akses Anda. Jika tidak dilengkapi sampai batas waktu, laporan dapat ditutup.",
    ),
    "rejected": (
        "",
        "Setelah diverifikasi, laporan Anda tidak dapat ditindaklanjuti oleh Inspektorat "
        "dengan alasan berikut:\n\n",
    ),
    "incomplete": (
        "",
        "Laporan ditutup karena informasi yang diminta tidak dilengkapi dalam batas waktu. "
        "Anda dapat menyampaikan laporan baru dengan informasi yang lebih lengkap.",
    ),
    "done_terbukti": (
        "",
        "Penanganan laporan Anda telah selesai. Hasil pemeriksaan menyatakan dugaan pelanggaran "
        "terbukti dan telah direkomendasikan tindak lanjut sesuai ketentuan. Terima kasih atas "
        "keberanian dan kepedulian Anda.",
    ),
    "done_tidak_terbukti": (
        "",
        "Penanganan laporan Anda telah selesai. Berdasarkan pemeriksaan, dugaan pelanggaran "
        "tidak terbukti. Terima kasih atas kepedulian Anda.",
    ),
    "done_dilimpahkan": (
        "",
        "Penanganan laporan Anda telah selesai di Inspektorat dan laporan telah dilimpahkan "
        "kepada instansi yang berwenang. Terima kasih atas kepedulian Anda.",
    ),
    "staff_work": (
        "[{aplikasi}] Ada pekerjaan menunggu",
        "Ada pekerjaan baru yang menunggu Anda di {aplikasi}. Silakan masuk untuk melihatnya.",
    ),
    "staff_digest": (
        "[{aplikasi}] Ringkasan harian",
        "Pekerjaan Anda hari ini di {aplikasi}: {jumlah} laporan melewati tenggat atau jatuh "
        "tempo dalam 2 hari kerja. Silakan masuk untuk melihatnya.",
    ),
    "staff_reporter_news": (
        "[{aplikasi}] Ada pesan baru dari pelapor",
        "Seorang pelapor mengirim pesan atau bukti baru pada laporan yang Anda tangani di "
        "{aplikasi}. Silakan masuk dan buka antrean Pesan baru untuk membacanya.",
    ),
    "staff_alert": (
        "[{aplikasi}] Pemberitahuan keamanan",
        "Ada perubahan tentang siapa yang memegang kunci di {aplikasi} (peran, persetujuan, "
        "atur ulang kata sandi atau autentikator, atau permintaan identitas pelapor). Silakan "
        "masuk dan buka Pemberitahuan untuk melihatnya.",
    ),
    "reporter_notice": (
        "[{aplikasi}] Ada kabar tentang laporan Anda",
        "Ada perkembangan pada salah satu laporan Anda di {aplikasi}. Silakan masuk untuk "
        "melihatnya.",
    ),
}
