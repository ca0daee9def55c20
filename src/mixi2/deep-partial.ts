/**
 * Types that {@link DeepPartial} leaves as they are.
 *
 * @example
 * ```ts
 * const leaf: DeepPartialLeaf = 'text';
 * ```
 */
export type DeepPartialLeaf = Date | Function | Uint8Array | string | number | boolean | bigint | undefined;

/**
 * A partial oneof member: which member is set and, optionally, a partial value.
 *
 * @example
 * ```ts
 * const body: DeepPartialCase<'pingEvent', PingEvent> = { $case: 'pingEvent' };
 * ```
 */
export interface DeepPartialCase<C extends string, V> {
  /** Which member of the oneof is set. */
  $case: C;
  /** The member's value; defaults fill what is left out. */
  value?: DeepPartial<V>;
}

/**
 * The shape of one member of a generated oneof union.
 *
 * @example
 * ```ts
 * const member: OneofMember = { $case: 'pingEvent', value: {} };
 * ```
 */
export interface OneofMember {
  /** Which member of the oneof is set. */
  $case: string;
  /** The member's value. */
  value: unknown;
}

/**
 * A message with every field optional, recursively: what the API methods and the generated `fromPartial`
 * accept. `bigint` (uint64) fields also take a number or a decimal string. Proto3 `optional` fields left
 * out stay absent on the wire.
 *
 * @example
 * ```ts
 * const request: DeepPartial<CreatePostRequest> = { text: 'hi', postMask: { caption: 'spoiler' } };
 * ```
 */
export type DeepPartial<T> = T extends bigint
  ? string | number | bigint
  : T extends DeepPartialLeaf
    ? T
    : T extends globalThis.Array<infer U>
      ? globalThis.Array<DeepPartial<U>>
      : T extends ReadonlyArray<infer U>
        ? ReadonlyArray<DeepPartial<U>>
        : T extends OneofMember
          ? DeepPartialCase<T['$case'], T['value']>
          : T extends {}
            ? { [K in keyof T]?: DeepPartial<T[K]> }
            : Partial<T>;
