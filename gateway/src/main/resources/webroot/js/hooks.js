// What the views do when the data changes; main.js wires the real handlers.
const noop = () => {};
export const hooks = {
  messagesChanged: noop,      // (sid, how) how: 'initial' | 'prepend' | undefined
  outboxChanged: noop,        // (sid)
  sessionsChanged: noop,      // (reload: boolean)
  historyState: noop,         // (sid, 'loading'|'done'|'error', message)
  incoming: noop,             // (message) from someone else, new
  profileChanged: noop,       // ()
  notificationsChanged: noop, // ()
  chatOpened: noop,           // (sid) the user opened a conversation
  sessionChanged: noop,       // (sid) a session's name, icon or visibility changed here
  reloadSessions: async () => {},
  changePassword: async () => {}, // (oldPassword, newPassword) → the fresh token
  refreshFriends: null,       // set while the friends panel is open
  refreshBlocked: noop,       // set while the friends panel is open (safety.js)
};
