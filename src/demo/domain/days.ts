/**
 * Calendar dates as day numbers (days since 1970-01-01), without Date objects: the generator
 * makes several dates per member and must stay fast at a million members.
 */

/** Day number of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day number. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

export function isoFromCivil(year: number, month: number, day: number): string {
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

export function isoFromDays(days: number): string {
  const [year, month, day] = civilFromDays(days);
  return isoFromCivil(year, month, day);
}

/** Day number of a YYYY-MM-DD date; throws on anything else. */
export function daysFromIso(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const days = daysFromCivil(year, month, day);
  const [y, m, d] = civilFromDays(days);
  if (y !== year || m !== month || d !== day) throw new RangeError(`not a calendar date: ${iso}`);
  return days;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The same day `years` later (or earlier); 29 February becomes 28 February in a common year. */
export function addYears(days: number, years: number): number {
  const [year, month, day] = civilFromDays(days);
  const target = year + years;
  return daysFromCivil(target, month, month === 2 && day === 29 && !isLeapYear(target) ? 28 : day);
}

/** The day someone born on `days` turns `years` old: 29 February counts from 1 March in a common year. */
export function anniversary(days: number, years: number): number {
  const [year, month, day] = civilFromDays(days);
  return daysFromCivil(year + years, month, day);
}

/** Completed years between a birth date and a later date. */
export function ageOn(birthDays: number, onDays: number): number {
  const [by, bm, bd] = civilFromDays(birthDays);
  const [y, m, d] = civilFromDays(onDays);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
