import { formatDate, formatDateTime } from '../common/dates.ts';
import { formatClaimedBirth } from '../cards/domain/claims.ts';
import type { Verification } from '../cards/verify.ts';

const VERDICTS: Record<Verification['verdict'], string> = {
  valid: 'HỢP LỆ — thẻ do Ban Tổ chức Trung ương cấp và chưa bị thu hồi',
  revoked: 'ĐÃ THU HỒI — thẻ không còn giá trị',
  invalid: 'KHÔNG HỢP LỆ',
  status_unknown: 'CHỮ KÝ ĐÚNG nhưng CHƯA RÕ TRẠNG THÁI (không có danh sách thu hồi)',
  status_expired: 'CHỮ KÝ ĐÚNG nhưng DANH SÁCH THU HỒI ĐÃ HẾT HẠN — cần tải danh sách mới',
};

const PROBLEMS: Record<string, string> = {
  wrong_prefix: 'không phải mã QR thẻ đảng viên (thiếu tiền tố DT1:)',
  too_long: 'nội dung quá dài',
  not_base45: 'nội dung không phải base45 (mã bị hỏng hoặc quét sai)',
  corrupt: 'dữ liệu nén bị hỏng',
  truncated: 'dữ liệu CBOR bị cắt cụt',
  not_cose: 'không phải bản ghi đã ký COSE',
  unsupported_algorithm: 'thuật toán ký không được hỗ trợ',
  unknown_key: 'khoá ký không có trong danh sách khoá của Trung ương',
  bad_signature: 'chữ ký số sai: dữ liệu đã bị sửa',
  bad_claims: 'nội dung mã QR sai cấu trúc',
  bad_record: 'dữ liệu chip sai cấu trúc',
  outside_key_period: 'ngày cấp nằm ngoài thời gian hiệu lực của khoá ký',
  no_status_list: 'không có danh sách thu hồi',
};

const problemText = (problem: string) => PROBLEMS[problem] ?? (problem.startsWith('key_list_') ? `danh sách khoá không hợp lệ (${PROBLEMS[problem.slice(9)] ?? problem})` : problem.startsWith('status_list_') ? `danh sách thu hồi không hợp lệ (${PROBLEMS[problem.slice(12)] ?? problem})` : problem);

/** The verifier's answer as an officer reads it: the verdict first, then the holder, then how fresh the lists are. */
export function printVerification(result: Verification): void {
  console.log(`Kết quả: ${VERDICTS[result.verdict]}${result.problem && result.verdict !== 'status_unknown' ? ` (${problemText(result.problem)})` : ''}`);
  const c = result.claims;
  if (c) {
    console.log(`  Số thẻ:               ${c.cardNumber}`);
    console.log(`  Họ và tên:            ${c.fullName}`);
    console.log(`  Số định danh cá nhân: ${c.personalId}`);
    console.log(`  Ngày sinh:            ${formatClaimedBirth(c.dateOfBirth)}`);
    console.log(`  Ngày cấp:             ${formatDate(c.issuedOn)} — ${c.issuer}`);
  }
  if (result.record) console.log(`  Tổ chức đảng:         ${result.record.organisation}; ảnh trong chip ${result.record.photo.length} byte`);
  if (result.kid) console.log(`  Khoá ký:              ${result.kid}`);
  if (result.keyListIssuedAt) console.log(`  Danh sách khoá:       cập nhật ${formatDateTime(result.keyListIssuedAt)} (${result.keyListAgeHours} giờ trước)`);
  if (result.statusListIssuedAt) console.log(`  Danh sách thu hồi:    cập nhật ${formatDateTime(result.statusListIssuedAt)} (${result.statusListAgeHours} giờ trước), hiệu lực đến ${formatDateTime(result.statusListValidUntil)}`);
}
