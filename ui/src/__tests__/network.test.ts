import { describe, expect, it } from 'vitest'
import type { HostStatus } from '../bindings/HostStatus'
import { groupedFingerprint, isOffline, statusAction } from '../network'

const status = (online: boolean, problem: HostStatus['problem']): HostStatus => ({
  online,
  problem,
  title: '',
  message: '',
  advice: '',
})

describe('isOffline', () => {
  it('greys the window out while the host cannot be reached or is not the pinned one', () => {
    expect(isOffline(status(false, 'unreachable'))).toBe(true)
    expect(isOffline(status(false, 'impostor'))).toBe(true)
  })

  it('does not for a host that answers, a lost session or a revoked desk (those leave the screen)', () => {
    expect(isOffline(status(true, null))).toBe(false)
    expect(isOffline(status(true, 'session_lost'))).toBe(false)
    expect(isOffline(status(false, 'revoked'))).toBe(false)
    expect(isOffline(null)).toBe(false)
  })
})

describe('statusAction', () => {
  it('sends a revoked desk back to the first-start choice', () => {
    expect(statusAction(status(false, 'revoked'), true)).toBe('welcome')
    expect(statusAction(status(false, 'revoked'), false)).toBe('welcome')
  })

  it('sends a signed-in user back to login when the host forgot the session', () => {
    expect(statusAction(status(true, 'session_lost'), true)).toBe('login')
    expect(statusAction(status(true, 'session_lost'), false)).toBe('none')
  })

  it('leaves the screen as it is while the host is away (the typed text stays)', () => {
    expect(statusAction(status(false, 'unreachable'), true)).toBe('none')
    expect(statusAction(status(true, null), true)).toBe('none')
  })
})

describe('groupedFingerprint', () => {
  it('groups the hex in fours for comparing aloud', () => {
    expect(groupedFingerprint('SHA256:0123456789abcdef')).toBe('SHA256: 0123 4567 89ab cdef')
    expect(groupedFingerprint('')).toBe('')
    expect(groupedFingerprint(null)).toBe('')
  })
})
