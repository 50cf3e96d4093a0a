// Helpers of 前台受理: finding an item as the clerk types, the outcome buttons as Rust answers
// them for the materials ticked, and the request sent to Rust, which checks everything again.
import type { CatalogItemView } from './bindings/CatalogItemView'
import type { IntakeOutcome } from './bindings/IntakeOutcome'
import type { IntakeRequest } from './bindings/IntakeRequest'
import type { Material } from './bindings/Material'
import type { Party } from './bindings/Party'
import type { PartyKind } from './bindings/PartyKind'
import type { OutcomeOffer } from './bindings/OutcomeOffer'
import { ref, shallowRef, watch } from 'vue'
import { call, errorMessage } from './api'
import { WORDS } from './words'

/** Items matching what was typed: code, name, or pinyin initials. Initials and code prefixes
 *  first (as the catalog screen orders them), then the catalog's order. */
export function filterCatalog<T extends Pick<CatalogItemView, 'code' | 'name' | 'initials'>>(
  items: readonly T[],
  query: string,
  limit = 50,
): T[] {
  const q = query.trim().toLowerCase()
  if (!q) return items.slice(0, limit)
  const strong: T[] = []
  const weak: T[] = []
  for (const it of items) {
    const code = it.code.toLowerCase()
    const initials = (it.initials ?? '').toLowerCase()
    if (initials.startsWith(q) || code.startsWith(q) || it.name.startsWith(query.trim())) strong.push(it)
    else if (code.includes(q) || it.name.includes(query.trim()) || initials.includes(q)) weak.push(it)
  }
  return strong.concat(weak).slice(0, limit)
}

export interface MaterialCheck {
  /** Required materials not handed in. */
  missing: Material[]
  /** …of which may not be deferred (容缺 not allowed). */
  missingHard: Material[]
  /** …of which may be deferred. */
  missingDeferrable: Material[]
  /** Number of materials ticked. */
  given: number
}

export function checkMaterials(materials: readonly Material[], given: ReadonlySet<string>): MaterialCheck {
  const missing = materials.filter((m) => m.required && !given.has(m.name))
  return {
    missing,
    missingHard: missing.filter((m) => !m.deferrable),
    missingDeferrable: missing.filter((m) => m.deferrable),
    given: materials.filter((m) => given.has(m.name)).length,
  }
}

/** The outcomes offered as buttons at the desk (`log` is not). */
export type DeskOutcome = Exclude<IntakeOutcome, 'log'>

export interface OutcomeState {
  enabled: boolean
  /** Why it is not available (shown as the button's tooltip and under the buttons). */
  reason: string
}

/** The desk's outcome buttons with their labels and colours, as Rust lists them. */
export const DESK_OUTCOMES = WORDS.desk_outcomes.filter((w): w is typeof w & { value: DeskOutcome } => w.value !== 'log')

/** Every button off with one reason (no item chosen yet, or Rust's answer still on its way). */
export function outcomesOff(reason: string): Record<DeskOutcome, OutcomeState> {
  return Object.fromEntries(DESK_OUTCOMES.map((o) => [o.value, { enabled: false, reason }])) as Record<DeskOutcome, OutcomeState>
}

/** Rust's answer (`intake_outcomes`) as the buttons read it; an outcome it did not name is off. */
export function outcomesFrom(offers: readonly OutcomeOffer[]): Record<DeskOutcome, OutcomeState> {
  const out = outcomesOff('')
  for (const o of offers) if (o.outcome !== 'log') out[o.outcome] = { enabled: o.enabled, reason: o.reason }
  return out
}

/**
 * The outcome buttons for the item and the materials ticked, from Rust (the intake's own rule:
 * 受理/即办 need every required material, 容缺受理 only 可容缺 ones missing, 一次性告知 some
 * missing). Nothing is live before an item is chosen; the latest answer wins. While an answer
 * is on its way `pending` is true and `settled()` waits for it (a click or a shortcut right after
 * a tick is judged on the materials as ticked, not on the answer before).
 */
export function useOutcomes(itemCode: () => string | null | undefined, given: () => ReadonlySet<string>) {
  const states = shallowRef(outcomesOff('请先选择事项'))
  const pending = ref(false)
  let seq = 0
  let latest: Promise<void> = Promise.resolve()
  async function load(code: string | null | undefined, names: ReadonlySet<string>, mine: number) {
    let next = outcomesOff('请先选择事项')
    if (code) {
      try {
        next = outcomesFrom(await call({ type: 'intake_outcomes', item_code: code, materials: [...names] }))
      } catch (e) {
        next = outcomesOff(errorMessage(e))
      }
    }
    if (mine === seq) {
      states.value = next
      pending.value = false
    }
  }
  watch(
    [itemCode, given],
    ([code, names]) => {
      const mine = ++seq
      pending.value = true
      latest = load(code, names, mine)
    },
    { immediate: true },
  )
  async function settled(): Promise<Record<DeskOutcome, OutcomeState>> {
    while (pending.value) await latest
    return states.value
  }
  return { states, pending, settled }
}

const names = (ms: readonly Material[]) => ms.map((m) => m.name).join('、')

/** One line telling the clerk what the materials allow. */
export function materialsAdvice(check: MaterialCheck | null, total: number): string {
  if (!check) return ''
  if (total === 0) return '本事项无需提交材料，可直接受理。'
  if (check.missing.length === 0) return '必需材料已齐全，可以受理。'
  if (check.missingHard.length === 0)
    return `缺少 ${check.missing.length} 项必需材料，均可容缺：可容缺受理（群众签署容缺承诺书），或一次性告知。`
  return `缺少 ${check.missing.length} 项必需材料，其中“${names(check.missingHard)}”不可容缺：请一次性告知群众补齐后再来。`
}

export interface PartyForm {
  kind: PartyKind
  id_number: string
  name: string
  phone: string
  address: string
}

export function emptyParty(kind: PartyKind = 'person'): PartyForm {
  return { kind, id_number: '', name: '', phone: '', address: '' }
}

export function toParty(p: PartyForm): Party {
  return {
    kind: p.kind,
    id_number: p.id_number.trim(),
    name: p.name.trim(),
    phone: p.phone.trim(),
    address: p.address.trim(),
  }
}

/** The first empty required field, as `[field, message]`: the only check done here. */
export function firstEmpty(
  itemCode: string | null,
  applicant: PartyForm,
  agent: PartyForm | null,
): [string, string] | null {
  if (!itemCode) return ['item', '请先选择事项']
  const org = applicant.kind === 'org'
  if (!applicant.id_number.trim()) return ['id', org ? '请输入统一社会信用代码' : '请输入申请人身份证号']
  if (!applicant.name.trim()) return ['name', org ? '请输入单位名称' : '请输入申请人姓名']
  if (!applicant.phone.trim()) return ['phone', '请输入联系电话']
  if (agent) {
    if (!agent.id_number.trim()) return ['agent-id', '请输入代办人身份证号']
    if (!agent.name.trim()) return ['agent-name', '请输入代办人姓名']
    if (!agent.phone.trim()) return ['agent-phone', '请输入代办人联系电话']
  }
  return null
}

export function intakeRequest(args: {
  itemCode: string
  applicant: PartyForm
  agent: PartyForm | null
  materials: readonly Material[]
  given: ReadonlySet<string>
  outcome: DeskOutcome
  note?: string
  commitmentDue?: string | null
}): IntakeRequest {
  return {
    item_code: args.itemCode,
    applicant: toParty(args.applicant),
    agent: args.agent ? toParty({ ...args.agent, kind: 'person' }) : null,
    // In catalog order, only names of this item's materials.
    materials: args.materials.filter((m) => args.given.has(m.name)).map((m) => m.name),
    clerk: '',
    outcome: args.outcome,
    note: (args.note ?? '').trim(),
    commitment_due: args.outcome === 'accept_pending' ? args.commitmentDue || null : null,
  }
}

/** What the clerk says to the citizen after each outcome. */
export function nextStepText(outcome: DeskOutcome, due: string | null, commitmentDue: string | null): string {
  switch (outcome) {
    case 'accept':
      return `已受理。请把受理回执交给群众，告知承诺办结日期${due ? ` ${due}` : ''}；办结后凭回执到统一出件窗口领取结果。`
    case 'accept_pending':
      return `已容缺受理。请群众签署容缺承诺书（一式两份），并在${commitmentDue ? ` ${commitmentDue} ` : '承诺期限'}前补齐下列材料；逾期未补齐，本件将终止办理。`
    case 'notify_missing':
      return '已一次性告知。请把下列所缺材料一次性告诉群众（打印告知书交给群众）；补齐后带齐材料再来，可凭办件编号在“办件查询”中找到本件继续受理。'
    case 'refuse':
      return '已不予受理。请向群众说明不予受理的理由，并打印不予受理通知书（载明申请行政复议或提起行政诉讼的途径）交给群众。'
    case 'instant':
      return '已当场办结。请打印受理回执交给群众，在办件详情中办理出件，并请群众对本次服务评价。'
  }
}
