package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;

@DisplayName("Membership: join, invite, leave, remove, roles and ownership, each a stored system message")
class MembershipTest extends OneNodeTest {
  private static SessionKit kit;

  @BeforeAll
  static void start() {
    kit = new SessionKit(http);
  }

  @Test
  @DisplayName("Joining a public group is stored, subscribes the joiner's socket at once and tells the members")
  void joinPublic() {
    User amy = http.newUser("Amy");
    User bo = http.newUser("Bo");
    String sid = kit.group(amy, "lobby", "public");
    try (WsClient owner = server.ws(amy.token()); WsClient joiner = server.ws(bo.token())) {
      http.join(bo, sid);
      joiner.next(SessionKit.sessionEvent(sid, "added"));
      JsonObject event = owner.next(SessionKit.sessionEvent(sid, "join"));
      assertEquals(bo.uid(), event.getString("uid"));
      assertEquals("member", event.getString("role"));

      owner.send(sid, "j-1", "welcome bo");
      joiner.next(SessionKit.text(sid, "welcome bo"));
    }
    JsonObject join = kit.lastSystem(amy, sid);
    assertEquals("join", join.getString("action"));
    assertEquals(bo.uid(), join.getString("uid"));
    assertEquals("member", kit.listed(bo, sid).getString("role"));
    http.join(bo, sid);
    assertEquals(1, kit.systemMessages(amy, sid).stream()
        .filter(m -> "join".equals(m.getJsonObject("content").getString("action"))).count(), "joining again stores nothing");
  }

  @Test
  @DisplayName("Joining a private group uninvited is 403, a private pair 403, an unknown sid 404")
  void joinRefused() {
    User cy = http.newUser("Cy");
    User di = http.newUser("Di");
    String closed = kit.group(cy, "closed", "private");
    Response r = http.post("/sessions/" + closed + "/members", di.token(), null);
    assertEquals(403, r.status());
    assertEquals("forbidden", r.errorCode());
    String pair = kit.createPrivate(cy, http.newUser("Ed").uid()).json().getString("sid");
    assertEquals(403, http.post("/sessions/" + pair + "/members", di.token(), null).status());
    assertEquals(404, http.post("/sessions/nope/members", di.token(), null).status());
    assertNull(kit.listed(di, closed));
    assertEquals(1, kit.info(cy, closed).getJsonArray("members").size());
  }

  @Test
  @DisplayName("A member invites into a private group: stored invite, the invitee is subscribed at once and reads it")
  void invite() {
    User flo = http.newUser("Flo");
    User gil = http.newUser("Gil");
    User hu = http.newUser("Hu");
    String sid = kit.group(flo, "secret", "private");
    kit.invited(flo, sid, gil);
    try (WsClient invitee = server.ws(hu.token()); WsClient member = server.ws(gil.token())) {
      kit.invited(gil, sid, hu);
      invitee.next(SessionKit.sessionEvent(sid, "added"));
      JsonObject event = member.next(SessionKit.sessionEvent(sid, "invite"));
      assertEquals(hu.uid(), event.getString("uid"));
      assertEquals(gil.uid(), event.getString("by"));
      member.send(sid, "i-1", "hi hu");
      invitee.next(SessionKit.text(sid, "hi hu"));
    }
    JsonObject invite = kit.lastSystem(hu, sid);
    assertEquals("invite", invite.getString("action"));
    assertEquals(gil.uid(), invite.getString("uid"));
    assertEquals(hu.uid(), invite.getString("member"));
    assertEquals("member", kit.listed(hu, sid).getString("role"));
  }

  @Test
  @DisplayName("Inviting an unknown user is 404, by a non-member 403, a member again 409, into a pair 400; nothing written")
  void inviteRefused() {
    User ida = http.newUser("Ida");
    User jo = http.newUser("Jo");
    User ken = http.newUser("Ken");
    String sid = kit.group(ida, "inv", "private");
    int messages = kit.systemMessages(ida, sid).size();

    Response unknown = kit.invite(ida, sid, "no-such-user");
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.errorCode());
    assertEquals(403, kit.invite(jo, sid, ken.uid()).status());
    assertEquals(409, kit.invite(ida, sid, ida.uid()).status());
    assertEquals(404, kit.invite(ida, "nope", ken.uid()).status());
    String pair = kit.createPrivate(ida, jo.uid()).json().getString("sid");
    assertEquals(400, kit.invite(ida, pair, ken.uid()).status());

    assertEquals(1, kit.info(ida, sid).getJsonArray("members").size());
    assertEquals(messages, kit.systemMessages(ida, sid).size());
  }

  @Test
  @DisplayName("Leaving is stored; the leaver is unlisted and their sends and reads are refused at once")
  void leave() {
    User lu = http.newUser("Lu");
    User mo = http.newUser("Mo");
    String sid = kit.group(lu, "leave", "private");
    kit.invited(lu, sid, mo);
    kit.send(mo, sid, "before leaving");

    Response left = kit.leave(mo, sid);
    assertEquals(200, left.status(), left.text());
    assertNull(kit.listed(mo, sid));
    JsonObject leave = kit.lastSystem(lu, sid);
    assertEquals("leave", leave.getString("action"));
    assertEquals(mo.uid(), leave.getString("uid"));

    Response send = http.post("/sessions/" + sid + "/messages", mo.token(), new JsonObject().put("cid", "after")
        .put("msgType", "text").put("content", "after leaving"));
    assertEquals(403, send.status());
    assertEquals(403, http.get("/sessions/" + sid + "/messages", mo.token()).status());
    assertEquals(403, kit.leave(mo, sid).status());
  }

  @Test
  @DisplayName("A removed member gets a removed event on every tab, then nothing further, and can't send")
  void removedGetsNothing() {
    User nat = http.newUser("Nat");
    User oz = http.newUser("Oz");
    User pia = http.newUser("Pia");
    String sid = kit.group(nat, "removal", "public");
    http.join(oz, sid);
    http.join(pia, sid);
    kit.send(oz, sid, "warm the membership cache");
    try (WsClient tab1 = server.ws(oz.token()); WsClient tab2 = server.ws(oz.token());
        WsClient other = server.ws(pia.token())) {
      Response removed = kit.remove(nat, sid, oz);
      assertEquals(200, removed.status(), removed.text());
      tab1.next(SessionKit.sessionEvent(sid, "removed"));
      tab2.next(SessionKit.sessionEvent(sid, "removed"));
      JsonObject event = other.next(SessionKit.sessionEvent(sid, "remove"));
      assertEquals(oz.uid(), event.getString("uid"));
      assertEquals(nat.uid(), event.getString("by"));

      kit.send(nat, sid, "after the removal");
      other.next(SessionKit.text(sid, "after the removal"));
      SessionKit.drain(tab1);
      SessionKit.drain(tab2);
      assertTrue(tab1.received(SessionKit.text(sid, "after the removal")).isEmpty());
      assertTrue(tab2.received(SessionKit.text(sid, "after the removal")).isEmpty());
      JsonObject refused = tab1.send(sid, "r-1", "still here?");
      assertEquals("error", refused.getString("type"));
      assertEquals("forbidden", refused.getString("code"));
    }
    JsonObject remove = kit.lastSystem(nat, sid);
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
    String sid = kit.group(quo, "perms", "public");
    http.join(ria, sid);
    http.join(sam, sid);
    http.join(tia, sid);

    assertEquals(403, kit.remove(sam, sid, tia).status());
    Response promoted = kit.setRole(quo, sid, ria, "admin");
    assertEquals(200, promoted.status(), promoted.text());
    assertEquals("admin", kit.listed(ria, sid).getString("role"));
    JsonObject role = kit.lastSystem(quo, sid);
    assertEquals("role", role.getString("action"));
    assertEquals("admin", role.getString("role"));

    assertEquals(403, kit.remove(ria, sid, quo).status());
    assertEquals(200, kit.remove(ria, sid, sam).status());
    assertEquals(404, kit.remove(ria, sid, sam).status());
    assertEquals(200, kit.remove(quo, sid, ria).status());
    JsonArray members = kit.info(quo, sid).getJsonArray("members");
    assertEquals(2, members.size());
  }

  @Test
  @DisplayName("Only the owner sets roles; making another member owner hands the group over")
  void roles() {
    User uma = http.newUser("Uma");
    User vic = http.newUser("Vic");
    User wes = http.newUser("Wes");
    String sid = kit.group(uma, "roles", "private");
    kit.invited(uma, sid, vic);
    kit.invited(uma, sid, wes);
    assertEquals(200, kit.setRole(uma, sid, vic, "admin").status());
    assertEquals(403, kit.setRole(vic, sid, wes, "admin").status());
    assertEquals(400, kit.setRole(uma, sid, wes, "king").status());
    assertEquals(400, kit.setRole(uma, sid, uma, "member").status());
    assertEquals(404, kit.setRole(uma, sid, http.newUser("Xan"), "admin").status());

    assertEquals(200, kit.setRole(uma, sid, wes, "owner").status());
    JsonObject info = kit.info(uma, sid);
    assertEquals(wes.uid(), info.getString("owner"));
    assertEquals("admin", kit.listed(uma, sid).getString("role"));
    assertEquals("owner", kit.listed(wes, sid).getString("role"));
  }

  @Test
  @DisplayName("When the owner leaves, the longest-standing admin becomes owner, else the longest-standing member")
  void ownershipPassesOn() {
    User yan = http.newUser("Yan");
    User zed = http.newUser("Zed");
    User abe = http.newUser("Abe");
    String sid = kit.group(yan, "heirs", "public");
    http.join(zed, sid);
    http.join(abe, sid);
    kit.setRole(yan, sid, abe, "admin");
    try (WsClient ws = server.ws(zed.token())) {
      assertEquals(200, kit.leave(yan, sid).status());
      JsonObject event = ws.next(f -> SessionKit.sessionEvent(sid, "role").test(f) && "owner".equals(f.getString("role")));
      assertEquals(abe.uid(), event.getString("uid"));
    }
    assertEquals(abe.uid(), kit.info(zed, sid).getString("owner"));
    assertEquals("owner", kit.listed(abe, sid).getString("role"));
    assertEquals(abe.uid(), kit.lastSystem(zed, sid).getString("owner"));

    assertEquals(200, kit.leave(abe, sid).status());
    assertEquals(zed.uid(), kit.info(zed, sid).getString("owner"));
    assertEquals("owner", kit.listed(zed, sid).getString("role"));
  }

  @Test
  @DisplayName("A group everyone left has no owner until someone joins it")
  void lastOneOut() {
    User bea = http.newUser("Bea");
    User cal = http.newUser("Cal");
    String sid = kit.group(bea, "empty", "public");
    assertEquals(200, kit.leave(bea, sid).status());
    assertNull(kit.info(cal, sid).getString("owner"));
    http.join(cal, sid);
    assertEquals(cal.uid(), kit.info(cal, sid).getString("owner"));
    assertEquals("owner", kit.listed(cal, sid).getString("role"));
  }

  @Test
  @DisplayName("A private pair can't be left or have members removed (400)")
  void pairsAreFixed() {
    User dee = http.newUser("Dee");
    User eli = http.newUser("Eli");
    String pair = kit.createPrivate(dee, eli.uid()).json().getString("sid");
    assertEquals(400, kit.leave(dee, pair).status());
    assertEquals(400, kit.remove(dee, pair, eli).status());
    assertEquals(2, kit.info(eli, pair).getJsonArray("members").size());
  }
}
