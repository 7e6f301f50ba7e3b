/** Reading the JSON kept in text columns, forgiving of rows written by older versions. */

/** The JSON object in a text column; `{}` for anything else (not JSON, an array, null). */
export function parseJsonObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
