import { methodNotAllowed } from '$lib/server/api/operation';
import {
  deletePolicyOperation,
  getPolicyOperation,
  updatePolicyOperation
} from '$lib/server/oncall/oncall-api';

export const GET = getPolicyOperation.handle;
export const PATCH = updatePolicyOperation.handle;
export const DELETE = deletePolicyOperation.handle;
export const fallback = methodNotAllowed(
  getPolicyOperation,
  updatePolicyOperation,
  deletePolicyOperation
);
