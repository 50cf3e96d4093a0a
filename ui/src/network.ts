// 大厅网络 as the window sees it: what this PC is (one PC, the hall host, a desk of a host
// elsewhere — Rust's NetworkView), and whether a desk's host answers now (the `host-status`
// event). Pure helpers first (unit-tested in src/__tests__/network.test.ts), then the shared state.
import { reactive } from 'vue'
import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import type { NetworkView } from './bindings/NetworkView'
import type { HostStatus } from './bindings/HostStatus'
import type { DeskPaired } from './bindings/DeskPaired'

/** The host cannot be reached (or is not the pinned one): actions wait, typed text stays. */
export function isOffline(s: HostStatus | null | undefined): boolean {
  return (
    !!s && !s.online && (s.problem === 'unreachable' || s.problem === 'impostor' || s.problem === 'standby_took_over')
  )
}

/** What the window does about a new status: nothing, back to login, or back to the first start. */
export function statusAction(s: HostStatus, signedIn: boolean): 'none' | 'login' | 'welcome' {
  if (s.problem === 'revoked') return 'welcome'
  if (s.problem === 'session_lost' && signedIn) return 'login'
  return 'none'
}

/** `SHA256:ab12cd…` in groups of four, so two people can compare it aloud. */
export function groupedFingerprint(fp: string | null | undefined): string {
  if (!fp) return ''
  const hex = fp.replace(/^sha256:/i, '')
  const groups = hex.match(/.{1,4}/g) ?? []
  return `SHA256: ${groups.join(' ')}`
}

// ---- The shared state ------------------------------------------------------------------------

export const network = reactive<{
  view: NetworkView | null
  status: HostStatus | null
  /** Shown once on the login screen (e.g. 大厅主机已重启，请重新登录). */
  loginNotice: string
}>({ view: null, status: null, loginNotice: '' })

/** Asks Rust what this PC is (again: after a choice, a switch, a revocation). */
export async function loadNetwork(): Promise<NetworkView> {
  const v = await invoke<NetworkView>('network')
  network.view = v
  network.status = v.status
  return v
}

/** Once per window: the view, if not asked yet. */
export async function ensureNetwork(): Promise<NetworkView | null> {
  if (network.view) return network.view
  try {
    return await loadNetwork()
  } catch {
    return null
  }
}

export async function chooseSingle(): Promise<NetworkView> {
  const v = await invoke<NetworkView>('choose_single')
  network.view = v
  return v
}

export async function pairDesk(url: string, code: string, name: string): Promise<DeskPaired> {
  const paired = await invoke<DeskPaired>('pair_desk', { url, code, name })
  await loadNetwork()
  return paired
}

/** 确认改连: an administrator confirms that this desk follows the standby that took over. */
export async function followStandby(username: string, password: string): Promise<NetworkView> {
  const v = await invoke<NetworkView>('follow_standby', { username, password })
  network.view = v
  return v
}

export async function switchHost(on: boolean, port: number | null): Promise<NetworkView> {
  const v = await invoke<NetworkView>('host_switch', { on, port })
  network.view = v
  return v
}

/** Listens for `host-status` (once per window); `onChange` routes the window where it must go. */
export async function watchHostStatus(onChange: (s: HostStatus) => void): Promise<void> {
  try {
    await listen<HostStatus>('host-status', (e) => {
      network.status = e.payload
      if (network.view) network.view = { ...network.view, status: e.payload }
      onChange(e.payload)
    })
  } catch {
    /* no Tauri runtime (unit tests, a plain browser): nothing to watch */
  }
}
