import { INSPECTION_WINDOW_MINUTES, sendInspectionRequest, type InspectionItem, type SendInspectionRequest } from '@roadwatch/contracts';

/**
 * 查岗 on screen (RULES §9): the countdown of the answer window, judged on the server's clock
 * (a company PC whose clock runs wrong must not show a wrong deadline), the compose form's body
 * checked against the contract, and which 查岗 still wait for the company's answer.
 */

/** Server clock minus this browser's, from an item the server stamped with its `serverNowMs`. */
export const clockOffsetMsOf = (item: Pick<InspectionItem, 'serverNowMs'>, receivedAtLocalMs: number): number => item.serverNowMs - receivedAtLocalMs;

/**
 * What is left of the window as `MM:SS` (hours as `H:MM:SS`), rounded up to the second so
 * `00:00` shows only once the end has passed; `null` once it has (an answer then is late).
 */
export const countdownOf = (windowEndsAtMs: number, serverNowMs: number): string | null => {
  const leftMs = windowEndsAtMs - serverNowMs;
  if (leftMs < 0) return null;
  const totalS = Math.ceil(leftMs / 1_000);
  const hours = Math.floor(totalS / 3_600);
  const mm = String(Math.floor((totalS % 3_600) / 60)).padStart(2, '0');
  const ss = String(totalS % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
};

export interface ComposeForm {
  question: string;
  windowMinutes: string;
  addressing: 'companies' | 'all';
  companyIds: readonly string[];
}

export type ComposeField = 'question' | 'windowMinutes' | 'companyIds';

/** The request the form makes, or the fields the contract refuses (named as the API would: no `body.`). */
export const sendRequestOf = (form: ComposeForm): { ok: true; request: SendInspectionRequest } | { ok: false; fields: ComposeField[] } => {
  const minutes = form.windowMinutes.trim() === '' ? INSPECTION_WINDOW_MINUTES.default : Number(form.windowMinutes);
  const parsed = sendInspectionRequest.safeParse({
    question: form.question,
    addressing: form.addressing,
    windowMinutes: minutes,
    ...(form.addressing === 'companies' ? { companyIds: [...form.companyIds] } : {}),
  });
  if (parsed.success) return { ok: true, request: parsed.data };
  const fields = new Set<ComposeField>();
  for (const issue of parsed.error.issues) {
    const head = String(issue.path[0] ?? '');
    if (head === 'question' || head === 'windowMinutes' || head === 'companyIds') fields.add(head);
  }
  return { ok: false, fields: [...fields].sort() };
};

/** The company's own 查岗 still unanswered, oldest window end first: what the prompt asks (open ones before late ones). */
export const awaitingAnswer = (items: readonly InspectionItem[], companyId: string): InspectionItem[] =>
  items
    .filter((i) => i.recipients.some((r) => r.companyId === companyId && r.answeredAtMs === undefined))
    .sort((a, b) => ownRow(a, companyId)!.windowEndsAtMs - ownRow(b, companyId)!.windowEndsAtMs || a.inspectionId.localeCompare(b.inspectionId));

/** The company's own row of a 查岗 (a company user only ever gets its own). */
export const ownRow = (item: InspectionItem, companyId: string): InspectionItem['recipients'][number] | undefined =>
  item.recipients.find((r) => r.companyId === companyId);

/**
 * What the company's prompt still asks, first the window that ends first: 查岗 arrive live and
 * from lists read at sign-in or on reconnecting; one answered (here or on another screen) is never
 * asked again, even when a list read before the answer still shows it open.
 */
export class InspectionAsks {
  private items: InspectionItem[] = [];
  private readonly answered = new Set<string>();

  constructor(private readonly companyId: string) {}

  /** Adds or refreshes a 查岗; false when it is not (or no longer) asked. */
  add(item: InspectionItem): boolean {
    if (this.answered.has(item.inspectionId)) return false;
    this.items = awaitingAnswer([...this.items.filter((q) => q.inspectionId !== item.inspectionId), item], this.companyId);
    return this.items.some((q) => q.inspectionId === item.inspectionId);
  }

  markAnswered(inspectionId: string): void {
    this.answered.add(inspectionId);
    this.items = this.items.filter((q) => q.inspectionId !== inspectionId);
  }

  get first(): InspectionItem | undefined {
    return this.items[0];
  }
}
