import { beforeEach, describe, expect, it, vi } from 'vitest'

// The test is of the helper, not of Rust: the Tauri bridge is replaced here only.
const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))

import {
  call,
  errorMessage,
  fetchDocument,
  GENERIC_ERROR,
  isHallError,
  isUnconfirmed,
  newRequestId,
  printDocument,
  saveDocument,
  sendConfirmed,
  setRetryAsker,
  unwrapReply,
} from '../api'
import type { CaseSummary } from '../bindings/CaseSummary'
import { REPLY_TYPES } from '../bindings/requestCatalogue'

beforeEach(() => {
  invoke.mockReset()
})

describe('errorMessage', () => {
  it('returns a HallError message as is', () => {
    expect(errorMessage({ code: 'auth', message: '用户名或密码错误' })).toBe('用户名或密码错误')
    expect(errorMessage({ code: 'auth', message: '账号已锁定，请 15 分钟后再试' })).toBe('账号已锁定，请 15 分钟后再试')
  })

  it('gives a generic Chinese message for anything else', () => {
    expect(errorMessage(undefined)).toBe(GENERIC_ERROR)
    expect(errorMessage(null)).toBe(GENERIC_ERROR)
    expect(errorMessage(42)).toBe(GENERIC_ERROR)
    expect(errorMessage({ message: 'no code' })).toBe(GENERIC_ERROR) // not a HallError
    expect(errorMessage('command call not found')).toBe(`${GENERIC_ERROR}（command call not found）`)
    expect(errorMessage(new TypeError('x is undefined'))).toBe(`${GENERIC_ERROR}（x is undefined）`)
    expect(GENERIC_ERROR).toMatch(/[\u4e00-\u9fff]/)
  })

  it('does not show an empty HallError message', () => {
    expect(errorMessage({ code: 'internal', message: '  ' })).toBe(GENERIC_ERROR)
  })

  it('recognises HallErrors', () => {
    expect(isHallError({ code: 'not_found', message: '未找到办件' })).toBe(true)
    expect(isHallError('未找到办件')).toBe(false)
    expect(isHallError({ code: 1, message: 'x' })).toBe(false)
  })
})

describe('unwrapReply', () => {
  it('returns the data of a reply the catalogue allows for the request', () => {
    const hall = { township_code: '231221102', township_name: '卫星镇', today: '2026-11-20' }
    expect(unwrapReply('hall_info', { type: 'hall_info', data: hall })).toEqual(hall)
    expect(unwrapReply('logout', { type: 'session', data: null })).toBeNull()
    expect(unwrapReply('search_cases', { type: 'cases', data: [] })).toEqual([])
  })

  it('raises an internal HallError on a reply of another type', () => {
    let caught: unknown
    try {
      unwrapReply('case_detail', { type: 'cases', data: [] })
    } catch (e) {
      caught = e
    }
    expect(isHallError(caught)).toBe(true)
    expect((caught as { code: string }).code).toBe('internal')
    expect(errorMessage(caught)).toContain('应答类型不符')
    expect(errorMessage(caught)).toContain('期望 case，收到 cases')
  })

  it('allows nothing for a request type the catalogue does not know', () => {
    const stale = 'no_such_request' as unknown as 'whoami'
    expect(() => unwrapReply(stale, { type: 'session', data: null })).toThrow()
  })
})

describe('the request catalogue', () => {
  it('names the reply types of every request, as Rust generated them', () => {
    expect(REPLY_TYPES.login).toEqual(['session'])
    expect(REPLY_TYPES.calendar_import).toEqual(['calendar_years'])
    expect(Object.values(REPLY_TYPES).every((r) => r.length > 0)).toBe(true)
  })
})

describe('call', () => {
  it('invokes the one command `call` with the request and returns the data', async () => {
    invoke.mockResolvedValue({ type: 'cases', data: [] })
    const rows = await call({ type: 'search_cases', text: '张' })
    // The reply's type is inferred from the request's: CaseSummary[].
    const numbers: string[] = rows.map((r) => r.number)
    expect(numbers).toEqual([])
    expect(invoke).toHaveBeenCalledWith('call', {
      request: { type: 'search_cases', text: '张' },
      requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    })
  })

  it('gives every call its own request id', async () => {
    invoke.mockResolvedValue({ type: 'cases', data: [] })
    await call({ type: 'ready_list' })
    await call({ type: 'ready_list' })
    const ids = invoke.mock.calls.map((c) => (c[1] as { requestId: string }).requestId)
    expect(new Set(ids).size).toBe(2)
  })

  it('sends an unconfirmed write again with the same id when the user asks (重试), and answers as if once', async () => {
    const unconfirmed = { code: 'unreachable', message: '未确认：大厅主机无法连接。主机恢复后请点“重试”（不会重复办理）' }
    invoke.mockRejectedValueOnce(unconfirmed).mockResolvedValueOnce({ type: 'session', data: null })
    const asked: string[] = []
    setRetryAsker(async (e) => {
      asked.push(e.message)
      return true
    })
    try {
      await call({ type: 'logout' })
    } finally {
      setRetryAsker(async () => false)
    }
    expect(asked).toHaveLength(1)
    const ids = invoke.mock.calls.map((c) => (c[1] as { requestId: string }).requestId)
    expect(ids).toHaveLength(2)
    expect(ids[0]).toBe(ids[1])
  })

  it('types the result by the request (vue-tsc checks this test too)', async () => {
    invoke.mockResolvedValue({ type: 'session', data: null })
    const user = await call({ type: 'whoami' })
    // @ts-expect-error a session is not a list of cases
    const cases: CaseSummary[] = user
    expect(cases).toBeNull()
  })

  it('rejects with the HallError from Rust, whose message is shown as is', async () => {
    invoke.mockRejectedValue({ code: 'auth', message: '用户名或密码错误' })
    const err = await call({ type: 'login', username: 'x', password: 'y' }).catch((e: unknown) => e)
    expect(errorMessage(err)).toBe('用户名或密码错误')
  })

  it('rejects when the reply type is not one the request may answer with', async () => {
    invoke.mockResolvedValue({ type: 'done' })
    await expect(call({ type: 'whoami' })).rejects.toMatchObject({ code: 'internal' })
  })
})

describe('documents', () => {
  const req = { type: 'case' as const, number: '231221102-20261120-0001', paper: 'receipt' as const }

  it('fetches the PDF bytes of a document from the `document` command', async () => {
    invoke.mockResolvedValueOnce(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]).buffer)
    const bytes = await fetchDocument(req)
    expect(invoke).toHaveBeenCalledWith('document', { request: req })
    expect(bytes.length).toBe(6)
  })

  it('refuses bytes that are not a PDF with a Chinese HallError', async () => {
    invoke.mockResolvedValueOnce(new Uint8Array([1, 2, 3]).buffer)
    await expect(fetchDocument(req)).rejects.toMatchObject({ code: 'internal' })
  })

  it('prints and saves through their own commands (Rust asks where to save)', async () => {
    invoke.mockResolvedValueOnce('已发送到打印机')
    expect(await printDocument(req)).toBe('已发送到打印机')
    expect(invoke).toHaveBeenLastCalledWith('print_document', { request: req })
    invoke.mockResolvedValueOnce('已取消保存')
    expect(await saveDocument(req)).toBe('已取消保存')
    expect(invoke).toHaveBeenLastCalledWith('save_document', { request: req, path: null })
  })
})

describe('an unconfirmed write given up on', () => {
  it('is sent with the same id when the very same request comes again, and only until it is answered', async () => {
    const unconfirmed = { code: 'unreachable', message: '未确认：连接中断' }
    const req = { type: 'supply_materials' as const, number: '20310304-0001', names: ['户口簿'] }
    invoke.mockRejectedValueOnce(unconfirmed)
    await expect(call(req)).rejects.toBe(unconfirmed)
    invoke.mockResolvedValueOnce({ type: 'cases', data: [] })
    await call({ type: 'ready_list' })
    invoke.mockResolvedValueOnce({ type: 'case', data: {} }).mockResolvedValueOnce({ type: 'case', data: {} })
    await call(req)
    await call(req)
    const ids = invoke.mock.calls.map((c) => (c[1] as { requestId: string }).requestId)
    expect(ids[2]).toBe(ids[0])
    expect(ids[1]).not.toBe(ids[0])
    expect(ids[3]).not.toBe(ids[0])
  })
})

describe('sendConfirmed', () => {
  const unconfirmed = { code: 'unreachable', message: '未确认：连接中断' }

  it('tells an unconfirmed write from a plain unreachable host and from other errors', () => {
    expect(isUnconfirmed(unconfirmed)).toBe(true)
    expect(isUnconfirmed({ code: 'unreachable', message: '大厅主机无法连接' })).toBe(false)
    expect(isUnconfirmed({ code: 'invalid', message: '未确认' })).toBe(false)
  })

  it('gives up with the error when the user cancels, and never asks about other errors', async () => {
    const ask = vi.fn(async () => false)
    await expect(sendConfirmed(() => Promise.reject(unconfirmed), ask)).rejects.toBe(unconfirmed)
    expect(ask).toHaveBeenCalledTimes(1)
    const other = { code: 'invalid', message: '请填写申请人姓名' }
    await expect(sendConfirmed(() => Promise.reject(other), ask)).rejects.toBe(other)
    expect(ask).toHaveBeenCalledTimes(1)
  })

  it('asks again as long as the write stays unconfirmed', async () => {
    let n = 0
    const send = () => (++n < 3 ? Promise.reject(unconfirmed) : Promise.resolve('ok'))
    const ask = vi.fn(async () => true)
    await expect(sendConfirmed(send, ask)).resolves.toBe('ok')
    expect(ask).toHaveBeenCalledTimes(2)
  })

  it('makes distinct version-4 request ids', () => {
    const a = newRequestId()
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newRequestId()).not.toBe(a)
  })
})
