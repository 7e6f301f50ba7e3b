import type { Translation } from '../types';
import type { auth as en } from '../en/auth';

/**
 * Simplified Chinese messages for signing in and the first-run setup, key for key as in
 * en/auth.ts.
 */
export const auth: Translation<typeof en> = {
  'auth.email': '邮箱',
  'auth.password': '密码',
  'auth.passwordHint': '至少 {min} 个字符。一句长短语比符号组合更好记也更安全。',
  'auth.login.pageTitle': '登录',
  'auth.login.title': '登录 Runboard',
  'auth.login.intro': '欢迎回来。登录后即可打开你的工作区。',
  'auth.login.submit': '登录',
  'auth.login.submitting': '正在登录…',
  'auth.login.sso': '使用 {name} 登录',
  'auth.login.or': '或',
  'auth.login.signedOut': '你已退出登录。',
  'auth.forgot.summary': '忘记密码？',
  'auth.forgot.body':
    'Runboard 暂时还不能发送邮件，所以无法在此页面自助重置密码。请联系工作区的所有者或管理员：负责运维 Runboard 服务器的人可以在服务器上运行以下命令，为你设置新密码。',
  'auth.forgot.after':
    '命令会输出一个新密码，由对方转交给你，同时你在所有设备上的登录都会失效。登录后请在账户设置中改成你自己的密码。',
  'auth.error.invalidCredentials': '邮箱或密码错误。',
  'auth.error.rateLimited': '尝试次数过多，请 {minutes} 分钟后再试。',
  'auth.error.oidc': '单点登录失败。请重试，或使用密码登录。',
  'auth.error.required': '请填写此项。',
  'auth.error.emailInvalid': '请输入有效的邮箱地址，例如 name@example.com。',
  'auth.error.tooShort': '至少需要 {min} 个字符。',
  'auth.error.tooLong': '最多 {max} 个字符。',
  'auth.error.mismatch': '两次输入的密码不一致。',
  'auth.error.emailTaken': '该邮箱已注册。',
  'auth.error.failed': '操作未成功，请重试。',
  'auth.menu.label': '账户菜单',
  'auth.menu.signedInAs': '当前登录',
  'auth.menu.account': '账户设置',
  'auth.menu.signOut': '退出登录',

  'setup.pageTitle': '初始设置',
  'setup.title': '设置 Runboard',
  'setup.intro':
    '创建所有者账户和第一个工作区。系统没有默认密码：此账户是唯一的入口，请妥善保管密码。',
  'setup.section.account': '所有者账户',
  'setup.section.workspace': '第一个工作区',
  'setup.name': '你的姓名',
  'setup.confirmPassword': '再次输入密码',
  'setup.workspaceName': '工作区名称',
  'setup.workspacePlaceholder': '例如：平台组',
  'setup.demo': '用示例数据填充看板',
  'setup.demoHint':
    '约十几个示例事件、变更和任务，以及与之关联的三份运行手册，方便上手体验，随时可以归档。',
  'setup.submit': '创建账户和工作区',
  'setup.submitting': '正在设置…',
  'setup.error.done': 'Runboard 已完成设置，请直接登录。'
};
