// The desk's own words and one pure step of 前台受理: the outcome buttons (label, colour, testid)
// in the order the clerk meets them, what the result panel is headed, and the required
// materials still missing after Rust answered, with where the citizen gets them.
import type { CaseDetail } from '../../bindings/CaseDetail'
import type { Material } from '../../bindings/Material'
import { DESK_OUTCOMES, type DeskOutcome } from '../../intake'
import { WORDS, wordLabel } from '../../words'
import type { Tag } from '../../bindings/Tag'

export interface OutcomeButton {
  key: DeskOutcome
  label: string
  type: Tag
  /** 不予受理 and 即办 are the outlined ones: not the everyday answer. */
  plain: boolean
  testid: string
}

const PLAIN: ReadonlySet<DeskOutcome> = new Set<DeskOutcome>(['refuse', 'instant'])
const TESTID: Record<DeskOutcome, string> = {
  accept: 'intake-accept',
  accept_pending: 'intake-accept-pending',
  notify_missing: 'intake-notify',
  refuse: 'intake-refuse',
  instant: 'intake-instant',
}

/** Label and colour from Rust's vocabulary; the desk adds only its outline and test ids. */
export const OUTCOME_BUTTONS: readonly OutcomeButton[] = DESK_OUTCOMES.map((o) => ({
  key: o.value,
  label: o.label,
  type: o.tag,
  plain: PLAIN.has(o.value),
  testid: TESTID[o.value],
}))

export function outcomeLabel(outcome: DeskOutcome): string {
  return OUTCOME_BUTTONS.find((b) => b.key === outcome)?.label ?? outcome
}

/** The result panel's heading. */
export function resultTitle(outcome: DeskOutcome): string {
  return wordLabel(WORDS.desk_results, outcome)
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
