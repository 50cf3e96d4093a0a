// The one door to the Rust side: the Tauri command `call` takes a `Request` and resolves to a
// `Reply`, or rejects with a `HallError` whose Chinese message is shown to the user as is.
// The types come from src/bindings/ (generated from Rust by ts-rs; never edit them by hand).
import { invoke } from '@tauri-apps/api/core'
import type { Request } from './bindings/Request'
import type { Reply } from './bindings/Reply'
import type { HallError } from './bindings/HallError'

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
