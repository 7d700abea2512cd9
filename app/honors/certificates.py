"""荣誉证书: a printable A4 PDF per published honor, with Chinese text and a QR code.

Chinese is set in the Adobe CID font STSong-Light, which every PDF reader provides, so no
font file is embedded or downloaded.
"""

from __future__ import annotations

import io

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from app.core.clock import LOCAL_TZ, utcnow
from app.core.site import site
from app.programs.periods import period_label_zh
from app.registry.models import AwardKind, Honor

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def certificate_number(honor: Honor) -> str:
    return f"LHHR-{honor.period_start:%Y}-{honor.program.code.upper()}-{honor.id:06d}"


def render(honor: Honor, page_url: str) -> bytes:
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"荣誉证书 {honor.honoree.name}")
    pdf.setAuthor(site().issuer_zh)
    pdf.setStrokeColor(colors.HexColor("#b3261e"))
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1.5)
    pdf.setStrokeColor(colors.HexColor("#e2b441"))
    pdf.rect(40, 40, width - 80, height - 80)

    pdf.setFillColor(colors.HexColor("#b3261e"))
    pdf.setFont(FONT, 44)
    pdf.drawCentredString(width / 2, height - 120, "荣 誉 证 书")
    pdf.setFillColor(colors.HexColor("#231c18"))
    pdf.setFont(FONT, 30)
    pdf.drawCentredString(width / 2, height - 200, honor.honoree.name)
    award = "提名奖" if honor.award is AwardKind.NOMINATION_AWARD else ""
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(
        width / 2,
        height - 250,
        f"荣获 {honor.program.name_zh}（{period_label_zh(honor.period_label)}）{award}称号",
    )
    if honor.honoree.headline:
        pdf.setFont(FONT, 14)
        pdf.drawCentredString(width / 2, height - 285, honor.honoree.headline)
    pdf.setFont(FONT, 14)
    issued = (honor.published_at or utcnow()).astimezone(LOCAL_TZ)
    pdf.drawRightString(width - 90, 150, site().issuer_zh)
    pdf.drawRightString(width - 90, 125, f"{issued:%Y年%m月%d日}")
    pdf.setFont(FONT, 10)
    pdf.drawString(90, 80, f"证书编号：{certificate_number(honor)}")

    widget = QrCodeWidget(page_url)
    x0, y0, x1, y1 = widget.getBounds()
    size = 90
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, 90, 100)
    pdf.drawString(90, 90, "扫码查看事迹")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
