package palaver.api;

/**
 * Event-bus addresses: the public API other verticles integrate through.
 * Operations are request/reply under {@code palaver.<service>.*}; fan-out is
 * publish-only under {@code palaver.fanout.*} so the two never mix.
 */
public final class Address {
  private Address() {
  }

  // user-service
  public static final String USER_REGISTER = "palaver.user.register";
  public static final String USER_LOGIN = "palaver.user.login";
  public static final String USER_AUTHENTICATE = "palaver.user.authenticate";
  public static final String USER_LOGOUT = "palaver.user.logout";
  public static final String USER_REFRESH = "palaver.user.refresh";
  /** {@code {uid, tokenVersion}} → {@code {}} while tokens at that version are unrevoked, else {@code unauthenticated}. */
  public static final String USER_TOKEN_CHECK = "palaver.user.token.check";
  public static final String USER_GET = "palaver.user.get";
  public static final String USER_PROFILES = "palaver.user.profiles";
  public static final String USER_UPDATE = "palaver.user.update";
  public static final String USER_PASSWORD = "palaver.user.password";
  public static final String USER_SEARCH = "palaver.user.search";
  public static final String USER_PRESENCE = "palaver.user.presence";
  /** {@code {uids:[...]}} → {@code {presence:{uid: online|away|busy|offline}}}; invisible shows as offline. */
  public static final String USER_PRESENCE_QUERY = "palaver.user.presence.query";
  /** {@code {uid, kind, data}}: stores a notification and pushes it on {@code palaver.fanout.user.<uid>}. */
  public static final String USER_NOTIFY = "palaver.user.notify";
  public static final String USER_NOTIFICATIONS = "palaver.user.notifications";
  public static final String USER_NOTIFICATION_READ = "palaver.user.notifications.read";
  public static final String USER_FRIENDS = "palaver.user.friends";
  public static final String USER_FRIEND_ADD = "palaver.user.friends.add";
  public static final String USER_FRIEND_REMOVE = "palaver.user.friends.remove";
  /** {@code {uid, peer}}: {@code uid} blocks {@code peer} (docs/protocol.md "Blocking"). */
  public static final String USER_BLOCK = "palaver.user.block";
  /** {@code {uid, peer}}: lifts the block. */
  public static final String USER_UNBLOCK = "palaver.user.unblock";
  /** {@code {uid}} → {@code {blocked:[profile]}}: whom {@code uid} blocks. */
  public static final String USER_BLOCKED = "palaver.user.blocked";
  /** {@code {uid, peer}} → {@code {friends, blocked}}: asked by session-service before an invite or a private session. */
  public static final String USER_RELATION = "palaver.user.relation";
  /** Published by user-service on every block or unblock {@code {uid, peer}}: drops cached answers. */
  public static final String USER_BLOCK_CHANGED = "palaver.user.blockChanged";
  /** Publish only, from gateways: which users each gateway has connected (heartbeats and changes). */
  public static final String USER_PRESENCE_REPORT = "palaver.user.presence.report";
  /** {@code {uid, password}}: the caller deletes their own account and data (password confirms). */
  public static final String USER_DELETE = "palaver.user.delete";

  // user-service: administration. Every request carries the caller's {@code uid}; user-service checks
  // the caller is a server admin on each call (403 forbidden otherwise), so a demoted admin loses rights at once.
  /** {@code {uid}} → {@code {admin: true}}, or 403: asked by the gateway before admin operations served elsewhere. */
  public static final String ADMIN_CHECK = "palaver.user.admin.check";
  /** {@code {uid, q?, offset?, limit?}} → {@code {users: [{uid, login, nickname, admin, deactivated, createdAt}], more}}. */
  public static final String ADMIN_USERS = "palaver.user.admin.users";
  /** {@code {uid, target}}: the target can't log in or refresh; tokens revoked, sockets closed (4401). */
  public static final String ADMIN_DEACTIVATE = "palaver.user.admin.deactivate";
  /** {@code {uid, target}}: the target may log in again. */
  public static final String ADMIN_REACTIVATE = "palaver.user.admin.reactivate";
  /** {@code {uid, target}}: deletes the target's account and data (as {@link #USER_DELETE} without a password). */
  public static final String ADMIN_DELETE_USER = "palaver.user.admin.delete";
  /** {@code {uid}} → {@code {code, createdAt}}: a single-use invite code for sign-up. */
  public static final String ADMIN_INVITE_CREATE = "palaver.user.admin.invites.create";
  /** {@code {uid}} → {@code {invites: [{code, createdAt, createdBy}]}}: the unused codes. */
  public static final String ADMIN_INVITES = "palaver.user.admin.invites";
  /** {@code {uid}} → {@code {users: [{uid, login, nickname, nodes}], nodes}}: who is connected, cluster-wide. */
  public static final String ADMIN_CONNECTED = "palaver.user.admin.connected";

  // session-service
  public static final String SESSION_CREATE = "palaver.session.create";
  public static final String SESSION_GET = "palaver.session.get";
  public static final String SESSION_LIST = "palaver.session.list";
  public static final String SESSION_MEMBERSHIPS = "palaver.session.memberships";
  public static final String SESSION_CHECK_MEMBER = "palaver.session.checkMember";
  public static final String SESSION_JOIN = "palaver.session.join";
  public static final String SESSION_LEAVE = "palaver.session.leave";
  public static final String SESSION_READ = "palaver.session.read";
  public static final String SESSION_INVITE = "palaver.session.invite";
  public static final String SESSION_REMOVE = "palaver.session.remove";
  public static final String SESSION_SET_ROLE = "palaver.session.setRole";
  public static final String SESSION_UPDATE = "palaver.session.update";
  public static final String SESSION_DIRECTORY = "palaver.session.directory";
  /**
   * {@code {after?}} → {@code {sessions:[{sid, retentionDays}], more}}: the groups with a retention of their
   * own, by sid after {@code after}, a page at a time (message-service's retention sweep).
   */
  public static final String SESSION_RETENTIONS = "palaver.session.retentions";
  /** {@code {uid}} → {@code {invitations:[{sid, name, by, at}]}}: invitations waiting for {@code uid}'s answer. */
  public static final String SESSION_INVITATIONS = "palaver.session.invitations";
  /** {@code {uid, sid}}: the invitee accepts a pending invitation and becomes a member. */
  public static final String SESSION_ACCEPT = "palaver.session.accept";
  /** {@code {uid, sid}}: the invitee declines a pending invitation. */
  public static final String SESSION_DECLINE = "palaver.session.decline";
  /**
   * {@code {uid, sid, muted?, archived?}} → {@code {sid, muted, archived}}: the caller's own view of a session
   * (muted: no notifications, unread still counted; archived: listed apart). Other members see nothing of it.
   */
  public static final String SESSION_PREFERENCES = "palaver.session.preferences";
  /**
   * {@code {uid, sid, seq, pinned}} → {@code {sid, pins}}: pins or unpins a message of the session; any member
   * of a private session, the owner or an admin of a group. {@code pins}: the pinned seqs, newest pin first.
   */
  public static final String SESSION_PIN = "palaver.session.pin";
  /**
   * {@code {uid}} → {@code {removed}}: an account is being deleted; its pending invitations, to it and from it,
   * go (user-service's account deletion asks, after the account left its sessions).
   */
  public static final String SESSION_FORGET_USER = "palaver.session.forgetUser";
  /** Published (not a request) by session-service on every membership change, to drop cached checks everywhere. */
  public static final String SESSION_MEMBERSHIP_CHANGED = "palaver.session.membershipChanged";

  // message-service
  public static final String MESSAGE_SEND = "palaver.message.send";
  public static final String MESSAGE_SYSTEM = "palaver.message.system";
  public static final String MESSAGE_HISTORY = "palaver.message.history";
  public static final String MESSAGE_SYNC = "palaver.message.sync";
  public static final String MESSAGE_HEADS = "palaver.message.heads";
  /**
   * {@code {uid, q, sid?, before?, limit?}} → {@code {terms, hits:[message], more, next?}}: full-text search
   * over the messages of the caller's sessions (or of one, {@code sid}), newest first; {@code next} is the
   * {@code before} of the following page (docs/protocol.md "Search").
   */
  public static final String MESSAGE_SEARCH = "palaver.message.search";
  /**
   * {@code {uid, sid, seq, cid?, admin?}} → {@code {sid, id, seq, deleted:true, event}}: the message becomes a
   * tombstone (seq kept, content removed), a {@code delete} event is appended to the session and
   * {@code messageDeleted} is published. Allowed to its author and to the session's owner and admins;
   * {@code admin:true} (a server admin: only the gateway's admin API sets it, after {@link #ADMIN_CHECK})
   * skips that rule.
   */
  public static final String MESSAGE_DELETE = "palaver.message.delete";
  /**
   * {@code {uid, sid, seq, content, cid?}} → {@code {sid, id, seq, target, at}}: the author's text message
   * {@code seq} gets new content; an {@code edit} event is appended to the session (docs/event-bus.md).
   */
  public static final String MESSAGE_EDIT = "palaver.message.edit";
  /**
   * {@code {uid, sid, seq, emoji, on, cid?}} → {@code {sid, id, seq, target, at}} (or {@code unchanged:true}):
   * a member adds ({@code on:true}) or removes a reaction; a {@code reaction} event is appended.
   */
  public static final String MESSAGE_REACT = "palaver.message.react";
  /**
   * {@code {uid}} → {@code {messages}}: a deleted account's messages all become tombstones by "deleted user"
   * (user-service's account deletion).
   */
  public static final String MESSAGE_FORGET_USER = "palaver.message.forgetUser";
  /** Published (not a request) by message-service when stored messages changed: {@code {sids}}; every instance drops those tails. */
  public static final String MESSAGE_CHANGED = "palaver.message.changed";

  // message-service: files (GridFS-layout chunks in the message-service's store)
  /** {@code {uid, name}} → {@code {uploadId, address}}: later upload steps go to {@code address} (the instance holding the upload). */
  public static final String FILE_BEGIN = "palaver.message.file.begin";
  /** Prefix of the per-instance upload address: {@code {uploadId, op: append|finish|abort, data?}}. */
  public static final String FILE_UPLOAD_PREFIX = "palaver.message.file.upload.";
  /** {@code {uid, fileId, msgType}} → file meta; 403 unless the caller owns it. */
  public static final String FILE_CLAIM = "palaver.message.file.claim";
  /** {@code {uid, fileId, thumb?}} → meta with {@code chunkSize, chunks}; 403 unless owner or member where posted. */
  public static final String FILE_OPEN = "palaver.message.file.open";
  /** {@code {fileId, n}} → {@code {data}}: chunk n of an opened file (trusted callers only, after FILE_OPEN). */
  public static final String FILE_READ = "palaver.message.file.read";
  /** {@code {uid}} → {@code {files}}: deletes every file (and thumbnail) the user uploaded (account deletion). */
  public static final String FILE_DELETE_OWNED = "palaver.message.file.deleteOwned";

  // message-service: push inboxes (trusted callers only: the gateway's push protocols).
  // An inbox is a session whose sid is PushNames.inbox(app, user); it reuses the messages' seq, idempotency and sync.
  /** {@code {sid, uid (sender), cid (msg_id), content: {...}, expiresAt}} → {@code {sid, seq, at, duplicate?}}; new ones published on {@link #fanoutInbox}. */
  public static final String MESSAGE_PUSH_APPEND = "palaver.message.push.append";
  /** {@code {sid, after?, limit?}} → {@code {sid, messages, more, delivered}}: pushes after {@code after} (default: after {@code delivered}). */
  public static final String MESSAGE_PUSH_SINCE = "palaver.message.push.since";
  /** {@code {sid, seq}}: the inbox's pushes up to seq reached a socket of the user (kept as the max). */
  public static final String MESSAGE_PUSH_DELIVERED = "palaver.message.push.delivered";

  // push-service: the push platform's cluster-wide state (channels, presence, cache channels, webhooks)
  /** Publish only, from gateways: which sockets are in which app channels (changes and heartbeats); see docs/event-bus.md. */
  public static final String PUSH_CHANNELS_REPORT = "palaver.push.channels.report";
  /** {@code {app, filter_by_prefix?, info?}} → {@code {channels: {name: {subscription_count?, user_count?}}}}. */
  public static final String PUSH_CHANNELS = "palaver.push.channels";
  /** {@code {app, channel, info?}} → {@code {occupied, subscription_count?, user_count?}}. */
  public static final String PUSH_CHANNEL = "palaver.push.channel";
  /** {@code {app, channel}} → {@code {members: {user_id: user_info}}}: a presence channel's members, cluster-wide. */
  public static final String PUSH_MEMBERS = "palaver.push.members";
  /** {@code {app, channel, event, data}}: keeps a cache channel's last event. */
  public static final String PUSH_CACHE_PUT = "palaver.push.cache.put";
  /** {@code {app, channel}} → {@code {event?, data?}} (empty when there is none). */
  public static final String PUSH_CACHE_GET = "palaver.push.cache.get";
  /** {@code {app, events: [{name, channel, ...}]}}: stored, then delivered to the app's webhooks with retries. */
  public static final String PUSH_WEBHOOK = "palaver.push.webhook";

  /** Each service answers {@code palaver.health.<service>} after pinging its store. */
  public static final String HEALTH_PREFIX = "palaver.health.";
  public static final String HEALTH_USER = HEALTH_PREFIX + "user";
  public static final String HEALTH_SESSION = HEALTH_PREFIX + "session";
  public static final String HEALTH_MESSAGE = HEALTH_PREFIX + "message";
  public static final String HEALTH_PUSH = HEALTH_PREFIX + "push";

  /**
   * Local only (never crosses the bus): published on every node when its view of the cluster changes,
   * {@code {event: memberAdded|memberRemoved|merged, member}}. After one, what a node cached or was told
   * may be stale (announcements published while it was cut off never reached it), so caches flush and
   * sockets re-check their token and memberships; after {@code merged} gateways close their sockets.
   */
  public static final String CLUSTER_TOPOLOGY = "palaver.local.cluster.topology";

  // fan-out roots (publish only)
  public static final String FANOUT_SESSION_PREFIX = "palaver.fanout.session.";
  public static final String FANOUT_USER_PREFIX = "palaver.fanout.user.";

  /** The push platform's fan-out root: apps' channels, users and inboxes, apart from the chat's. */
  public static final String FANOUT_PUSH_PREFIX = "palaver.fanout.push.";

  /** An app channel's events: {@code {event, channel, data, socket_id?}} (socket_id: the sender, not echoed to it). */
  public static String fanoutChannel(String app, String channel) {
    return FANOUT_PUSH_PREFIX + "channel." + app + "." + channel;
  }

  /** Events to one of an app's users, on every socket signed in as that user: {@code {event, data}} or {@code {terminate: true}}. */
  public static String fanoutAppUser(String app, String user) {
    return FANOUT_PUSH_PREFIX + "user." + app + "." + user;
  }

  /** A push inbox's newly stored pushes: {@code {sid, seq, msgId, content, at}}. */
  public static String fanoutInbox(String sid) {
    return FANOUT_PUSH_PREFIX + "inbox." + sid;
  }

  public static String fanoutSession(String sid) {
    return FANOUT_SESSION_PREFIX + sid;
  }

  public static String fanoutUser(String uid) {
    return FANOUT_USER_PREFIX + uid;
  }
}
