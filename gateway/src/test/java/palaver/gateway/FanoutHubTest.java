package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Field;
import palaver.testing.Await;

/** The hub's delivery loop on a real Vert.x event bus. */
class FanoutHubTest {
  private static final String ADDRESS = "fanout.test";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  /** A listener that records what it gets. */
  private static final class Recorder implements FanoutHub.Listener {
    final List<JsonObject> got = new CopyOnWriteArrayList<>();

    @Override
    public void onFanout(String address, JsonObject body, String encoded) {
      got.add(body);
    }
  }

  /** A connection whose socket throws on every write, as one mid-close does. */
  private static final class ClosingSocket implements FanoutHub.Listener {
    @Override
    public void onFanout(String address, JsonObject body, String encoded) {
      throw new IllegalStateException("WebSocket is closed");
    }
  }

  @Test
  @DisplayName("A fan-out frame reaches every other listener when the first one's socket throws")
  void throwingListenerDoesNotStopTheOthers() {
    FanoutHub hub = new FanoutHub(vertx);
    Recorder before = new Recorder();
    Recorder after = new Recorder();
    Await.result(hub.join(ADDRESS, before));
    Await.result(hub.join(ADDRESS, new ClosingSocket()));
    Await.result(hub.join(ADDRESS, after));
    JsonObject frame = new JsonObject().put(Field.TYPE, "typing");

    vertx.eventBus().publish(ADDRESS, frame);

    Await.until("both other listeners got the frame", 5_000, () -> before.got.size() == 1 && after.got.size() == 1);
    assertEquals(List.of(frame), after.got);
  }
}
