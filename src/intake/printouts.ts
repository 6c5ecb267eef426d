/**
 * What the intake counter prints (issue 5), on the same pdfkit + Noto Sans plumbing as the schedules:
 * - the member's receipt (giấy biên nhận, A5): the dossier, who took it and when, and a QR code of the dossier id the
 *   centre scans to look it up;
 * - the confirmation slip (phiếu xác nhận, A4): the member's data and photo as entered, with an empty box where the
 *   member signs on paper when there is no signature pad.
 */
import { formatDate, formatDateTime } from '../common/dates.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { clean, translator, type Translate } from '../scheduling/outputs/format.ts';
import { drawQr, FONT_BOLD, FONT_REGULAR, newDocument, writeDocument } from '../common/pdf.ts';
import type { DossierStatus } from './domain/dossier.ts';

export interface Receipt {
  id: string;
  fullName: string;
  personalId: string;
  dateOfBirth: string | null;
  birthYear: number;
  organisationName: string;
  /** The intake point or the mobile team. */
  place: string | null;
  /** ISO timestamp of the confirmation. */
  confirmedAt: string | null;
  officerName: string | null;
  state: DossierStatus;
}

/** The fields a slip prints, in the order of the party member form (mẫu 2-HSĐV). Dates are YYYY-MM-DD or a year. */
export const SLIP_FIELDS = [
  'fullName',
  'personalId',
  'dateOfBirth',
  'gender',
  'ethnicity',
  'hometown',
  'permanentAddress',
  'temporaryAddress',
  'admittedOn',
  'officialOn',
  'partyCardNumber',
  'recordNumber',
  'phone',
] as const;
export type SlipField = (typeof SLIP_FIELDS)[number];
export const SLIP_DATE_FIELDS: ReadonlySet<SlipField> = new Set(['dateOfBirth', 'admittedOn', 'officialOn']);

export interface Slip {
  memberId: string;
  /** Each field as it will be signed (the declared value, else the party record's); null when empty. */
  values: Record<SlipField, string | null>;
  organisationName: string;
  /** JPEG, already checked. */
  photo?: Buffer;
  /** ISO timestamp of printing. */
  printedAt: string;
}

const A5 = { width: 419.53, height: 595.28 };
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 40;

/** The state's national motto heading every Vietnamese administrative paper. */
function nationalHeading(doc: PDFKit.PDFDocument, t: Translate, width: number): void {
  doc.font(FONT_BOLD).fontSize(10).text(t('intake.print.nation'), MARGIN, MARGIN, { width, align: 'center' });
  doc.font(FONT_BOLD).fontSize(10).text(t('intake.print.motto'), { width, align: 'center' });
  doc.moveDown(1);
}

/** "Label: value" lines; the value wraps under itself. */
function labelled(doc: PDFKit.PDFDocument, lines: [string, string][], x: number, width: number, labelWidth: number, size = 11): void {
  for (const [label, value] of lines) {
    const y = doc.y;
    doc.font(FONT_REGULAR).fontSize(size).text(`${label}:`, x, y, { width: labelWidth });
    const labelBottom = doc.y;
    doc.font(FONT_BOLD).fontSize(size).text(value || '—', x + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(doc.y, labelBottom) + 3;
  }
}

const birth = (dateOfBirth: string | null, birthYear: number) => (dateOfBirth ? formatDate(dateOfBirth) : String(birthYear));

/** Writes the member's receipt to `out`. */
export async function writeReceiptPdf(receipt: Receipt, out: NodeJS.WritableStream, locale: Locale): Promise<void> {
  const t = translator(locale);
  const doc = newDocument({ size: 'A5', margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN }, info: { Title: t('intake.receipt.title'), Creator: 'doithe' }, lang: locale });
  const width = A5.width - 2 * MARGIN;
  await writeDocument(doc, out, () => {
    nationalHeading(doc, t, width);
    doc.font(FONT_BOLD).fontSize(13).text(t('intake.receipt.title'), MARGIN, doc.y, { width, align: 'center' });
    doc.moveDown(1);
    labelled(
      doc,
      [
        [t('intake.print.dossierId'), receipt.id],
        [t('field.fullName'), clean(receipt.fullName)],
        [t('field.personalId'), receipt.personalId],
        [t('field.dateOfBirth'), birth(receipt.dateOfBirth, receipt.birthYear)],
        [t('intake.print.unit'), clean(receipt.organisationName)],
        [t('intake.print.place'), clean(receipt.place ?? '')],
        [t('intake.receipt.confirmedAt'), formatDateTime(receipt.confirmedAt)],
        [t('intake.receipt.officer'), clean(receipt.officerName ?? '')],
        [t('intake.receipt.state'), t(`dossier.status.${receipt.state}`)],
      ],
      MARGIN,
      width,
      130,
      10,
    );
    doc.moveDown(0.5);
    const qrSize = 110;
    const qrTop = doc.y;
    drawQr(doc, receipt.id, MARGIN, qrTop, qrSize);
    doc.font(FONT_REGULAR).fontSize(9).text(t('intake.receipt.qrHint'), MARGIN + qrSize + 14, qrTop + 8, { width: width - qrSize - 14 });
    doc.moveDown(0.6).text(t('intake.receipt.keep'), { width: width - qrSize - 14 });
    const signTop = Math.max(doc.y, qrTop + qrSize) + 16;
    doc.font(FONT_BOLD).fontSize(10).text(t('intake.receipt.officerSigns'), MARGIN + width / 2, signTop, { width: width / 2, align: 'center' });
    doc.font(FONT_REGULAR).fontSize(9).text(t('intake.print.signHint'), MARGIN + width / 2, doc.y, { width: width / 2, align: 'center' });
  });
}

/** Writes the confirmation slip to `out`. */
export async function writeSlipPdf(slip: Slip, out: NodeJS.WritableStream, locale: Locale): Promise<void> {
  const t = translator(locale);
  const doc = newDocument({ size: 'A4', margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN }, info: { Title: t('intake.slip.title'), Creator: 'doithe' }, lang: locale });
  const width = A4.width - 2 * MARGIN;
  // A 3×4 cm card photo: 85 × 113 points.
  const photo = { width: 85, height: 113 };
  await writeDocument(doc, out, () => {
    nationalHeading(doc, t, width);
    doc.font(FONT_BOLD).fontSize(14).text(t('intake.slip.title'), MARGIN, doc.y, { width, align: 'center' });
    doc.font(FONT_REGULAR).fontSize(10).text(t('intake.slip.subtitle'), { width, align: 'center' });
    doc.moveDown(1);

    const top = doc.y;
    const photoX = MARGIN + width - photo.width;
    doc.rect(photoX, top, photo.width, photo.height).lineWidth(0.5).stroke();
    if (slip.photo) doc.image(slip.photo, photoX, top, { fit: [photo.width, photo.height], align: 'center', valign: 'center' });
    else doc.font(FONT_REGULAR).fontSize(9).text(t('intake.slip.photoPlace'), photoX, top + photo.height / 2 - 6, { width: photo.width, align: 'center' });

    const text = (field: SlipField) => {
      const value = slip.values[field];
      if (!value) return '';
      if (field === 'gender') return t(`reconciliation.gender.${value}`);
      // A date, or a year alone when the record knows no more.
      return SLIP_DATE_FIELDS.has(field) && value.length === 10 ? formatDate(value) : clean(value);
    };
    doc.y = top;
    labelled(doc, [...SLIP_FIELDS.map((f): [string, string] => [t(`field.${f}`), text(f)]), [t('intake.print.unit'), clean(slip.organisationName)]], MARGIN, width - photo.width - 16, 140);
    doc.y = Math.max(doc.y, top + photo.height) + 14;

    doc.font(FONT_REGULAR).fontSize(11).text(t('intake.slip.statement'), MARGIN, doc.y, { width });
    doc.moveDown(1.2);
    // The date line and the signature box, on the right half as on paper forms.
    const half = width / 2;
    const boxX = MARGIN + half;
    doc.font(FONT_REGULAR).fontSize(11).text(t('intake.slip.dateLine'), boxX, doc.y, { width: half, align: 'center' });
    doc.moveDown(0.4);
    doc.font(FONT_BOLD).fontSize(11).text(t('intake.slip.memberSigns'), boxX, doc.y, { width: half, align: 'center' });
    doc.font(FONT_REGULAR).fontSize(9).text(t('intake.print.signHint'), boxX, doc.y, { width: half, align: 'center' });
    const boxTop = doc.y + 6;
    doc.rect(boxX + 10, boxTop, half - 20, 90).lineWidth(0.75).stroke();
    doc.font(FONT_REGULAR).fontSize(8).fillColor('#555555');
    doc.text(t('intake.slip.footer', { memberId: slip.memberId, printedAt: formatDateTime(slip.printedAt) }), MARGIN, boxTop + 110, { width });
    doc.fillColor('black');
  });
}
