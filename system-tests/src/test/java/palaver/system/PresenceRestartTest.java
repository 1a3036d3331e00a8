package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Store;
import palaver.system.Http.User;
import palaver.testing.Await;

/**
 * When the whole deployment stopped uncleanly, the store still shows some
 * users present though no gateway holds them. Its own server, because the
 * check runs a fixed time after user-service starts.
 */
@DisplayName("Presence left over from before a restart is corrected")
class PresenceRestartTest extends OneNodeTest {

  @Test
  @DisplayName("A user the store still shows online, held by no gateway, is announced offline to friends within 30 s")
  void staleOnlineIsCorrected() {
    User alice = http.newUser("Alice");
    User bob = http.newUser("Bob");
    PresenceTest.makeFriends(http, alice, bob);
    // What a crash of every node at once leaves behind.
    MongoClient mongo = Store.client(server.node().vertx(), server.node().config());
    Await.result(mongo.updateCollection("users", new JsonObject().put("_id", alice.uid()),
        new JsonObject().put("$set", new JsonObject().put("shown", "online"))));
    try (WsClient bobWs = server.ws(bob)) {
      JsonObject offline = bobWs.next(f -> "presence".equals(f.getString("event"))
          && alice.uid().equals(f.getString("uid")), 30_000);
      assertEquals("offline", offline.getString("state"));
      try (WsClient aliceWs = server.ws(alice)) {
        assertEquals("online", PresenceTest.nextPresence(bobWs, alice.uid()).getString("state"));
      }
    }
  }
}
