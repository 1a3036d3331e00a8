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
  /** Publish only, from gateways: which users each gateway has connected (heartbeats and changes). */
  public static final String USER_PRESENCE_REPORT = "palaver.user.presence.report";

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
  /** Published (not a request) by session-service on every membership change, to drop cached checks everywhere. */
  public static final String SESSION_MEMBERSHIP_CHANGED = "palaver.session.membershipChanged";

  // message-service
  public static final String MESSAGE_SEND = "palaver.message.send";
  public static final String MESSAGE_SYSTEM = "palaver.message.system";
  public static final String MESSAGE_HISTORY = "palaver.message.history";
  public static final String MESSAGE_SYNC = "palaver.message.sync";
  public static final String MESSAGE_HEADS = "palaver.message.heads";

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

  /** Each service answers {@code palaver.health.<service>} after pinging its store. */
  public static final String HEALTH_PREFIX = "palaver.health.";
  public static final String HEALTH_USER = HEALTH_PREFIX + "user";
  public static final String HEALTH_SESSION = HEALTH_PREFIX + "session";
  public static final String HEALTH_MESSAGE = HEALTH_PREFIX + "message";

  // fan-out roots (publish only)
  public static final String FANOUT_SESSION_PREFIX = "palaver.fanout.session.";
  public static final String FANOUT_USER_PREFIX = "palaver.fanout.user.";

  public static String fanoutSession(String sid) {
    return FANOUT_SESSION_PREFIX + sid;
  }

  public static String fanoutUser(String uid) {
    return FANOUT_USER_PREFIX + uid;
  }
}
