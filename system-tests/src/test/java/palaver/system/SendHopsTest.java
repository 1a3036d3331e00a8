package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.system.Http.User;

/**
 * What a send costs the bus of a standalone node, counted as the deliveries
 * its consumers receive (each one a copy of the JSON body by Vert.x's codec;
 * docs/performance.md finding 8 measures what they cost).
 */
@DisplayName("Bus hops of a send on a standalone node")
class SendHopsTest extends OneNodeTest {
  private static final String REPLY = "(reply)";

  @Test
  @DisplayName("A warm text send is three local deliveries: the request, its ack, and one fan-out publish however many sockets listen")
  void threeHopsPerSend() throws Exception {
    server.users("Alice", "Bob");
    User alice = server.user("Alice");
    User bob = server.user("Bob");
    String sid = server.group("hops", alice, bob);
    Map<String, Integer> hops = new TreeMap<>();
    Handler<DeliveryContext<Object>> counter = ctx -> {
      String address = ctx.message().address();
      // Only this session's traffic: background heartbeats and sweeps name no sid.
      boolean ours = address.contains(sid)
          || ctx.message().body() instanceof JsonObject body && sid.equals(body.getString(Field.SID));
      if (ours) {
        synchronized (hops) {
          hops.merge(address.startsWith("__vertx.reply") ? REPLY : address, 1, Integer::sum);
        }
      }
      ctx.next();
    };
    EventBus bus = server.node().vertx().eventBus();
    try (WsClient a1 = server.ws(alice); WsClient a2 = server.ws(alice); WsClient b1 = server.ws(bob);
        WsClient b2 = server.ws(bob)) {
      bus.addInboundInterceptor(counter);
      untilMembershipIsCached(a1, sid, hops);
      int sends = 20;
      for (int i = 0; i < sends; i++) {
        a1.send(sid, "hop-" + i, "hop " + i);
      }
      synchronized (hops) {
        assertEquals(Map.of(Address.MESSAGE_SEND, sends, REPLY, sends, Address.fanoutSession(sid), sends), hops,
            "if a hop was added or removed on purpose, docs/performance.md finding 8 counts them too");
      }
    } finally {
      bus.removeInboundInterceptor(counter);
    }
  }

  /**
   * Message-service asks session-service afresh for a couple of seconds after a membership change
   * (MemberChecks.SETTLE_MS); warm sends until one asks nothing, then counting starts from zero.
   */
  private static void untilMembershipIsCached(WsClient ws, String sid, Map<String, Integer> hops) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    for (int i = 0; ; i++) {
      synchronized (hops) {
        hops.clear();
      }
      ws.send(sid, "warm-" + i, "warm " + i);
      synchronized (hops) {
        if (!hops.containsKey(Address.SESSION_CHECK_MEMBER) || System.currentTimeMillis() > deadline) {
          hops.clear();
          return;
        }
      }
      Thread.sleep(250);
    }
  }
}
