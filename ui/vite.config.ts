/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The app is served by Tauri from its own protocol (build) or from the dev server
// (tauri.conf.json: devUrl http://localhost:5173, frontendDist ui/dist).
export default defineConfig({
  base: '/',
  plugins: [vue()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebView2 (Windows) is Chromium; WebKitGTK (Linux) is Safari-like.
    target: ['es2021', 'chrome105', 'safari15'],
    // Everything is local (offline app): a large vendor chunk costs nothing over the network.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) {
            return 'element-plus'
          }
          // Loaded only by the screens that need them (print preview; 统计图表).
          // (the worker's `?url` module is only its file name: it stays with its importer)
          if (id.includes('node_modules/pdfjs-dist') && !id.includes('?url')) {
            return 'pdfjs'
          }
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) {
            return 'echarts'
          }
          if (id.includes('node_modules/')) {
            return 'vendor'
          }
          return undefined
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})
