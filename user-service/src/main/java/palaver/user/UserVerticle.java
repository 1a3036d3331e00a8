package palaver.user;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;
import palaver.api.Ids;
import palaver.runtime.Store;

/**
 * user-service: which address is served by what, and the validation of
 * account and profile requests. Accounts and tokens are handled here; friends,
 * notifications and presence in their own classes. The collections belong to
 * {@link UserStore} ({@code users}), {@link FriendStore} ({@code friends}),
 * {@link NotificationStore} ({@code notifications}), {@link BlockStore} ({@code blocks}) and {@link SigningKey} ({@code keys}).
 */
public class UserVerticle extends VerticleBase {
  static final String LOGOUT_EVENT = "logout";
  static final String[] GENDERS = {"", "female", "male", "other"};
  static final int MAX_AVATAR = 128;
  static final int MAX_SEARCH_LIMIT = 50;
  static final int DEFAULT_SEARCH_LIMIT = 20;
  static final int MAX_SEARCH_OFFSET = 1000;
  static final int MAX_PROFILES = 1000;
  /** The answer of {@code palaver.user.profiles}: uid → profile. */
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,189}$");
  private static final Set<String> UPDATABLE = Set.of(Field.NICKNAME, Field.GENDER, Field.AVATAR);

  private record Registration(String login, String password, String nickname) {
  }

  private record Credentials(String login, String password) {
  }

  private record PasswordChange(String uid, String oldPassword, String newPassword) {
  }

  private record ProfileChange(String uid, JsonObject set) {
  }

  private record Search(String text, int offset, int limit) {
  }

  private final Presence.Expiry presenceExpiry;
  private MongoClient mongo;
  private UserStore users;
  private Tokens tokens;
  private Admins admins;
  private SignUpPolicy signUp;
  private InviteStore invites;
  private HashingQueue hashing;
  /** Spent on unknown logins so they take as long as known ones. */
  private String dummyHash;

  public UserVerticle() {
    this(Presence.Expiry.DEFAULT);
  }

  /** With another presence expiry: tests of a dead gateway that can't wait 20 s. */
  UserVerticle(Presence.Expiry presenceExpiry) {
    this.presenceExpiry = presenceExpiry;
  }

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    users = new UserStore(mongo);
    invites = new InviteStore(mongo);
    admins = new Admins(users, config());
    signUp = new SignUpPolicy(config(), invites, users);
    hashing = new HashingQueue(vertx);
    return Store.ping(mongo, config())
        .compose(v -> users.createIndexes())
        .compose(v -> invites.createIndexes())
        .compose(v -> SigningKey.load(vertx, mongo, config()))
        .compose(secret -> {
          tokens = new Tokens(vertx, secret);
          // The common-password list is read here, on a worker, not by the first sign-up on the event loop.
          return vertx.executeBlocking(() -> CommonPasswords.size() > 0 ? Passwords.hash(Ids.random()) : null, false);
        })
        .compose(hash -> {
          dummyHash = hash;
          return serveAccounts();
        })
        .compose(v -> serveNeighbours());
  }

  private Future<?> serveAccounts() {
    return Future.all(List.of(
        Bus.serve(vertx, Address.HEALTH_USER, body -> Store.ping(mongo, config()).map(new JsonObject())),
        Bus.serve(vertx, Address.USER_REGISTER, body -> register(validRegistration(body), body)),
        Bus.serve(vertx, Address.USER_LOGIN, body -> login(validCredentials(body))),
        Bus.serve(vertx, Address.USER_AUTHENTICATE, body -> authenticate(validToken(body))),
        Bus.serve(vertx, Address.USER_REFRESH, body -> refresh(validToken(body))),
        Bus.serve(vertx, Address.USER_TOKEN_CHECK,
            body -> tokenCheck(validUid(body), Check.longValue(body, Field.TOKEN_VERSION, 0, Long.MAX_VALUE))),
        Bus.serve(vertx, Address.USER_LOGOUT, body -> logout(validUid(body))),
        Bus.serve(vertx, Address.USER_PASSWORD, body -> changePassword(validPasswordChange(body))),
        Bus.serve(vertx, Address.USER_GET, body -> users.requireProfile(validUid(body))),
        Bus.serve(vertx, Address.USER_PROFILES, body -> profiles(validUids(body))),
        Bus.serve(vertx, Address.USER_UPDATE, body -> update(validProfileChange(body))),
        Bus.serve(vertx, Address.USER_SEARCH, body -> search(validSearch(body)))));
  }

  /** Friends, notifications and presence: the social side, on the same store; administration over all of it. */
  private Future<?> serveNeighbours() {
    FriendStore friendStore = new FriendStore(mongo);
    NotificationStore notificationStore = new NotificationStore(mongo);
    Notifications notifications = new Notifications(vertx, notificationStore, users);
    Presence presence = new Presence(vertx, users, friendStore, presenceExpiry);
    BlockStore blockStore = new BlockStore(mongo);
    Blocks blocks = new Blocks(vertx, blockStore, friendStore, users);
    AccountDeletion deletion = new AccountDeletion(vertx, users, friendStore, notificationStore, invites, blockStore,
        hashing);
    return Future.all(List.of(notifications.serve(), presence.serve(), blocks.serve(),
        new Friends(vertx, friendStore, users, notifications, presence, blocks).serve(), deletion.serve(),
        new Administration(vertx, users, admins, invites, presence, deletion).serve()));
  }

  // ---- handlers: the request is valid by now

  /** Admitted by the sign-up policy first (invite code spent, given back if the sign-up fails); the first account becomes admin. */
  private Future<JsonObject> register(Registration r, JsonObject body) {
    String uid = Ids.random();
    return signUp.admit(uid, body).compose(invite -> hashing.submit(() -> Passwords.hash(r.password()))
            .compose(hash -> users.insert(uid, r.login(), r.nickname(), hash))
            .recover(t -> signUp.release(invite).transform(x -> Future.failedFuture(t))))
        .compose(v -> admins.promoteIfFirst(uid))
        .map(v -> tokens.issue(uid, 0L));
  }

  private Future<JsonObject> login(Credentials c) {
    return users.byLogin(c.login()).compose(user -> {
      String hash = user == null ? dummyHash : user.getString(UserStore.HASH);
      return hashing.submit(() -> Passwords.verify(c.password(), hash)).compose(ok -> {
        if (!ok || user == null) {
          return Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("wrong login or password"));
        }
        // Said only to who knows the password, so it tells nobody else the account exists.
        if (UserStore.deactivated(user)) {
          return Future.failedFuture(ErrorCode.DEACTIVATED.exception("this account is deactivated"));
        }
        return Future.succeededFuture(tokens.issue(user.getString(UserStore.ID), UserStore.tokenVersion(user)));
      });
    });
  }

  /** Verifies a token and that it was not revoked; answers the caller's profile and whether they are a server admin. */
  private Future<JsonObject> authenticate(String token) {
    return currentUser(token).map(user -> UserStore.profile(user)
        .put(UserStore.TOKEN_VERSION, UserStore.tokenVersion(user)).put(Field.ADMIN, admins.isAdmin(user)));
  }

  /**
   * Whether tokens at {@code tokenVersion} are still good for {@code uid}: a connected socket's re-check, which
   * must not fail only because the token it authenticated with has since expired (its client refreshes over REST).
   */
  private Future<JsonObject> tokenCheck(String uid, long tokenVersion) {
    return users.byId(uid).compose(user -> user != null && UserStore.tokenVersion(user) == tokenVersion
        ? Future.succeededFuture(new JsonObject())
        : Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("token revoked")));
  }

  /** A fresh token at the same version and login time: a revoked or too old login can't be refreshed. */
  private Future<JsonObject> refresh(String token) {
    return tokens.verify(token).compose(claims -> unrevoked(claims)
        .compose(user -> tokens.refresh(claims, user.getString(UserStore.ID), UserStore.tokenVersion(user))));
  }

  /** The user record a valid, unrevoked token belongs to. */
  private Future<JsonObject> currentUser(String token) {
    return tokens.verify(token).compose(this::unrevoked);
  }

  private Future<JsonObject> unrevoked(JsonObject claims) {
    return users.byId(claims.getString(Tokens.SUBJECT_CLAIM)).compose(user -> {
      if (user == null || UserStore.deactivated(user) || UserStore.tokenVersion(user) != claims.getLong(Tokens.VERSION_CLAIM)) {
        return Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("token revoked"));
      }
      return Future.succeededFuture(user);
    });
  }

  /** Only the fields given, at least one; avatar null clears it. */
  private Future<JsonObject> update(ProfileChange change) {
    return users.updateProfile(change.uid(), change.set())
        .compose(before -> before == null
            ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"))
            : Future.succeededFuture(UserStore.profile(before.mergeIn(change.set()))));
  }

  /**
   * Bumps the token version, so every token and open socket of the user is
   * revoked; answers a new token for the caller. The update is conditional on
   * the hash it verified against, so two concurrent changes can't both win.
   */
  private Future<JsonObject> changePassword(PasswordChange change) {
    String uid = change.uid();
    return users.byId(uid).compose(user -> {
      if (user == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      String oldHash = user.getString(UserStore.HASH);
      return hashing.submit(() -> Passwords.verify(change.oldPassword(), oldHash)
              ? Passwords.hash(change.newPassword()) : null)
          .compose(newHash -> newHash == null
              ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("the old password is wrong"))
              : users.replaceHash(uid, oldHash, newHash))
          .compose(before -> {
            if (before == null) {
              return Future.failedFuture(ErrorCode.CONFLICT.exception("the password was changed meanwhile"));
            }
            revoked(vertx, uid, "password changed");
            return Future.succeededFuture(tokens.issue(uid, UserStore.tokenVersion(before) + 1));
          });
    });
  }

  /** Users whose nickname contains the query (never matched against logins), a page of them and whether there are more. */
  private Future<JsonObject> search(Search s) {
    return users.search(s.text(), s.offset(), s.limit() + 1).map(found -> {
      JsonArray page = new JsonArray();
      found.stream().limit(s.limit()).forEach(page::add);
      return new JsonObject().put(Field.USERS, page).put(Field.MORE, found.size() > s.limit());
    });
  }

  /** Revokes every token of the user, REST and sockets (gateways close them with 4401). */
  private Future<JsonObject> logout(String uid) {
    return users.bumpTokenVersion(uid).compose(before -> {
      if (before == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such user"));
      }
      revoked(vertx, uid, "logged out");
      return Future.succeededFuture(new JsonObject());
    });
  }

  /** Tells every gateway to close the user's sockets (4401): their tokens no longer hold. */
  static void revoked(io.vertx.core.Vertx vertx, String uid, String reason) {
    vertx.eventBus().publish(Address.fanoutUser(uid),
        Frames.event(LOGOUT_EVENT).put(Field.UID, uid).put(Field.MESSAGE, reason));
  }

  /** {@code {profiles:{uid: profile}}} in one query. */
  private Future<JsonObject> profiles(List<String> uids) {
    return users.profiles(uids).map(found -> new JsonObject().put(Field.PROFILES, new JsonObject(new HashMap<>(found))));
  }

  // ---- validation: each throws an invalid (400) naming the field

  private static Registration validRegistration(JsonObject body) {
    return new Registration(validLogin(body), validPassword(body, Field.PASSWORD), validNickname(body));
  }

  private static Credentials validCredentials(JsonObject body) {
    return new Credentials(validLogin(body), Check.string(body, Field.PASSWORD, 1, 128));
  }

  private static PasswordChange validPasswordChange(JsonObject body) {
    return new PasswordChange(validUid(body), Check.string(body, Field.OLD_PASSWORD, 1, 128),
        validPassword(body, Field.NEW_PASSWORD));
  }

  private static String validToken(JsonObject body) {
    return Check.string(body, Field.TOKEN, 1, 4096);
  }

  private static String validUid(JsonObject body) {
    return Check.string(body, Field.UID, 1, 64);
  }

  private static List<String> validUids(JsonObject body) {
    JsonArray uids = body.getValue(Field.UIDS) instanceof JsonArray a ? a : null;
    if (uids == null || uids.size() > MAX_PROFILES || !uids.stream().allMatch(u -> u instanceof String)) {
      throw ErrorCode.INVALID.exception("uids must be an array of at most " + MAX_PROFILES + " strings");
    }
    return uids.stream().map(String.class::cast).toList();
  }

  private static ProfileChange validProfileChange(JsonObject body) {
    String uid = validUid(body);
    for (String key : body.fieldNames()) {
      if (!key.equals(Field.UID) && !UPDATABLE.contains(key)) {
        throw ErrorCode.INVALID.exception("only nickname, gender and avatar can be changed here");
      }
    }
    JsonObject set = new JsonObject();
    if (body.containsKey(Field.NICKNAME)) {
      set.put(Field.NICKNAME, validNickname(body));
    }
    if (body.containsKey(Field.GENDER)) {
      set.put(Field.GENDER, Check.oneOf(body, Field.GENDER, null, GENDERS));
    }
    if (body.containsKey(Field.AVATAR)) {
      // A file id from the upload API; opaque here until files exist, so only its shape is checked.
      set.put(Field.AVATAR, Check.optionalString(body, Field.AVATAR, MAX_AVATAR));
    }
    if (set.isEmpty()) {
      throw ErrorCode.INVALID.exception("nothing to change: give nickname, gender or avatar");
    }
    return new ProfileChange(uid, set);
  }

  /**
   * {@code {q, limit?, offset?}}: case-insensitive. The text is escaped before
   * it becomes a regex, so it only ever matches literally.
   */
  private static Search validSearch(JsonObject body) {
    String q = Check.string(body, Field.QUERY, 1, 64).strip().toLowerCase(Locale.ROOT);
    if (q.isEmpty() || q.chars().anyMatch(Character::isISOControl)) {
      throw ErrorCode.INVALID.exception("q must be text, not blank");
    }
    Long limit = Check.optionalLong(body, Field.LIMIT, 1, MAX_SEARCH_LIMIT);
    Long offset = Check.optionalLong(body, Field.OFFSET, 0, MAX_SEARCH_OFFSET);
    return new Search(literal(q), offset == null ? 0 : offset.intValue(),
        limit == null ? DEFAULT_SEARCH_LIMIT : limit.intValue());
  }

  /** Backslash before every ASCII non-alphanumeric: literal in both PCRE (MongoDB) and Java regex. */
  static String literal(String text) {
    StringBuilder out = new StringBuilder(text.length() * 2);
    for (char c : text.toCharArray()) {
      if (c < 128 && !Character.isLetterOrDigit(c)) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String validLogin(JsonObject body) {
    String login = Check.printable(Check.string(body, Field.LOGIN, 3, 254), Field.LOGIN).strip()
        .toLowerCase(Locale.ROOT);
    if (!EMAIL.matcher(login).matches()) {
      throw ErrorCode.INVALID.exception("login must be an email address");
    }
    return login;
  }

  private static String validPassword(JsonObject body, String field) {
    String password = Check.string(body, field, 8, 128);
    if (password.isBlank()) {
      throw ErrorCode.INVALID.exception(field + " must not be blank");
    }
    if (CommonPasswords.isCommon(password)) {
      throw ErrorCode.WEAK_PASSWORD.exception(
          field + " is too common: it (or a simple variant of it) is on a list of passwords found in breaches; choose another");
    }
    return password;
  }

  private static String validNickname(JsonObject body) {
    String nickname = Check.printable(Check.string(body, Field.NICKNAME, 1, 64), Field.NICKNAME).strip();
    if (nickname.isEmpty()) {
      throw ErrorCode.INVALID.exception("nickname must not be blank");
    }
    return nickname;
  }
}
