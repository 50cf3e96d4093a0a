// Every screen of the app. To add one: one entry here with its `meta.menu` and `meta.roles`
// (see menu.ts); the menu and the role guard follow from it.
import { markRaw } from 'vue'
import type { RouteRecordRaw } from 'vue-router'
import {
  Box,
  ChatDotRound,
  Connection,
  DataBoard,
  Document,
  EditPen,
  Files,
  HomeFilled,
  List,
  Notebook,
  Search,
  Service,
  Setting,
  Stamp,
  Tickets,
  TrendCharts,
} from '@element-plus/icons-vue'
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
        path: 'intake',
        name: 'intake',
        component: () => import('./views/IntakeView.vue'),
        meta: {
          title: '前台受理',
          roles: ['clerk'],
          menu: { label: '前台受理', icon: markRaw(EditPen), testid: 'nav-intake', order: 20 },
        },
      },
      {
        path: 'consult',
        name: 'consult',
        component: () => import('./views/ConsultView.vue'),
        meta: {
          title: '咨询登记',
          roles: ['clerk', 'supervisor'],
          menu: { label: '咨询登记', icon: markRaw(Service), testid: 'nav-consult', order: 22 },
        },
      },
      {
        path: 'demands',
        name: 'demands',
        component: () => import('./views/DemandView.vue'),
        meta: {
          title: '群众诉求',
          roles: ['clerk', 'supervisor'],
          menu: { label: '群众诉求', icon: markRaw(ChatDotRound), testid: 'nav-demands', order: 24 },
        },
      },
      {
        path: 'queue',
        name: 'queue',
        component: () => import('./views/QueueView.vue'),
        meta: {
          title: '后台办理',
          roles: ['officer', 'supervisor'],
          menu: { label: '后台办理', icon: markRaw(List), testid: 'nav-queue', order: 30 },
        },
      },
      {
        path: 'pickup',
        name: 'pickup',
        component: () => import('./views/PickupView.vue'),
        meta: {
          title: '统一出件',
          roles: ['clerk'],
          menu: { label: '统一出件', icon: markRaw(Box), testid: 'nav-pickup', order: 40 },
        },
      },
      {
        path: 'supervisor',
        name: 'supervisor',
        component: () => import('./views/SupervisorView.vue'),
        meta: {
          title: '中心主任',
          roles: ['supervisor'],
          menu: { label: '中心主任', icon: markRaw(DataBoard), testid: 'nav-supervisor', order: 50 },
        },
      },
      {
        path: 'daily',
        name: 'daily',
        component: () => import('./views/DailyView.vue'),
        meta: {
          title: '每日台账',
          roles: ['supervisor'],
          menu: { label: '每日台账', icon: markRaw(Notebook), testid: 'nav-daily', order: 52 },
        },
      },
      {
        path: 'report',
        name: 'report',
        component: () => import('./views/ReportView.vue'),
        meta: {
          title: '统计报告',
          roles: ['supervisor'],
          menu: { label: '统计报告', icon: markRaw(Tickets), testid: 'nav-report', order: 54 },
        },
      },
      {
        path: 'charts',
        name: 'charts',
        component: () => import('./views/ChartsView.vue'),
        meta: {
          title: '统计图表',
          roles: ['supervisor'],
          menu: { label: '统计图表', icon: markRaw(TrendCharts), testid: 'nav-charts', order: 56 },
        },
      },
      {
        path: 'admission',
        name: 'admission',
        component: () => import('./views/AdmissionView.vue'),
        meta: {
          title: '职责准入',
          roles: ['supervisor'],
          menu: { label: '职责准入', icon: markRaw(Stamp), testid: 'nav-admission', order: 57 },
        },
      },
      {
        path: 'coordination',
        name: 'coordination',
        component: () => import('./views/CoordinationView.vue'),
        meta: {
          title: '县乡联动',
          roles: ['supervisor'],
          menu: { label: '县乡联动', icon: markRaw(Connection), testid: 'nav-coordination', order: 58 },
        },
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
      {
        path: 'lists',
        name: 'lists',
        component: () => import('./views/ListsView.vue'),
        meta: { title: '三张清单', menu: { label: '三张清单', icon: markRaw(Files), testid: 'nav-lists', order: 72 } },
      },
      {
        path: 'admin',
        name: 'admin',
        component: () => import('./views/AdminView.vue'),
        meta: {
          title: '系统管理',
          roles: ['admin'],
          menu: { label: '系统管理', icon: markRaw(Setting), testid: 'nav-admin', order: 90 },
        },
      },
    ],
  },
  {
    path: '/welcome',
    name: 'welcome',
    component: () => import('./views/WelcomeView.vue'),
    meta: { public: true, title: '首次使用' },
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]
