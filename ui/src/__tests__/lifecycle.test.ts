import { describe, expect, it } from 'vitest'
import type { LifecycleTable } from '../bindings/LifecycleTable'
import type { StateInfo } from '../bindings/StateInfo'
import { findState, stateLabel, stateTagEffect, stateTagType } from '../lifecycle'

const st = (p: Partial<StateInfo> & Pick<StateInfo, 'state' | 'label'>): StateInfo => ({
  key: p.state,
  exchange_code: null,
  clock: 'not_started',
  ready_for_pickup: false,
  closed: false,
  ...p,
})

// A table shaped like the one Rust sends (request `lifecycle`).
const table: LifecycleTable = {
  states: [
    st({ state: 'logged', label: '已接件', exchange_code: 1 }),
    st({ state: 'accepted', label: '已受理', exchange_code: 3, clock: 'running' }),
    st({ state: 'supplement', label: '补正中', exchange_code: 6, clock: 'stopped' }),
    st({ state: 'approved', label: '办结（通过）', exchange_code: 11, clock: 'ended', ready_for_pickup: true }),
    st({ state: 'delivered', label: '已出件', clock: 'ended', closed: true }),
  ],
  actions: [],
  transitions: [],
}

describe('state tags from the lifecycle table', () => {
  it('colours by clock and pickup', () => {
    expect(stateTagType(findState(table, 'logged'))).toBe('info')
    expect(stateTagType(findState(table, 'accepted'))).toBe('primary')
    expect(stateTagType(findState(table, 'supplement'))).toBe('warning')
    expect(stateTagType(findState(table, 'approved'))).toBe('success')
    expect(stateTagType(findState(table, 'delivered'))).toBe('info')
    expect(stateTagType(undefined)).toBe('info')
  })
  it('draws closed states plain', () => {
    expect(stateTagEffect(findState(table, 'delivered'))).toBe('plain')
    expect(stateTagEffect(findState(table, 'accepted'))).toBe('light')
  })
  it('labels states from the table, with fallbacks', () => {
    expect(stateLabel(table, 'supplement')).toBe('补正中')
    expect(stateLabel(null, 'processing', '办理中')).toBe('办理中')
    // A state the loaded table lacks is named from the generated vocabulary.
    expect(stateLabel(table, 'processing')).toBe('办理中')
    expect(stateLabel(table, null)).toBe('')
  })
})
