import { describe, expect, it } from 'vitest';
import { appointmentNotice, SMS_MAX_CHARS, type NoticeInput } from './notice.ts';

const INPUT: NoticeInput = {
  cellName: 'Chi bộ thôn Một',
  committeeName: 'Đảng bộ xã Thử Một',
  pointName: 'Công an xã Thử Một',
  pointAddress: 'thôn Một, xã Thử Một',
  date: '2026-12-05',
  shift: { key: 'morning', start: '07:30', end: '11:30' },
  members: 24,
};

/** Segments of a concatenated SMS in UCS-2: 70 UTF-16 units alone, 67 per part once split. */
const ucs2Segments = (text: string) => (text.length <= 70 ? 1 : Math.ceil(text.length / 67));

describe('appointment notice', () => {
  it('gives a short Vietnamese text for SMS/Zalo that fits in two SMS', () => {
    const { short } = appointmentNotice(INPUT, 'vi');
    expect(short).toBe(
      'Chi bộ thôn Một: đổi thẻ đảng viên ngày 05/12 ca sáng 07:30–11:30 tại Công an xã Thử Một. Mang theo CCCD gắn chip và thẻ đảng viên cũ.',
    );
    expect(short.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(ucs2Segments(short)).toBe(2);
    expect(short).toBe(short.normalize('NFC'));
  });

  it('keeps the weekday, the year and the address while they fit, and drops them in that order', () => {
    const short = (over: Partial<NoticeInput>) => appointmentNotice({ ...INPUT, ...over }, 'vi').short;
    expect(short({ cellName: 'Chi bộ 1', pointName: 'Công an', pointAddress: 'thôn 1' })).toBe(
      'Chi bộ 1: đổi thẻ đảng viên Thứ Bảy 05/12/2026 ca sáng 07:30–11:30 tại Công an, thôn 1. Mang theo CCCD gắn chip và thẻ đảng viên cũ.',
    );
    expect(short({ cellName: 'Chi bộ 1', pointName: 'Công an xã', pointAddress: 'thôn Một' })).toBe(
      'Chi bộ 1: đổi thẻ đảng viên ngày 05/12/2026 ca sáng 07:30–11:30 tại Công an xã, thôn Một. Mang theo CCCD gắn chip và thẻ đảng viên cũ.',
    );
    expect(short({ cellName: 'Chi bộ thôn 1', pointName: 'Công an xã', pointAddress: 'thôn Một' })).toBe(
      'Chi bộ thôn 1: đổi thẻ đảng viên ngày 05/12 ca sáng 07:30–11:30 tại Công an xã, thôn Một. Mang theo CCCD gắn chip và thẻ đảng viên cũ.',
    );
    expect(short({ cellName: 'Chi bộ thôn Hai', pointName: 'Công an xã', pointAddress: 'thôn Một' })).toBe(
      'Chi bộ thôn Hai: đổi thẻ đảng viên ngày 05/12 ca sáng 07:30–11:30 tại Công an xã. Mang theo CCCD gắn chip và thẻ đảng viên cũ.',
    );
    for (const text of [short({}), short({ cellName: 'Chi bộ 1', pointName: 'Công an', pointAddress: 'thôn 1' })]) {
      expect(text.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    }
    // Names too long for two SMS: still one message with everything the member needs, only longer.
    const long = short({ cellName: 'Chi bộ Khu dân cư số 12 Phường Bến Thành', pointName: 'Phòng Cảnh sát Quản lý hành chính về trật tự xã hội' });
    expect(long).toBe(
      'Chi bộ Khu dân cư số 12 Phường Bến Thành: đổi thẻ đảng viên ngày 05/12 ca sáng 07:30–11:30 tại Phòng Cảnh sát Quản lý hành chính về trật tự xã hội. Mang theo CCCD gắn chip và thẻ đảng viên cũ.',
    );
  });

  it('gives a printable notice: who, when with the weekday, where, what to bring, how to ask for a home visit', () => {
    expect(appointmentNotice(INPUT, 'vi').long).toBe(
      [
        'ĐẢNG BỘ XÃ THỬ MỘT',
        'CHI BỘ THÔN MỘT',
        '',
        'THÔNG BÁO',
        'Lịch làm thủ tục đổi thẻ đảng viên gắn chip',
        '',
        'Kính gửi: các đồng chí đảng viên Chi bộ thôn Một.',
        '',
        'Thời gian: ca sáng, từ 07:30 đến 11:30, Thứ Bảy, ngày 05/12/2026.',
        'Địa điểm: Công an xã Thử Một, thôn Một, xã Thử Một.',
        'Số đảng viên của chi bộ được hẹn: 24 đồng chí.',
        '',
        'Khi đến, đề nghị mang theo:',
        '- CCCD gắn chip',
        '- Thẻ đảng viên cũ',
        '',
        'Đề nghị các đồng chí đến đúng giờ để không phải chờ lâu.',
        'Đảng viên cao tuổi, ốm đau không thể đến được, đề nghị báo với bí thư chi bộ để tổ lưu động đến làm thủ tục tại nhà.',
      ].join('\n'),
    );
  });

  it('names every day of the week in Vietnamese, in both texts', () => {
    const week = ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'];
    const names = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
    week.forEach((date, i) => {
      const notice = appointmentNotice({ ...INPUT, date, cellName: 'Chi bộ 1', pointName: 'Công an', pointAddress: 'thôn 1' }, 'vi');
      expect(notice.short).toContain(` ${names[i]} ${date.slice(8)}/${date.slice(5, 7)}/2026 `);
      expect(notice.long).toContain(`, ${names[i]}, ngày ${date.slice(8)}/${date.slice(5, 7)}/2026.`);
    });
    expect(appointmentNotice({ ...INPUT, date: '2027-01-01' }, 'vi').long).toContain('Thứ Sáu, ngày 01/01/2027');
    expect(appointmentNotice({ ...INPUT, date: '2028-02-29', shift: { key: 'evening', start: '18:00', end: '21:00' } }, 'vi').long).toContain(
      'Thời gian: ca tối, từ 18:00 đến 21:00, Thứ Ba, ngày 29/02/2028.',
    );
  });

  it('uses what the caller asks to bring, lists it as Vietnamese does, and cleans the text it is given', () => {
    const notice = appointmentNotice(
      {
        ...INPUT,
        cellName: '  Chi bộ  thôn Một '.normalize('NFD'),
        shift: { key: 'afternoon', start: '13:30', end: '17:00' },
        bring: ['CCCD gắn chip', 'thẻ đảng viên cũ', 'giấy giới thiệu'],
        members: 1250,
      },
      'vi',
    );
    expect(notice.short).toBe(
      'Chi bộ thôn Một: đổi thẻ đảng viên ngày 05/12 ca chiều 13:30–17:00 tại Công an xã Thử Một. Mang theo CCCD gắn chip, thẻ đảng viên cũ và giấy giới thiệu.',
    );
    expect(notice.short).toBe(notice.short.normalize('NFC'));
    expect(notice.long).toContain('\n- CCCD gắn chip\n- Thẻ đảng viên cũ\n- Giấy giới thiệu\n');
    expect(notice.long).toContain('được hẹn: 1.250 đồng chí.');
    expect(appointmentNotice({ ...INPUT, bring: [] }, 'vi').short).toBe(
      'Chi bộ thôn Một: đổi thẻ đảng viên Thứ Bảy 05/12/2026 ca sáng 07:30–11:30 tại Công an xã Thử Một, thôn Một, xã Thử Một.',
    );
    expect(appointmentNotice({ ...INPUT, bring: [] }, 'vi').long).not.toContain('mang theo');
  });

  it('speaks English when asked', () => {
    const notice = appointmentNotice(INPUT, 'en');
    expect(notice.short).toBe(
      'Chi bộ thôn Một: party card exchange on 05/12, morning shift 07:30–11:30 at Công an xã Thử Một. Bring your chip ID card (CCCD) and old party card.',
    );
    expect(notice.long).toBe(
      [
        'ĐẢNG BỘ XÃ THỬ MỘT',
        'CHI BỘ THÔN MỘT',
        '',
        'NOTICE',
        'Appointment to exchange the party membership card for the new chip card',
        '',
        'To: the party members of Chi bộ thôn Một.',
        '',
        'When: Saturday 05/12/2026, morning shift, from 07:30 to 11:30.',
        'Where: Công an xã Thử Một, thôn Một, xã Thử Một.',
        'Members of the cell expected: 24.',
        '',
        'Please bring:',
        '- Chip ID card (CCCD)',
        '- Old party card',
        '',
        'Please come on time so that you do not have to wait long.',
        'Elderly or sick members who cannot come should tell the cell secretary, so that a mobile team can do it at their home.',
      ].join('\n'),
    );
    expect(appointmentNotice({ ...INPUT, cellName: 'Cell 1', pointName: 'Police', pointAddress: 'Village 1' }, 'en').short).toBe(
      'Cell 1: party card exchange on 05/12, morning shift 07:30–11:30 at Police. Bring your chip ID card (CCCD) and old party card.',
    );
  });

  it('refuses a date that is not a calendar day', () => {
    expect(() => appointmentNotice({ ...INPUT, date: '2026-02-30' }, 'vi')).toThrow(RangeError);
    expect(() => appointmentNotice({ ...INPUT, date: '05/12/2026' }, 'vi')).toThrow(RangeError);
  });
});
