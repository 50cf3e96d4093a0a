// The one door to the Rust side: the Tauri command `call` takes a `Request` and resolves to a
// `Reply`, or rejects with a `HallError` whose Chinese message is shown to the user as is.
// The types come from src/bindings/ (generated from Rust by ts-rs; never edit them by hand).
import { invoke } from '@tauri-apps/api/core'
import type { Request } from './bindings/Request'
import type { Reply } from './bindings/Reply'
import type { HallError } from './bindings/HallError'
import type { DocRequest } from './bindings/DocRequest'
import type { ExportFormat } from './bindings/ExportFormat'
import type { PublicList } from './bindings/PublicList'
import { looksLikePdf, toPdfBytes } from './documents'

export type ReplyType = Reply['type']

/** The payload of the reply of type `K` (`void` for replies without data, e.g. `done`). */
export type ReplyData<K extends ReplyType> =
  Extract<Reply, { type: K }> extends { data: infer D } ? D : void

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
 * Checks that a reply is of the expected type and returns its data; a mismatch (which would
 * be a bug on one side of the contract) is raised as an `internal` HallError.
 */
export function unwrapReply<K extends ReplyType>(reply: Reply, expect: K): ReplyData<K> {
  if (typeof reply !== 'object' || reply === null || reply.type !== expect) {
    const got =
      typeof reply === 'object' && reply !== null ? String((reply as { type?: unknown }).type) : String(reply)
    const err: HallError = {
      code: 'internal',
      message: `程序内部错误：应答类型不符（期望 ${expect}，收到 ${got}），请联系县信息中心。`,
    }
    throw err
  }
  return (reply as { data?: unknown }).data as ReplyData<K>
}

/** Sends one request to the hall and returns the data of the expected reply type. */
export async function call<K extends ReplyType>(request: Request, expect: K): Promise<ReplyData<K>> {
  const reply = await invoke<Reply>('call', { request })
  return unwrapReply(reply, expect)
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
