/** The member edit form: values as typed, and the PATCH built from what changed. */
import type { Gender, MemberDetail, MemberPatch, MemberStatus } from '../api.ts';
import { formatBirth, formatCardNumber, formatDate, parseCardNumber, parseTypedDate } from '../format.ts';

export interface MemberFormValues {
  fullName: string;
  personalId: string;
  dateOfBirth: string;
  gender: Gender | '';
  ethnicity: string;
  hometown: string;
  permanentAddress: string;
  temporaryAddress: string;
  phone: string;
  admittedOn: string;
  officialOn: string;
  partyCardNumber: string;
  recordNumber: string;
  status: MemberStatus;
  needsHomeVisit: boolean;
}

export const TEXT_FIELDS = [
  'fullName',
  'personalId',
  'ethnicity',
  'hometown',
  'permanentAddress',
  'temporaryAddress',
  'phone',
  'recordNumber',
] as const;

export const FORM_FIELDS: readonly (keyof MemberFormValues)[] = [
  ...TEXT_FIELDS,
  'dateOfBirth',
  'gender',
  'admittedOn',
  'officialOn',
  'partyCardNumber',
  'status',
  'needsHomeVisit',
];

export function toFormValues(member: MemberDetail): MemberFormValues {
  return {
    fullName: member.fullName,
    personalId: member.personalId ?? '',
    dateOfBirth: formatBirth(member.dateOfBirth, member.birthYear),
    gender: member.gender ?? '',
    ethnicity: member.ethnicity ?? '',
    hometown: member.hometown ?? '',
    permanentAddress: member.permanentAddress ?? '',
    temporaryAddress: member.temporaryAddress ?? '',
    phone: member.phone ?? '',
    admittedOn: formatDate(member.admittedOn),
    officialOn: formatDate(member.officialOn),
    partyCardNumber: formatCardNumber(member.partyCardNumber),
    recordNumber: member.recordNumber ?? '',
    status: member.status,
    needsHomeVisit: member.needsHomeVisit,
  };
}

/** Error keys (i18n) for values that cannot be sent as typed; the server checks the rest. */
export function validateMemberForm(values: MemberFormValues): Partial<Record<keyof MemberFormValues, string>> {
  const errors: Partial<Record<keyof MemberFormValues, string>> = {};
  if (values.fullName.trim() === '') errors.fullName = 'member.errors.fullNameRequired';
  const id = values.personalId.trim();
  if (id !== '' && !/^\d{12}$/.test(id)) errors.personalId = 'member.errors.personalId';
  if (parseTypedDate(values.dateOfBirth).kind === 'invalid') errors.dateOfBirth = 'member.errors.birthDate';
  for (const field of ['admittedOn', 'officialOn'] as const) {
    const kind = parseTypedDate(values[field]).kind;
    if (kind === 'invalid' || kind === 'year') errors[field] = 'member.errors.date';
  }
  if (parseCardNumber(values.partyCardNumber) === undefined) errors.partyCardNumber = 'member.errors.cardNumber';
  return errors;
}

const emptyToNull = (value: string): string | null => {
  const trimmed = value.trim().replace(/\s+/g, ' ');
  return trimmed === '' ? null : trimmed;
};

function isoOrNull(text: string): string | null {
  const parsed = parseTypedDate(text);
  return parsed.kind === 'date' ? parsed.iso : null;
}

/** Only the fields that changed, with the version read; values already validated. */
export function buildPatch(initial: MemberFormValues, values: MemberFormValues, version: number): MemberPatch | null {
  const patch: MemberPatch = { version };
  let changed = false;
  for (const field of TEXT_FIELDS) {
    if (values[field].trim() !== initial[field].trim()) {
      const value = emptyToNull(values[field]);
      if (field === 'fullName') {
        if (value !== null) patch.fullName = value;
      } else {
        patch[field] = value;
      }
      changed = true;
    }
  }
  if (values.dateOfBirth.trim() !== initial.dateOfBirth.trim()) {
    const parsed = parseTypedDate(values.dateOfBirth);
    patch.dateOfBirth = parsed.kind === 'date' ? parsed.iso : null;
    patch.birthYear = parsed.kind === 'date' || parsed.kind === 'year' ? parsed.year : null;
    changed = true;
  }
  if (values.gender !== initial.gender) {
    patch.gender = values.gender === '' ? null : values.gender;
    changed = true;
  }
  for (const field of ['admittedOn', 'officialOn'] as const) {
    if (values[field].trim() !== initial[field].trim()) {
      patch[field] = isoOrNull(values[field]);
      changed = true;
    }
  }
  if (parseCardNumber(values.partyCardNumber) !== parseCardNumber(initial.partyCardNumber)) {
    const digits = parseCardNumber(values.partyCardNumber);
    patch.partyCardNumber = digits ? digits : null;
    changed = true;
  }
  if (values.status !== initial.status) {
    patch.status = values.status;
    changed = true;
  }
  if (values.needsHomeVisit !== initial.needsHomeVisit) {
    patch.needsHomeVisit = values.needsHomeVisit;
    changed = true;
  }
  return changed ? patch : null;
}

/** The form field where a server issue about `field` is shown. */
export function formFieldOf(field: string): keyof MemberFormValues | undefined {
  if (field === 'birthYear') return 'dateOfBirth';
  return (FORM_FIELDS as readonly string[]).includes(field) ? (field as keyof MemberFormValues) : undefined;
}
