import { createApp } from 'vue'
import ElementPlus, { ElMessageBox } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './styles/base.css'
import App from './App.vue'
import { router } from './router'
import { setRetryAsker } from './api'

// A write the desk could not get confirmed: 重试 sends it again with the same request id (the
// host does it once), 取消 leaves the error to the screen that asked.
setRetryAsker((e) =>
  ElMessageBox.confirm(e.message, '操作未确认', {
    confirmButtonText: '重试',
    cancelButtonText: '取消',
    type: 'warning',
    distinguishCancelAndClose: true,
    closeOnClickModal: false,
    customClass: 'unconfirmed-box',
  }).then(
    () => true,
    () => false,
  ),
)

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
