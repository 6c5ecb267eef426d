import type { Gender } from '../../platform/schema.ts';
import { Random, Weighted } from './random.ts';

/**
 * Vietnamese personal names for demo members: surname, middle name(s) and given name drawn from
 * realistic distributions, plus the naming patterns of the larger ethnic minorities.
 * All strings in this file are NFC and in proper case.
 */

/** Where the Kinh surnames Hoàng/Huỳnh and Vũ/Võ split. */
export type SurnameRegion = 'north' | 'central' | 'south';

type Entries = readonly (readonly [string, number])[];

/** "A B:2 C" → [['A',1],['B',2],['C',1]]; names may contain spaces when written "Ha_Thanh". */
function weights(text: string): Entries {
  const entries = text
    .trim()
    .split(/\s+/)
    .map((token) => {
      const [name, weight] = token.split(':');
      return [name!.replaceAll('_', ' '), weight === undefined ? 1 : Number(weight)] as const;
    });
  const names = entries.map(([name]) => name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`duplicate name in a demo table: ${duplicate}`);
  return entries;
}

const table = (text: string) => new Weighted(weights(text));

// Shares from Vietnamese surname surveys; Hoàng/Huỳnh and Vũ/Võ are split by region below.
const MAIN_SURNAMES = weights(`Nguyễn:38 Trần:11 Lê:9.5 Phạm:7 Phan:4.5 Đặng:2.1 Bùi:2 Đỗ:1.4 Hồ:1.3 Ngô:1.3 Dương:1 Lý:0.5`);
const TAIL_SURNAMES = weights(`
  Đinh:6 Trịnh:5 Đào:5 Mai:4.5 Trương:4.5 Lương:4 Đoàn:4 Hà:4 Cao:3.5 Tạ:3 Phùng:3 Lâm:3 Tô:3 Vương:2.5
  Thái:2.5 Chu:2.5 Châu:2.5 Lưu:2.5 Kiều:2 Quách:2 Triệu:2 Lại:1.5 Tăng:1.5 Nghiêm:1.5 Thân:1.5 Từ:1.5
  Tống:1.5 Đàm:1.5 La:1.5 Mạc:1.2 Hứa:1.2 Doãn:1.2 Tôn:1.2 Nông:1.2 Khúc:1 Diệp:1 Kim:1 Giáp:1 Quan:1
  Lã:1 Văn:1 Khổng:0.8 Bạch:0.8 Hàn:0.8 Âu:0.8 Ông:0.8 Lục:0.8 Viên:0.5
`);
const TAIL_SHARE = 11.5;
const SPLIT_SURNAMES: Record<SurnameRegion, Entries> = {
  north: [['Hoàng', 5], ['Vũ', 3.5], ['Võ', 0.4]],
  central: [['Hoàng', 3], ['Huỳnh', 2], ['Vũ', 1.4], ['Võ', 2.5]],
  south: [['Hoàng', 1], ['Huỳnh', 4], ['Vũ', 0.6], ['Võ', 3.3]],
};

function kinhSurnames(region: SurnameRegion): Weighted<string> {
  const tailTotal = TAIL_SURNAMES.reduce((sum, [, w]) => sum + w, 0);
  return new Weighted([
    ...MAIN_SURNAMES,
    ...SPLIT_SURNAMES[region],
    ...TAIL_SURNAMES.map(([name, w]) => [name, (w / tailTotal) * TAIL_SHARE] as const),
  ]);
}

const MALE_MIDDLE_OLDER = table(`
  Văn:48 Đức:6 Hữu:6 Đình:6 Quang:4 Minh:4 Công:4 Thanh:3 Xuân:3 Ngọc:3 Bá:2 Trọng:2 Thế:2 Tiến:1.5
  Quốc:1.5 Mạnh:1 Hồng:1 Viết:1 Khắc:1 Duy:0.5 Kim:0.5 Như:0.5 Sỹ:0.5 Đăng:0.5
`);
const MALE_MIDDLE_YOUNGER = table(`
  Văn:24 Đức:9 Minh:8 Quang:6 Hữu:5 Đình:5 Công:5 Thanh:4 Quốc:4 Xuân:3 Ngọc:3 Trọng:3 Duy:3 Hoàng:3
  Tiến:2 Mạnh:2 Thế:2 Anh:2 Việt:2 Tuấn:2 Bá:1.5 Trung:1.5 Hồng:1 Gia:1 Huy:1 Nhật:1 Phúc:1 Thành:1
  Khắc:0.5 Viết:0.5
`);
const FEMALE_MIDDLE_OLDER = table(`
  Thị:76 Ngọc:3 Thu:3 Thanh:3 Kim:2.5 Hồng:2 Bích:1.5 Xuân:1.5 Minh:1 Phương:1 Mỹ:1 Tuyết:0.5 Lan:0.5
  Diệu:0.5 Hoài:0.5 Thúy:0.5 Lệ:0.5
`);
const FEMALE_MIDDLE_YOUNGER = table(`
  Thị:34 Ngọc:8 Thu:6 Thanh:5 Minh:5 Hồng:4 Phương:4 Kim:3.5 Mỹ:3 Khánh:3 Thùy:3 Bích:2 Xuân:2 Hải:2
  Mai:2 Thúy:1.5 Lan:1.5 Diệu:1.5 Quỳnh:1.5 Hoài:1.5 Hà:1.5 Bảo:1.5 Như:1.5 Huyền:1 Kiều:1 Thảo:1 Vân:1
  Cẩm:1 Linh:1 Tường:0.5 Trà:0.5 Diễm:0.5
`);
/** Second of two middle names: "Trần Thị Thu Hà", "Nguyễn Hữu Minh Tuấn". */
const FEMALE_SECOND_MIDDLE = table(`Ngọc:3 Thu:3 Kim:3 Thanh:2 Hồng:2 Bích:2 Minh:1 Phương:1 Mỹ:1 Tuyết:1 Thúy:1 Lệ:1 Diệu:1 Hải:1`);
const MALE_FIRST_OF_TWO = table(`Văn:2 Hữu:2 Đức:2 Đình:1 Công:1`);
const MALE_SECOND_OF_TWO = table(`Minh:2 Quang:2 Anh:1 Tuấn:1 Hoàng:1 Thanh:1 Xuân:1 Ngọc:1 Quốc:1`);

const MALE_GIVEN = table(`
  Hùng:3 Dũng:3 Tuấn:3 Minh:3 Hải:3 Nam:3 Sơn:3 Thắng:3 Long:3 Cường:3 Hoàng:3 Quang:3 Trung:3 Đức:3
  Thành:3 Hiếu:3 Huy:3 Tú:3 Anh:3 Bình:3 Hưng:3 Tâm:3 Tùng:3 Phong:3 Khánh:3 Lâm:3 Việt:3
  An:2 Hòa:2 Toàn:2 Vinh:2 Phúc:2 Kiên:2 Chiến:2 Thịnh:2 Lợi:2 Tài:2 Tiến:2 Thanh:2 Thọ:2 Quân:2 Vũ:2
  Hậu:2 Hiệp:2 Mạnh:2 Nghĩa:2 Tân:2 Thái:2 Thuận:2 Trọng:2 Trường:2 Duy:2 Dương:2 Đạt:2 Định:2 Giang:2
  Hà:2 Khoa:2 Lộc:2 Linh:2 Nguyên:2 Nhật:2 Phương:2 Quý:2 Sáng:2 Sinh:2 Thông:2 Tín:2 Tuyên:2
  Bảo Bắc Cảnh Chính Công Châu Chung Cừ Diện Doanh Đăng Điệp Đông Hào Hiển Hoan Học Hợp Huấn Hướng Kha
  Khải Khang Khôi Kỳ Lam Lân Lành Luân Lực Lương Mẫn Ngọc Nhân Ninh Phát Pháp Quế Quyết Quyền Sang Sỹ
  Tạo Thạch Thao Thân Thế Thiện Thức Thụy Toản Triều Trí Tường Uy Văn Vĩnh Vương Xuân Yên Hòe:0.5
  Thủy:0.5 Hóa:0.5 Khoái:0.5 Chương Đoàn Hạnh Hiền Kính Lĩnh Nhàn Quyển Sâm Sửu Thìn Tý Dần
`);
const FEMALE_GIVEN = table(`
  Lan:3 Hương:3 Hoa:3 Mai:3 Nga:3 Hà:3 Hằng:3 Hạnh:3 Hiền:3 Hồng:3 Huyền:3 Linh:3 Loan:3 Phương:3
  Thảo:3 Thanh:3 Thu:3 Thủy:3 Trang:3 Yến:3 Anh:3 Dung:3 Nhung:3 Oanh:3 Thúy:3 Vân:3 Xuân:3 Liên:3
  Ngọc:3 Lý:3 Tâm:3 Tuyết:3 Huệ:3
  Bích:2 Chi:2 Cúc:2 Duyên:2 Giang:2 Hải:2 Hậu:2 Hoài:2 Hòa:2 Khánh:2 Kiều:2 Lệ:2 Liễu:2 My:2 Nguyệt:2
  Nhàn:2 Nhi:2 Quyên:2 Quỳnh:2 Sen:2 Sương:2 Thắm:2 Thơm:2 Thùy:2 Trinh:2 Uyên:2 Vy:2 Hường:2 Diệp:2
  Đào:2 Thoa:2 Thương:2 Trâm:2 Tươi:2 Ánh:2 Hiên:2
  Châm Dịu Gấm Hảo Hợi Khuyên Lài Lụa Lựu Mận Mơ Mùi Na Ngà Ngân Nhớ Nhu Nương Phấn Phúc Phượng Quế Thi
  Thìn Thơ Tình Trà Vui Diễm Diệu Hoan Hợp Huế Lành Lê Mến Miên Nhạn Nhài Nụ Thục Thư Tiên Trúc Tuyền
  Uyển Vinh Yên Nhẫn Xoan Dậu Tám Chinh Duyệt Thụy Tú Bình An Hạ Khuê Ly Mỹ Hân Thêu Hòe:0.5
`);

interface KinhStyle {
  surnames: Weighted<string>;
}

/** Peoples who use Kinh-style names with their own surnames. */
const KINH_STYLE_SURNAMES: Record<string, string> = {
  Tày: 'Hoàng:20 Nông:12 Nguyễn:8 Lương:6 Hà:5 Lục:4 Bế:4 Lý:4 Đàm:3 Triệu:3 Vi:3 Ma:3 Hứa:2 Lâm:2 Chu:2 Lăng:2 Đinh:2 Mông Lành Ngôn',
  Nùng: 'Hoàng:15 Nông:10 Lý:6 Vi:6 Lương:5 Nguyễn:5 Triệu:4 Lăng:4 Mã:3 Hứa:3 Chu:3 Lục:3 Lành:3 Dương:3 Hà:2 Lô:2',
  Thái: 'Lò:15 Cầm:10 Lường:8 Hà:8 Quàng:6 Tòng:5 Vì:5 Vi:5 Lù:4 Lô:4 Điêu:3 Lê:3 Lang:3 Lương:3 Sầm:2 Bạc:2 Mè:2 Lộc:2 Hoàng:2 Ngân:2',
  Dao: 'Triệu:20 Bàn:15 Đặng:12 Lý:10 Phùng:6 Chảo:5 Tẩn:4 Hoàng:3 Lò:2 Chìu:2',
  Mường: 'Bùi:30 Đinh:20 Quách:10 Hà:8 Nguyễn:5 Cao:5 Xa:4 Trương:2 Hoàng:2 Lê:2',
  Hoa: 'Lâm:10 Trương:8 Lý:8 Trần:6 Quách:5 Dương:5 Huỳnh:5 Tăng:4 Hứa:4 Lương:4 Châu:4 Mạch:3 Diệp:3 La:3 Vòng:2 Thái:2 Ông:2 Mã:2',
  'Sán Chay': 'Hoàng:4 Lý:3 Trần:2 Lưu:2 Đàm:2 La:2 Dương:2 Hà:1 Lâm:1',
  'Sán Dìu': 'Lương:3 Trần:3 Diệp:3 Nịnh:2 Đặng:2 Tạ:2 Hoàng:2 Lỷ:1',
  Giáy: 'Hoàng:4 Lù:3 Sần:2 Vàng:2 Lò:2 Lương:1 Giàng:1',
  'Khơ Mú': 'Lò:4 Vi:3 Cụt:2 Lô:2 Quang:2 Mòng:1 Vì:1',
  'Hà Nhì': 'Lý:4 Chu:3 Pờ:2 Lò:2 Phu:2 Sần:1 Tẩn:1',
  Chăm: 'Đàng:5 Thuận:4 Quảng:3 Thông:2 Lưu:2 Bá:2 Trượng:2 Châu:1 Phú:1 Sử:1',
  'Bru Vân Kiều': 'Hồ:14 Lê:2 Nguyễn:2 Trần:1 Pả:1',
  'Tà Ôi': 'Hồ:6 Kăn:2 Côn:2 Nhâm:1 Pi:1 Căn:1',
  'Cơ Tu': 'Bling:3 Alăng:3 Zơrâm:2 Bhling:2 Riah:2 Ating:1 Arất:1 Clâu:1 Pơloong:1',
  Hrê: 'Đinh:12 Phạm:2 Bùi:1 Nguyễn:1',
  Raglay: 'Pinăng:4 Chamaléa:4 Mấu:3 Katơr:2 Patâu:2 Cao:2 Mang:1',
  Xtiêng: 'Điểu:14 Lâm:2 Thị:1',
  Thổ: 'Lê:3 Nguyễn:3 Trương:2 Hồ:2 Đinh:1',
};

const kinhStyleByEthnicity = new Map<string, KinhStyle>(
  Object.entries(KINH_STYLE_SURNAMES).map(([ethnicity, text]) => [ethnicity, { surnames: table(text) }]),
);

// Hmong: men carry a generational particle (A, Mí, Seo…) as middle name.
const MONG_SURNAMES = table('Giàng:18 Vàng:16 Sùng:14 Lý:12 Thào:12 Mùa:8 Hờ:5 Lầu:4 Vừ:4 Cứ:3 Hạng:2 Hầu:2 Tráng:2 Chang');
const MONG_MALE_MIDDLE = table('A:35 Văn:20 Mí:15 Seo:15 Chứ:5 Sính:3');
const MONG_MALE_GIVEN = table(
  'Páo Dình Chứ Sử Dế Lử Chá Tủa Pó Sình Dia Thề Pao Chư Dùng Tráng Lồng Sếnh Phừ Xá Cở Nhìa Khua Chớ Mua Sùng Vừ Tếnh',
);
const MONG_FEMALE_GIVEN = table('Mỷ Dợ Say Dính Chu Pà Súa Xúa Mai Sua Vá Chía Dua Mua Dở Lan Hoa Già Ly Máy Sày');

// Ê Đê and Mnông: "Y" (men) or "H" (women) + given name + clan name.
const EDE_CLANS = table('Niê:20 Mlô:12 Êban:10 Ksơr:10 Byă:8 Adrơng:6 Knul:6 Hmok:5 Ktla:5 Buôn_Yă:4 Kđoh:4 Niê_Kdăm:4 Êya:3 Ayŭn:3 Bkrông:3');
const MNONG_CLANS = table('Bu_Đăk:4 Nơ_Rơng:3 Điểu:3 Liêng:2 Mlô:2 Bon:1 Kriêng:1');
const EDE_MALE_GIVEN = table('Ngông Bhin Wai Sơn Khoa Thuột Jôn Kim Lang Ju Blim Krư Yơn Dhăm Bliêng Kông Nguôn Thu Phương Bun Hiêng Đhuôl Rit Khuê');
const EDE_FEMALE_GIVEN = table('Hen Yim Nhi Loan Ni Bla Dung Nuê Hiao Jam Lê Wen Ren Bia Khuê Ngân Đăm Ruê Hương Lan');

// Gia Rai, Cơ Ho, Mạ: clan name first, then the given name.
const GIARAI_CLANS = table('Ksor:20 Rơ_Mah:15 Siu:15 Rơ_Châm:10 Kpă:10 Nay:8 Rah_Lan:6 Puih:5 Rơ_Lan:4 Kpuih:3 Hiao:3');
const GIARAI_MALE_GIVEN = table('Phước Tuấn Blơng Hưng Thuyn Dơk Nhă Phin Yuh Khươl Kuin Dlan Bơ Thơn Hlơi Kơl Jun Đinh Ban Suên');
const GIARAI_FEMALE_GIVEN = table('Hơm Bía Ly Nhi Phươl Nguyên Dun Lanh Blăk Đin Mai Nhung Byưr Nhuyên Thu Hiên Lơ');
const COHO_CLANS = table('Kră_Jăn:4 Liêng_Hót:4 Cil:3 Kơ_Să:3 Bon_Niêng:2 Ya:2 Đa_Cát:2 Rơ_Ông:2 Bon_Đing:1 Liêng_Jrang:1');
const COHO_MALE_GIVEN = table('Brồ Ha_Bang Múp Dơng Krai Sơn Ha_Kiên Ha_Sương Tiến Ha_Tuấn Mák Yeh Plin Ha_Phúc');
const COHO_FEMALE_GIVEN = table('Ha_Thanh Ha_Sen Ma_Ly Hiền Nhung Sa_Ra Ha_Điệp Ka_Hiền Ha_Len Bích Duyên Nhân');

// Ba Na and Xơ Đăng: "A" (men) or "Y" (women) + given name, or Kinh-style with the surname Đinh.
const BANA_MALE_GIVEN = table('Hoai Ngơn Pớt Tuyl Thiêng Blai Phong Dơk Hmoi Sang Thái Kiên Brưu Kim Dũng Dơr Hyai Nhướt');
const BANA_FEMALE_GIVEN = table('Blin Hiệp Nhưn Hoa Đoan Ngọc Ly Thương Hlen Pang Lan Xuân Hmai Dớt Bôi');

// Khmer: Thạch, Sơn, Kim, Danh…; in An Giang men take "Chau" and women "Néang".
const KHMER_SURNAMES = table('Thạch:25 Sơn:20 Danh:12 Kim:10 Lâm:6 Lý:6 Huỳnh:3 Trịnh:2');
const KHMER_MALE_GIVEN = table('Sa_Rinh Sô_Phol Sóc_Khăm Sà_Rết Bô_Pha Phiếu Sươl Rươl Chanh Thươl Sóc Nhanh Kha Ni Sa_Rươn Kim_Sang Som_Bát Sóc_Ry');
const KHMER_FEMALE_GIVEN = table('Sa_Ly Sà_Ni Kim_Hoa Sô_Phia Sà_Phon Sa_Rinh Sóc_Thanh Chanh_Ty Mỹ_Linh Sa_Quên Ngọc_Hân Phol Sa_Vy Ny');

/**
 * Draws full names. Kinh names follow national shares; women aged 50+ nearly all carry "Thị";
 * a few people have no middle name or two.
 */
export class Namer {
  private readonly kinhSurnames: Weighted<string>;

  constructor(region: SurnameRegion) {
    this.kinhSurnames = kinhSurnames(region);
  }

  fullName(random: Random, ethnicity: string, gender: Gender, age: number): string {
    const male = gender === 'male';
    switch (ethnicity) {
      case 'Kinh':
        return this.kinhStyle(random, this.kinhSurnames, gender, age);
      case 'Mông': {
        const surname = MONG_SURNAMES.sample(random);
        return male
          ? `${surname} ${MONG_MALE_MIDDLE.sample(random)} ${MONG_MALE_GIVEN.sample(random)}`
          : `${surname} Thị ${MONG_FEMALE_GIVEN.sample(random)}`;
      }
      case 'Ê Đê':
      case 'Mnông': {
        const given = (male ? EDE_MALE_GIVEN : EDE_FEMALE_GIVEN).sample(random);
        const clan = (ethnicity === 'Ê Đê' ? EDE_CLANS : MNONG_CLANS).sample(random);
        return `${male ? 'Y' : 'H'} ${given} ${clan}`;
      }
      case 'Gia Rai':
        return `${GIARAI_CLANS.sample(random)} ${(male ? GIARAI_MALE_GIVEN : GIARAI_FEMALE_GIVEN).sample(random)}`;
      case 'Cơ Ho':
      case 'Mạ':
        return `${COHO_CLANS.sample(random)} ${(male ? COHO_MALE_GIVEN : COHO_FEMALE_GIVEN).sample(random)}`;
      case 'Ba Na':
      case 'Xơ Đăng':
        if (random.chance(0.6)) return `${male ? 'A' : 'Y'} ${(male ? BANA_MALE_GIVEN : BANA_FEMALE_GIVEN).sample(random)}`;
        return `Đinh ${male ? 'Văn' : 'Thị'} ${this.given(random, gender)}`;
      case 'Khmer': {
        const surname = random.chance(0.15) ? (male ? 'Chau' : 'Néang') : KHMER_SURNAMES.sample(random);
        if (random.chance(0.35)) return this.kinhStyle(random, KHMER_SURNAMES, gender, age);
        const given = (male ? KHMER_MALE_GIVEN : KHMER_FEMALE_GIVEN).sample(random);
        return !male && random.chance(0.5) ? `${surname} Thị ${given}` : `${surname} ${given}`;
      }
      default: {
        const style = kinhStyleByEthnicity.get(ethnicity);
        return this.kinhStyle(random, style ? style.surnames : this.kinhSurnames, gender, age);
      }
    }
  }

  private kinhStyle(random: Random, surnames: Weighted<string>, gender: Gender, age: number): string {
    const surname = surnames.sample(random);
    const male = gender === 'male';
    const older = age >= 50;
    const shape = random.next();
    let middle: string;
    if (shape < 0.025) middle = '';
    else if (shape < 0.025 + (male ? 0.02 : older ? 0.06 : 0.1)) {
      middle = male
        ? `${MALE_FIRST_OF_TWO.sample(random)} ${MALE_SECOND_OF_TWO.sample(random)}`
        : `Thị ${FEMALE_SECOND_MIDDLE.sample(random)}`;
    } else {
      middle = (male ? (older ? MALE_MIDDLE_OLDER : MALE_MIDDLE_YOUNGER) : older ? FEMALE_MIDDLE_OLDER : FEMALE_MIDDLE_YOUNGER).sample(random);
    }
    let given = this.given(random, gender);
    // "Nguyễn Minh Minh" is not a name: draw again once.
    if (middle.endsWith(given)) given = this.given(random, gender);
    return middle ? `${surname} ${middle} ${given}` : `${surname} ${given}`;
  }

  private given(random: Random, gender: Gender): string {
    return (gender === 'male' ? MALE_GIVEN : FEMALE_GIVEN).sample(random);
  }
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/;
/** A quick test on NFC text: a word ending in oa/oe/uy with a tone mark on either vowel. */
const MAYBE_FLIPPABLE = /(?:[òóỏõọ][ae]|o[àáảãạèéẻẽẹ]|[ùúủũụ]y|u[ỳýỷỹỵ])(?:\s|$)/iu;

/**
 * Moves the tone mark between the old and new placement ("Hòa" ↔ "Hoà", "Thủy" ↔ "Thuỷ") in every
 * open oa/oe/uy syllable of a name; returns the name unchanged when it has no such syllable.
 */
export function flipTonePlacement(name: string): string {
  if (!MAYBE_FLIPPABLE.test(name)) return name;
  return name
    .split(' ')
    .map((word) => flipWordCached.get(word) ?? flipWord(word))
    .join(' ');
}

/** Whether flipTonePlacement changes this name. */
export function hasTonePlacementVariant(name: string): boolean {
  return flipTonePlacement(name) !== name;
}

function flipWord(word: string): string {
  const decomposed = word.normalize('NFD');
  const toneAt = decomposed.search(TONE_MARKS);
  if (toneAt < 0) return word;
  const tone = decomposed[toneAt]!;
  const base = (decomposed.slice(0, toneAt) + decomposed.slice(toneAt + 1)).normalize('NFC');
  const open = /^(.*?)(o[ae]|uy)$/iu.exec(base);
  if (!open || (/^u/i.test(open[2]!) && /q$/i.test(open[1]!))) return word;
  const first = [...open[1]!].length;
  const markedLetter = decomposed.slice(0, toneAt).replace(/[\u0300-\u036f]/g, '').length - 1;
  const target = markedLetter === first ? first + 1 : first;
  const chars = [...base];
  chars[target] = (chars[target]! + tone).normalize('NFC');
  return chars.join('');
}

const flipWordCached = new Map<string, string>(
  [MALE_GIVEN, FEMALE_GIVEN, MALE_MIDDLE_OLDER, MALE_MIDDLE_YOUNGER, FEMALE_MIDDLE_OLDER, FEMALE_MIDDLE_YOUNGER, FEMALE_SECOND_MIDDLE]
    .flatMap((t) => t.values)
    .flatMap((name) => name.split(' '))
    .map((word) => [word, flipWord(word)] as const),
);
