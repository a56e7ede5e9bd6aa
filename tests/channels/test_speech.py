"""The Vietnamese pre-normaliser on a table of cases, and espeak-ng audio whose length fits the text."""

import shutil
import subprocess
import wave

import pytest

from loa.channels import speech
from loa.errors import UserError

CASES = [
    # numbers
    ("0", "không"),
    ("5", "năm"),
    ("10", "mười"),
    ("11", "mười một"),
    ("14", "mười bốn"),
    ("15", "mười lăm"),
    ("20", "hai mươi"),
    ("21", "hai mươi mốt"),
    ("24", "hai mươi tư"),
    ("25", "hai mươi lăm"),
    ("105 ca", "một trăm linh năm ca"),
    ("110", "một trăm mười"),
    ("1.234", "một nghìn hai trăm ba mươi tư"),
    ("2.000 liều", "hai nghìn liều"),
    ("1005", "một nghìn không trăm linh năm"),
    ("1.000.005", "một triệu không trăm linh năm"),
    ("1.234.567 người", "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy người"),
    ("1.000.000.000", "một tỷ"),
    ("12,5", "mười hai phẩy năm"),
    ("0,05", "không phẩy không năm"),
    ("2.5 triệu", "hai phẩy năm triệu"),
    ("thứ 4", "thứ tư"),
    ("Thứ 2, thứ 1", "Thứ hai, thứ nhất"),
    ("3-5 ngày", "ba đến năm ngày"),
    ("1/3 dân số", "một phần ba dân số"),
    # dates and times
    ("15/7/2021", "ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi mốt"),
    ("ngày 15/7/2021", "ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi mốt"),
    ("2021-07-15", "ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi mốt"),
    ("từ 15/7 đến 30/7", "từ ngày mười lăm tháng bảy đến ngày ba mươi tháng bảy"),
    ("ngày 4/4", "ngày bốn tháng tư"),
    ("Ngày 30/4 và 1/5", "Ngày ba mươi tháng tư và ngày một tháng năm"),
    ("1/3 và 1/5 dân số", "một phần ba và một phần năm dân số"),
    ("tháng 7/2021", "tháng bảy năm hai nghìn không trăm hai mươi mốt"),
    ("tháng 4/2021", "tháng tư năm hai nghìn không trăm hai mươi mốt"),
    ("6:00", "sáu giờ"),
    ("17h30", "mười bảy giờ ba mươi phút"),
    ("lúc 6:05", "lúc sáu giờ năm phút"),
    ("lúc 7h sáng", "lúc bảy giờ sáng"),
    ("trong 24h", "trong hai mươi tư giờ"),
    # percentages and units
    ("80%", "tám mươi phần trăm"),
    ("12,5%", "mười hai phẩy năm phần trăm"),
    ("SpO2 dưới 94%", "xờ pê ô hai dưới chín mươi tư phần trăm"),
    ("5km", "năm ki-lô-mét"),
    ("37,5°C", "ba mươi bảy phẩy năm độ xê"),
    ("500mg", "năm trăm mi-li-gam"),
    ("0,5ml", "không phẩy năm mi-li-lít"),
    ("60 kg", "sáu mươi ki-lô-gam"),
    ("10.000m2", "mười nghìn mét vuông"),
    ("50.000đ", "năm mươi nghìn đồng"),
    ("huyết áp 120/80 mmHg", "huyết áp một trăm hai mươi trên tám mươi mi-li-mét thủy ngân"),
    ("30 ca/ngày", "ba mươi ca mỗi ngày"),
    ("tránh tụ tập >10 người", "tránh tụ tập trên mười người"),
    # phone numbers, digit by digit
    ("Gọi 0912.345.678 ngay", "Gọi không chín một hai, ba bốn năm, sáu bảy tám ngay"),
    ("0294 3855 123", "không hai chín bốn, ba tám năm năm, một hai ba"),
    ("Đường dây nóng 1900 9095", "Đường dây nóng một chín không không, chín không chín năm"),
    ("gọi 115", "gọi một một năm"),
    ("Điện thoại: (0294) 3855 123", "Điện thoại: không hai chín bốn, ba tám năm năm, một hai ba"),
    ("+84 912 345 678", "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám"),
    # abbreviations
    ("BHYT", "bảo hiểm y tế"),
    ("UBND tỉnh", "ủy ban nhân dân tỉnh"),
    ("TP.HCM", "thành phố Hồ Chí Minh"),
    ("F0, F1", "ép không, ép một"),
    ("thực hiện 5K", "thực hiện năm ca"),
    ("BCĐ tỉnh", "ban chỉ đạo tỉnh"),
    ("BYT", "Bộ Y tế"),
    ("TTYT huyện Cầu Ngang", "trung tâm y tế huyện Cầu Ngang"),
    ("CDC Trà Vinh", "xê đê xê Trà Vinh"),
    ("PGS.TS Nguyễn Văn An", "phó giáo sư, tiến sĩ Nguyễn Văn An"),
    ("Số 12/QĐ-UBND", "Số mười hai quyết định ủy ban nhân dân"),
    ("HIV và WHO", "hát i vê và tổ chức Y tế thế giới"),
    ("THÔNG BÁO KHẨN", "THÔNG BÁO KHẨN"),
    # foreign words
    ("Covid-19", "cô-vít mười chín"),
    ("COVID", "cô-vít"),
    ("Covid19", "cô-vít mười chín"),
    ("Xem https://travinh.gov.vn/tin-tuc.", "Xem travinh chấm gov chấm vn gạch chéo tin gạch ngang tuc."),
    ("ho, sốt và/hoặc khó thở", "ho, sốt và hoặc khó thở"),
    ("- Đeo khẩu trang\n- Rửa tay", "Đeo khẩu trang\nRửa tay"),
    ("thư syt@travinh.gov.vn", "thư syt a còng travinh chấm gov chấm vn"),
    ("SARS-CoV-2", "xát-cô-vi hai"),
    ("vắc-xin AstraZeneca", "vắc xin át-xtra-dê-nê-ca"),
    ("vaccine Pfizer, Moderna, Vero Cell", "vắc xin phai-dơ, mô-đéc-na, vê-rô xeo"),
    ("xét nghiệm PCR", "xét nghiệm pê xê e-rờ"),
    ("xét nghiệm RT-PCR", "xét nghiệm e-rờ tê pê xê e-rờ"),
    ("test nhanh", "tét nhanh"),
    ("biến chủng Delta", "biến chủng đen-ta"),
    ("nhắn Zalo", "nhắn da-lô"),
]


@pytest.mark.parametrize("written,spoken", CASES, ids=[c[0] for c in CASES])
def test_normalize(written, spoken):
    assert speech.normalize(written) == spoken


def test_table_is_large_enough():
    assert len(CASES) >= 60


def test_a_sentence_reads_through():
    text = (
        "Ngày 15/7/2021, TTYT huyện ghi nhận 12 ca F0 (tăng 20%). Người dân thực hiện 5K, "
        "tiêm vắc-xin AstraZeneca mũi 2; cần hỗ trợ gọi 0294.3855.123."
    )
    assert speech.normalize(text) == (
        "Ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi mốt, trung tâm y tế huyện ghi nhận mười hai ca "
        "ép không, tăng hai mươi phần trăm. Người dân thực hiện năm ca, tiêm vắc xin át-xtra-dê-nê-ca mũi hai; "
        "cần hỗ trợ gọi không hai chín bốn, ba tám năm năm, một hai ba."
    )


def test_no_digit_survives():
    text = "Từ 6:00 đến 17h30 ngày 1/10/2021, 1.234 người (85,5%) đã tiêm 2 mũi; BHYT chi 3,5 tỷ đồng."
    assert not any(c.isdigit() for c in speech.normalize(text))


@pytest.mark.parametrize(
    "province,voice",
    [
        ("Trà Vinh", "vi-vn-x-south"),
        ("Tỉnh Cần Thơ", "vi-vn-x-south"),
        ("Thừa Thiên Huế", "vi-vn-x-central"),
        ("Hà Nội", "vi"),
    ],
)
def test_voice_per_province(province, voice):
    assert speech.voice_for(province) == voice


needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")


@needs_espeak
@pytest.mark.parametrize("voice", sorted(speech.VOICES.values()))
def test_wav_duration_fits_the_text(tmp_path, voice):
    text = "Ngày 15/7/2021, xã Long Đức ghi nhận 3 ca F0. Bà con thực hiện 5K và đi tiêm vắc-xin đúng lịch."
    spoken = speech.normalize(text)
    syllables = len(spoken.replace("-", " ").split())
    out = speech.synthesize(text, tmp_path / "bulletin.wav", voice=voice)
    with wave.open(str(out), "rb") as w:
        assert w.getnchannels() == 1 and w.getframerate() >= 16000
        seconds = w.getnframes() / w.getframerate()
    assert 0.15 < seconds / syllables < 0.6, (seconds, syllables)
    short = speech.synthesize("Xin chào bà con.", tmp_path / "short.wav", voice=voice)
    assert speech.wav_seconds(short) < seconds / 3


@needs_espeak
@pytest.mark.parametrize("fmt", ["mp3", "ogg"])
def test_compressed_audio(tmp_path, fmt):
    out = speech.synthesize("Bà con đeo khẩu trang khi ra đường.", tmp_path / f"a.{fmt}")
    decoded = tmp_path / "decoded.wav"
    if fmt == "mp3":
        subprocess.run(["lame", "--quiet", "--decode", str(out), str(decoded)], check=True)
    else:
        subprocess.run(["sox", str(out), str(decoded)], check=True)
    seconds = speech.wav_seconds(decoded)
    assert 1.0 < seconds < 6.0
    head = out.read_bytes()[:4]
    assert head == b"OggS" if fmt == "ogg" else head[:3] == b"ID3" or head[0] == 0xFF


def test_refuses_bad_format_and_empty_text(tmp_path):
    with pytest.raises(UserError):
        speech.synthesize("Xin chào", tmp_path / "a.flac")
    with pytest.raises(UserError):
        speech.synthesize("  ", tmp_path / "a.wav")
