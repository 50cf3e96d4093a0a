import { describe, expect, it } from 'vitest'
import { countyUnitOptions } from '../useRecords'

describe('county department options', () => {
  it('keeps the county units only, by code', () => {
    const opts = countyUnitOptions([
      { code: 'mz', name: '民政办', level: 'township' },
      { code: 'x-sl', name: '县水利局', level: 'county' },
    ])
    expect(opts).toEqual([{ value: 'x-sl', label: '县水利局' }])
  })
})
