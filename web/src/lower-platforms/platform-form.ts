import type { LowerPlatformItem, SaveLowerPlatformInput } from '@roadwatch/contracts';

/** The 下级平台 edit form's fields as the inputs hold them (text, checkboxes). */
export interface PlatformFormFields {
  accessCode: string;
  name: string;
  companyId: string;
  userId: string;
  /** Write-only: empty on edit means "unchanged" (the API keeps the stored hash). */
  password: string;
  /** One address or CIDR range a line. */
  allowedSources: string;
  protocolVersion: '2011' | '2019';
  encrypt: boolean;
  /** Write-only like the password: empty keeps the stored key (0 on a new platform). */
  encryptKey: string;
  m1: string;
  ia1: string;
  ic1: string;
  enabled: boolean;
}

/** The body of `PUT /v1/lower-platforms/:accessCode` as the form gives it (the API judges it). */
export type PlatformSaveBody = SaveLowerPlatformInput;

export const EMPTY_PLATFORM_FORM: PlatformFormFields = {
  accessCode: '',
  name: '',
  companyId: '',
  userId: '',
  password: '',
  allowedSources: '',
  protocolVersion: '2019',
  encrypt: false,
  encryptKey: '',
  m1: '',
  ia1: '',
  ic1: '',
  enabled: true,
};

/** A listed platform into the form: never a password nor keys (the list has none), so those start empty. */
export const formOfPlatform = (p: LowerPlatformItem): PlatformFormFields => ({
  ...EMPTY_PLATFORM_FORM,
  accessCode: String(p.accessCode),
  name: p.name,
  companyId: p.companyId ?? '',
  userId: String(p.userId),
  allowedSources: p.allowedSources.join('\n'),
  protocolVersion: p.protocolVersion,
  encrypt: p.encrypt,
  enabled: p.enabled,
});

/**
 * A number field as typed: blank is absent; anything else goes as a number, or as the text itself
 * when it is none, so the API refuses it naming the field instead of the form guessing.
 */
const numberOf = (text: string): number | undefined => {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  // Keys are often written in hex (0x…) as the standard prints them.
  return /^0x[0-9a-f]+$/i.test(trimmed) ? Number.parseInt(trimmed.slice(2), 16) : Number(trimmed);
};

/** The access code of the path, or undefined when it is not a whole number (the form says so before sending). */
export const accessCodeOf = (fields: PlatformFormFields): number | undefined => {
  const code = numberOf(fields.accessCode);
  return code !== undefined && Number.isInteger(code) && code >= 0 && code <= 0xffff_ffff ? code : undefined;
};

/** The save body: blank password and keys left out (kept on a replace), one allowed source a non-blank line. */
export const saveBodyOf = (fields: PlatformFormFields): PlatformSaveBody => {
  const body: PlatformSaveBody = {
    name: fields.name,
    userId: numberOf(fields.userId) ?? Number.NaN,
    allowedSources: fields.allowedSources
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    protocolVersion: fields.protocolVersion,
    encrypt: fields.encrypt,
    enabled: fields.enabled,
  };
  if (fields.companyId !== '') body.companyId = fields.companyId;
  if (fields.password !== '') body.password = fields.password;
  for (const key of ['encryptKey', 'm1', 'ia1', 'ic1'] as const) {
    const value = numberOf(fields[key]);
    if (value !== undefined) body[key] = value;
  }
  return body;
};
