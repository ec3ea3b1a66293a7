// UNSUBSCRIBE: remove each filter compared character by character [MQTT-3.10.4-1], answer UNSUBACK
// even when nothing was removed [MQTT-3.10.4-5]. Messages already in flight still complete [MQTT-3.10.4-3].
import { ReasonCode } from '../../wire/index.js';
import type { UnsubscribePacket } from '../../wire/types.js';
import type { SubscribeContext } from './context.js';

export function handleUnsubscribe(ctx: SubscribeContext, packet: UnsubscribePacket): void {
  const reasonCodes: number[] = [];
  for (const filter of packet.topicFilters) {
    const subscription = ctx.session.subscriptions.get(filter);
    if (subscription === undefined) {
      reasonCodes.push(ReasonCode.NoSubscriptionExisted);
      continue;
    }
    if (!ctx.has('unsubscribe-ignored')) {
      // [MQTT-3.10.4-2] no new messages for this filter from now on.
      ctx.router.remove(subscription);
      ctx.session.subscriptions.delete(filter);
      ctx.session.cancelReplay(filter);
      ctx.subscriptionsChanged();
    }
    reasonCodes.push(ReasonCode.Success);
  }
  if (ctx.has('no-unsuback')) return;
  // [MQTT-3.10.4-4] same packet id; v5 one reason code per filter [MQTT-3.11.3-1].
  ctx.send(
    ctx.version === 5
      ? { type: 'unsuback', packetId: packet.packetId, reasonCodes }
      : { type: 'unsuback', packetId: packet.packetId },
  );
}
