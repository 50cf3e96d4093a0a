import { createRouter, createWebHashHistory } from 'vue-router'
import { routes } from './routes'
import { roleAllowed } from './menu'
import { ensureSession } from './session'

// Hash history: the built app is served from Tauri's custom protocol, where only index.html exists.
export const router = createRouter({
  history: createWebHashHistory(),
  routes,
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const user = await ensureSession()
  if (!user) {
    return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { redirect: to.fullPath } }
  }
  if (!to.matched.every((r) => roleAllowed(r.meta, user.role))) {
    return { name: 'home' }
  }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 一窗通` : '一窗通'
})
