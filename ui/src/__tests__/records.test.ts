import { describe, expect, it } from 'vitest'
import { LIST_TABS, listTab, maskPhone, sideTagType, URGENCY_OPTIONS } from '../records'

describe('records', () => {
  it('finds a list tab by key and falls back to the first', () => {
    expect(listTab('duty').list).toBe('职责清单')
    expect(listTab('service').list).toBeNull()
    expect(listTab('nonsense').key).toBe('power')
    expect(LIST_TABS.map((t) => t.key)).toEqual(['power', 'responsibility', 'duty', 'service'])
  })
  it('masks phones in lists', () => {
    expect(maskPhone('13800001111')).toBe('138****1111')
    expect(maskPhone('12345')).toBe('12345')
    expect(maskPhone(null)).toBe('')
  })
  it('colours the side and knows the answer days', () => {
    expect(sideTagType('乡镇主责')).toBe('success')
    expect(sideTagType('县级部门')).toBe('info')
    expect(URGENCY_OPTIONS.map((u) => u.days)).toEqual([5, 2, 1])
  })
})
