import { createRouter, createWebHashHistory } from 'vue-router'
import { routes } from './routes'
import { roleAllowed } from './menu'
import { ensureSession } from './session'
import { ensureNetwork } from './network'

// Hash history: the built app is served from Tauri's custom protocol, where only index.html exists.
export const router = createRouter({
  history: createWebHashHistory(),
  routes,
})

router.beforeEach(async (to) => {
  // The first start (no database, no network.json): 单机使用 / 连接大厅主机 before anything else.
  const net = await ensureNetwork()
  if (net?.choosing) return to.name === 'welcome' ? true : { name: 'welcome' }
  if (to.name === 'welcome') return { name: 'login' }
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
