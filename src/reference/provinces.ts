/** The 34 provinces and centrally-run cities since 1 July 2025 (official 2-digit codes). */
export interface Province {
  code: string;
  name: string;
  kind: 'tinh' | 'thanh_pho';
}

export const PROVINCES: readonly Province[] = [
  ['01', 'Thành phố Hà Nội'], ['04', 'Cao Bằng'], ['08', 'Tuyên Quang'], ['11', 'Điện Biên'], ['12', 'Lai Châu'],
  ['14', 'Sơn La'], ['15', 'Lào Cai'], ['19', 'Thái Nguyên'], ['20', 'Lạng Sơn'], ['22', 'Quảng Ninh'],
  ['24', 'Bắc Ninh'], ['25', 'Phú Thọ'], ['31', 'Thành phố Hải Phòng'], ['33', 'Hưng Yên'], ['37', 'Ninh Bình'],
  ['38', 'Thanh Hóa'], ['40', 'Nghệ An'], ['42', 'Hà Tĩnh'], ['44', 'Quảng Trị'], ['46', 'Thành phố Huế'],
  ['48', 'Thành phố Đà Nẵng'], ['51', 'Quảng Ngãi'], ['52', 'Gia Lai'], ['56', 'Khánh Hòa'], ['66', 'Đắk Lắk'],
  ['68', 'Lâm Đồng'], ['75', 'Đồng Nai'], ['79', 'Thành phố Hồ Chí Minh'], ['80', 'Tây Ninh'], ['82', 'Đồng Tháp'],
  ['86', 'Vĩnh Long'], ['91', 'An Giang'], ['92', 'Thành phố Cần Thơ'], ['96', 'Cà Mau'],
].map(([code, name]) => ({ code: code!, name: name!, kind: name!.startsWith('Thành phố') ? 'thanh_pho' : 'tinh' }));

/**
 * The 63 pre-2025 province codes that open a personal ID number (where the birth was registered),
 * with the 2025 province each was merged into.
 */
export interface OldProvince {
  code: string;
  name: string;
  provinceCode: string;
}

export const OLD_PROVINCES: readonly OldProvince[] = (
  [
    ['001', 'Hà Nội', '01'], ['002', 'Hà Giang', '08'], ['004', 'Cao Bằng', '04'], ['006', 'Bắc Kạn', '19'],
    ['008', 'Tuyên Quang', '08'], ['010', 'Lào Cai', '15'], ['011', 'Điện Biên', '11'], ['012', 'Lai Châu', '12'],
    ['014', 'Sơn La', '14'], ['015', 'Yên Bái', '15'], ['017', 'Hòa Bình', '25'], ['019', 'Thái Nguyên', '19'],
    ['020', 'Lạng Sơn', '20'], ['022', 'Quảng Ninh', '22'], ['024', 'Bắc Giang', '24'], ['025', 'Phú Thọ', '25'],
    ['026', 'Vĩnh Phúc', '25'], ['027', 'Bắc Ninh', '24'], ['030', 'Hải Dương', '31'], ['031', 'Hải Phòng', '31'],
    ['033', 'Hưng Yên', '33'], ['034', 'Thái Bình', '33'], ['035', 'Hà Nam', '37'], ['036', 'Nam Định', '37'],
    ['037', 'Ninh Bình', '37'], ['038', 'Thanh Hóa', '38'], ['040', 'Nghệ An', '40'], ['042', 'Hà Tĩnh', '42'],
    ['044', 'Quảng Bình', '44'], ['045', 'Quảng Trị', '44'], ['046', 'Thừa Thiên Huế', '46'], ['048', 'Đà Nẵng', '48'],
    ['049', 'Quảng Nam', '48'], ['051', 'Quảng Ngãi', '51'], ['052', 'Bình Định', '52'], ['054', 'Phú Yên', '66'],
    ['056', 'Khánh Hòa', '56'], ['058', 'Ninh Thuận', '56'], ['060', 'Bình Thuận', '68'], ['062', 'Kon Tum', '51'],
    ['064', 'Gia Lai', '52'], ['066', 'Đắk Lắk', '66'], ['067', 'Đắk Nông', '68'], ['068', 'Lâm Đồng', '68'],
    ['070', 'Bình Phước', '75'], ['072', 'Tây Ninh', '80'], ['074', 'Bình Dương', '79'], ['075', 'Đồng Nai', '75'],
    ['077', 'Bà Rịa - Vũng Tàu', '79'], ['079', 'Hồ Chí Minh', '79'], ['080', 'Long An', '80'], ['082', 'Tiền Giang', '82'],
    ['083', 'Bến Tre', '86'], ['084', 'Trà Vinh', '86'], ['086', 'Vĩnh Long', '86'], ['087', 'Đồng Tháp', '82'],
    ['089', 'An Giang', '91'], ['091', 'Kiên Giang', '91'], ['092', 'Cần Thơ', '92'], ['093', 'Hậu Giang', '92'],
    ['094', 'Sóc Trăng', '92'], ['095', 'Bạc Liêu', '96'], ['096', 'Cà Mau', '96'],
  ] as const
).map(([code, name, provinceCode]) => ({ code, name, provinceCode }));

const oldByCode = new Map(OLD_PROVINCES.map((p) => [p.code, p]));
const provinceByCode = new Map(PROVINCES.map((p) => [p.code, p]));

export function findOldProvince(code: string): OldProvince | undefined {
  return oldByCode.get(code);
}

export function findProvince(code: string): Province | undefined {
  return provinceByCode.get(code);
}

/** Old codes merged into a 2025 province: the likely ID prefixes of people born there. */
export function oldCodesOf(provinceCode: string): string[] {
  return OLD_PROVINCES.filter((p) => p.provinceCode === provinceCode).map((p) => p.code);
}
