import { beforeEach, describe, expect, it, vi } from 'vitest'

// The test is of the helper, not of Rust: the Tauri bridge is replaced here only.
const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))

import { hallDate, hallToday } from '../hallToday'

beforeEach(() => {
  invoke.mockReset()
  hallDate.value = ''
})

describe('hallToday', () => {
  it("takes today from Rust's hall_info, for any role, and keeps it", async () => {
    const hall = { township_code: '231221102', township_name: '卫星镇', today: '2031-03-04' }
    invoke.mockResolvedValue({ type: 'hall_info', data: hall })
    expect(await hallToday()).toBe('2031-03-04')
    expect(invoke).toHaveBeenCalledWith('call', { request: { type: 'hall_info' }, requestId: expect.any(String) })
    expect(hallDate.value).toBe('2031-03-04')
  })

  it("never falls back to the computer's date", async () => {
    invoke.mockRejectedValue({ code: 'storage', message: '数据库不可用' })
    await expect(hallToday()).rejects.toEqual({ code: 'storage', message: '数据库不可用' })
    expect(hallDate.value).toBe('')
  })
})
