import type { TableSchema } from '../../imports/spreadsheet.ts';

/** The member fields a list can carry, and the header spellings seen in real lists. */
export const MEMBER_FIELDS = [
  'personalId',
  'fullName',
  'dateOfBirth',
  'gender',
  'hometown',
  'permanentAddress',
  'temporaryAddress',
  'ethnicity',
  'admittedOn',
  'officialOn',
  'partyCardNumber',
  'recordNumber',
  'status',
  'cell',
  'committee',
  'phone',
  'needsHomeVisit',
] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];

export const MEMBER_TABLE_SCHEMA: TableSchema = {
  fields: [
    {
      key: 'personalId',
      synonyms: ['số định danh cá nhân', 'số định danh', 'số ĐDCN', 'ĐDCN', 'số CCCD', 'CCCD', 'căn cước công dân', 'số căn cước', 'căn cước',
        'CCCD/ĐDCN', 'số CCCD/ĐDCN', 'số CCCD/định danh', 'mã định danh', 'personal id', 'personalId', 'số CMND/CCCD', 'CMND/CCCD'],
    },
    { key: 'fullName', synonyms: ['họ và tên', 'họ tên', 'họ và tên đảng viên', 'tên đảng viên', 'họ, tên', 'full name', 'fullName', 'họ và tên khai sinh'] },
    { key: 'dateOfBirth', synonyms: ['ngày sinh', 'ngày tháng năm sinh', 'ngày, tháng, năm sinh', 'sinh ngày', 'năm sinh', 'date of birth', 'dateOfBirth', 'NS'] },
    { key: 'gender', synonyms: ['giới tính', 'giới', 'nam/nữ', 'gender', 'GT'] },
    { key: 'hometown', synonyms: ['quê quán', 'nguyên quán', 'hometown'] },
    { key: 'permanentAddress', synonyms: ['nơi thường trú', 'thường trú', 'địa chỉ thường trú', 'hộ khẩu thường trú', 'nơi ở hiện nay', 'địa chỉ', 'permanent address', 'permanentAddress'] },
    { key: 'temporaryAddress', synonyms: ['nơi tạm trú', 'tạm trú', 'địa chỉ tạm trú', 'temporary address', 'temporaryAddress'] },
    { key: 'ethnicity', synonyms: ['dân tộc', 'ethnicity'] },
    { key: 'admittedOn', synonyms: ['ngày vào đảng', 'ngày kết nạp', 'ngày kết nạp đảng', 'ngày vào đảng (dự bị)', 'admitted on', 'admittedOn'] },
    { key: 'officialOn', synonyms: ['ngày chính thức', 'ngày công nhận chính thức', 'ngày vào đảng chính thức', 'ngày chuyển chính thức', 'official on', 'officialOn'] },
    { key: 'partyCardNumber', synonyms: ['số thẻ đảng', 'số thẻ đảng viên', 'số thẻ', 'thẻ đảng số', 'số thẻ cũ', 'party card number', 'partyCardNumber'] },
    { key: 'recordNumber', synonyms: ['số lý lịch', 'số lý lịch đảng viên', 'số LLĐV', 'số hồ sơ', 'record number', 'recordNumber'] },
    { key: 'status', synonyms: ['trạng thái', 'loại đảng viên', 'đảng viên chính thức/dự bị', 'tình trạng', 'status'] },
    { key: 'cell', synonyms: ['chi bộ', 'tên chi bộ', 'chi bộ sinh hoạt', 'sinh hoạt tại chi bộ', 'cell'] },
    { key: 'committee', synonyms: ['đảng bộ', 'đảng bộ cơ sở', 'tên đảng bộ', 'committee'] },
    { key: 'phone', synonyms: ['số điện thoại', 'điện thoại', 'SĐT', 'số ĐT', 'ĐT', 'phone'] },
    { key: 'needsHomeVisit', synonyms: ['cần thu nhận tại nhà', 'thu nhận tại nhà', 'lưu động', 'cần đến tận nhà', 'người già yếu', 'home visit', 'needsHomeVisit'] },
  ],
  required: ['personalId', 'fullName'],
};
