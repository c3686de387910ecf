import { fieldIssuesOf, nightDate, relayRequest, type FieldIssue, type RelayRequest } from '@roadwatch/contracts';
import { chinaDateOf, DAY_MS } from '@roadwatch/domain';
import type { Built } from '../cases/case-workflow';

/**
 * The 接驳运输 registration view's pure parts (RULES.md §3): which night "tonight" is, the
 * list's default range, and the request built from the form, checked against the contract
 * before it is sent.
 */

/** The list shows tonight and this many nights after it. */
export const DEFAULT_RELAY_NIGHTS_AHEAD = 7;

/** When the 02:00–05:00 window closes, local time: until then, the night of today's date is still to come or running. */
const NIGHT_ENDS_H = 5;

/**
 * The night a relay would be registered for now: the night of date D runs 02:00–05:00 on D
 * (GMT+8), so until 05:00 it is today's date, after that tomorrow's.
 */
export const tonightOf = (nowMs: number): string => chinaDateOf(nowMs + (24 - NIGHT_ENDS_H) * 3_600_000);

/** A date `days` calendar days after `date` (YYYY-MM-DD). */
export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The list's default range: tonight and the next seven nights. */
export const defaultRelayRange = (nowMs: number): { fromDate: string; toDate: string } => {
  const tonight = tonightOf(nowMs);
  return { fromDate: tonight, toDate: addDays(tonight, DEFAULT_RELAY_NIGHTS_AHEAD) };
};

export type RelayRange = { ok: true; fromDate: string; toDate: string } | { ok: false; error: 'invalid' | 'order' };

/** The list's range as the API will read it: real dates (the contract's), the last not before the first. */
export const relayRangeOf = (fromDate: string, toDate: string): RelayRange => {
  if (!nightDate.safeParse(fromDate).success || !nightDate.safeParse(toDate).success) return { ok: false, error: 'invalid' };
  return toDate < fromDate ? { ok: false, error: 'order' } : { ok: true, fromDate, toDate };
};

/** What the registration form holds, as typed. */
export interface RelayForm {
  vehicleId: string;
  nightDate: string;
  relayPoint: string;
  handingOverDriver: string;
  takingOverDriver: string;
  latitudeDeg: string;
  longitudeDeg: string;
}

export type RelayField = keyof RelayForm;
export const RELAY_FIELDS: readonly RelayField[] = [
  'vehicleId',
  'nightDate',
  'relayPoint',
  'handingOverDriver',
  'takingOverDriver',
  'latitudeDeg',
  'longitudeDeg',
];

/** An empty coordinate is left out; anything else typed goes to the contract as a number (NaN is refused there, by field). */
const coordinate = (typed: string): number | undefined => (typed.trim() === '' ? undefined : Number(typed.trim()));

/** The request body from the form, or the contract's issues by form field. */
export const relayRequestOf = (form: RelayForm): Built<RelayRequest, FieldIssue> => {
  const lat = coordinate(form.latitudeDeg);
  const lon = coordinate(form.longitudeDeg);
  const parsed = relayRequest.safeParse({
    vehicleId: form.vehicleId,
    nightDate: form.nightDate,
    relayPoint: form.relayPoint,
    handingOverDriver: form.handingOverDriver,
    takingOverDriver: form.takingOverDriver,
    ...(lat !== undefined ? { latitudeDeg: lat } : {}),
    ...(lon !== undefined ? { longitudeDeg: lon } : {}),
  });
  return parsed.success ? { ok: true, request: parsed.data } : { ok: false, issues: fieldIssuesOf(parsed.error) };
};

/**
 * The form field an issue is about: the contract names them as the form does, the API
 * prefixes `body.`. Undefined for an issue about no one field (shown above the button).
 */
export const relayFieldOf = (issue: FieldIssue): RelayField | undefined => {
  const name = issue.field.replace(/^body\./, '');
  return (RELAY_FIELDS as readonly string[]).includes(name) ? (name as RelayField) : undefined;
};

export type RelayIssueKey = 'relay.issueRequired' | 'relay.issueSameDriver' | 'relay.issueBothCoordinates' | 'relay.issueCoordinate' | 'relay.issueDate';

/**
 * A contract issue in the user's words (a message key), from what the form holds; undefined
 * when the page has no words for it and the contract's own are shown.
 */
export const relayIssueKeyOf = (field: RelayField, form: RelayForm): RelayIssueKey | undefined => {
  const empty = (f: RelayField) => form[f].trim() === '';
  if (field === 'latitudeDeg' || field === 'longitudeDeg') {
    // The pair's refinement lands on longitudeDeg whichever of the two is missing.
    if (empty('latitudeDeg') !== empty('longitudeDeg')) return 'relay.issueBothCoordinates';
    return 'relay.issueCoordinate';
  }
  if (empty(field)) return 'relay.issueRequired';
  if (field === 'takingOverDriver' && form.takingOverDriver.trim() === form.handingOverDriver.trim()) return 'relay.issueSameDriver';
  if (field === 'nightDate') return 'relay.issueDate';
  return undefined;
};
