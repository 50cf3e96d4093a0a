import { describe, expect, it } from 'vitest'
import type { CaseMaterial } from '../bindings/CaseMaterial'
import type { Material } from '../bindings/Material'
import type { DeskOutcome } from '../intake'
import { INTAKE_KEYS } from '../shortcuts'
import { missingMaterials, OUTCOME_BUTTONS, outcomeLabel, resultTitle } from '../views/intake/desk'

const cat = (name: string, source: string | null): Material => ({
  name,
  form: '原件',
  copies: 1,
  required: true,
  deferrable: false,
  source,
})
const onCase = (name: string, required: boolean, submitted: boolean, deferrable = false): CaseMaterial => ({
  name,
  form: '复印件',
  copies: 2,
  required,
  deferrable,
  submitted,
})

describe('desk outcomes', () => {
  it('offers the five desk outcomes once each, each with its key and testid', () => {
    const keys: DeskOutcome[] = OUTCOME_BUTTONS.map((b) => b.key)
    expect(keys).toEqual(['accept', 'accept_pending', 'notify_missing', 'refuse', 'instant'])
    expect(new Set(OUTCOME_BUTTONS.map((b) => b.testid)).size).toBe(5)
    for (const k of keys) expect(INTAKE_KEYS[k]).toBeTruthy()
    expect(outcomeLabel('accept_pending')).toBe('容缺受理')
    expect(resultTitle('refuse')).toBe('已不予受理')
  })
})

describe('materials still missing after intake', () => {
  it('lists the required ones not submitted, in the case order, with the catalog source', () => {
    const detail = {
      materials: [
        onCase('身份证', true, true),
        onCase('户口簿', true, false, true),
        onCase('照片', false, false),
        onCase('准迁证', true, false),
      ],
    }
    const got = missingMaterials(detail, [cat('准迁证', '迁出地派出所'), cat('户口簿', null)])
    expect(got).toEqual([
      { name: '户口簿', form: '复印件', copies: 2, source: null, deferrable: true },
      { name: '准迁证', form: '复印件', copies: 2, source: '迁出地派出所', deferrable: false },
    ])
  })
  it('is empty when everything required came', () => {
    expect(missingMaterials({ materials: [onCase('身份证', true, true)] }, [])).toEqual([])
  })
})
