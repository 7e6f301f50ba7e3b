/**
 * The types that tie every locale to the English messages: a translation keeps exactly the
 * English keys of its area and every `{param}` of each English message. Type-only, so a locale
 * module that imports them pulls no English text into its chunk.
 */

/** Names of the `{name}` parameters in a message string. */
export type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | ParamNames<Rest>
  : never;

type AllOf<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** A translation of `S`: any string that keeps every `{param}` of the English original. */
export type TranslationOf<S extends string> = [ParamNames<S>] extends [never]
  ? string
  : AllOf<ParamNames<S> extends infer P extends string ? `${string}{${P}}${string}` : never>;

/**
 * The translation of an English area (or of the whole catalog): exactly its keys, each with the
 * same parameters. Used as a type annotation, a missing or extra key fails the type check.
 */
export type Translation<A extends Readonly<Record<string, string>>> = {
  readonly [K in keyof A]: TranslationOf<A[K]>;
};
