/**
 * The printable card (CR80, 85.6 × 54 mm, ISO/IEC 7810 ID-1): a front page (photo, holder, organisation, card
 * number) and a back page (the signed QR, the issuer) per card, for the card printer. What is printed is read from
 * the signed chip record after checking its signature, so a card never prints data that does not verify.
 */
import type { KeyObject } from 'node:crypto';
import { formatDate } from '../common/dates.ts';
import { drawQr, FONT_BOLD, FONT_REGULAR, newDocument, writeDocument } from '../common/pdf.ts';
import { verifyChipRecord } from './domain/chip.ts';
import { formatClaimedBirth } from './domain/claims.ts';

const MM = 72 / 25.4;
const CR80 = { width: 85.6 * MM, height: 53.98 * MM } as const;
const RED = '#c8102e';
const GOLD = '#f2c94c';

export interface PrintableCard {
  chip: Buffer;
  qr: string;
}


export async function writeCardsPdf(cards: readonly PrintableCard[], keyOf: (kid: string) => KeyObject | undefined, out: NodeJS.WritableStream): Promise<void> {
  const records = cards.map((card) => {
    const read = verifyChipRecord(card.chip, keyOf);
    if (!read.ok) throw new Error(`chip record does not verify: ${read.problem}`);
    return { record: read.record, qr: card.qr };
  });
  const doc = newDocument({ size: [CR80.width, CR80.height], margin: 0, autoFirstPage: false, info: { Title: 'Thẻ đảng viên', Creator: 'doithe' }, lang: 'vi' });
  await writeDocument(doc, out, () => {
    for (const { record, qr } of records) {
      // Front.
      doc.addPage({ size: [CR80.width, CR80.height], margin: 0 });
      doc.rect(0, 0, CR80.width, 15 * MM).fill(RED);
      doc.fillColor(GOLD).font(FONT_BOLD).fontSize(8).text('ĐẢNG CỘNG SẢN VIỆT NAM', 0, 2.2 * MM, { width: CR80.width, align: 'center', lineBreak: false });
      doc.fillColor('white').fontSize(10).text('THẺ ĐẢNG VIÊN', 0, 7.4 * MM, { width: CR80.width, align: 'center', lineBreak: false });
      const photo = { x: 4 * MM, y: 18 * MM, width: 24 * MM, height: 32 * MM };
      doc.image(Buffer.from(record.photo), photo.x, photo.y, { width: photo.width, height: photo.height });
      doc.rect(photo.x, photo.y, photo.width, photo.height).lineWidth(0.5).stroke('#888888');
      const x = 31 * MM;
      const width = CR80.width - x - 3 * MM;
      let y = 18 * MM;
      const line = (label: string, value: string, bold = false) => {
        doc.fillColor('#555555').font(FONT_REGULAR).fontSize(5.5).text(label, x, y, { width, lineBreak: false });
        doc.fillColor('black').font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(bold ? 8 : 6.5).text(value, x, y + 2.4 * MM, { width, height: 3.6 * MM, ellipsis: true });
        y += bold ? 6.6 * MM : 5.8 * MM;
      };
      line('Họ và tên', record.fullName.toLocaleUpperCase('vi'), true);
      line('Ngày sinh', formatClaimedBirth(record.dateOfBirth));
      line('Số định danh cá nhân', record.personalId);
      line('Tổ chức đảng', record.organisation);
      doc.fillColor(RED).font(FONT_BOLD).fontSize(8).text(`Số thẻ: ${record.cardNumber}`, x, 47 * MM, { width, lineBreak: false });
      // Back.
      doc.addPage({ size: [CR80.width, CR80.height], margin: 0 });
      const qrSize = 44 * MM;
      drawQr(doc, qr, 4 * MM, (CR80.height - qrSize) / 2, qrSize, 'M');
      const bx = 51 * MM;
      const bw = CR80.width - bx - 3 * MM;
      doc.fillColor('black').font(FONT_BOLD).fontSize(6.5).text(record.issuer.toLocaleUpperCase('vi'), bx, 6 * MM, { width: bw });
      doc.font(FONT_REGULAR).fontSize(6).text(`Ngày cấp: ${formatDate(record.issuedOn)}`, bx, 14 * MM, { width: bw });
      doc.text(`Ngày vào Đảng: ${formatDate(record.joinedOn)}`, bx, 18 * MM, { width: bw });
      if (record.officialOn) doc.text(`Ngày chính thức: ${formatDate(record.officialOn)}`, bx, 22 * MM, { width: bw });
      doc.font(FONT_BOLD).fontSize(6.5).text(record.cardNumber, bx, 28 * MM, { width: bw });
      doc.font(FONT_REGULAR).fontSize(4.8).fillColor('#444444').text('Thẻ có chip. Quét mã QR để kiểm tra thẻ còn hiệu lực (Ban Tổ chức Trung ương).', bx, 34 * MM, { width: bw });
    }
  });
}
