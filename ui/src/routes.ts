// Every screen of the app. To add one: one entry here with its `meta.menu` and `meta.roles`
// (see menu.ts); the menu and the role guard follow from it.
import { markRaw } from 'vue'
import type { RouteRecordRaw } from 'vue-router'
import { Document, HomeFilled, Search } from '@element-plus/icons-vue'
import type { Role } from './bindings/Role'
import type { MenuMeta } from './menu'

declare module 'vue-router' {
  interface RouteMeta {
    /** Window title part. */
    title?: string
    /** Reachable without login (only the login screen). */
    public?: boolean
    /** Roles that may open the screen; absent: every logged-in role. */
    roles?: Role[]
    /** Shown in the left menu. */
    menu?: MenuMeta
    /** For screens without a menu entry: the route name whose entry is highlighted. */
    activeMenu?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
    meta: { public: true, title: '登录' },
  },
  {
    path: '/',
    component: () => import('./layouts/AppShell.vue'),
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('./views/HomeView.vue'),
        meta: { title: '首页', menu: { label: '首页', icon: markRaw(HomeFilled), testid: 'nav-home', order: 10 } },
      },
      {
        path: 'search',
        name: 'search',
        component: () => import('./views/SearchView.vue'),
        meta: { title: '办件查询', menu: { label: '办件查询', icon: markRaw(Search), testid: 'nav-search', order: 60 } },
      },
      {
        path: 'cases/:number',
        name: 'case',
        component: () => import('./views/CaseDetailView.vue'),
        props: true,
        meta: { title: '办件详情', activeMenu: 'search' },
      },
      {
        path: 'catalog',
        name: 'catalog',
        component: () => import('./views/CatalogView.vue'),
        meta: { title: '事项清单', menu: { label: '事项清单', icon: markRaw(Document), testid: 'nav-catalog', order: 70 } },
      },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]
