import { methodNotAllowed } from '$lib/server/api/operation';
import {
  changeMemberRoleOperation,
  removeMemberOperation
} from '$lib/server/workspaces/workspaces-api';

export const PATCH = changeMemberRoleOperation.handle;
export const DELETE = removeMemberOperation.handle;
export const fallback = methodNotAllowed(changeMemberRoleOperation, removeMemberOperation);
