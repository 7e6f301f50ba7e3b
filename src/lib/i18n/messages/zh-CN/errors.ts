import type { Translation } from '../types';
import type { errors as en } from '../en/errors';
import { changeErrors } from './changes';

/** Simplified Chinese messages for error codes, key for key as in en/errors.ts. */
export const errors: Translation<typeof en> = {
  ...changeErrors,
  'error.invalid_input': '部分输入无效，请检查后重试。',
  'error.not_found': '该内容已不存在。请刷新页面查看最新状态。',
  'error.forbidden': '你的角色无权执行此操作。',
  'error.conflict': '与当前状态冲突，可能有人刚刚做了修改。请刷新后重试。',
  'error.email_taken': '该邮箱已被其他账号使用。',
  'error.last_owner': '不能降级或移除最后一位所有者。请先让其他人成为所有者。',
  'error.invite_invalid': '此邀请链接已失效，请向邀请人索取新链接。',
  'error.already_member': '此人已是该工作区的成员。',
  'error.setup_done': 'Runboard 已完成初始设置，请直接登录。',
  'error.invalid_credentials': '邮箱或密码错误。',
  'error.wrong_password': '当前密码不正确。',
  'error.rate_limited': '尝试次数过多，请等几分钟再试。',
  'error.cycle': '这条关系会形成循环：另一个配置项已经直接或间接依赖于当前配置项。',
  'error.import_rejected': '未导入任何内容：部分行有错误。',
  'error.invalid_transition': '当前状态下不允许这一步。',
  'error.secret_key_required': '无法保存凭据：服务器未配置密钥（RUNBOARD_SECRET_KEY）。',
  'error.invalid_secret': '集成密钥缺失或不正确。',
  'error.task_archived': '此任务已归档。请先取消归档再修改。',
  'error.unsupported_media_type': '不支持此文件类型。请上传 PNG、JPEG、GIF 或 WebP 图片。',
  'error.payload_too_large': '文件或请求内容过大。',
  'error.bad_document_name': '该地址不是有效的文档。',
  'error.storage_unavailable': '保存比平时慢。更改已保留并会自动重试，请稍后再试。',
  'error.bad_request': '服务器无法理解此请求。',
  'error.unauthorized': '登录已失效，请重新登录。',
  'error.method_not_allowed': '此处不支持该操作。',
  'error.internal_error': '服务器出错了。请重试；如果问题持续出现，请联系管理员。',
  'error.unavailable': '服务器繁忙或正在启动，请稍后再试。',
  'error.network_error': '无法连接服务器。请检查网络后重试。',
  'error.http_error': '服务器返回了错误，请重试。',
  'error.invalid_response': '无法识别服务器的响应，请刷新页面。'
};
