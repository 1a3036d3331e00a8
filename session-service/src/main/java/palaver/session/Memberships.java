package palaver.session;

import static palaver.session.SessionStore.ADMIN;
import static palaver.session.SessionStore.MEMBER;
import static palaver.session.SessionStore.OWNER;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.runtime.UserRateLimit;

/**
 * Group membership changes: join, invite, leave, remove and roles. Each one
 * writes the membership, then stores its {@code system} message; if that
 * message can't be stored the write is undone, so a change is either stored
 * and announced completely or not at all. Only then are gateways (fan-out
 * subscriptions) and members (member lists) told.
 */
final class Memberships {
  private static final Logger LOG = LoggerFactory.getLogger(Memberships.class);

  private final SessionStore store;
  private final SessionEvents events;
  private final Neighbours neighbours;
  private final InvitationStore invitations;
  /** Invites one member may send: a burst, then a few a minute. */
  private final UserRateLimit invites = new UserRateLimit("invitations", INVITES_PER_MINUTE, INVITES_BURST);

  static final int INVITES_PER_MINUTE = 20;
  static final int INVITES_BURST = 50;

  Memberships(SessionStore store, InvitationStore invitations, SessionEvents events, Neighbours neighbours) {
    this.store = store;
    this.invitations = invitations;
    this.events = events;
    this.neighbours = neighbours;
  }

  /** {@code uid} joins a public group; joining again is not an error. */
  Future<JsonObject> join(String uid, String sid) {
    return store.session(sid).compose(session -> {
      if (!SessionStore.isGroup(session) || !SessionStore.isPublic(session)) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("private sessions are invite-only"));
      }
      return store.member(sid, uid).compose(m -> m != null ? Future.succeededFuture() : roomFor(uid))
          .compose(v -> store.insertMember(SessionStore.newMember(sid, uid, MEMBER, System.currentTimeMillis())))
          .compose(added -> {
            if (!added) {
              return Future.succeededFuture(SessionInfo.of(session));
            }
            events.membershipChanged(sid, uid);
            return notice(sid, uid, "join", new JsonObject(), () -> undoAdd(sid, uid))
                .compose(v -> claimIfOwnerless(session, uid))
                .map(role -> {
                  events.added(uid, sid);
                  events.toMembers(sid, "join", change(uid, uid).put(Field.ROLE, role));
                  return SessionInfo.of(session);
                });
          });
    });
  }

  /**
   * The member {@code uid} invites {@code invitee}: a friend of theirs is
   * added at once, anyone else gets a pending invitation to accept or decline
   * (issue 20: strangers could add anyone to any number of groups). Either way
   * the invitee is notified once. Refused while either blocks the other.
   */
  Future<JsonObject> invite(String uid, String sid, String invitee) {
    invites.take(uid);
    return store.group(sid).compose(session -> store.requireMember(sid, uid)
        .compose(me -> neighbours.user(invitee))
        .compose(profile -> store.member(sid, invitee))
        .compose(existing -> existing != null
            ? Future.failedFuture(ErrorCode.CONFLICT.exception("already a member of this session"))
            : neighbours.relation(uid, invitee))
        .compose(relation -> {
          if (relation.getBoolean(Field.BLOCKED, false)) {
            return Future.failedFuture(ErrorCode.FORBIDDEN.exception("blocked"));
          }
          return relation.getBoolean(Field.FRIENDS, false) ? add(session, uid, invitee) : pending(session, uid, invitee);
        }));
  }

  /** A friend's invite: the invitee is a member at once. */
  private Future<JsonObject> add(JsonObject session, String uid, String invitee) {
    String sid = session.getString("_id");
    return roomFor(invitee)
        .compose(v -> store.insertMember(SessionStore.newMember(sid, invitee, MEMBER, System.currentTimeMillis())))
        .compose(added -> {
          if (!added) {
            return Future.failedFuture(ErrorCode.CONFLICT.exception("already a member of this session"));
          }
          events.membershipChanged(sid, invitee);
          return notice(sid, uid, "invite", new JsonObject().put(Field.MEMBER, invitee), () -> undoAdd(sid, invitee))
              .map(v -> {
                events.added(invitee, sid);
                events.toMembers(sid, "invite", change(invitee, uid).put(Field.ROLE, MEMBER));
                events.notifyInvited(invitee, sid, session.getString(Field.NAME), uid, false);
                return SessionInfo.of(session);
              });
        });
  }

  /** A stranger's invite: stored as waiting; a repeated one is neither stored nor notified again. */
  private Future<JsonObject> pending(JsonObject session, String uid, String invitee) {
    String sid = session.getString("_id");
    String name = session.getString(Field.NAME);
    return invitations.countFor(invitee).compose(n -> {
      if (n >= InvitationStore.MAX_PENDING) {
        return Future.failedFuture(ErrorCode.CONFLICT.exception("the user has too many invitations waiting"));
      }
      return invitations.insert(sid, invitee, name, uid);
    }).map(isNew -> {
      if (isNew) {
        events.notifyInvited(invitee, sid, name, uid, true);
      }
      return SessionInfo.of(session).put(Field.PENDING, true);
    });
  }

  /**
   * The invitee accepts: a member now, announced as their join. An invitation whose inviter is no longer a
   * member lapses (as a removed member's invitations should not outlive them): 404, and it is deleted.
   */
  Future<JsonObject> accept(String uid, String sid) {
    return invitations.find(sid, uid).compose(invitation -> {
      if (invitation == null) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no invitation to this session"));
      }
      return store.member(sid, invitation.getString(Field.BY)).compose(inviter -> inviter != null
          ? joinInvited(uid, sid)
          : invitations.delete(sid, uid).compose(v -> Future.failedFuture(
              ErrorCode.NOT_FOUND.exception("the invitation lapsed: whoever sent it is no longer in the group"))));
    });
  }

  /** The accepted invitation's join. */
  private Future<JsonObject> joinInvited(String uid, String sid) {
    return store.group(sid).compose(session -> roomFor(uid)
        .compose(v -> store.insertMember(SessionStore.newMember(sid, uid, MEMBER, System.currentTimeMillis())))
        .compose(added -> {
          if (!added) {
            return invitations.delete(sid, uid).map(SessionInfo.of(session));
          }
          events.membershipChanged(sid, uid);
          return notice(sid, uid, "join", new JsonObject(), () -> undoAdd(sid, uid))
              .compose(v -> invitations.delete(sid, uid))
              .map(v -> {
                events.added(uid, sid);
                events.toMembers(sid, "join", change(uid, uid).put(Field.ROLE, MEMBER));
                return SessionInfo.of(session);
              });
        }));
  }

  /** The invitee declines: the invitation is gone, nobody is told. */
  Future<JsonObject> decline(String uid, String sid) {
    return invitations.delete(sid, uid).compose(removed -> removed
        ? Future.succeededFuture(new JsonObject().put(Field.SID, sid).put(Field.UID, uid))
        : Future.failedFuture(ErrorCode.NOT_FOUND.exception("no invitation to this session")));
  }

  /** {@code {invitations:[{sid, uid, name, by, at}]}}, newest first. */
  Future<JsonObject> invitationsOf(String uid) {
    return invitations.of(uid).map(list -> new JsonObject().put(Field.INVITATIONS, new JsonArray(new ArrayList<>(list))));
  }

  /** 409 when the user is in as many sessions as one may be. */
  Future<Void> roomFor(String uid) {
    return store.countMemberships(uid).compose(n -> n >= SessionStore.MAX_MEMBERSHIPS
        ? Future.failedFuture(ErrorCode.CONFLICT.exception("in " + SessionStore.MAX_MEMBERSHIPS + " sessions already"))
        : Future.succeededFuture());
  }

  /** {@code uid} leaves a group; an owner's role passes to the next in line. */
  Future<JsonObject> leave(String uid, String sid) {
    return store.group(sid).compose(session -> store.requireMember(sid, uid)).compose(me -> {
      boolean wasOwner = OWNER.equals(me.getString(Field.ROLE));
      return store.deleteMember(sid, uid).compose(v -> {
        events.membershipChanged(sid, uid);
        Future<JsonObject> heir = wasOwner ? store.successor(sid) : Future.succeededFuture(null);
        return heir.recover(t -> restore(me).transform(x -> Future.failedFuture(t)));
      }).compose(heir -> handOver(sid, wasOwner, heir)
          .compose(v -> events.system(sid, uid, "leave", heir == null ? new JsonObject()
              : new JsonObject().put(Field.OWNER, heir.getString(Field.UID))))
          .recover(t -> undoLeave(me, wasOwner, heir).transform(x -> Future.failedFuture(t)))
          .map(v -> {
            events.removed(uid, sid);
            events.toMembers(sid, "leave", change(uid, uid));
            if (heir != null) {
              events.toMembers(sid, "role", change(heir.getString(Field.UID), uid).put(Field.ROLE, OWNER));
            }
            return new JsonObject().put(Field.SID, sid).put(Field.UID, uid);
          }));
    });
  }

  /** {@code uid} removes {@code target}: the owner removes anyone, an admin members; removing oneself is leaving. */
  Future<JsonObject> remove(String uid, String sid, String target) {
    if (target.equals(uid)) {
      return leave(uid, sid);
    }
    return store.group(sid).compose(session -> store.requireMember(sid, uid)).compose(me -> {
      String myRole = me.getString(Field.ROLE);
      if (!OWNER.equals(myRole) && !ADMIN.equals(myRole)) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("only the owner or an admin removes members"));
      }
      return store.member(sid, target).compose(victim -> {
        if (victim == null) {
          return Future.failedFuture(ErrorCode.NOT_FOUND.exception("not a member of this session"));
        }
        if (ADMIN.equals(myRole) && !MEMBER.equals(victim.getString(Field.ROLE))) {
          return Future.failedFuture(ErrorCode.FORBIDDEN.exception("an admin removes members only"));
        }
        return store.deleteMember(sid, target).compose(v -> {
          events.membershipChanged(sid, target);
          return notice(sid, uid, "remove", new JsonObject().put(Field.MEMBER, target), () -> restore(victim));
        }).map(v -> {
          events.removed(target, sid);
          events.toMembers(sid, "remove", change(target, uid));
          return new JsonObject().put(Field.SID, sid).put(Field.UID, target);
        });
      });
    });
  }

  /**
   * The owner {@code uid} makes {@code target} admin or member; making
   * someone owner hands the group over (the old owner becomes admin).
   */
  Future<JsonObject> setRole(String uid, String sid, String target, String role) {
    return store.group(sid).compose(session -> store.requireMember(sid, uid)).compose(me -> {
      if (!OWNER.equals(me.getString(Field.ROLE))) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("only the owner changes roles"));
      }
      return store.member(sid, target).compose(other -> {
        if (other == null) {
          return Future.failedFuture(ErrorCode.NOT_FOUND.exception("not a member of this session"));
        }
        String before = other.getString(Field.ROLE);
        JsonObject answer = new JsonObject().put(Field.SID, sid).put(Field.UID, target).put(Field.ROLE, role);
        if (before.equals(role)) {
          return Future.succeededFuture(answer);
        }
        boolean handOver = OWNER.equals(role);
        return applyRole(sid, uid, target, role, handOver)
            .compose(v -> notice(sid, uid, "role", new JsonObject().put(Field.MEMBER, target).put(Field.ROLE, role),
                () -> undoRole(sid, uid, target, before, handOver)))
            .map(v -> {
              events.toMembers(sid, "role", change(target, uid).put(Field.ROLE, role));
              if (handOver) {
                events.toMembers(sid, "role", change(uid, uid).put(Field.ROLE, ADMIN));
              }
              return answer;
            });
      });
    });
  }

  private Future<Void> applyRole(String sid, String owner, String target, String role, boolean handOver) {
    Future<Void> write = store.setRole(sid, target, role);
    if (handOver) {
      write = write.compose(v -> store.setRole(sid, owner, ADMIN))
          .compose(v -> store.setSession(sid, new JsonObject().put(Field.OWNER, target)));
    }
    return write.onComplete(ar -> {
      events.membershipChanged(sid, target);
      events.membershipChanged(sid, owner);
    });
  }

  private Future<Void> undoRole(String sid, String owner, String target, String before, boolean handOver) {
    Future<Void> undo = store.setRole(sid, target, before);
    if (handOver) {
      undo = undo.compose(v -> store.setRole(sid, owner, OWNER))
          .compose(v -> store.setSession(sid, new JsonObject().put(Field.OWNER, owner)));
    }
    return undo.onComplete(ar -> {
      events.membershipChanged(sid, target);
      events.membershipChanged(sid, owner);
    });
  }

  /** The owner's role goes to {@code heir}; with nobody left the group has no owner until someone joins. */
  private Future<Void> handOver(String sid, boolean wasOwner, JsonObject heir) {
    if (!wasOwner) {
      return Future.succeededFuture();
    }
    if (heir == null) {
      return store.setSession(sid, new JsonObject().putNull(Field.OWNER));
    }
    String heirUid = heir.getString(Field.UID);
    return store.setRole(sid, heirUid, OWNER)
        .onComplete(ar -> events.membershipChanged(sid, heirUid))
        .compose(v -> store.setSession(sid, new JsonObject().put(Field.OWNER, heirUid)));
  }

  private Future<Void> undoLeave(JsonObject me, boolean wasOwner, JsonObject heir) {
    String sid = me.getString(Field.SID);
    Future<Void> undo = restore(me);
    if (wasOwner) {
      undo = undo.compose(v -> store.setSession(sid, new JsonObject().put(Field.OWNER, me.getString(Field.UID))));
    }
    if (heir != null) {
      undo = undo.compose(v -> store.setRole(sid, heir.getString(Field.UID), heir.getString(Field.ROLE)))
          .onComplete(ar -> events.membershipChanged(sid, heir.getString(Field.UID)));
    }
    return undo;
  }

  /** Whoever joins a group nobody is left in becomes its owner. */
  private Future<String> claimIfOwnerless(JsonObject session, String uid) {
    String sid = session.getString("_id");
    if (session.getString(Field.OWNER) != null) {
      return Future.succeededFuture(MEMBER);
    }
    return store.claimOwner(sid, uid)
        .compose(claimed -> claimed ? store.setRole(sid, uid, OWNER).map(OWNER) : Future.succeededFuture(MEMBER))
        .onComplete(ar -> events.membershipChanged(sid, uid))
        .recover(t -> {
          LOG.warn("owner of {} not set: {}", sid, t.getMessage());
          return Future.succeededFuture(MEMBER);
        });
  }

  /** Stores the change's system message; if it can't be stored, the change is undone and the call fails. */
  private Future<Void> notice(String sid, String actor, String action, JsonObject data, Supplier<Future<Void>> undo) {
    return events.system(sid, actor, action, data)
        .recover(t -> undo.get().transform(x -> Future.failedFuture(t)));
  }

  private Future<Void> undoAdd(String sid, String uid) {
    return store.deleteMember(sid, uid).onComplete(ar -> events.membershipChanged(sid, uid));
  }

  private Future<Void> restore(JsonObject member) {
    return store.insertMember(member).<Void>mapEmpty()
        .onComplete(ar -> events.membershipChanged(member.getString(Field.SID), member.getString(Field.UID)));
  }

  /** The body of a member-list event: whose membership changed, and by whom. */
  private static JsonObject change(String uid, String by) {
    return new JsonObject().put(Field.UID, uid).put(Field.BY, by);
  }
}
