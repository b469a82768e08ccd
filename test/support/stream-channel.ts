import { Valkey } from 'iovalkey';
import { nodeOf } from '../../src/valkey/slots.js';
import { primaries } from './store-nodes.js';

/**
 * A raw subscriber outside Skein on a token stream's channel, as such a subscriber must do it: plain SUBSCRIBE on a
 * single server; on a Valkey Cluster, where Skein SPUBLISHes, SSUBSCRIBE on the primary that owns the channel's slot
 * (redis-py: `RedisCluster.pubsub().ssubscribe(channel)`). Resolves once subscribed; call the result to stop.
 */
export async function subscribeChannel(
  client: Valkey,
  channel: string,
  onMessage: (raw: string) => void,
): Promise<() => Promise<void>> {
  if (!(client as unknown as { isCluster?: boolean }).isCluster) {
    client.on('message', (from: string, raw: string) => {
      if (from === channel) onMessage(raw);
    });
    await client.subscribe(channel);
    return async () => void (await client.unsubscribe(channel));
  }
  await primaries(client);
  const owner = nodeOf(client, channel);
  if (!owner) throw new Error(`no owner known for ${channel}`);
  const subscriber = new Valkey(owner.options.port!, owner.options.host!, { maxRetriesPerRequest: null });
  subscriber.on('error', () => undefined);
  subscriber.on('smessage', (from: string, raw: string) => {
    if (from === channel) onMessage(raw);
  });
  await subscriber.ssubscribe(channel);
  return async () => {
    await subscriber.sunsubscribe(channel).catch(() => undefined);
    subscriber.disconnect();
  };
}
