/** English messages of the CMDB's REST API: operation names, errors, history wording. */
export const cmdbApi = {
  'apiDocs.tag.cmdb':
    'Configuration items, their relations and impact, history, import, export and the Ansible inventory.',
  'apiDocs.op.listCmdbItems': 'List configuration items',
  'apiDocs.op.createCmdbItem': 'Create a configuration item',
  'apiDocs.op.getCmdbItem': 'Get a configuration item',
  'apiDocs.op.updateCmdbItem': 'Change a configuration item',
  'apiDocs.op.deleteCmdbItem': 'Delete a configuration item',
  'apiDocs.op.createCmdbRelation': 'Relate two configuration items',
  'apiDocs.op.deleteCmdbRelation': 'Remove a relation',
  'apiDocs.op.getCmdbImpact': 'What depends on an item',
  'apiDocs.op.getCmdbHistory': 'History of a configuration item',
  'apiDocs.op.importCmdb': 'Import configuration items',
  'apiDocs.op.importCmdbFromNetbox': 'Import from NetBox',
  'apiDocs.op.exportCmdb': 'Export configuration items',
  'apiDocs.op.getCmdbInventory': 'The CMDB as an Ansible inventory'
} as const;
