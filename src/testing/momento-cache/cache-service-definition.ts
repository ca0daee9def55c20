import type { ServiceDefinition } from '@grpc/grpc-js';
import {
  decodeGetResponse,
  decodeKeyRequest,
  decodeSetIfRequest,
  decodeSetIfResponse,
  encodeEmptyResponse,
  encodeGetResponse,
  encodeKeyRequest,
  encodeSetIfRequest,
  encodeSetIfResponse,
  encodeSetResponse,
  type WireGetResponse,
  type WireKeyRequest,
  type WireSetIfRequest,
} from './cache-wire.js';

const unary = { requestStream: false, responseStream: false } as const;

/**
 * The part of the `cache_client.Scs` service the cache emulator serves (Get, Set, SetIf, Delete), as
 * @grpc/grpc-js sees it. Paths and messages are those the real `CacheClient` of `@gomomento/sdk` sends, so
 * this definition can be mounted on any grpc-js `Server` (for instance next to the Pubsub service of the
 * Momento emulator, on the same port).
 *
 * @example
 * ```ts
 * const server = new Server();
 * const cache = createMomentoCacheService();
 * server.addService(momentoCacheServiceDefinition, cache.implementation);
 * ```
 */
export const momentoCacheServiceDefinition: ServiceDefinition = {
  Get: {
    ...unary,
    path: '/cache_client.Scs/Get',
    requestSerialize: (request: WireKeyRequest) => encodeKeyRequest(request),
    requestDeserialize: (bytes: Buffer) => decodeKeyRequest(bytes),
    responseSerialize: (response: WireGetResponse) => encodeGetResponse(response),
    responseDeserialize: (bytes: Buffer) => decodeGetResponse(bytes),
    originalName: 'get',
  },
  Set: {
    ...unary,
    path: '/cache_client.Scs/Set',
    requestSerialize: (request: WireSetIfRequest) => encodeSetIfRequest(request),
    requestDeserialize: (bytes: Buffer) => decodeSetIfRequest(bytes),
    responseSerialize: () => encodeSetResponse(),
    responseDeserialize: () => ({}),
    originalName: 'set',
  },
  SetIf: {
    ...unary,
    path: '/cache_client.Scs/SetIf',
    requestSerialize: (request: WireSetIfRequest) => encodeSetIfRequest(request),
    requestDeserialize: (bytes: Buffer) => decodeSetIfRequest(bytes),
    responseSerialize: (stored: boolean) => encodeSetIfResponse(stored),
    responseDeserialize: (bytes: Buffer) => decodeSetIfResponse(bytes),
    originalName: 'setIf',
  },
  Delete: {
    ...unary,
    path: '/cache_client.Scs/Delete',
    requestSerialize: (request: WireKeyRequest) => encodeKeyRequest(request),
    requestDeserialize: (bytes: Buffer) => decodeKeyRequest(bytes),
    responseSerialize: () => encodeEmptyResponse(),
    responseDeserialize: () => ({}),
    originalName: 'delete',
  },
};
