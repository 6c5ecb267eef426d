import type { Issue } from '../platform/errors.ts';
import { translate } from '../platform/i18n/index.ts';
import type { ImportReport } from '../members/import.ts';

export function printRejected(rejected: { row: number; errors: Issue[] }[], limit = 200): void {
  for (const r of rejected.slice(0, limit)) {
    for (const e of r.errors) {
      const field = e.field ? translate(`field.${e.field}`) : '';
      console.log(`  Dòng ${r.row}${field ? `, ${field}` : ''}: ${translate(e.code, e.params)}`);
    }
  }
  if (rejected.length > limit) console.log(`  … và ${rejected.length - limit} dòng khác (dùng --json để xem đủ).`);
}

export function printImportReport(report: ImportReport, dryRun: boolean): void {
  console.log(`Tệp ${report.fileName}: ${report.rows} dòng, ${report.accepted} hợp lệ, ${report.rejected.length} bị từ chối.`);
  printRejected(report.rejected);
  if (dryRun) console.log('Chạy thử: không ghi gì vào cơ sở dữ liệu.');
  else if (report.committed) console.log(`Đã ghi ${report.accepted} đảng viên${report.createdOrganisations ? `, tạo ${report.createdOrganisations} tổ chức đảng` : ''}.`);
  else console.log('Không có dòng hợp lệ nào để ghi.');
}

/**
 * Writes `{...head, [key]: items}` as one JSON line, serialising the (possibly 100,000-long) array in slices
 * so no single huge string is built.
 */
export async function writeJsonLine(head: Record<string, unknown>, key: string, items: readonly unknown[]): Promise<void> {
  const write = (text: string) => new Promise<void>((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', resolve)));
  await write(`${JSON.stringify(head).slice(0, -1)},${JSON.stringify(key)}:[`);
  for (let i = 0; i < items.length; i += 1000) {
    const slice = JSON.stringify(items.slice(i, i + 1000)).slice(1, -1);
    await write(i === 0 ? slice : `,${slice}`);
  }
  await write(']}\n');
}
