import type { Translation } from '../types';
import type { cmdbApi as en } from '../en/cmdb-api';

/** Simplified Chinese messages of the CMDB's REST API, key for key as in en/cmdb-api.ts. */
export const cmdbApi: Translation<typeof en> = {
  'apiDocs.tag.cmdb': '配置项及其关系与影响范围、变更历史、导入导出和 Ansible 清单。',
  'apiDocs.op.listCmdbItems': '列出配置项',
  'apiDocs.op.createCmdbItem': '创建配置项',
  'apiDocs.op.getCmdbItem': '获取配置项',
  'apiDocs.op.updateCmdbItem': '修改配置项',
  'apiDocs.op.deleteCmdbItem': '删除配置项',
  'apiDocs.op.createCmdbRelation': '关联两个配置项',
  'apiDocs.op.deleteCmdbRelation': '删除关系',
  'apiDocs.op.getCmdbImpact': '查看依赖某配置项的内容',
  'apiDocs.op.getCmdbHistory': '配置项的变更历史',
  'apiDocs.op.importCmdb': '导入配置项',
  'apiDocs.op.importCmdbFromNetbox': '从 NetBox 导入',
  'apiDocs.op.exportCmdb': '导出配置项',
  'apiDocs.op.getCmdbInventory': '以 Ansible 清单形式获取 CMDB'
};
