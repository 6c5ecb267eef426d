import type { SurnameRegion } from './names.ts';
import { Random, Weighted } from './random.ts';

/** Regions, peoples and place names for demo provinces. All strings NFC. */

export type Region = 'northern_mountains' | 'northwest' | 'red_river' | 'central' | 'highlands' | 'south';

const REGION_OF: Record<string, Region> = {
  '04': 'northern_mountains', '08': 'northern_mountains', '15': 'northern_mountains', '19': 'northern_mountains', '20': 'northern_mountains',
  '11': 'northwest', '12': 'northwest', '14': 'northwest',
  '01': 'red_river', '22': 'red_river', '24': 'red_river', '25': 'red_river', '31': 'red_river', '33': 'red_river', '37': 'red_river',
  '38': 'central', '40': 'central', '42': 'central', '44': 'central', '46': 'central', '48': 'central', '51': 'central', '56': 'central',
  '52': 'highlands', '66': 'highlands', '68': 'highlands',
  '75': 'south', '79': 'south', '80': 'south', '82': 'south', '86': 'south', '91': 'south', '92': 'south', '96': 'south',
};

export function regionOf(provinceCode: string): Region {
  return REGION_OF[provinceCode] ?? 'red_river';
}

export function surnameRegionOf(region: Region): SurnameRegion {
  if (region === 'south') return 'south';
  if (region === 'central' || region === 'highlands') return 'central';
  return 'north';
}

/** Peoples of each province (percent of party members; approximate, after the 2025 mergers). */
const ETHNIC_MIX: Record<string, string> = {
  '04': 'Tày:40 Nùng:30 Mông:10 Dao:10 Kinh:8 Sán_Chay:2',
  '08': 'Kinh:30 Tày:25 Mông:18 Dao:12 Nùng:6 Sán_Chay:4 Giáy:3 Hà_Nhì:1',
  '11': 'Thái:38 Mông:34 Kinh:20 Khơ_Mú:4 Dao:2 Hà_Nhì:1 Hoa:1',
  '12': 'Mông:30 Thái:28 Kinh:15 Dao:12 Hà_Nhì:6 Giáy:5 Khơ_Mú:2 Hoa:2',
  '14': 'Thái:53 Kinh:17 Mông:14 Mường:9 Dao:3 Khơ_Mú:2 Hoa:1',
  '15': 'Kinh:42 Tày:14 Mông:13 Dao:12 Thái:7 Giáy:4 Nùng:3 Hà_Nhì:3 Mường:2',
  '19': 'Kinh:68 Tày:18 Nùng:5 Dao:4 Sán_Dìu:2 Sán_Chay:2 Mông:1',
  '20': 'Nùng:42 Tày:35 Kinh:17 Dao:4 Sán_Chay:1 Hoa:0.5 Mông:0.5',
  '22': 'Kinh:88 Dao:4 Tày:3 Sán_Dìu:2 Sán_Chay:1.5 Nùng:1 Hoa:0.5',
  '24': 'Kinh:92 Nùng:3 Tày:2 Sán_Chay:1 Sán_Dìu:1 Hoa:0.5 Dao:0.5',
  '25': 'Kinh:74 Mường:22 Dao:1.5 Tày:1 Thái:1 Sán_Dìu:0.5',
  '38': 'Kinh:84 Mường:9 Thái:6 Mông:0.5 Dao:0.3 Khơ_Mú:0.2',
  '40': 'Kinh:86 Thái:10 Khơ_Mú:1.5 Thổ:1.5 Mông:1',
  '44': 'Kinh:96 Bru_Vân_Kiều:3.5 Tà_Ôi:0.5',
  '46': 'Kinh:97 Tà_Ôi:1.5 Cơ_Tu:1 Bru_Vân_Kiều:0.5',
  '48': 'Kinh:96 Cơ_Tu:2.5 Xơ_Đăng:1.5',
  '51': 'Kinh:78 Xơ_Đăng:9 Hrê:8 Ba_Na:5',
  '52': 'Kinh:78 Gia_Rai:13 Ba_Na:8 Hrê:1',
  '56': 'Kinh:88 Raglay:6 Chăm:5 Hoa:0.5 Cơ_Ho:0.5',
  '66': 'Kinh:78 Ê_Đê:12 Nùng:2.5 Tày:2 Mông:1 Dao:1 Mnông:1 Ba_Na:1 Gia_Rai:1 Chăm:0.5',
  '68': 'Kinh:84 Cơ_Ho:6 Mnông:3 Mạ:1.5 Nùng:1.5 Tày:1.5 Chăm:1.5 Hoa:0.5 Raglay:0.5',
  '75': 'Kinh:92 Xtiêng:3 Hoa:2 Nùng:1 Tày:1 Khmer:1',
  '79': 'Kinh:95 Hoa:4 Khmer:0.5 Chăm:0.5',
  '80': 'Kinh:99 Khmer:0.5 Chăm:0.3 Hoa:0.2',
  '82': 'Kinh:99.5 Hoa:0.3 Khmer:0.2',
  '86': 'Kinh:89 Khmer:10 Hoa:1',
  '91': 'Kinh:91 Khmer:7 Hoa:1.2 Chăm:0.8',
  '92': 'Kinh:86 Khmer:11 Hoa:3',
  '96': 'Kinh:94 Khmer:4 Hoa:2',
};
const DEFAULT_MIX = 'Kinh:99.5 Hoa:0.2 Tày:0.15 Mường:0.15';

export interface EthnicMix {
  /** Share of members who are not Kinh. */
  minorityShare: number;
  minorities: Weighted<string> | null;
}

export function ethnicMixOf(provinceCode: string): EthnicMix {
  const entries = (ETHNIC_MIX[provinceCode] ?? DEFAULT_MIX).split(' ').map((token) => {
    const [name, weight] = token.split(':');
    return [name!.replaceAll('_', ' '), Number(weight)] as const;
  });
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  const minorities = entries.filter(([name]) => name !== 'Kinh');
  const minorityTotal = minorities.reduce((sum, [, w]) => sum + w, 0);
  return { minorityShare: minorityTotal / total, minorities: minorities.length > 0 ? new Weighted(minorities) : null };
}

const words = (text: string) => text.trim().split(/\s+/).map((w) => w.replaceAll('_', ' '));

const KINH_PLACE_FIRST = words(`
  Tân Vĩnh Bình Phú Yên An Xuân Nam Hòa Phước Thạnh Long Đông Tây Hưng Thanh Quang Đại Hồng Minh Kim Đức
  Thuận Hiệp Mỹ Trung Phong Lạc Thái Hải Sơn Hà Cẩm Quỳnh Lâm Định Châu Tam Tiên Hương Ngọc Văn Cổ Thượng
  Hạ Hậu Tiền Đồng Nghĩa Khánh Trường Lương Thọ Lộc Thịnh Phúc Hoàng Gia Việt Quảng Kỳ Diễn Hội
`);
const KINH_PLACE_SECOND = words(`
  Hòa Phú Lợi Thành Lộc An Bình Hưng Thịnh Tiến Phong Sơn Thủy Hải Thuận Hiệp Đông Tây Nam Bắc Trung Hà
  Lâm Mỹ Xuân Quang Phước Long Khánh Tân Vinh Yên Định Lạc Đức Dương Hội Nghĩa Điền Hạ Thượng Kiều Cường
  Giang Lương Thạnh Ninh Hồng Mai Liên Trạch Tường Đoài Cát Châu Sở Xá Đình Tiên Chánh Thới Quới
`);
/** Villages of the delta named by position: "Thôn Đông", "Thôn Thượng". */
const VILLAGE_SINGLE = words('Đông Tây Nam Bắc Thượng Hạ Trung Đoài Chùa Đình Giữa Ngoài Trong Cầu Chợ');
const TAY_FIRST = words('Nà Khuổi Pác Bản Còn Phai Lũng Pò Khau Cốc Nặm Bó Slam Tẩu Kéo Pắc Khòn Bằng');
const TAY_SECOND = words('Pàn Sla Mạ Lầy Hin Hẩu Thày Rị Cáy Coóc Mò Riềng Phầy Lạn Nưa Sliến Luông Chang Pục Khoang Tổng Vài Đeng Bây Nhừ Thin');
const THAI_FIRST = words('Nà Hua Huổi Co Pá Phiêng Nậm Bó Púng Ten Xum Tà Mường Hát Noong');
const THAI_SECOND = words('Sản Mạ Hịa Lạn Lót Pục Cang Hịn Tấu Mòn Bon Khoang Lay Ban Tong Nọi Ít Lứa Ngậm Bú Chiềng Púng');
const EDE_FIRST = words('Ea Kô Ko Cuôr Dhă Tơng Tring Sut Ky Ale');
const EDE_SECOND = words('Kmát Siêr Đung Đăng Prông Jú Pốk Mrang Dray Tul Blang Wing Rông Knuêh Mdhar Kmrơng Tiêu');
const JARAI_FIRST = words('Plei Ia Kon Dơ Ktu Bông Đê Tơ');
const JARAI_SECOND = words('Ơi Kênh Pim Grai Bơng Mơ Krai Tông Lang Rngol Ber Sol Kla Hrel Tnăng Bia Ring');
const HIGHLAND_COMMUNE_FIRST = words('Ea Ia Chư Đăk Krông Kon Đạ Buôn');
const HIGHLAND_COMMUNE_SECOND = words('Kar Pắc Grai Sê Mil Rông Pơng Bông Tul Drăng Sar Nam Yang Hleo Kly Dơk Huoai Mrông Pal Wy');

/** A name of two place syllables (sometimes one), different syllables. */
function twoSyllables(random: Random, first: readonly string[], second: readonly string[]): string {
  const a = random.pick(first);
  let b = random.pick(second);
  if (b === a) b = random.pick(second);
  return b === a ? a : `${a} ${b}`;
}

/** A plausible commune name without its "Xã"/"Phường" prefix. */
export function communePlaceName(random: Random, region: Region): string {
  const roll = random.next();
  if (region === 'northern_mountains' && roll < 0.45) return twoSyllables(random, TAY_FIRST, TAY_SECOND);
  if (region === 'northwest' && roll < 0.5) return roll < 0.2 ? `Mường ${random.pick(THAI_SECOND)}` : twoSyllables(random, THAI_FIRST, THAI_SECOND);
  if (region === 'highlands' && roll < 0.4) return twoSyllables(random, HIGHLAND_COMMUNE_FIRST, HIGHLAND_COMMUNE_SECOND);
  return twoSyllables(random, KINH_PLACE_FIRST, KINH_PLACE_SECOND);
}

export type CommuneKind = 'xa' | 'phuong' | 'dac_khu';

/**
 * Names of villages and residential groups (thôn, tổ dân phố, ấp, bản, buôn, làng) of a commune,
 * as written at the start of an address: "Thôn Nà Pàn", "Tổ dân phố 5", "Ấp Tân Hòa".
 */
export function residentialAreas(random: Random, count: number, region: Region, kind: CommuneKind, provinceCode: string): string[] {
  const taken = new Set<string>();
  const areas: string[] = [];
  const urban = kind === 'phuong';
  const numberedType = urban ? (region === 'south' ? 'Khu phố' : 'Tổ dân phố') : region === 'south' ? 'Ấp' : region === 'northwest' ? 'Bản' : 'Thôn';
  const namedShare = urban ? 0.2 : region === 'red_river' ? 0.75 : region === 'highlands' ? 0.45 : region === 'central' ? 0.5 : 0.65;
  let number = 0;
  for (let i = 0; i < count; i++) {
    let area: string | null = null;
    if (random.chance(namedShare)) {
      for (let attempt = 0; attempt < 4 && area === null; attempt++) {
        const candidate = namedArea(random, region, urban, numberedType, provinceCode);
        if (!taken.has(candidate)) area = candidate;
      }
    }
    area ??= `${numberedType} ${++number}`;
    taken.add(area);
    areas.push(area);
  }
  return areas;
}

function namedArea(random: Random, region: Region, urban: boolean, type: string, provinceCode: string): string {
  if (!urban) {
    if (region === 'northern_mountains') return `${type} ${twoSyllables(random, TAY_FIRST, TAY_SECOND)}`;
    if (region === 'northwest') return `${type} ${twoSyllables(random, THAI_FIRST, THAI_SECOND)}`;
    if (provinceCode === '66' && random.chance(0.5)) return `Buôn ${twoSyllables(random, EDE_FIRST, EDE_SECOND)}`;
    if (provinceCode === '52' && random.chance(0.5)) return `Làng ${twoSyllables(random, JARAI_FIRST, JARAI_SECOND)}`;
    if (region === 'red_river' && random.chance(0.25)) return `${type} ${random.pick(VILLAGE_SINGLE)}`;
  }
  return `${type} ${twoSyllables(random, KINH_PLACE_FIRST, KINH_PLACE_SECOND)}`;
}

/** People schools and streets are named after. */
export const NAMESAKES = words(`
  Nguyễn_Du Lê_Quý_Đôn Trần_Phú Phan_Bội_Châu Lê_Lợi Quang_Trung Nguyễn_Trãi Chu_Văn_An Hùng_Vương
  Lý_Thường_Kiệt Ngô_Quyền Nguyễn_Huệ Trần_Hưng_Đạo Võ_Thị_Sáu Nguyễn_Thị_Minh_Khai Hoàng_Văn_Thụ
  Lê_Hồng_Phong Nguyễn_Đình_Chiểu Phan_Chu_Trinh Huỳnh_Thúc_Kháng Lương_Thế_Vinh Trần_Quốc_Tuấn
  Nguyễn_Văn_Trỗi Lý_Tự_Trọng Kim_Đồng Nguyễn_Bỉnh_Khiêm Tô_Hiến_Thành Hai_Bà_Trưng Bà_Triệu
  Nguyễn_Khuyến Hàm_Nghi Trần_Quang_Khải Lê_Thánh_Tông Phạm_Văn_Đồng Đinh_Tiên_Hoàng Nguyễn_Hiền
  Trần_Nhân_Tông Lê_Văn_Tám Võ_Văn_Kiệt Nguyễn_Chí_Thanh
`);

/** A kind of organisation with its usual subordinate cells (names without "Chi bộ"). */
export interface UnitTemplate {
  name: string;
  cells: readonly string[];
  /** Further cells are numbered: "<fallback> 3". */
  fallback: string;
}

export const POLICE_CELLS = words(`
  Phòng_Tham_mưu Phòng_Cảnh_sát_quản_lý_hành_chính_về_trật_tự_xã_hội Phòng_Cảnh_sát_hình_sự
  Phòng_Cảnh_sát_kinh_tế Phòng_Cảnh_sát_điều_tra_tội_phạm_về_ma_túy Phòng_Cảnh_sát_giao_thông
  Phòng_Cảnh_sát_phòng_cháy,_chữa_cháy_và_cứu_nạn,_cứu_hộ Phòng_An_ninh_chính_trị_nội_bộ Phòng_An_ninh_kinh_tế
  Phòng_An_ninh_mạng_và_phòng,_chống_tội_phạm_sử_dụng_công_nghệ_cao Phòng_Quản_lý_xuất_nhập_cảnh
  Phòng_Tổ_chức_cán_bộ Phòng_Hậu_cần Phòng_Kỹ_thuật_nghiệp_vụ Phòng_Hồ_sơ Phòng_Cảnh_sát_cơ_động
  Phòng_Cảnh_sát_điều_tra_tội_phạm_về_trật_tự_xã_hội Phòng_Cảnh_sát_thi_hành_án_hình_sự_và_hỗ_trợ_tư_pháp
  Phòng_Công_tác_đảng_và_công_tác_chính_trị Phòng_An_ninh_đối_ngoại Trại_tạm_giam
`);
export const MILITARY_CELLS = words('Cơ_quan_Tham_mưu Cơ_quan_Chính_trị Cơ_quan_Hậu_cần_-_Kỹ_thuật Ban_Chỉ_huy_Phòng_thủ_khu_vực_1 Ban_Chỉ_huy_Phòng_thủ_khu_vực_2 Ban_Chỉ_huy_Phòng_thủ_khu_vực_3');
const SCHOOL_CELLS = words('Tổ_Toán_-_Tin Tổ_Ngữ_văn Tổ_Ngoại_ngữ Tổ_Vật_lý_-_Công_nghệ Tổ_Hóa_-_Sinh Tổ_Sử_-_Địa_-_Giáo_dục_công_dân Tổ_Thể_dục_-_Quốc_phòng Tổ_Văn_phòng');
const HOSPITAL_CELLS = words(`
  Khoa_Nội Khoa_Ngoại Khoa_Sản Khoa_Nhi Khoa_Cấp_cứu Khoa_Hồi_sức_tích_cực Khoa_Xét_nghiệm
  Khoa_Chẩn_đoán_hình_ảnh Khoa_Dược Phòng_Kế_hoạch_tổng_hợp Phòng_Tổ_chức_cán_bộ Phòng_Tài_chính_kế_toán
  Khoa_Truyền_nhiễm Khoa_Mắt Khoa_Răng_hàm_mặt Khoa_Tai_mũi_họng
`);
const COMPANY_CELLS = words('Phòng_Kỹ_thuật Phòng_Kinh_doanh Phòng_Tổ_chức_-_Hành_chính Phòng_Tài_chính_-_Kế_toán Phòng_Kế_hoạch_-_Vật_tư');
const OFFICE_CELLS = words('Phòng_Tổ_chức_-_Hành_chính Phòng_Nghiệp_vụ Phòng_Tài_chính_-_Kế_toán Phòng_Tổng_hợp');

/** Provincial bodies with their own grassroots organisation, after the police and the military command. */
export function provincialAgencies(random: Random, provinceShortName: string, provinceWord: string): UnitTemplate[] {
  const p = provinceShortName;
  const agencies: UnitTemplate[] = [
    { name: `Bệnh viện Đa khoa ${provinceWord} ${p}`, cells: HOSPITAL_CELLS, fallback: 'Khoa' },
    { name: `Trường THPT Chuyên ${random.pick(NAMESAKES)}`, cells: SCHOOL_CELLS, fallback: 'Tổ chuyên môn' },
    { name: `Công ty Điện lực ${p}`, cells: COMPANY_CELLS, fallback: 'Đội Quản lý điện' },
    { name: `Trường Chính trị ${provinceWord} ${p}`, cells: OFFICE_CELLS, fallback: 'Khoa' },
    { name: `Báo và Phát thanh, Truyền hình ${p}`, cells: words('Phòng_Thời_sự Phòng_Biên_tập Phòng_Kỹ_thuật Phòng_Báo_in Phòng_Hành_chính'), fallback: 'Phòng' },
    { name: `Trường Cao đẳng Y tế ${p}`, cells: OFFICE_CELLS, fallback: 'Khoa' },
    { name: `Bưu điện ${provinceWord} ${p}`, cells: COMPANY_CELLS, fallback: 'Bưu điện khu vực' },
    { name: `Bệnh viện Y dược cổ truyền ${provinceWord} ${p}`, cells: HOSPITAL_CELLS, fallback: 'Khoa' },
    { name: `Ngân hàng Nông nghiệp và Phát triển Nông thôn chi nhánh ${p}`, cells: OFFICE_CELLS, fallback: 'Phòng giao dịch' },
    { name: `Công ty Cổ phần Cấp thoát nước ${p}`, cells: COMPANY_CELLS, fallback: 'Xí nghiệp' },
    { name: `Trường Cao đẳng Sư phạm ${p}`, cells: OFFICE_CELLS, fallback: 'Khoa' },
    { name: `Công ty TNHH MTV Xổ số kiến thiết ${p}`, cells: COMPANY_CELLS, fallback: 'Phòng' },
  ];
  return agencies;
}

/** Schools, health centres, cooperatives and firms that have a party unit under a commune committee. */
export function communeUnit(random: Random, communeName: string, large: boolean): UnitTemplate {
  const roll = random.next();
  if (large) {
    if (roll < 0.45) return { name: `Trường THPT ${random.pick(NAMESAKES)}`, cells: SCHOOL_CELLS, fallback: 'Tổ chuyên môn' };
    if (roll < 0.65) return { name: `Trung tâm Y tế khu vực ${communeName}`, cells: HOSPITAL_CELLS, fallback: 'Khoa' };
    return { name: `Công ty Cổ phần ${twoSyllables(random, KINH_PLACE_FIRST, KINH_PLACE_SECOND)}`, cells: COMPANY_CELLS, fallback: 'Phân xưởng' };
  }
  if (roll < 0.25) return { name: `Trường THCS ${random.chance(0.5) ? communeName : random.pick(NAMESAKES)}`, cells: [], fallback: '' };
  if (roll < 0.45) return { name: `Trường Tiểu học ${random.chance(0.5) ? communeName : random.pick(NAMESAKES)}`, cells: [], fallback: '' };
  if (roll < 0.55) return { name: `Trường Mầm non ${communeName}`, cells: [], fallback: '' };
  if (roll < 0.65) return { name: `Trường THPT ${random.pick(NAMESAKES)}`, cells: [], fallback: '' };
  if (roll < 0.8) return { name: `Hợp tác xã ${twoSyllables(random, KINH_PLACE_FIRST, KINH_PLACE_SECOND)}`, cells: [], fallback: '' };
  if (roll < 0.9) return { name: `Quỹ Tín dụng nhân dân ${communeName}`, cells: [], fallback: '' };
  return { name: `Công ty TNHH ${twoSyllables(random, KINH_PLACE_FIRST, KINH_PLACE_SECOND)}`, cells: [], fallback: '' };
}
