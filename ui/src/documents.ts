// The hall's papers (受理回执, 一次性告知书 …) and reports as the UI names and offers them.
// Rendering is Rust's (crates/hall-print); the bytes come back from the Tauri command
// `document` and are previewed with pdf.js (pdf.ts). Pure helpers, unit-tested.
import type { CasePaper } from './bindings/CasePaper'
import type { DocRequest } from './bindings/DocRequest'
import type { PaperOffer } from './bindings/PaperOffer'
import { WORDS } from './words'

/** The papers' names, as Rust names them (the vocabulary). */
export const PAPER_LABELS: Record<CasePaper, string> = Object.fromEntries(
  WORDS.papers.map((w) => [w.value, w.label]),
) as Record<CasePaper, string>

/** The order the papers arise in a case's life (as Rust lists `documents`). */
export const PAPER_ORDER: readonly CasePaper[] = WORDS.papers.map((w) => w.value)

export function paperLabel(p: CasePaper): string {
  return PAPER_LABELS[p] ?? p
}

/**
 * The papers a workflow outcome (an intake outcome or an action) produces, the one to hand over
 * first at the head, as the vocabulary's `step_papers` lists them. Other steps print nothing.
 */
export function papersForOutcome(outcome: string): CasePaper[] {
  return [...(WORDS.step_papers.find((s) => s.step === outcome)?.papers ?? [])]
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
    case 'recovery_sheet':
      return '数据恢复凭证'
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
    case 'recovery_sheet':
      return 'recovery_sheet'
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
