// The official pusher-js client, unmodified, against a running Palaver.
// Usage: node pusher-client.js <port> <app key> <app secret>
// Reads commands as JSON lines on stdin, prints what happens as JSON lines on stdout:
//   {cmd: "connect", name, user_id?, secret?}   -> {type: "connected", name, socket_id} (secret: sign with this one)
//   {cmd: "subscribe", name, channel}           -> {type: "subscribed", name, channel, members?} | {type: "subscription_error", ...}
//   {cmd: "trigger", name, channel, event, data} (a client event)
//   {cmd: "bind", name, channel, event}         -> {type: "bound_event", name, channel, event, data, user_id?} per event
//   {cmd: "signin", name, user_id}              -> {type: "signed_in", name, user_id}
//   {cmd: "unsubscribe", name, channel}, {cmd: "disconnect", name}
// Every event on a channel: {type: "event", name, channel, event, data, user_id?};
// on the signed-in user: {type: "user_event", name, event, data}; state changes: {type: "state", name, current}.
// The auth endpoint's work is done here with the app secret (channelAuthorization.customHandler).
const crypto = require('crypto');
const readline = require('readline');
const Pusher = require('pusher-js');

const [port, key, appSecret] = process.argv.slice(2);
const clients = {};

function out(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

function hmac(secret, text) {
  return crypto.createHmac('sha256', secret).update(text).digest('hex');
}

function connect({ name, user_id, secret }) {
  const signingSecret = secret || appSecret;
  const client = { userId: user_id, channels: {} };
  const pusher = new Pusher(key, {
    wsHost: '127.0.0.1',
    wsPort: Number(port),
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    cluster: 'x',
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        if (channelName.startsWith('presence-')) {
          const channelData = JSON.stringify({ user_id: client.userId, user_info: { name: client.userId } });
          callback(null, { auth: key + ':' + hmac(signingSecret, socketId + ':' + channelName + ':' + channelData),
            channel_data: channelData });
        } else {
          callback(null, { auth: key + ':' + hmac(signingSecret, socketId + ':' + channelName) });
        }
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        const userData = JSON.stringify({ id: client.userId, user_info: { name: client.userId } });
        callback(null, { auth: key + ':' + hmac(signingSecret, socketId + '::user::' + userData), user_data: userData });
      },
    },
  });
  client.pusher = pusher;
  clients[name] = client;
  pusher.connection.bind('state_change', ({ current }) => out({ type: 'state', name, current }));
  pusher.connection.bind('connected', () => out({ type: 'connected', name, socket_id: pusher.connection.socket_id }));
  pusher.connection.bind('error', (e) => out({ type: 'error', name, error: e && e.data ? e.data : String(e && e.type) }));
  pusher.user.bind_global((event, data) => out({ type: 'user_event', name, event, data }));
}

function subscribe({ name, channel }) {
  const channelObject = clients[name].pusher.subscribe(channel);
  clients[name].channels[channel] = channelObject;
  channelObject.bind('pusher:subscription_succeeded', (data) => {
    const line = { type: 'subscribed', name, channel };
    if (channel.startsWith('presence-')) {
      const members = [];
      channelObject.members.each((m) => members.push(m.id));
      line.members = members.sort();
      line.me = channelObject.members.me && channelObject.members.me.id;
    }
    out(line);
  });
  channelObject.bind('pusher:subscription_error', (error) => out({ type: 'subscription_error', name, channel, error }));
  channelObject.bind('pusher:member_added', (m) => out({ type: 'member_added', name, channel, user_id: m.id }));
  channelObject.bind('pusher:member_removed', (m) => out({ type: 'member_removed', name, channel, user_id: m.id }));
  channelObject.bind_global((event, data, metadata) => {
    if (event.startsWith('pusher:')) {
      return;
    }
    out({ type: 'event', name, channel, event, data, user_id: metadata && metadata.user_id });
  });
}

async function signin({ name, user_id }) {
  const client = clients[name];
  client.userId = user_id || client.userId;
  client.pusher.signin();
  await client.pusher.user.signinDonePromise;
  const user = client.pusher.user.user_data;
  out({ type: user ? 'signed_in' : 'signin_failed', name, user_id: user && user.id });
}

const commands = {
  connect,
  subscribe,
  signin,
  // bind_global callbacks get no metadata: a named binding reports the user_id of presence client events
  bind: ({ name, channel, event }) => clients[name].channels[channel].bind(event, (data, metadata) =>
    out({ type: 'bound_event', name, channel, event, data, user_id: metadata && metadata.user_id })),
  trigger: ({ name, channel, event, data }) => clients[name].channels[channel].trigger(event, data),
  unsubscribe: ({ name, channel }) => clients[name].pusher.unsubscribe(channel),
  disconnect: ({ name }) => clients[name].pusher.disconnect(),
};

readline.createInterface({ input: process.stdin }).on('line', (text) => {
  try {
    const command = JSON.parse(text);
    Promise.resolve(commands[command.cmd](command)).catch((e) => out({ type: 'failed', error: String(e) }));
  } catch (e) {
    out({ type: 'failed', error: String(e) });
  }
}).on('close', () => {
  Object.values(clients).forEach((c) => c.pusher.disconnect());
  process.exit(0);
});
out({ type: 'ready' });
