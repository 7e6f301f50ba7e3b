import type { Translation } from '../types';
import type { cmdbImport as en } from '../en/cmdb-import';

/** Simplified Chinese messages for CMDB import and export, key for key as in en/cmdb-import.ts. */
export const cmdbImport: Translation<typeof en> = {
  'cmdbImport.row.emptyFile': '文件是空的。',
  'cmdbImport.row.tooManyRows': '文件中的配置项超过 {max} 个，请拆分成较小的文件。',
  'cmdbImport.row.tooManyErrors': '问题超过 {max} 处；请先修正这些，再导入以查看其余问题。',
  'cmdbImport.row.csvMissingColumn': '表头缺少“{column}”列。',
  'cmdbImport.row.csvUnknownColumn':
    '未知的列“{column}”。可用的列：type、name、environment、criticality、owner、tags、depends_on、runs_on、connects_to 或 attr.<名称>。',
  'cmdbImport.row.csvDuplicateColumn': '“{column}”列出现了两次。',
  'cmdbImport.row.csvColumnCount': '这一行有 {found} 个字段，而表头有 {expected} 个。',
  'cmdbImport.row.csvUnclosedQuote': '从这里开始的带引号字段没有结束引号。',
  'cmdbImport.row.csvStrayQuote':
    '未加引号的字段中出现了引号；请给整个字段加上引号，并把其中的引号写两遍。',
  'cmdbImport.row.jsonSyntax': '文件不是有效的 JSON：{reason}',
  'cmdbImport.row.jsonShape': '应为配置项数组，或包含“items”（以及可选“relations”）的对象。',
  'cmdbImport.row.notObject': '这里应为一个对象。',
  'cmdbImport.row.unknownField': '未知字段“{field}”。',
  'cmdbImport.row.fieldNotText': '“{field}”必须是文本。',
  'cmdbImport.row.fieldNotList': '“{field}”必须是文本列表。',
  'cmdbImport.row.fieldNotObject': '“{field}”必须是由名称和值组成的对象。',
  'cmdbImport.row.missingType': '缺少类型。',
  'cmdbImport.row.unknownType':
    '未知类型“{type}”：请使用 host、vm、service、database、network_device、application、cluster 或本工作区的自定义类型。',
  'cmdbImport.row.missingName': '缺少名称。',
  'cmdbImport.row.nameTooLong': '名称超过 {max} 个字符。',
  'cmdbImport.row.nameControl': '名称中含有控制字符（例如换行）。',
  'cmdbImport.row.duplicateName': '名称“{name}”已在第 {first} 行使用。',
  'cmdbImport.row.badCriticality':
    '未知的重要程度“{value}”：请使用 low、medium、high 或 critical。',
  'cmdbImport.row.environmentTooLong': '环境超过 {max} 个字符。',
  'cmdbImport.row.ownerTooLong': '负责团队超过 {max} 个字符。',
  'cmdbImport.row.tooManyTags': '标签超过 {max} 个。',
  'cmdbImport.row.tagTooLong': '标签“{tag}”超过 {max} 个字符。',
  'cmdbImport.row.tooManyAttributes': '属性超过 {max} 个。',
  'cmdbImport.row.attributeKey': '属性名“{key}”为空或超过 {max} 个字符。',
  'cmdbImport.row.attributeTooLong': '“{key}”的值超过 {max} 个字符。',
  'cmdbImport.row.attributeValue': '“{key}”的值必须是文本、数字、true/false 或留空。',
  'cmdbImport.row.fieldRequired': '类型“{type}”的字段“{field}”为必填。',
  'cmdbImport.row.fieldNotNumber': '字段“{field}”必须是数字。',
  'cmdbImport.row.fieldNotBoolean': '字段“{field}”必须是 true 或 false。',
  'cmdbImport.row.fieldNotDate': '字段“{field}”必须是日期（YYYY-MM-DD）。',
  'cmdbImport.row.fieldNotChoice': '字段“{field}”必须是可选值之一。',
  'cmdbImport.row.relationShape': '关系需要“from”、“to”和“type”。',
  'cmdbImport.row.relationType':
    '未知的关系类型“{type}”：请使用 depends_on、runs_on 或 connects_to。',
  'cmdbImport.row.relationSelf': '“{name}”不能依赖自身。',
  'cmdbImport.row.relationUnknown': '文件和 CMDB 中都没有名为“{name}”的配置项。',
  'cmdbImport.row.relationCycle': '关系“{from}”→“{to}”会形成循环依赖。',
  'cmdbImport.row.iniSyntax': '这一行既不是 [组] 标题，也不是主机或变量。',
  'cmdbImport.row.iniSection': '未知的段“{section}”：请使用 [组]、[组:vars] 或 [组:children]。',
  'cmdbImport.row.iniVariable': '应为“名称=值”，实际为“{text}”。',
  'cmdbImport.row.hostRange': '主机范围“{pattern}”无效。',
  'cmdbImport.row.hostRangeTooLarge': '主机范围“{pattern}”展开后超过 {max} 台主机。',
  'cmdbImport.row.yamlSyntax': '文件不是有效的 YAML：{reason}',
  'cmdbImport.row.yamlShape': '顶层应为主机组，例如包含 hosts、vars 和 children 的“all:”。',
  'cmdbImport.row.yamlGroupKey': '主机组中有未知的键“{key}”：请使用 hosts、vars 或 children。',
  'cmdbImport.netbox.badUrl': 'NetBox 地址必须是 http:// 或 https:// 开头的 URL。',
  'cmdbImport.netbox.missingToken': '需要提供 NetBox API 令牌。',
  'cmdbImport.netbox.unauthorized':
    'NetBox 拒绝了该令牌（HTTP {status}）。请确认令牌有效，并且有权读取设备、虚拟机、服务和集群。',
  'cmdbImport.netbox.http': 'NetBox 对 {path} 返回了 HTTP {status}。',
  'cmdbImport.netbox.timeout': 'NetBox 在 {seconds} 秒内没有响应。',
  'cmdbImport.netbox.unreachable': '无法连接到 NetBox（{url}）。',
  'cmdbImport.netbox.badPage': 'NetBox 对 {path} 的响应不是一页结果。',
  'cmdbImport.netbox.pageLoop': 'NetBox 为 {path} 给出的下一页链接回到了已读取过的页面。',
  'cmdbImport.netbox.tooManyPages': 'NetBox 中 {path} 超过 {max} 页，导入已停止。',
  'cmdbImport.netbox.foreignNext':
    'NetBox 把 {path} 的下一页指向了另一台服务器（{origin}），不会把令牌发送过去。'
};
