import type { ServiceDefinition } from '@grpc/grpc-js';
import {
  decodeEmpty,
  decodePublishRequest,
  decodeSubscriptionItem,
  decodeSubscriptionRequest,
  encodeEmpty,
  encodePublishRequest,
  encodeSubscriptionRequest,
  type WirePublishRequest,
  type WireSubscriptionItem,
  type WireSubscriptionRequest,
} from './pubsub-wire.js';

/**
 * The `cache_client.pubsub.Pubsub` service as @grpc/grpc-js sees it. Subscribe responses are written
 * pre-encoded (a `_SubscriptionItem` Buffer), so a message published to many subscribers is encoded once.
 */
export const pubsubServiceDefinition = {
  Publish: {
    path: '/cache_client.pubsub.Pubsub/Publish',
    requestStream: false,
    responseStream: false,
    requestSerialize: (request: WirePublishRequest) => encodePublishRequest(request),
    requestDeserialize: (bytes: Buffer) => decodePublishRequest(bytes),
    responseSerialize: () => encodeEmpty(),
    responseDeserialize: () => decodeEmpty(),
    originalName: 'publish',
  },
  Subscribe: {
    path: '/cache_client.pubsub.Pubsub/Subscribe',
    requestStream: false,
    responseStream: true,
    requestSerialize: (request: WireSubscriptionRequest) => encodeSubscriptionRequest(request),
    requestDeserialize: (bytes: Buffer) => decodeSubscriptionRequest(bytes),
    responseSerialize: (encoded: Buffer) => encoded,
    responseDeserialize: (bytes: Buffer): WireSubscriptionItem => decodeSubscriptionItem(bytes),
    originalName: 'subscribe',
  },
} satisfies ServiceDefinition;
