package palaver.example;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example of integrating with Palaver over the event bus: a bot that
 * listens to one session's fan-out and answers {@code !echo <text>} by
 * posting {@code <text>} into the session as its own user.
 *
 * <p>Deploy it into the Palaver cluster (or the standalone JVM) with the
 * configuration {@code {"uid": "<the bot's user id>", "sid": "<session id>"}};
 * the bot's user must be a member of the session. The cid of each answer is
 * derived from the message it answers, so a redelivered or replayed message
 * is never answered twice: Palaver stores one message per (uid, cid).
 *
 * <p>This file is compiled and run by {@code ExampleVerticleTest}; the docs
 * link to it rather than copying it.
 */
public class EchoBotVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EchoBotVerticle.class);
  private static final String SEND = "palaver.message.send";
  private static final String FANOUT_SESSION = "palaver.fanout.session.";
  private static final String COMMAND = "!echo ";

  private String uid;
  private String sid;

  @Override
  public Future<?> start() {
    uid = config().getString("uid");
    sid = config().getString("sid");
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(FANOUT_SESSION + sid, this::onFrame);
    return consumer.completion();
  }

  /** Every frame the session's members see; only others' text messages starting with the command matter. */
  private void onFrame(Message<JsonObject> delivery) {
    JsonObject frame = delivery.body();
    String content = frame.getValue("content") instanceof String s ? s : "";
    if (!"message".equals(frame.getString("type")) || !"text".equals(frame.getString("msgType"))
        || uid.equals(frame.getString("uid")) || !content.startsWith(COMMAND)) {
      return;
    }
    JsonObject send = new JsonObject()
        .put("uid", uid)
        .put("sid", sid)
        .put("cid", "echo:" + frame.getString("id"))
        .put("msgType", "text")
        .put("content", content.substring(COMMAND.length()));
    vertx.eventBus().<JsonObject>request(SEND, send, new DeliveryOptions().setSendTimeout(5_000))
        .onFailure(t -> LOG.warn("echo bot could not answer (code {}): {}",
            t instanceof ReplyException re ? re.failureCode() : -1, t.getMessage()));
  }
}
