import { beforeEach, describe, expect, it, vi } from 'vitest'

// The test is of the helper, not of Rust: the Tauri bridge is replaced here only.
const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))

import { call, errorMessage, fetchDocument, GENERIC_ERROR, isHallError, printDocument, saveDocument, unwrapReply } from '../api'
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
    expect(invoke).toHaveBeenCalledWith('call', { request: { type: 'search_cases', text: '张' } })
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
