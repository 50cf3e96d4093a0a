// Who is logged in. The session itself lives on the Rust side; this mirrors it for the screens.
import { reactive } from 'vue'
import type { SessionUser } from './bindings/SessionUser'
import type { HallInfo } from './bindings/HallInfo'
import type { HallSettings } from './bindings/HallSettings'
import { call } from './api'
import { hallDate } from './hallToday'

export const session = reactive<{
  user: SessionUser | null
  /** `whoami` has been asked since the window opened. */
  checked: boolean
  hall: HallInfo | null
  /** The hall's settings (idle lock minutes etc.), loaded after login. */
  settings: HallSettings | null
}>({
  user: null,
  checked: false,
  hall: null,
  settings: null,
})

/** The logged-in user, asking the Rust side once per window (it survives a reload). */
export async function ensureSession(): Promise<SessionUser | null> {
  if (!session.checked) {
    try {
      session.user = await call({ type: 'whoami' })
    } catch {
      session.user = null
    }
    session.checked = true
  }
  return session.user
}

export async function login(username: string, password: string): Promise<SessionUser> {
  const user = await call({ type: 'login', username, password })
  if (!user) {
    // The contract says login answers with the session; treat anything else as a failure.
    throw { code: 'internal', message: '登录未完成，请重试。' }
  }
  session.user = user
  session.checked = true
  return user
}

export async function logout(): Promise<void> {
  try {
    await call({ type: 'logout' })
  } finally {
    session.user = null
    session.checked = true
  }
}

/** Changes the logged-in user's password; the session that comes back clears the forced change. */
export async function changePassword(old: string, next: string): Promise<SessionUser> {
  const user = await call({ type: 'change_password', old, new: next })
  if (!user) throw { code: 'internal', message: '修改密码未完成，请重试。' }
  session.user = user
  return user
}

/** The hall's settings (any logged-in user may read them; also before the forced password change). */
export async function loadSettings(): Promise<HallSettings> {
  const s = await call({ type: 'settings' })
  session.settings = s
  return s
}

/** After the administrator saves the settings: the header and the idle lock follow at once. */
export function applySettings(s: HallSettings): void {
  session.settings = s
  if (session.hall) session.hall = { ...session.hall, township_name: s.township_name }
}

/** The township (for the login screen and the header); no login needed. */
export async function loadHall(): Promise<HallInfo> {
  if (session.hall) return session.hall
  const hall = await call({ type: 'hall_info' })
  session.hall = hall
  hallDate.value = hall.today
  return hall
}
