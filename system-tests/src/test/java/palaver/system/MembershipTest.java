package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;

@DisplayName("Membership: join, invite, leave, remove, roles and ownership, each a stored system message")
class MembershipTest extends OneNodeTest {

  @Test
  @DisplayName("Joining a public group is stored, subscribes the joiner's socket at once and tells the members")
  void joinPublic() {
    User amy = http.newUser("Amy");
    User bo = http.newUser("Bo");
    String sid = http.newGroup(amy, "lobby");
    try (WsClient owner = server.ws(amy); WsClient joiner = server.ws(bo)) {
      http.join(bo, sid);
      joiner.next(WsClient.sessionEvent(sid, "added"));
      JsonObject event = owner.next(WsClient.sessionEvent(sid, "join"));
      assertEquals(bo.uid(), event.getString("uid"));
      assertEquals("member", event.getString("role"));

      owner.send(sid, "j-1", "welcome bo");
      joiner.next(WsClient.messageWith(sid, "welcome bo"));
    }
    JsonObject join = http.lastSystem(amy, sid);
    assertEquals("join", join.getString("action"));
    assertEquals(bo.uid(), join.getString("uid"));
    assertEquals("member", http.listed(bo, sid).getString("role"));
    http.join(bo, sid);
    assertEquals(1, http.systemMessages(amy, sid).stream()
        .filter(m -> "join".equals(m.getJsonObject("content").getString("action"))).count(), "joining again stores nothing");
  }

  @Test
  @DisplayName("Joining a private group uninvited is 403, a private pair 403, an unknown sid 404")
  void joinRefused() {
    User cy = http.newUser("Cy");
    User di = http.newUser("Di");
    String closed = http.newGroup(cy, "closed", "private");
    Response r = http.post("/sessions/" + closed + "/members", di.token(), null);
    assertEquals(403, r.status());
    assertEquals("forbidden", r.errorCode());
    String pair = http.createPrivate(cy, http.newUser("Ed").uid()).json().getString("sid");
    assertEquals(403, http.post("/sessions/" + pair + "/members", di.token(), null).status());
    assertEquals(404, http.post("/sessions/nope/members", di.token(), null).status());
    assertNull(http.listed(di, closed));
    assertEquals(1, http.info(cy, closed).getJsonArray("members").size());
  }

  @Test
  @DisplayName("A member invites into a private group: stored invite, the invitee is subscribed at once and reads it")
  void invite() {
    User flo = http.newUser("Flo");
    User gil = http.newUser("Gil");
    User hu = http.newUser("Hu");
    String sid = http.newGroup(flo, "secret", "private");
    http.invited(flo, sid, gil);
    try (WsClient invitee = server.ws(hu); WsClient member = server.ws(gil)) {
      http.invited(gil, sid, hu);
      invitee.next(WsClient.sessionEvent(sid, "added"));
      JsonObject event = member.next(WsClient.sessionEvent(sid, "invite"));
      assertEquals(hu.uid(), event.getString("uid"));
      assertEquals(gil.uid(), event.getString("by"));
      member.send(sid, "i-1", "hi hu");
      invitee.next(WsClient.messageWith(sid, "hi hu"));
    }
    JsonObject invite = http.lastSystem(hu, sid);
    assertEquals("invite", invite.getString("action"));
    assertEquals(gil.uid(), invite.getString("uid"));
    assertEquals(hu.uid(), invite.getString("member"));
    assertEquals("member", http.listed(hu, sid).getString("role"));
  }

  @Test
  @DisplayName("Inviting an unknown user is 404, by a non-member 403, a member again 409, into a pair 400; nothing written")
  void inviteRefused() {
    User ida = http.newUser("Ida");
    User jo = http.newUser("Jo");
    User ken = http.newUser("Ken");
    String sid = http.newGroup(ida, "inv", "private");
    int messages = http.systemMessages(ida, sid).size();

    Response unknown = http.invite(ida, sid, "no-such-user");
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.errorCode());
    assertEquals(403, http.invite(jo, sid, ken.uid()).status());
    assertEquals(409, http.invite(ida, sid, ida.uid()).status());
    assertEquals(404, http.invite(ida, "nope", ken.uid()).status());
    String pair = http.createPrivate(ida, jo.uid()).json().getString("sid");
    assertEquals(400, http.invite(ida, pair, ken.uid()).status());

    assertEquals(1, http.info(ida, sid).getJsonArray("members").size());
    assertEquals(messages, http.systemMessages(ida, sid).size());
  }

  @Test
  @DisplayName("Leaving is stored; the leaver is unlisted and their sends and reads are refused at once")
  void leave() {
    User lu = http.newUser("Lu");
    User mo = http.newUser("Mo");
    String sid = http.newGroup(lu, "leave", "private");
    http.invited(lu, sid, mo);
    http.send(mo, sid, "before-leaving", "before leaving").seq();

    Response left = http.leave(mo, sid);
    assertEquals(200, left.status(), left.text());
    assertNull(http.listed(mo, sid));
    JsonObject leave = http.lastSystem(lu, sid);
    assertEquals("leave", leave.getString("action"));
    assertEquals(mo.uid(), leave.getString("uid"));

    Response send = http.send(mo, sid, "after", "after leaving");
    assertEquals(403, send.status());
    assertEquals(403, http.get("/sessions/" + sid + "/messages", mo.token()).status());
    assertEquals(403, http.leave(mo, sid).status());
  }

  @Test
  @DisplayName("A removed member gets a removed event on every tab, then nothing further, and can't send")
  void removedGetsNothing() {
    User nat = http.newUser("Nat");
    User oz = http.newUser("Oz");
    User pia = http.newUser("Pia");
    String sid = http.newGroup(nat, "removal");
    http.join(oz, sid);
    http.join(pia, sid);
    http.send(oz, sid, "warm-the-membership-cache", "warm the membership cache").seq();
    try (WsClient tab1 = server.ws(oz); WsClient tab2 = server.ws(oz);
        WsClient other = server.ws(pia)) {
      Response removed = http.remove(nat, sid, oz);
      assertEquals(200, removed.status(), removed.text());
      tab1.next(WsClient.sessionEvent(sid, "removed"));
      tab2.next(WsClient.sessionEvent(sid, "removed"));
      JsonObject event = other.next(WsClient.sessionEvent(sid, "remove"));
      assertEquals(oz.uid(), event.getString("uid"));
      assertEquals(nat.uid(), event.getString("by"));

      http.send(nat, sid, "after-the-removal", "after the removal").seq();
      other.next(WsClient.messageWith(sid, "after the removal"));
      tab1.drain();
      tab2.drain();
      assertTrue(tab1.received(WsClient.messageWith(sid, "after the removal")).isEmpty());
      assertTrue(tab2.received(WsClient.messageWith(sid, "after the removal")).isEmpty());
      JsonObject refused = tab1.send(sid, "r-1", "still here?");
      assertEquals("error", refused.getString("type"));
      assertEquals("forbidden", refused.getString("code"));
    }
    JsonObject remove = http.lastSystem(nat, sid);
    assertEquals("remove", remove.getString("action"));
    assertEquals(nat.uid(), remove.getString("uid"));
    assertEquals(oz.uid(), remove.getString("member"));
  }

  @Test
  @DisplayName("Members can't remove; an admin removes members but not the owner; the owner removes an admin")
  void removePermissions() {
    User quo = http.newUser("Quo");
    User ria = http.newUser("Ria");
    User sam = http.newUser("Sam");
    User tia = http.newUser("Tia");
    String sid = http.newGroup(quo, "perms");
    http.join(ria, sid);
    http.join(sam, sid);
    http.join(tia, sid);

    assertEquals(403, http.remove(sam, sid, tia).status());
    Response promoted = http.setRole(quo, sid, ria, "admin");
    assertEquals(200, promoted.status(), promoted.text());
    assertEquals("admin", http.listed(ria, sid).getString("role"));
    JsonObject role = http.lastSystem(quo, sid);
    assertEquals("role", role.getString("action"));
    assertEquals("admin", role.getString("role"));

    assertEquals(403, http.remove(ria, sid, quo).status());
    assertEquals(200, http.remove(ria, sid, sam).status());
    assertEquals(404, http.remove(ria, sid, sam).status());
    assertEquals(200, http.remove(quo, sid, ria).status());
    JsonArray members = http.info(quo, sid).getJsonArray("members");
    assertEquals(2, members.size());
  }

  @Test
  @DisplayName("Only the owner sets roles; making another member owner hands the group over")
  void roles() {
    User uma = http.newUser("Uma");
    User vic = http.newUser("Vic");
    User wes = http.newUser("Wes");
    String sid = http.newGroup(uma, "roles", "private");
    http.invited(uma, sid, vic);
    http.invited(uma, sid, wes);
    assertEquals(200, http.setRole(uma, sid, vic, "admin").status());
    assertEquals(403, http.setRole(vic, sid, wes, "admin").status());
    assertEquals(400, http.setRole(uma, sid, wes, "king").status());
    assertEquals(400, http.setRole(uma, sid, uma, "member").status());
    assertEquals(404, http.setRole(uma, sid, http.newUser("Xan"), "admin").status());

    assertEquals(200, http.setRole(uma, sid, wes, "owner").status());
    JsonObject info = http.info(uma, sid);
    assertEquals(wes.uid(), info.getString("owner"));
    assertEquals("admin", http.listed(uma, sid).getString("role"));
    assertEquals("owner", http.listed(wes, sid).getString("role"));
  }

  @Test
  @DisplayName("When the owner leaves, the longest-standing admin becomes owner, else the longest-standing member")
  void ownershipPassesOn() {
    User yan = http.newUser("Yan");
    User zed = http.newUser("Zed");
    User abe = http.newUser("Abe");
    String sid = http.newGroup(yan, "heirs");
    http.join(zed, sid);
    http.join(abe, sid);
    http.setRole(yan, sid, abe, "admin");
    try (WsClient ws = server.ws(zed)) {
      assertEquals(200, http.leave(yan, sid).status());
      JsonObject event = ws.next(f -> WsClient.sessionEvent(sid, "role").test(f) && "owner".equals(f.getString("role")));
      assertEquals(abe.uid(), event.getString("uid"));
    }
    assertEquals(abe.uid(), http.info(zed, sid).getString("owner"));
    assertEquals("owner", http.listed(abe, sid).getString("role"));
    assertEquals(abe.uid(), http.lastSystem(zed, sid).getString("owner"));

    assertEquals(200, http.leave(abe, sid).status());
    assertEquals(zed.uid(), http.info(zed, sid).getString("owner"));
    assertEquals("owner", http.listed(zed, sid).getString("role"));
  }

  @Test
  @DisplayName("A group everyone left has no owner until someone joins it")
  void lastOneOut() {
    User bea = http.newUser("Bea");
    User cal = http.newUser("Cal");
    String sid = http.newGroup(bea, "empty");
    assertEquals(200, http.leave(bea, sid).status());
    assertNull(http.info(cal, sid).getString("owner"));
    http.join(cal, sid);
    assertEquals(cal.uid(), http.info(cal, sid).getString("owner"));
    assertEquals("owner", http.listed(cal, sid).getString("role"));
  }

  @Test
  @DisplayName("A private pair can't be left or have members removed (400)")
  void pairsAreFixed() {
    User dee = http.newUser("Dee");
    User eli = http.newUser("Eli");
    String pair = http.createPrivate(dee, eli.uid()).json().getString("sid");
    assertEquals(400, http.leave(dee, pair).status());
    assertEquals(400, http.remove(dee, pair, eli).status());
    assertEquals(2, http.info(eli, pair).getJsonArray("members").size());
  }
}
