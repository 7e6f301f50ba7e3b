import { methodNotAllowed } from '$lib/server/api/operation';
import {
  getCmdbItemOperation,
  updateCmdbItemOperation,
  deleteCmdbItemOperation
} from '$lib/server/cmdb/cmdb-api';

export const GET = getCmdbItemOperation.handle;
export const PATCH = updateCmdbItemOperation.handle;
export const DELETE = deleteCmdbItemOperation.handle;
export const fallback = methodNotAllowed(
  getCmdbItemOperation,
  updateCmdbItemOperation,
  deleteCmdbItemOperation
);
