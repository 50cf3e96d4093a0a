import { describe, expect, it } from 'vitest'
import { isIdle, msUntilLock } from '../idle'

describe('idle lock', () => {
  const t0 = 1_000_000
  it('never locks with 0 minutes', () => {
    expect(isIdle(t0, t0 + 10 * 3_600_000, 0)).toBe(false)
    expect(isIdle(t0, t0 + 10 * 3_600_000, null)).toBe(false)
    expect(msUntilLock(t0, t0, 0)).toBeNull()
  })
  it('locks once the minutes have passed', () => {
    expect(isIdle(t0, t0 + 5 * 60_000 - 1, 5)).toBe(false)
    expect(isIdle(t0, t0 + 5 * 60_000, 5)).toBe(true)
    expect(msUntilLock(t0, t0 + 60_000, 5)).toBe(4 * 60_000)
    expect(msUntilLock(t0, t0 + 6 * 60_000, 5)).toBe(0)
  })
})
