import { describe, expect, it } from 'vitest'
import type { CaseSummary } from '../bindings/CaseSummary'
import { filterCases, searchRequest } from '../caseQuery'
import { debounce } from '../debounce'
import { vi } from 'vitest'

const row = (p: Partial<CaseSummary>): CaseSummary => ({
  number: '231221102-20260302-0001',
  item_code: 'X',
  item_name: '最低生活保障申请',
  applicant_name: '张三',
  applicant_id_masked: '2301**********8519',
  state: 'processing',
  state_label: '办理中',
  unit: 'T-SHSW',
  unit_name: '社会事务办公室',
  logged_at: '2026-03-02 09:15:00',
  accepted_on: '2026-03-02',
  due_date: '2026-03-30',
  urgency: 'normal',
  ...p,
})

describe('case queries', () => {
  it('searches by text, lists by filters otherwise', () => {
    expect(searchRequest({ text: ' 张三 ', state: 'processing', date: null })).toEqual({ type: 'search_cases', text: '张三' })
    expect(searchRequest({ text: '', state: 'processing', date: '2026-03-02' })).toEqual({
      type: 'list_cases',
      state: 'processing',
      date: '2026-03-02',
      limit: 200,
    })
    expect(searchRequest({ text: '  ', state: null, date: null })).toEqual({ type: 'list_cases', state: null, date: null, limit: 200 })
  })

  it('narrows text results by state and logging date', () => {
    const rows = [row({}), row({ number: 'b', state: 'accepted' }), row({ number: 'c', logged_at: '2026-03-03 10:00:00' })]
    expect(filterCases(rows, { text: '张', state: 'processing', date: null }).map((r) => r.number)).toEqual([
      '231221102-20260302-0001',
      'c',
    ])
    expect(filterCases(rows, { text: '张', state: null, date: '2026-03-03' }).map((r) => r.number)).toEqual(['c'])
    expect(filterCases(rows, { text: '', state: 'accepted', date: null })).toHaveLength(3) // list_cases filtered already
  })
})

describe('debounce', () => {
  it('calls once after the input is quiet', () => {
    vi.useFakeTimers()
    const fn = vi.fn()
    const d = debounce(fn, 250)
    d('a')
    d('ab')
    vi.advanceTimersByTime(200)
    d('abc')
    vi.advanceTimersByTime(249)
    expect(fn).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(fn).toHaveBeenCalledTimes(1)
    expect(fn).toHaveBeenCalledWith('abc')
    d('x')
    d.cancel()
    vi.advanceTimersByTime(1000)
    expect(fn).toHaveBeenCalledTimes(1)
    vi.useRealTimers()
  })
})
