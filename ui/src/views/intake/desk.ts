// The desk's own words and one pure step of 前台受理: the outcome buttons (label, colour, testid)
// in the order the clerk meets them, what the result panel is headed, and the required
// materials still missing after Rust answered, with where the citizen gets them.
import type { CaseDetail } from '../../bindings/CaseDetail'
import type { Material } from '../../bindings/Material'
import type { DeskOutcome } from '../../intake'

export interface OutcomeButton {
  key: DeskOutcome
  label: string
  type: 'primary' | 'success' | 'warning' | 'danger'
  /** 不予受理 and 即办 are the outlined ones: not the everyday answer. */
  plain: boolean
  testid: string
}

export const OUTCOME_BUTTONS: readonly OutcomeButton[] = [
  { key: 'accept', label: '受理', type: 'primary', plain: false, testid: 'intake-accept' },
  { key: 'accept_pending', label: '容缺受理', type: 'success', plain: false, testid: 'intake-accept-pending' },
  { key: 'notify_missing', label: '一次性告知', type: 'warning', plain: false, testid: 'intake-notify' },
  { key: 'refuse', label: '不予受理', type: 'danger', plain: true, testid: 'intake-refuse' },
  { key: 'instant', label: '即办', type: 'primary', plain: true, testid: 'intake-instant' },
]

export function outcomeLabel(outcome: DeskOutcome): string {
  return OUTCOME_BUTTONS.find((b) => b.key === outcome)?.label ?? outcome
}

/** The result panel's heading. */
export function resultTitle(outcome: DeskOutcome): string {
  switch (outcome) {
    case 'accept':
      return '已受理'
    case 'accept_pending':
      return '已容缺受理'
    case 'notify_missing':
      return '已一次性告知（本件已接件，待补齐材料）'
    case 'refuse':
      return '已不予受理'
    case 'instant':
      return '已即办办结'
  }
}

export interface MissingMaterial {
  name: string
  form: string
  copies: number
  /** Where the citizen gets it (the catalog's 来源), when the catalog says. */
  source: string | null
  deferrable: boolean
}

/** What the desk answered: the case as Rust recorded it and what the clerk tells the citizen. */
export interface DeskResult {
  outcome: DeskOutcome
  detail: CaseDetail
  missing: MissingMaterial[]
  /** 不予受理's reason. */
  note: string
}

/** Required materials the case still lacks, in the case's order, with the catalog's 来源. */
export function missingMaterials(detail: Pick<CaseDetail, 'materials'>, catalog: readonly Material[]): MissingMaterial[] {
  return detail.materials
    .filter((m) => m.required && !m.submitted)
    .map((m) => {
      const cat = catalog.find((c) => c.name === m.name)
      return { name: m.name, form: m.form, copies: m.copies, source: cat?.source ?? null, deferrable: m.deferrable }
    })
}
