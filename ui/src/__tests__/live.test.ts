import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HallChange } from '../bindings/HallChange'
import { coalesce, concernsCase, createHub, RELOAD_DELAY_MS } from '../live'

const change = (kind: string, number: string | null = null): HallChange => ({ seq: 1, kind, number })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('coalesce', () => {
  it('reloads once, shortly after the last of a burst of changes', () => {
    const reload = vi.fn()
    const take = coalesce(reload)
    take(change('intake', '1'))
    vi.advanceTimersByTime(RELOAD_DELAY_MS - 50)
    take(change('act', '1'))
    vi.advanceTimersByTime(RELOAD_DELAY_MS - 50)
    expect(reload).not.toHaveBeenCalled()
    vi.advanceTimersByTime(60)
    expect(reload).toHaveBeenCalledTimes(1)
  })

  it('reloads within the second the issue allows', () => {
    expect(RELOAD_DELAY_MS).toBeLessThanOrEqual(300)
  })

  it('ignores changes that do not concern the screen, and a cancelled reload never runs', () => {
    const reload = vi.fn()
    const take = coalesce(reload, 100, concernsCase('A-1'))
    take(change('act', 'B-2'))
    vi.advanceTimersByTime(200)
    expect(reload).not.toHaveBeenCalled()
    take(change('act', 'A-1'))
    take.cancel()
    vi.advanceTimersByTime(200)
    expect(reload).not.toHaveBeenCalled()
  })
})

describe('concernsCase', () => {
  it('takes the case’s own changes, changes without a case, and the catch-up after a reconnection', () => {
    const mine = concernsCase('20310304-0001')
    expect(mine(change('act', '20310304-0001'))).toBe(true)
    expect(mine(change('rate'))).toBe(true)
    expect(mine({ seq: 9, kind: 'changed', number: null })).toBe(true)
    expect(mine(change('intake', '20310304-0002'))).toBe(false)
  })
})

describe('createHub', () => {
  it('hands each change to every open screen until it unsubscribes', () => {
    const hub = createHub()
    const a = vi.fn()
    const b = vi.fn()
    const offA = hub.subscribe(a)
    hub.subscribe(b)
    hub.publish(change('intake', '1'))
    offA()
    hub.publish(change('act', '1'))
    expect(a).toHaveBeenCalledTimes(1)
    expect(b).toHaveBeenCalledTimes(2)
    expect(hub.size).toBe(1)
  })
})
