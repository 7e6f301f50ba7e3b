/**
 * English messages for CMDB import and export: the per-row errors of a CSV, JSON or Ansible
 * inventory import (src/lib/server/cmdb/cmdb-import.ts) and the errors of a NetBox import
 * (src/lib/server/cmdb/netbox.ts). `{row}` is never in a message: the API puts it beside it.
 */
export const cmdbImport = {
  'cmdbImport.row.emptyFile': 'The file is empty.',
  'cmdbImport.row.tooManyRows': 'The file has more than {max} items; split it into smaller files.',
  'cmdbImport.row.tooManyErrors':
    'More than {max} problems; fix these and try again to see the rest.',
  'cmdbImport.row.csvMissingColumn': 'The header has no “{column}” column.',
  'cmdbImport.row.csvUnknownColumn':
    'Unknown column “{column}”. Use type, name, environment, criticality, owner, tags, depends_on, runs_on, connects_to or attr.<name>.',
  'cmdbImport.row.csvDuplicateColumn': 'The column “{column}” appears twice.',
  'cmdbImport.row.csvColumnCount': 'This row has {found} fields; the header has {expected}.',
  'cmdbImport.row.csvUnclosedQuote': 'A quoted field starts here and is never closed.',
  'cmdbImport.row.csvStrayQuote':
    'A quote appears inside an unquoted field; put the whole field in quotes and double the quote.',
  'cmdbImport.row.jsonSyntax': 'The file is not valid JSON: {reason}',
  'cmdbImport.row.jsonShape':
    'Expected an array of items, or an object with “items” and optional “relations”.',
  'cmdbImport.row.notObject': 'Expected an object here.',
  'cmdbImport.row.unknownField': 'Unknown field “{field}”.',
  'cmdbImport.row.fieldNotText': '“{field}” must be text.',
  'cmdbImport.row.fieldNotList': '“{field}” must be a list of text.',
  'cmdbImport.row.fieldNotObject': '“{field}” must be an object of names and values.',
  'cmdbImport.row.missingType': 'The type is missing.',
  'cmdbImport.row.unknownType':
    'Unknown type “{type}”: use host, vm, service, database, network_device, application, cluster or a custom type of this workspace.',
  'cmdbImport.row.missingName': 'The name is missing.',
  'cmdbImport.row.nameTooLong': 'The name is longer than {max} characters.',
  'cmdbImport.row.nameControl': 'The name contains control characters (such as a line break).',
  'cmdbImport.row.duplicateName': 'The name “{name}” is already used on row {first}.',
  'cmdbImport.row.badCriticality':
    'Unknown criticality “{value}”: use low, medium, high or critical.',
  'cmdbImport.row.environmentTooLong': 'The environment is longer than {max} characters.',
  'cmdbImport.row.ownerTooLong': 'The owner is longer than {max} characters.',
  'cmdbImport.row.tooManyTags': 'More than {max} tags.',
  'cmdbImport.row.tagTooLong': 'The tag “{tag}” is longer than {max} characters.',
  'cmdbImport.row.tooManyAttributes': 'More than {max} attributes.',
  'cmdbImport.row.attributeKey':
    'The attribute name “{key}” is empty or longer than {max} characters.',
  'cmdbImport.row.attributeTooLong': 'The value of “{key}” is longer than {max} characters.',
  'cmdbImport.row.attributeValue':
    'The value of “{key}” must be text, a number, true/false or empty.',
  'cmdbImport.row.fieldRequired': 'The field “{field}” of type “{type}” is required.',
  'cmdbImport.row.fieldNotNumber': 'The field “{field}” must be a number.',
  'cmdbImport.row.fieldNotBoolean': 'The field “{field}” must be true or false.',
  'cmdbImport.row.fieldNotDate': 'The field “{field}” must be a date (YYYY-MM-DD).',
  'cmdbImport.row.fieldNotChoice': 'The field “{field}” must be one of its choices.',
  'cmdbImport.row.relationShape': 'A relation needs “from”, “to” and “type”.',
  'cmdbImport.row.relationType':
    'Unknown relation type “{type}”: use depends_on, runs_on or connects_to.',
  'cmdbImport.row.relationSelf': '“{name}” cannot depend on itself.',
  'cmdbImport.row.relationUnknown': 'No item named “{name}”, in the file or in the CMDB.',
  'cmdbImport.row.relationCycle': 'The relation “{from}” → “{to}” closes a cycle.',
  'cmdbImport.row.iniSyntax': 'This line is neither a [group] header, a host nor a variable.',
  'cmdbImport.row.iniSection':
    'Unknown section “{section}”: use [group], [group:vars] or [group:children].',
  'cmdbImport.row.iniVariable': 'Expected name=value, found “{text}”.',
  'cmdbImport.row.hostRange': 'The host range “{pattern}” is not valid.',
  'cmdbImport.row.hostRangeTooLarge':
    'The host range “{pattern}” expands to more than {max} hosts.',
  'cmdbImport.row.yamlSyntax': 'The file is not valid YAML: {reason}',
  'cmdbImport.row.yamlShape':
    'Expected groups at the top, such as “all:” with hosts, vars and children.',
  'cmdbImport.row.yamlGroupKey': 'Unknown key “{key}” in a group: use hosts, vars or children.',
  'cmdbImport.netbox.badUrl': 'The NetBox address must be an http:// or https:// URL.',
  'cmdbImport.netbox.missingToken': 'A NetBox API token is needed.',
  'cmdbImport.netbox.unauthorized':
    'NetBox refused the token (HTTP {status}). Check that it is valid and may read devices, virtual machines, services and clusters.',
  'cmdbImport.netbox.http': 'NetBox answered HTTP {status} for {path}.',
  'cmdbImport.netbox.timeout': 'NetBox did not answer within {seconds} seconds.',
  'cmdbImport.netbox.unreachable': 'Could not reach NetBox at {url}.',
  'cmdbImport.netbox.badPage': 'NetBox’s answer for {path} is not a page of results.',
  'cmdbImport.netbox.pageLoop':
    'NetBox’s next-page links for {path} come back to a page already read.',
  'cmdbImport.netbox.tooManyPages':
    'NetBox has more than {max} pages for {path}; the import stopped.',
  'cmdbImport.netbox.foreignNext':
    'NetBox pointed the next page of {path} to another server ({origin}); the token is not sent there.'
} as const;
