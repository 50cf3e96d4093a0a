import { describe, expect, it } from 'vitest'
import type { Material } from '../bindings/Material'
import {
  checkMaterials,
  emptyParty,
  filterCatalog,
  firstEmpty,
  intakeRequest,
  materialsAdvice,
  nextStepText,
  outcomesFrom,
  outcomesOff,
} from '../intake'

const items = [
  { code: '231221102-MZ-JF-0001', name: '最低生活保障申请', initials: 'zdshbzsq' },
  { code: '231221102-GA-XK-0001', name: '户籍迁移（迁入）', initials: 'hjqyqr' },
  { code: '231221102-GA-QR-0002', name: '户籍证明开具', initials: 'hjzmkj' },
  { code: '231221102-RS-GG-0001', name: '城乡居民基本养老保险参保登记', initials: 'cxjmjbylbxcbdj' },
]

const m = (name: string, required: boolean, deferrable: boolean): Material => ({
  name,
  form: '原件',
  copies: 1,
  required,
  deferrable,
  source: null,
})

describe('item picker', () => {
  it('finds by pinyin initials, code and name', () => {
    expect(filterCatalog(items, 'hjqy').map((i) => i.name)).toEqual(['户籍迁移（迁入）'])
    expect(filterCatalog(items, 'HJ').map((i) => i.name)).toEqual(['户籍迁移（迁入）', '户籍证明开具'])
    expect(filterCatalog(items, 'mz-jf').map((i) => i.name)).toEqual(['最低生活保障申请'])
    expect(filterCatalog(items, '养老').map((i) => i.name)).toEqual(['城乡居民基本养老保险参保登记'])
    expect(filterCatalog(items, 'zzzz')).toEqual([])
  })
  it('puts prefix matches first and keeps the catalog order otherwise', () => {
    // "bx" is inside 养老保险's initials only; "cx" starts them.
    expect(filterCatalog(items, 'cx')[0].name).toBe('城乡居民基本养老保险参保登记')
    expect(filterCatalog(items, '').length).toBe(4)
    expect(filterCatalog(items, '', 2).length).toBe(2)
    // Code prefix beats a name that merely contains the text.
    expect(filterCatalog(items, '231221102-GA').map((i) => i.initials)).toEqual(['hjqyqr', 'hjzmkj'])
  })
})

describe('materials and outcome buttons', () => {
  const mats = [m('申请书', true, false), m('身份证', true, false), m('银行卡', true, true), m('照片', false, false)]

  it('nothing is live before an item is chosen', () => {
    const s = outcomesOff('请先选择事项')
    expect(Object.values(s).every((x) => !x.enabled)).toBe(true)
    expect(s.accept.reason).toBe('请先选择事项')
  })

  it('the buttons show Rust’s answer, and an outcome it did not name stays off', () => {
    const s = outcomesFrom([
      { outcome: 'accept', enabled: false, reason: '缺少必需材料：身份证' },
      { outcome: 'notify_missing', enabled: true, reason: '' },
      { outcome: 'log', enabled: true, reason: '' },
    ])
    expect(s.accept).toEqual({ enabled: false, reason: '缺少必需材料：身份证' })
    expect(s.notify_missing.enabled).toBe(true)
    expect(s.refuse.enabled).toBe(false)
  })

  it('tells the clerk what the materials allow', () => {
    const some = checkMaterials(mats, new Set(['申请书', '身份证']))
    expect(some.missingDeferrable.map((x) => x.name)).toEqual(['银行卡'])
    expect(materialsAdvice(some, mats.length)).toContain('均可容缺')
    const hard = checkMaterials(mats, new Set(['申请书', '银行卡']))
    expect(hard.missingHard.map((x) => x.name)).toEqual(['身份证'])
    expect(materialsAdvice(hard, mats.length)).toContain('不可容缺')
    const none = checkMaterials([], new Set())
    expect(materialsAdvice(none, 0)).toContain('无需提交材料')
    expect(none.given).toBe(0)
  })
})

describe('the intake request', () => {
  it('checks only emptiness, in screen order', () => {
    const a = emptyParty()
    expect(firstEmpty(null, a, null)?.[0]).toBe('item')
    expect(firstEmpty('X', a, null)?.[0]).toBe('id')
    a.id_number = '230102199003078519'
    expect(firstEmpty('X', a, null)?.[0]).toBe('name')
    a.name = '王小二'
    expect(firstEmpty('X', a, null)?.[0]).toBe('phone')
    a.phone = '13800138000'
    expect(firstEmpty('X', a, null)).toBeNull()
    expect(firstEmpty('X', a, emptyParty())?.[0]).toBe('agent-id')
    expect(firstEmpty('X', { ...a, kind: 'org', id_number: '' }, null)?.[1]).toContain('统一社会信用代码')
  })

  it('trims, keeps catalog order of materials, and sends the commitment date only for 容缺受理', () => {
    const mats = [m('申请书', true, false), m('身份证', true, false), m('银行卡', true, true)]
    const base = {
      itemCode: 'C1',
      applicant: { kind: 'person' as const, id_number: ' 230102199003078519 ', name: ' 王小二 ', phone: '138', address: '' },
      agent: null,
      materials: mats,
      given: new Set(['身份证', '申请书', '不存在']),
    }
    const r = intakeRequest({ ...base, outcome: 'accept_pending', commitmentDue: '2026-10-20' })
    expect(r.applicant.id_number).toBe('230102199003078519')
    expect(r.applicant.name).toBe('王小二')
    expect(r.materials).toEqual(['申请书', '身份证'])
    expect(r.commitment_due).toBe('2026-10-20')
    expect(r.clerk).toBe('')
    expect(r.agent).toBeNull()
    const a = intakeRequest({ ...base, outcome: 'accept', commitmentDue: '2026-10-20' })
    expect(a.commitment_due).toBeNull()
    const refuse = intakeRequest({ ...base, outcome: 'refuse', note: '  不属于本中心受理范围 ' })
    expect(refuse.note).toBe('不属于本中心受理范围')
    const withAgent = intakeRequest({ ...base, outcome: 'accept', agent: { ...emptyParty('org'), id_number: 'x', name: 'y', phone: 'z' } })
    expect(withAgent.agent?.kind).toBe('person')
  })

  it('tells the clerk what to say', () => {
    expect(nextStepText('accept', '2026-10-20', null)).toContain('2026-10-20')
    expect(nextStepText('accept_pending', null, '2026-10-15')).toContain('2026-10-15')
    expect(nextStepText('notify_missing', null, null)).toContain('一次性')
    expect(nextStepText('refuse', null, null)).toContain('理由')
    expect(nextStepText('instant', null, null)).toContain('出件')
  })
})
