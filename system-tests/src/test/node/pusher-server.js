// The official `pusher` server SDK (unmodified) as an app server against Palaver's HTTP API.
// Usage: node pusher-server.js <appId> <key> <secret> <port>
// Runs a fixed sequence of calls and prints one JSON line per result:
// {"type": <call>, "status": <HTTP status>, "body": <parsed JSON body or text>}, then {"type":"done"}.
const Pusher = require('pusher');

const [appId, key, secret, port] = process.argv.slice(2);
const options = { appId, key, secret, host: '127.0.0.1', port: Number(port), useTLS: false };
const pusher = new Pusher(options);
const impostor = new Pusher({ ...options, secret: secret + '-wrong' });

function print(type, fields) {
  process.stdout.write(JSON.stringify({ type, ...fields }) + '\n');
}

async function call(type, promise) {
  try {
    const response = await promise;
    const text = await response.text();
    let body = text;
    try { body = JSON.parse(text); } catch (e) { /* plain text */ }
    print(type, { status: response.status, body });
  } catch (e) {
    // the SDK rejects non-2xx answers with a RequestError carrying status and body
    print(type, { status: e.status === undefined ? -1 : e.status, body: e.body === undefined ? String(e) : e.body });
  }
}

(async () => {
  await call('trigger', pusher.trigger(['sdk-news', 'sdk-other'], 'greeting', { hello: 'world' }));
  await call('trigger_excluding', pusher.trigger('sdk-news', 'quiet', 'plain text', { socket_id: '123.456' }));
  await call('trigger_info', pusher.trigger('presence-sdk', 'counted', {}, { info: 'user_count,subscription_count' }));
  await call('batch', pusher.triggerBatch([
    { channel: 'sdk-news', name: 'batched-1', data: { n: 1 } },
    { channel: 'sdk-other', name: 'batched-2', data: 'two' },
  ]));
  await call('channels', pusher.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } }));
  await call('channel', pusher.get({ path: '/channels/presence-sdk', params: { info: 'user_count,subscription_count' } }));
  await call('users', pusher.get({ path: '/channels/presence-sdk/users' }));
  await call('terminate', pusher.terminateUserConnections('sdk-user'));
  await call('impostor', impostor.trigger('sdk-news', 'forged', 'x'));
  print('done', {});
})();
