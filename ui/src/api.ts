// The one door to the Rust side: the Tauri command `call` takes a `Request` and resolves to a
// `Reply`, or rejects with a `HallError` whose Chinese message is shown to the user as is.
// The types come from src/bindings/ (generated from Rust by ts-rs; never edit them by hand), and
// so does the reply each request answers with (bindings/requestCatalogue.ts, from the Rust
// request catalogue): `call(request)` infers its result from `request.type`.
import { invoke } from '@tauri-apps/api/core'
import type { Request } from './bindings/Request'
import type { Reply } from './bindings/Reply'
import type { HallError } from './bindings/HallError'
import type { DocRequest } from './bindings/DocRequest'
import type { ExportFormat } from './bindings/ExportFormat'
import type { PublicList } from './bindings/PublicList'
import { REPLY_TYPES, type ReplyTypeOf } from './bindings/requestCatalogue'
import { looksLikePdf, toPdfBytes } from './documents'

export type ReplyType = Reply['type']
export type RequestType = Request['type']

/** The payload of the reply of type `K` (`void` for replies without data, e.g. `done`); for a
 *  union of types, the union of their payloads. */
export type ReplyData<K extends ReplyType> = K extends ReplyType
  ? Extract<Reply, { type: K }> extends { data: infer D }
    ? D
    : void
  : never

/** What a request of type `T` resolves with: the data of the reply the Rust catalogue names
 *  for it (bindings/requestCatalogue.ts). */
export type ReplyOf<T extends RequestType> = ReplyData<ReplyTypeOf[T]>

/** Shown when something other than a HallError goes wrong (a bug, or no Tauri runtime). */
export const GENERIC_ERROR = '操作未完成：程序出现意外错误，请重试；如仍有问题请联系县信息中心。'

export function isHallError(e: unknown): e is HallError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  )
}

/**
 * The message to show for a failed call: the HallError's own (Chinese) message, or a generic
 * Chinese message for anything else, with the technical detail in brackets for support staff.
 */
export function errorMessage(e: unknown): string {
  if (isHallError(e) && e.message.trim() !== '') {
    return e.message
  }
  let detail = ''
  if (typeof e === 'string') {
    detail = e
  } else if (e instanceof Error) {
    detail = e.message
  }
  detail = detail.trim()
  return detail ? `${GENERIC_ERROR}（${detail}）` : GENERIC_ERROR
}

/**
 * Checks that a reply is one the catalogue allows for a request of type `type` and returns its
 * data; anything else (which would be a bug on one side of the contract) is raised as an
 * `internal` HallError.
 */
export function unwrapReply<T extends RequestType>(type: T, reply: Reply): ReplyOf<T> {
  // A request type the catalogue does not know (a stale window) allows nothing.
  const allowed: readonly string[] = REPLY_TYPES[type] ?? []
  const got =
    typeof reply === 'object' && reply !== null ? String((reply as { type?: unknown }).type) : String(reply)
  if (!allowed.includes(got)) {
    const err: HallError = {
      code: 'internal',
      message: `程序内部错误：应答类型不符（期望 ${allowed.join(' 或 ') || '—'}，收到 ${got}），请联系县信息中心。`,
    }
    throw err
  }
  return (reply as { data?: unknown }).data as ReplyOf<T>
}

// ---- Never doubled -----------------------------------------------------------------------------
// Every call carries a request id, one per thing the user asked for. Rust decides whether the
// request writes and, at a desk, sends the id with it: the host does a write once however often
// the id comes. A write the desk could not get confirmed (the host went away) fails with
// 未确认; the user may then 重试 — the same request with the same id, so never done twice —
// and the screen that asked gets the answer as if nothing had happened.

/** A random (v4) UUID, from the platform's cryptographic generator. */
export function newRequestId(): string {
  const b = new Uint8Array(16)
  crypto.getRandomValues(b)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** A write that may or may not have been done at the host (the desk lost the answer). */
export function isUnconfirmed(e: unknown): e is HallError {
  return isHallError(e) && e.code === 'unreachable' && e.message.startsWith('未确认')
}

/** Asks the user whether to send an unconfirmed write again (true: 重试). */
export type RetryAsker = (e: HallError) => Promise<boolean>
let askRetry: RetryAsker = async () => false

/** The window's 重试 dialog (set once in main.ts; tests leave the default, which gives up). */
export function setRetryAsker(ask: RetryAsker): void {
  askRetry = ask
}

/** Sends until it is answered, or until the user gives up on an unconfirmed write. */
export async function sendConfirmed<T>(send: () => Promise<T>, ask: RetryAsker = askRetry): Promise<T> {
  for (;;) {
    try {
      return await send()
    } catch (e) {
      if (!isUnconfirmed(e) || !(await ask(e))) throw e
    }
  }
}

/**
 * The write left 未确认 when the user chose 取消: the very same request sent again later (the
 * clerk presses 受理 once more) takes its id again, so that it is still done only once.
 */
let unconfirmed: { key: string; id: string } | null = null

/** The id for a request: the unconfirmed one's if it is the same request, else a new one. */
export function requestIdFor(request: Request): string {
  const key = JSON.stringify(request)
  return unconfirmed?.key === key ? unconfirmed.id : newRequestId()
}

/** Sends one request to the hall and returns the data of its reply, typed by the request. */
export async function call<R extends Request>(request: R): Promise<ReplyOf<R['type']>> {
  const requestId = requestIdFor(request)
  let reply: Reply
  try {
    reply = await sendConfirmed(() => invoke<Reply>('call', { request, requestId }))
  } catch (e) {
    if (isUnconfirmed(e)) unconfirmed = { key: JSON.stringify(request), id: requestId }
    throw e
  }
  if (unconfirmed?.id === requestId) unconfirmed = null
  return unwrapReply<R['type']>(request.type, reply)
}

// ---- Documents (PDF) -------------------------------------------------------------------------
// Three Tauri commands besides `call`, all taking a DocRequest and rejecting with a HallError:
// `document` (the PDF bytes, a raw binary response), `print_document` (sends it to the printer,
// resolves with a Chinese message) and `save_document` (Rust's native save dialog; resolves with
// “已保存到 …” or “已取消保存”).

/** The PDF bytes of a document. */
export async function fetchDocument(request: DocRequest): Promise<Uint8Array> {
  const raw = await invoke<unknown>('document', { request })
  const bytes = toPdfBytes(raw)
  if (!bytes || !looksLikePdf(bytes)) {
    const err: HallError = {
      code: 'internal',
      message: '程序内部错误：生成的文书不是 PDF 文件，请重试；如仍有问题请联系县信息中心。',
    }
    throw err
  }
  return bytes
}

/** Sends the document to the printer; resolves with Rust's Chinese message (e.g. 已发送到打印机). */
export function printDocument(request: DocRequest): Promise<string> {
  return invoke<string>('print_document', { request })
}

/** Asks where to save (native dialog, in Rust) and writes the PDF; resolves with Rust's message. */
export function saveDocument(request: DocRequest): Promise<string> {
  return invoke<string>('save_document', { request, path: null })
}

// ---- Exports (政务公开) ------------------------------------------------------------------------
// `save_export` writes one list for the township's web page through Rust's save dialog and
// resolves with a Chinese status (“已保存到 …” / “已取消保存”).
export function saveExport(list: PublicList, format: ExportFormat): Promise<string> {
  return invoke<string>('save_export', { list, format })
}

/** The system's open dialog for a backup file (从备份恢复); `null` when cancelled. */
export function pickBackupFile(): Promise<string | null> {
  return invoke<string | null>('pick_backup_file')
}
