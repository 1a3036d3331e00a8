package palaver.api;

/** JSON field names shared by the bus API and the client protocol. */
public final class Field {
  private Field() {
  }

  public static final String TYPE = "type";
  public static final String RID = "rid";
  public static final String UID = "uid";
  public static final String SID = "sid";
  public static final String CID = "cid";
  public static final String ID = "id";
  public static final String SEQ = "seq";
  public static final String AT = "at";
  /** How long a bus caller waits for its answer, in ms: work not started within it is dropped. */
  public static final String WAIT_MS = "waitMs";
  public static final String LOGIN = "login";
  public static final String PASSWORD = "password";
  public static final String NICKNAME = "nickname";
  public static final String GENDER = "gender";
  public static final String AVATAR = "avatar";
  public static final String TOKEN = "token";
  public static final String EXPIRES_AT = "expiresAt";
  public static final String NAME = "name";
  public static final String VISIBILITY = "visibility";
  public static final String ROLE = "role";
  public static final String MEMBERS = "members";
  public static final String SESSIONS = "sessions";
  public static final String MSG_TYPE = "msgType";
  public static final String CONTENT = "content";
  public static final String FILE_ID = "fileId";
  public static final String FILE = "file";
  public static final String MESSAGES = "messages";
  public static final String MORE = "more";
  public static final String BEFORE = "before";
  public static final String AFTER = "after";
  public static final String LIMIT = "limit";
  public static final String POSITIONS = "positions";
  /** In {@code synced}: the asked-for sessions the user is not a member of. */
  public static final String FORBIDDEN = "forbidden";
  /** In {@code history} and a head: the oldest seq still kept; older ones were removed by retention. */
  public static final String FIRST_SEQ = "firstSeq";
  /** In {@code synced}: {sid: firstSeq} of the sessions whose position was older than what retention kept. */
  public static final String FIRST_SEQS = "firstSeqs";
  /** A group's own message retention in days (0 or absent: the deployment's). */
  public static final String RETENTION_DAYS = "retentionDays";
  public static final String SIDS = "sids";
  public static final String HEADS = "heads";
  public static final String OWN_SEQ = "ownSeq";
  public static final String DUPLICATE = "duplicate";
  public static final String PROFILES = "profiles";
  public static final String LAST_SEQ = "lastSeq";
  public static final String READ_SEQ = "readSeq";
  public static final String UNREAD = "unread";
  public static final String LAST_MESSAGE = "lastMessage";
  public static final String EVENT = "event";
  /** A user's token version: bumped by logout and password change, which revokes every older token. */
  public static final String TOKEN_VERSION = "tokenVersion";
  public static final String ACTION = "action";
  public static final String CODE = "code";
  public static final String MESSAGE = "message";
  public static final String STATE = "state";
  public static final String ONLINE = "online";

  // sessions
  public static final String ICON = "icon";
  public static final String PEER = "peer";
  public static final String MEMBER = "member";
  public static final String OWNER = "owner";
  public static final String BY = "by";
  public static final String QUERY = "q";
  /** Search: the matching messages of a page, the words searched for, the cursor of the next page. */
  public static final String HITS = "hits";
  public static final String TERMS = "terms";
  public static final String NEXT = "next";
  public static final String OFFSET = "offset";
  public static final String OLD_PASSWORD = "oldPassword";
  public static final String NEW_PASSWORD = "newPassword";
  public static final String USERS = "users";
  public static final String UIDS = "uids";
  public static final String PRESENCE = "presence";
  public static final String KIND = "kind";
  public static final String DATA = "data";
  public static final String READ = "read";
  public static final String NOTIFICATION = "notification";
  public static final String NOTIFICATIONS = "notifications";
  public static final String FRIENDS = "friends";
  public static final String INCOMING = "incoming";
  public static final String BLOCKED = "blocked";
  public static final String INVITATIONS = "invitations";
  public static final String PENDING = "pending";
  public static final String REMOVED = "removed";
  public static final String MUTED = "muted";
  public static final String ARCHIVED = "archived";
  public static final String PINS = "pins";
  public static final String PINNED = "pinned";
  public static final String OUTGOING = "outgoing";
  public static final String STATUS = "status";
  public static final String NODE = "node";

  // calls (docs/protocol.md "Calls"): relayed between the two members of a private session, never stored
  /** The client-chosen id of one call; every signal of the call carries it. */
  public static final String CALL_ID = "callId";
  /** What a {@code call} frame says: ring, accept, decline, busy, timeout, hangup, offer, answer, ice. */
  public static final String SIGNAL = "signal";
  /** In a relayed {@code call} frame: the uid of the user whose client sent it. */
  public static final String FROM = "from";
  public static final String SDP = "sdp";
  public static final String CANDIDATE = "candidate";
  public static final String SDP_MID = "sdpMid";
  public static final String SDP_M_LINE_INDEX = "sdpMLineIndex";
  public static final String USERNAME_FRAGMENT = "usernameFragment";
  /** On {@code ring}: true for a video call, false (or absent) for voice only. */
  public static final String VIDEO = "video";
  /** In {@code ready}: the STUN/TURN servers for calls, RTCIceServer objects (the {@code iceServers} setting). */
  public static final String ICE_SERVERS = "iceServers";

  // files
  public static final String MIME = "mime";
  public static final String SIZE = "size";
  public static final String SHA256 = "sha256";
  public static final String THUMB_ID = "thumbId";
  /** true in an upload's answer when an image got no thumbnail because the node was busy decoding others. */
  public static final String THUMB_SKIPPED = "thumbSkipped";
  public static final String DURATION_MS = "durationMs";
  /**
   * {@code POST /files?poster=<fileId>} and {@code file.begin}: the upload is the poster frame of that video
   * (its uploader's, mp4 or webm); the video's file info then carries {@code posterId}.
   */
  public static final String POSTER = "poster";
  /** In a video's file info: the image shown before it plays ({@code GET /files/{fileId}/poster}). */
  public static final String POSTER_ID = "posterId";
  public static final String UPLOAD_ID = "uploadId";
  public static final String N = "n";
  public static final String CHUNK_SIZE = "chunkSize";

  // push inboxes (message-service's MESSAGE_PUSH_* and Address.fanoutInbox)
  /** A push's id as its sender named it (the stored cid). */
  public static final String MSG_ID = "msgId";
  /** An inbox's delivered mark: the highest seq handed to a socket of the user. */
  public static final String DELIVERED = "delivered";
  /** Administration: the server-admin flag, a deactivated account, a tombstoned message, an invite code. */
  public static final String ADMIN = "admin";
  public static final String DEACTIVATED = "deactivated";
  public static final String DELETED = "deleted";
  public static final String TARGET = "target";
  public static final String INVITE = "invite";
  public static final String INVITES = "invites";
  public static final String CREATED_AT = "createdAt";
  public static final String CREATED_BY = "createdBy";
  public static final String NODES = "nodes";
  public static final String FILES = "files";

  // edits, deletions, reactions and replies (docs/protocol.md "Editing, deleting, reacting, replying")
  /** When a message's content was last edited (ms); a change event's target seq is {@link #TARGET}. */
  public static final String EDITED_AT = "editedAt";
  /** In a stored message: the seq of the edit event its content is from (edits apply in seq order). */
  public static final String EDIT_SEQ = "editSeq";
  /** In a stored message: {emoji: [uid...]}. */
  public static final String REACTIONS = "reactions";
  /** In a stored message: the seq of the newest reaction event applied to it. */
  public static final String REACT_SEQ = "reactSeq";
  public static final String EMOJI = "emoji";
  /** A reaction event: true when added, false when removed. */
  public static final String ON = "on";
  /** A send's (and a stored reply's) target: {seq, uid, nickname, msgType, quote}. */
  public static final String REPLY_TO = "replyTo";
  public static final String QUOTE = "quote";
  /** In a head: the seqs of the newest change events (not counted as unread). */
  public static final String CHANGE_SEQS = "changeSeqs";

  // mentions (docs/protocol.md "Mentions")
  /**
   * In a send and a message: the uids it mentions. In a session list entry and a head asked with
   * {@link #READ_SEQS}: how many unread messages mention the user (or everyone).
   */
  public static final String MENTIONS = "mentions";
  /** In a send and a message: true when it mentions everyone in the group ({@code @all}). */
  public static final String MENTION_ALL = "mentionAll";
  /** In a heads request: {sid: the user's read position}, so each head counts that user's unread mentions. */
  public static final String READ_SEQS = "readSeqs";
}
