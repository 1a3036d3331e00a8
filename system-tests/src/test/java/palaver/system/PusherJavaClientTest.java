package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pusher.client.Pusher;
import com.pusher.client.PusherOptions;
import com.pusher.client.channel.PresenceChannelEventListener;
import com.pusher.client.channel.PrivateChannelEventListener;
import com.pusher.client.channel.PusherEvent;
import com.pusher.client.channel.User;
import com.pusher.client.connection.ConnectionEventListener;
import com.pusher.client.connection.ConnectionState;
import com.pusher.client.connection.ConnectionStateChange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.runtime.Signatures;

/**
 * The official pusher-java-client (2.4.4, protocol 5, unmodified) against a
 * real Palaver node: it connects, subscribes to public, private and presence
 * channels (its ChannelAuthorizer signs with the app secret, as an app's auth
 * endpoint would) and gets their events. Events are published on the
 * channel's fan-out address, as the HTTP API does.
 */
@DisplayName("pusher-java-client against Palaver's Pusher endpoint")
class PusherJavaClientTest {
  private static final String APP = "java-app";
  private static final String KEY = "java-key";
  private static final String SECRET = "java-secret-0123456789abcdef012345678";
  private static final long WAIT_SECONDS = 15;
  private static TestServer server;
  private Pusher pusher;
  private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
  private final BlockingQueue<PusherEvent> events = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() {
    server = TestServer.standalone(new JsonObject().put("apps", new JsonArray().add(new JsonObject()
        .put("id", APP).put("key", KEY).put("secret", SECRET))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void disconnect() {
    if (pusher != null) {
      pusher.disconnect();
    }
  }

  /** What the app's auth endpoint answers: presence channels get channel_data for {@code userId}. */
  private static String authorize(String channel, String socketId, String userId) {
    if (channel.startsWith("presence-")) {
      String channelData = new JsonObject().put("user_id", userId).put("user_info", new JsonObject().put("name", userId))
          .encode();
      return new JsonObject().put("auth", KEY + ":" + Signatures.hmacSha256Hex(SECRET,
          socketId + ":" + channel + ":" + channelData)).put("channel_data", channelData).encode();
    }
    return new JsonObject().put("auth", KEY + ":" + Signatures.hmacSha256Hex(SECRET, socketId + ":" + channel)).encode();
  }

  private Pusher connected(String userId) {
    return connected(new PusherOptions().setChannelAuthorizer((channel, socketId) -> authorize(channel, socketId, userId)));
  }

  private Pusher connected(PusherOptions options) {
    options.setHost("127.0.0.1").setWsPort(server.httpPort()).setUseTLS(false);
    Pusher client = new Pusher(KEY, options);
    client.connect(new ConnectionEventListener() {
      @Override
      public void onConnectionStateChange(ConnectionStateChange change) {
        log.add("state:" + change.getCurrentState());
      }

      @Override
      public void onError(String message, String code, Exception e) {
        log.add("error:" + code + ":" + message);
      }
    }, ConnectionState.ALL);
    expect("state:CONNECTED");
    return client;
  }

  /** Waits for {@code line} in the log, skipping others. */
  private void expect(String line) {
    long deadline = System.currentTimeMillis() + WAIT_SECONDS * 1000;
    StringBuilder seen = new StringBuilder();
    while (System.currentTimeMillis() < deadline) {
      try {
        String next = log.poll(100, TimeUnit.MILLISECONDS);
        if (line.equals(next)) {
          return;
        }
        if (next != null) {
          seen.append(next).append('\n');
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no " + line + "; saw:\n" + seen);
  }

  private PusherEvent nextEvent() {
    try {
      PusherEvent event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(event, "no event reached the client; log: " + log);
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void publish(String channel, String event, String data) {
    server.node().vertx().eventBus().publish(Address.fanoutChannel(APP, channel),
        new JsonObject().put("event", event).put("channel", channel).put("data", data));
  }

  /** A listener for every kind of channel, writing to the log and the events queue. */
  private final class Listener implements PresenceChannelEventListener {
    @Override
    public void onSubscriptionSucceeded(String channel) {
      log.add("subscribed:" + channel);
    }

    @Override
    public void onAuthenticationFailure(String message, Exception e) {
      log.add("auth_failure:" + message);
    }

    @Override
    public void onEvent(PusherEvent event) {
      events.add(event);
    }

    @Override
    public void onUsersInformationReceived(String channel, Set<User> users) {
      log.add("users:" + channel + ":" + users.stream().map(User::getId).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Override
    public void userSubscribed(String channel, User user) {
      log.add("user_added:" + user.getId());
    }

    @Override
    public void userUnsubscribed(String channel, User user) {
      log.add("user_removed:" + user.getId());
    }
  }

  @Test
  @DisplayName("pusher-java-client connects with protocol 5 and gets a digits.digits socket id")
  void connects() {
    pusher = connected("ann");
    assertTrue(pusher.getConnection().getSocketId().matches("\\d+\\.\\d+"), pusher.getConnection().getSocketId());
  }

  @Test
  @DisplayName("An event on a public channel reaches pusher-java-client with its data as sent")
  void publicEvent() {
    pusher = connected("ann");
    pusher.subscribe("news", new Listener(), "headline");
    expect("subscribed:news");
    publish("news", "headline", "{\"title\":\"hello\"}");
    PusherEvent event = nextEvent();
    assertEquals("headline", event.getEventName());
    assertEquals("{\"title\":\"hello\"}", event.getData());
  }

  @Test
  @DisplayName("A private channel authorized by the client's ChannelAuthorizer subscribes and gets its events")
  void privateChannel() {
    pusher = connected("ann");
    PrivateChannelEventListener listener = new Listener();
    pusher.subscribePrivate("private-room", listener, "secret");
    expect("subscribed:private-room");
    publish("private-room", "secret", "{\"n\":1}");
    assertEquals("{\"n\":1}", nextEvent().getData());
  }

  @Test
  @DisplayName("A presence channel gives pusher-java-client its members and member_added")
  void presence() {
    pusher = connected("ann");
    pusher.subscribePresence("presence-lobby", new Listener(), "noop");
    expect("users:presence-lobby:[ann]");
    publish("presence-lobby", "pusher_internal:member_added", "{\"user_id\":\"bob\",\"user_info\":{}}");
    expect("user_added:bob");
  }

  @Test
  @DisplayName("A refused signin reaches pusher-java-client's error listener as code 4009")
  void refusedSignin() {
    pusher = connected(new PusherOptions().setUserAuthenticator(socketId -> new JsonObject()
        .put("auth", KEY + ":" + "0".repeat(64)).put("user_data", "{\"id\":\"ann\"}").encode()));
    pusher.signin();
    expect("error:4009:Invalid signin");
  }
}
