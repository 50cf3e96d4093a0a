// Lists the screens share, loaded once per window: units (转办, users, queues) and the fixed
// vocabulary (特别程序 kinds, rating labels). `reloadUnits` after the administrator edits units.
import { shallowRef } from 'vue'
import type { Unit } from './bindings/Unit'
import type { Vocabulary } from './bindings/Vocabulary'
import { call } from './api'
import { WORDS } from './words'

export const units = shallowRef<Unit[]>([])
/** The generated vocabulary at once; `loadVocabulary` asks the hall (a remote desk's host may be newer). */
export const vocabulary = shallowRef<Vocabulary | null>(WORDS)

let unitsLoading: Promise<Unit[]> | null = null
let vocabLoading: Promise<Vocabulary> | null = null

export function loadUnits(): Promise<Unit[]> {
  if (units.value.length) return Promise.resolve(units.value)
  if (!unitsLoading) {
    unitsLoading = call({ type: 'units' }).then(
      (u) => {
        units.value = u
        unitsLoading = null
        return u
      },
      (e: unknown) => {
        unitsLoading = null
        throw e
      },
    )
  }
  return unitsLoading
}

export function setUnits(u: Unit[]): void {
  units.value = u
}

export function loadVocabulary(): Promise<Vocabulary> {
  if (!vocabLoading) {
    vocabLoading = call({ type: 'vocabulary' }).then(
      (v) => {
        vocabulary.value = v
        return v
      },
      (e: unknown) => {
        vocabLoading = null
        throw e
      },
    )
  }
  return vocabLoading
}

/** `县民政局` → `县民政局（县级）`: county units are marked where units are picked. */
export function unitOptionLabel(u: Unit): string {
  return u.level === 'county' ? `${u.name}（县级）` : u.name
}

/** The name of a unit code, or the code itself. */
export function unitName(list: readonly Unit[], code: string | null | undefined): string {
  if (!code) return ''
  return list.find((u) => u.code === code)?.name ?? code
}
