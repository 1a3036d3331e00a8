package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;

/**
 * Two clustered Vert.x nodes in this JVM (Hazelcast TCP-IP on 127.0.0.1):
 * node A runs user-service, session-service and a gateway; node B runs
 * message-service and a second gateway. Every send crosses the cluster.
 */
@DisplayName("Two clustered nodes with the services split across them")
class ClusterTest {
  private static EmbeddedStore store;
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() {
    store = TestServer.newStore();
    TestCluster cluster = new TestCluster(2);
    a = cluster.start(0, store, "user-service", "session-service", "gateway");
    b = cluster.start(1, store, "message-service", "gateway");
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
    store.close();
  }

  @Test
  @DisplayName("A request from node B is answered by user-service on node A")
  void requestReplyAcrossNodes() {
    User u = b.http().newUser("Remote");
    JsonObject profile = b.bus().request(Address.USER_GET,
        new JsonObject().put("uid", u.uid()));
    assertEquals("Remote", profile.getString("nickname"));
  }

  @Test
  @DisplayName("Failure codes cross the cluster intact (409 conflict, 403 forbidden)")
  void failureCodesAcrossNodes() {
    User u = a.http().newUser("Dup");
    Http.Response again = b.http().post("/users", null, new JsonObject().put("login", u.login())
        .put("password", "plover-kettle-41").put("nickname", "Dup"));
    assertEquals(409, again.status());
    assertEquals("conflict", again.errorCode());

    String sid = a.http().newGroup(u, "closed");
    User stranger = a.http().newUser("Stranger");
    Throwable failure = b.bus().failure(Address.MESSAGE_SEND, BusClient.text(stranger, sid, "x", "hi"));
    assertTrue(failure instanceof ReplyException);
    assertEquals(403, ((ReplyException) failure).failureCode());
  }

  @Test
  @DisplayName("A message sent through gateway A reaches a member connected to gateway B")
  void fanoutAcrossNodes() {
    User alice = a.http().newUser("Alice");
    User bob = b.http().newUser("Bob");
    String sid = a.http().newGroup(alice, "across");
    b.http().join(bob, sid);
    try (WsClient wa = a.ws(alice); WsClient wb = b.ws(bob)) {
      JsonObject ack = wa.send(sid, "x-1", "over the cluster");
      JsonObject got = wb.next(f -> "message".equals(f.getString("type")) && "text".equals(f.getString("msgType")));
      assertEquals("over the cluster", got.getString("content"));
      assertEquals(ack.getLong("seq"), got.getLong("seq"));
      JsonObject own = wa.next(f -> "message".equals(f.getString("type")) && "text".equals(f.getString("msgType")));
      assertEquals(ack.getString("id"), own.getString("id"));
    }
  }

  @Test
  @DisplayName("A token issued through one gateway works on the other")
  void tokenWorksOnEveryGateway() {
    User u = a.http().newUser("Roamer");
    Http.Response me = b.http().get("/users/me", u.token());
    assertEquals(200, me.status());
    assertEquals(u.uid(), me.json().getString("uid"));
  }
}
