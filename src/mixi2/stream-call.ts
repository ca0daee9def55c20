import { Metadata, type ClientReadableStream } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import type { SubscribeEventsResponse } from './gen/social/mixi/application/service/application_stream/v1/service.js';
import { ConnectionLostError } from '../core/errors.js';

/** What one `SubscribeEvents` call reports besides the events it emits. */
export interface StreamCallObserver {
  /** The server answered (headers or a first message): the stream is open. */
  opened(): void;
}

/** Starts the gRPC call with the given metadata. */
export type OpenEventStream = (metadata: Metadata) => ClientReadableStream<SubscribeEventsResponse>;

/**
 * One `SubscribeEvents` call as a cold Observable of its events (pings included, so that they count as life
 * and refill the retry budget upstream of the filter), one emission per event in order.
 * It never completes: a clean end by the server is a {@link ConnectionLostError} so that the reconnect
 * policy applies; gRPC errors pass through raw for the caller to classify. Unsubscribing cancels the call
 * and swallows the CANCELLED status it causes.
 */
export function streamCall(open: OpenEventStream, token: string, authKey: string | undefined, observer: StreamCallObserver): Observable<Event> {
  return new Observable<Event>((subscriber) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    if (authKey !== undefined) metadata.set('x-auth-key', authKey);
    const call = open(metadata);
    let failure: unknown;
    let isOpen = false;
    const markOpen = (): void => {
      if (isOpen) return;
      isOpen = true;
      observer.opened();
    };
    const finish = (): void => subscriber.error(failure ?? new ConnectionLostError('the server ended the event stream'));
    call.on('metadata', markOpen);
    call.on('data', (response: SubscribeEventsResponse) => {
      markOpen();
      for (const event of response.events) subscriber.next(event);
    });
    call.on('error', (error: unknown) => {
      failure = error;
    });
    call.on('end', finish);
    call.on('close', finish);
    return () => {
      call.removeAllListeners('data');
      call.removeAllListeners('end');
      call.removeAllListeners('close');
      call.cancel();
    };
  });
}
