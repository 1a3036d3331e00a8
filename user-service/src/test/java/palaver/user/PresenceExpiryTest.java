package palaver.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.testing.Await;
import palaver.testing.ServiceUnderTest;
import palaver.user.Users.Account;

/** A gateway that stops heartbeating, with the expiry shortened from 20 s so the test need not wait. */
class PresenceExpiryTest {
  private static ServiceUnderTest sut;

  @BeforeAll
  static void start() {
    sut = Users.start(Users.sessionService(), () -> new UserVerticle(new Presence.Expiry(300, 50)));
  }

  @AfterAll
  static void stop() {
    sut.close();
  }

  @Test
  @DisplayName("The users of a gateway not heard from within the expiry are announced offline")
  void deadGatewayUsersGoOffline() {
    Account alice = Users.create(sut, "Alice");
    List<JsonObject> inSession = sut.listen(Address.fanoutSession(Users.sessionOf(alice.uid())));
    sut.vertx().eventBus().publish(Address.USER_PRESENCE_REPORT,
        new JsonObject().put(Field.NODE, "gw-dead").put(Field.UID, alice.uid()).put(Field.ONLINE, true));
    Await.until("alice online, then offline", Users.PUBLISH_WAIT_MS, () -> states(inSession).size() >= 2);
    assertEquals(List.of("online", Presence.OFFLINE), states(inSession));
  }

  private static List<String> states(List<JsonObject> events) {
    return events.stream().filter(e -> Field.PRESENCE.equals(e.getString(Field.EVENT)))
        .map(e -> e.getString(Field.STATE)).toList();
  }
}
