import { methodNotAllowed } from '$lib/server/api/operation';
import { createPolicyOperation, listPoliciesOperation } from '$lib/server/oncall/oncall-api';

export const GET = listPoliciesOperation.handle;
export const POST = createPolicyOperation.handle;
export const fallback = methodNotAllowed(listPoliciesOperation, createPolicyOperation);
