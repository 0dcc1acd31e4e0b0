"""QR codes carry no fixed element id, so several can share one document (a batch PDF)."""

from qpdo.documents.qr import qr_svg


def test_qr_svg_has_no_repeated_id():
    assert "<svg" in qr_svg("https://qpdo/verify/ABC") and " id=" not in qr_svg("x")
