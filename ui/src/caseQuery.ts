// What 办件查询 sends: `search_cases` for typed text, `list_cases` otherwise. The state and date
// filters also narrow text results (on the rows that came back).
import type { Request } from './bindings/Request'
import type { CaseState } from './bindings/CaseState'
import type { CaseSummary } from './bindings/CaseSummary'

/** Rows the Rust side returns at most (hall-core: SEARCH_LIMIT, and list_cases' limit). */
export const SEARCH_LIMIT = 50
export const LIST_LIMIT = 200

export interface CaseQuery {
  text: string
  state: CaseState | null
  /** 接件日期 `YYYY-MM-DD` */
  date: string | null
}

/** A text search, or the list by state and date; either answers with cases. */
export function searchRequest(q: CaseQuery): Extract<Request, { type: 'search_cases' | 'list_cases' }> {
  const text = q.text.trim()
  if (text) return { type: 'search_cases', text }
  return { type: 'list_cases', state: q.state, date: q.date, limit: LIST_LIMIT }
}

/** Applies the state and date filters to text-search results (list_cases applies them itself). */
export function filterCases(rows: CaseSummary[], q: CaseQuery): CaseSummary[] {
  if (!q.text.trim()) return rows
  return rows.filter(
    (r) => (!q.state || r.state === q.state) && (!q.date || r.logged_at.startsWith(q.date)),
  )
}
