// The hall's papers (受理回执, 一次性告知书 …) and reports as the UI names and offers them.
// Rendering is Rust's (crates/hall-print); the bytes come back from the Tauri command
// `document` and are previewed with pdf.js (pdf.ts). Pure helpers, unit-tested.
import type { CasePaper } from './bindings/CasePaper'
import type { DocRequest } from './bindings/DocRequest'
import type { PaperOffer } from './bindings/PaperOffer'

export const PAPER_LABELS: Record<CasePaper, string> = {
  receipt: '受理回执',
  notice: '一次性告知书',
  refusal: '不予受理通知书',
  commitment: '容缺受理承诺书',
  delivery: '出件签收单',
  // The printed title depends on the item (不予许可 / 不予办理): Rust's `documents` carries it.
  decision: '不予许可（办理）决定书',
  deemed_withdrawn: '视为撤回通知书',
}

export function paperLabel(p: CasePaper): string {
  return PAPER_LABELS[p] ?? p
}

/**
 * The papers a workflow outcome produces, the one to hand over first at the head:
 * 受理 / 即办 → 受理回执; 容缺受理 → 承诺书 (signed by the applicant) and 受理回执;
 * 一次性告知 → 告知书; 不予受理 → 通知书; 出件 → 签收单. Other steps print nothing.
 */
export function papersForOutcome(outcome: string): CasePaper[] {
  switch (outcome) {
    case 'accept':
    case 'instant':
      return ['receipt']
    case 'accept_pending':
      return ['commitment', 'receipt']
    case 'notify_missing':
      return ['notice']
    case 'refuse':
      return ['refusal']
    case 'deliver':
      return ['delivery']
    case 'reject':
      return ['decision']
    case 'supplement_lapse':
      return ['deemed_withdrawn']
    default:
      return []
  }
}

/**
 * What to offer right after an outcome: its papers that the case can print now (Rust's
 * `documents`, with their titles), in the outcome's order. When Rust's list is absent (an older
 * reply), the outcome's papers as they are.
 */
export function offeredPapers(outcome: string, documents: readonly PaperOffer[] | null | undefined): PaperOffer[] {
  const wanted = papersForOutcome(outcome)
  if (!documents) return wanted.map((paper) => ({ paper, title: paperLabel(paper) }))
  return wanted.flatMap((p) => documents.filter((d) => d.paper === p))
}

/** The title of a document, as Rust titles it (the dialog's title). */
export function docTitle(req: DocRequest): string {
  switch (req.type) {
    case 'case':
      return `${paperLabel(req.paper)}（${req.number}）`
    case 'daily':
      return `每日服务台账（${req.date}）`
    case 'period':
      return `服务统计报告（${req.from} 至 ${req.to}）`
    case 'catalog_wall':
      return '政务服务事项公示'
    case 'duty_wall':
      return `${req.list}公示`
  }
  return '文书'
}

/** A stable key of a request (to tell whether the one shown is still the one asked for). */
export function docKey(req: DocRequest | null | undefined): string {
  if (!req) return ''
  switch (req.type) {
    case 'case':
      return `case:${req.number}:${req.paper}`
    case 'daily':
      return `daily:${req.date}`
    case 'period':
      return `period:${req.from}:${req.to}`
    case 'catalog_wall':
      return 'catalog_wall'
    case 'duty_wall':
      return `duty_wall:${req.list}`
  }
  return ''
}

/**
 * The PDF bytes from the `document` command: a raw IPC response arrives as an ArrayBuffer;
 * a JSON-serialised Vec<u8> (an older shell) as an array of numbers. Anything else: null.
 */
export function toPdfBytes(x: unknown): Uint8Array | null {
  if (x instanceof Uint8Array) return x
  if (x instanceof ArrayBuffer) return new Uint8Array(x)
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength)
  if (Array.isArray(x) && x.every((n) => typeof n === 'number')) return Uint8Array.from(x as number[])
  return null
}

/** Whether the bytes start like a PDF file (`%PDF-`). */
export function looksLikePdf(bytes: Uint8Array | null | undefined): boolean {
  if (!bytes || bytes.length < 5) return false
  return bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 && bytes[4] === 0x2d
}

/** `已取消保存` and the like: a save the user called off is news, not success. */
export function isCancelMessage(msg: string): boolean {
  return /取消/.test(msg)
}
